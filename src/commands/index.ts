// Every command, registered on the program. Each command module defines its flags and help
// (light) and imports anything heavy only when it runs.
//
// Only the command that runs is registered in full: the others are listed as the top-level help
// shows them (name, arguments, description, whether they have flags), from each module's
// CommandInfo, which its registration uses too. Building every flag of every command with
// commander was most of --help's start-up after Node's own.
import { Option, type Command } from 'commander';
import type { IO } from '../io/streams.ts';
import type { CommandInfo } from './common.ts';
import { CREATE, registerCreate } from './create.ts';
import { REPLACE, registerReplace } from './replace.ts';
import { APPLY, registerApply } from './apply.ts';
import { DELETE, registerDelete } from './delete.ts';
import { GET, registerGet } from './get.ts';
import { VALIDATE, registerValidate } from './validate.ts';
import { KUBE_INJECT, registerKubeInject } from './kube-inject.ts';
import { SERVE, registerServe } from './serve.ts';
import { VERSION_COMMAND, registerVersion } from './version.ts';
import { COMPLETION, registerCompletion } from './completion.ts';

export const COMMANDS: ReadonlyArray<{ info: CommandInfo; register(program: Command, io: IO): void }> = [
  { info: CREATE, register: registerCreate },
  { info: REPLACE, register: registerReplace },
  { info: APPLY, register: registerApply },
  { info: DELETE, register: registerDelete },
  { info: GET, register: registerGet },
  { info: VALIDATE, register: registerValidate },
  { info: KUBE_INJECT, register: registerKubeInject },
  { info: SERVE, register: registerServe },
  { info: VERSION_COMMAND, register: registerVersion },
  { info: COMPLETION, register: registerCompletion },
];

/**
 * Registers the commands: all in full (`only` undefined), or `only` in full and the others as
 * listed (`''`: every command listed, for --help or an unknown command).
 */
export function registerCommands(program: Command, io: IO, only?: string): void {
  for (const c of COMMANDS) {
    if (only === undefined || c.info.name === only) c.register(program, io);
    else listCommand(program, c.info);
  }
}

function listCommand(program: Command, info: CommandInfo): void {
  const cmd = program.command(info.name).description(info.description);
  if (info.args) cmd.argument(info.args);
  // Hidden, only so that the listing says `[options]` as it does for the command in full.
  if (info.flags) cmd.addOption(new Option('--listed-only').hideHelp());
}
