// Every command, registered on the program. Each command module defines its flags and help
// (light) and imports anything heavy only when it runs.
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';
import { registerClusterCommands } from './cluster.ts';
import { registerValidate } from './validate.ts';
import { registerKubeInject } from './kube-inject.ts';
import { registerConvert } from './convert.ts';
import { registerServe } from './serve.ts';
import { registerVersion } from './version.ts';
import { registerCompletion } from './completion.ts';

export function registerCommands(program: Command, io: IO): void {
  registerClusterCommands(program, io);
  registerValidate(program, io);
  registerKubeInject(program, io);
  registerConvert(program, io);
  registerServe(program, io);
  registerVersion(program, io);
  registerCompletion(program, io);
}
