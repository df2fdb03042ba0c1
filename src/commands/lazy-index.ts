// commands/index.ts for the CLI bundle (scripts/build.mjs puts it in index.ts's place): the module
// of a command is loaded (a dynamic import, which the bundle evaluates on demand) only when that
// command runs, or for completion, which describes them all.
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';
import { CATALOG } from './catalog.ts';
import { registerListed } from './listing.ts';

const loaded = new Map<string, (program: Command, io: IO) => void>();

/** Loads the module of `only` (every module when undefined) before registerCommands. */
export async function prepareCommands(only?: string): Promise<void> {
  await Promise.all(CATALOG.filter((c) => only === undefined || c.name === only).map(async (c) => loaded.set(c.name, await c.load())));
}

export function registerCommands(program: Command, io: IO, only?: string): void {
  registerListed(program, io, only, (name) => {
    const register = loaded.get(name);
    if (!register) throw new Error(`internal error: the command ${name} is registered before prepareCommands loaded it`);
    return register;
  });
}

export { CATALOG };
