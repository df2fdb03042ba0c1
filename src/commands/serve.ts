// Registers egressctl serve, the local Kubernetes-compatible API server (issue 3). Being written; registers nothing yet.
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';

export function registerServe(_program: Command, _io: IO): void {}
