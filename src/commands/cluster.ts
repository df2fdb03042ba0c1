// Registers create, replace, apply, delete and get (issue 4). Being written; registers nothing yet.
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';

export function registerClusterCommands(_program: Command, _io: IO): void {}
