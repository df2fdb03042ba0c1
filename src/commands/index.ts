// Every command, registered on the program. Each command module defines its flags and help
// (light) and imports anything heavy only when it runs.
//
// Only the command that runs is registered in full: the others are listed as the top-level help
// shows them, from their catalog entry (name, arguments, description, whether they have flags),
// which their registration uses too. Building every flag of every command with commander was most
// of --help's start-up after Node's own.
//
// This module imports every command module, for the program built in-process (tests); the CLI
// bundle uses commands/lazy-index.ts instead (scripts/build.mjs), which loads only the module of
// the command that runs, so that the others' imports (the kinds, js-yaml, the printers) are
// never evaluated. Both register through registerListed.
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';
import { CATALOG } from './catalog.ts';
import { registerListed } from './listing.ts';
import { registerCreate } from './create.ts';
import { registerReplace } from './replace.ts';
import { registerApply } from './apply.ts';
import { registerDelete } from './delete.ts';
import { registerGet } from './get.ts';
import { registerValidate } from './validate.ts';
import { registerKubeInject } from './kube-inject.ts';
import { registerConvert } from './convert.ts';
import { registerServe } from './serve.ts';
import { registerVersion } from './version.ts';
import { registerCompletion } from './completion.ts';

const REGISTER: Record<string, (program: Command, io: IO) => void> = {
  create: registerCreate,
  replace: registerReplace,
  apply: registerApply,
  delete: registerDelete,
  get: registerGet,
  validate: registerValidate,
  'kube-inject': registerKubeInject,
  convert: registerConvert,
  serve: registerServe,
  version: registerVersion,
  completion: registerCompletion,
};

/** Loads what registerCommands needs for `only` (here: everything is loaded already). */
export async function prepareCommands(_only?: string): Promise<void> {}

/**
 * Registers the commands: all in full (`only` undefined), or `only` in full and the others as
 * listed (`''`: every command listed, for --help or an unknown command).
 */
export function registerCommands(program: Command, io: IO, only?: string): void {
  registerListed(program, io, only, (name) => REGISTER[name]!);
}

export { CATALOG };
