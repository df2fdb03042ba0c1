// Colour, in one place: on only when the stream is a terminal, NO_COLOR is unset or empty (the
// no-color.org convention: only a non-empty value turns colour off) and --no-color was not given.
//
// The styles are chalk's (a dependency chosen with the user), always given its level here: the CLI
// bundle replaces chalk's terminal probe (supports-color) with "no colour" (scripts/build.mjs), so
// that loading chalk does not load tty and os. chalk costs ~0.7 ms of start-up; kept, since
// start-up is within its target with it (README, Benchmarks).
import { Chalk } from 'chalk';

export interface Colors {
  error(s: string): string;
  warn(s: string): string;
  ok(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function colorEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined>, flag: boolean): boolean {
  return flag && !!stream.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}

const plain = (s: string) => String(s);

export function makeColors(enabled: boolean): Colors {
  if (!enabled) return { error: plain, warn: plain, ok: plain, dim: plain, bold: plain };
  const c = new Chalk({ level: 1 });
  return { error: c.red, warn: c.yellow, ok: c.green, dim: c.dim, bold: c.bold };
}
