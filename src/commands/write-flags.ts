// The flags of the writing commands (and delete): --dry-run, --concurrency, --request-timeout,
// -f. Parsed and checked without I/O.

import { Option, type Command } from 'commander';
import { requestTimeoutProblem } from '../cluster/duration.ts';
import { UsageError } from '../core/errors.ts';

// 32: over HTTP/2 these are streams of one connection; at a 10 ms round trip 16 of them left a
// 2,000-object create waiting on the network (2.1-2.4 s, against 1.3-1.6 s with 32; bench/create.mjs),
// and a real kube-apiserver allows 250 streams per connection and 200 writes in flight by default.
export const DEFAULT_CONCURRENCY = 32;

export type DryRun = 'none' | 'client' | 'server';

export function parseDryRun(value: string | boolean | undefined): DryRun {
  if (value === undefined || value === false || value === 'none') return 'none';
  if (value === true || value === 'client') return 'client';
  if (value === 'server') return 'server';
  throw new UsageError(`invalid --dry-run value "${value}": use none, client or server`);
}

export function checkConcurrency(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--concurrency must be between 1 and 256, got ${n}`);
}

export function checkRequestTimeout(v: string | undefined): void {
  const problem = v === undefined ? undefined : requestTimeoutProblem(v);
  if (problem) throw new UsageError(`invalid --request-timeout "${v}": ${problem}`);
}

/** The options every writing command takes. */
export function addWriteOptions(cmd: Command, verb: string): Command {
  return cmd
    .option('-f, --filename <file>', `file, directory or - (standard input) with the objects to ${verb}; may be repeated`, (v: string, p: string[] = []) => [...p, v])
    .addOption(new Option('--dry-run [strategy]', 'client: print what would be sent; server: send with dryRun=All (nothing stored)').preset('client'))
    .option('--concurrency <n>', CONCURRENCY_HELP, parseConcurrency);
}

export const CONCURRENCY_HELP = `requests in flight at most (default ${DEFAULT_CONCURRENCY})`;

/** --concurrency's argument parser (the range is checked by checkConcurrency). */
export function parseConcurrency(v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`invalid value "${v}" for --concurrency: not a positive integer`);
  return Number(v);
}

