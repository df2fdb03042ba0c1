// Colour, in one place: on only when the stream is a terminal, NO_COLOR is unset or empty (the
// no-color.org convention: only a non-empty value turns colour off) and --no-color was not given.
//
// The five styles egressctl uses, written as chalk 5 writes one style at its level 1 (16 colours):
// the open and close codes around the text; a close code of the same style inside the text
// re-opens it after; each line break closes and re-opens it, so that no colour bleeds into a
// prefix added to the next line. chalk itself cost every command ~0.7 ms of start-up (its
// colour-support probe and style tables), for what these few lines do.

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

function style(openCode: number, closeCode: number): (s: string) => string {
  const open = `\u001B[${openCode}m`;
  const close = `\u001B[${closeCode}m`;
  return (input: string) => {
    let s = String(input);
    if (!s) return s;
    if (s.includes('\u001B')) s = s.split(close).join(close + open);
    if (s.includes('\n')) s = s.replace(/\r?\n/g, (lf) => close + lf + open);
    return open + s + close;
  };
}

const plain = (s: string) => String(s);

export function makeColors(enabled: boolean): Colors {
  if (!enabled) return { error: plain, warn: plain, ok: plain, dim: plain, bold: plain };
  return { error: style(31, 39), warn: style(33, 39), ok: style(32, 39), dim: style(2, 22), bold: style(1, 22) };
}
