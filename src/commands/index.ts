// Every command, registered on the program. Each command module defines its flags and help
// (light) and imports anything heavy only when it runs.
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';
import { registerVersion } from './version.ts';

export function registerCommands(program: Command, io: IO): void {
  registerVersion(program, io);
}
