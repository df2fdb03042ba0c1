// Colour, in one place: on only when the stream is a terminal, NO_COLOR is unset or empty (the
// no-color.org convention: only a non-empty value turns colour off) and --no-color was not given.
//
// The styles are chalk's (a dependency chosen with the user), always given its level here: the CLI
// bundle replaces chalk's terminal probe (supports-color) with "no colour" (scripts/build.mjs), so
// that loading chalk does not load tty and os. Loading chalk sets up all its styles (~1 ms), so it
// is loaded only when colour is on (standard error a terminal, no NO_COLOR, no --no-color): main()
// calls prepareColors() before a command runs.
import type { ChalkInstance } from 'chalk';

let Chalk: (new (options: { level: 1 }) => ChalkInstance) | undefined;

/** Loads chalk when colour is on (colorEnabled for standard error); makeColors(true) needs it. */
export async function prepareColors(enabled: boolean): Promise<void> {
  if (Chalk === undefined && enabled) Chalk = (await import('chalk')).Chalk;
}

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
  if (!Chalk) throw new Error('internal error: colour before prepareColors()');
  const c = new Chalk({ level: 1 });
  return { error: c.red, warn: c.yellow, ok: c.green, dim: c.dim, bold: c.bold };
}
