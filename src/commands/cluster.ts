// Registers create, replace, apply, delete and get: the commands that talk to the cluster. Each
// lives in its own module; none of them imports the cluster client statically (it loads
// @kubernetes/client-node), so --help stays fast.
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';
import { registerCreate } from './create.ts';
import { registerReplace } from './replace.ts';
import { registerApply } from './apply.ts';
import { registerDelete } from './delete.ts';
import { registerGet } from './get.ts';

export function registerClusterCommands(program: Command, io: IO): void {
  registerCreate(program, io);
  registerReplace(program, io);
  registerApply(program, io);
  registerDelete(program, io);
  registerGet(program, io);
}
