import type { Command } from 'commander';
import { VERSION_COMMAND } from './catalog.ts';
import type { IO } from '../io/streams.ts';
import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

export function registerVersion(program: Command, io: IO): void {
  program
    .command(VERSION_COMMAND.name)
    .description(VERSION_COMMAND.description)
    .action(() => {
      io.stdout.write(`egressctl version ${VERSION}\n`);
    });
}
