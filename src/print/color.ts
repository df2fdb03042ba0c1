// Colour, in one place: on only when the stream is a terminal, NO_COLOR is unset or empty (the
// no-color.org convention: only a non-empty value turns colour off) and --no-color was not given. chalk lives only here.
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

export function makeColors(enabled: boolean): Colors {
  const c = new Chalk({ level: enabled ? 1 : 0 });
  return { error: c.red, warn: c.yellow, ok: c.green, dim: c.dim, bold: c.bold };
}
