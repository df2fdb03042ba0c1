import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';
import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

export function registerVersion(program: Command, io: IO): void {
  program
    .command('version')
    .description('print the egressctl version')
    .action(() => {
      io.stdout.write(`egressctl version ${VERSION}\n`);
    });
}
