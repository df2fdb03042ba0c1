// Registers egressctl validate (issue 2). Being written; registers nothing yet.
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';

export function registerValidate(_program: Command, _io: IO): void {}
