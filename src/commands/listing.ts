// Registration with the listing: the command that runs in full, the others from their catalog
// entry as the top-level help shows them (commands/index.ts).
import { Option, type Command } from 'commander';
import type { IO } from '../io/streams.ts';
import { CATALOG, type CommandInfo } from './catalog.ts';

export function registerListed(program: Command, io: IO, only: string | undefined, registration: (name: string) => (program: Command, io: IO) => void): void {
  // A command that runs needs none of the others: they are listed only where the listing can show
  // (top-level help, an unknown command and its suggestions), which is when `only` names none.
  const runs = only !== undefined && CATALOG.some((c) => c.name === only);
  for (const c of CATALOG) {
    if (only === undefined || c.name === only) registration(c.name)(program, io);
    else if (!runs) listCommand(program, c);
  }
}

function listCommand(program: Command, info: CommandInfo): void {
  const cmd = program.command(info.name).description(info.description);
  if (info.args) cmd.argument(info.args);
  // Hidden, only so that the listing says `[options]` as it does for the command in full.
  if (info.flags) cmd.addOption(new Option('--listed-only').hideHelp());
}
