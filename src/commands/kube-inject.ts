// Registers egressctl kube-inject (issue 5). Being written; registers nothing yet.
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';

export function registerKubeInject(_program: Command, _io: IO): void {}
