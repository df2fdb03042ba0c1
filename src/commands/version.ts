import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';
import type { CommandInfo } from './common.ts';
import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

/** The command as the top-level help lists it (commands/index.ts lists it so without registering it). */
export const VERSION_COMMAND: CommandInfo = { name: 'version', description: 'print the egressctl version', flags: false };

export function registerVersion(program: Command, io: IO): void {
  program
    .command(VERSION_COMMAND.name)
    .description(VERSION_COMMAND.description)
    .action(() => {
      io.stdout.write(`egressctl version ${VERSION}\n`);
    });
}
