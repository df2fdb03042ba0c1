// Every error becomes text here, and only here: cli.ts prints what ends a command, and the batch
// runner prints what one object met (as it happens, in input order). Wording of cluster errors is
// kubectl's (cluster/errors.ts); control characters quoted from input are escaped.

import { describeError, isClusterError, KubeconfigError, wantsErrorPrefix } from '../cluster/errors.ts';
import { CommandError, InputError, UsageError, formatProblem } from '../core/errors.ts';
import type { Colors } from './color.ts';
import { escapeControl } from './escape.ts';

/** The lines (without newlines) that say an error, each with kubectl's `error: ` prefix or not. */
export function errorLines(e: unknown): Array<{ text: string; prefixed: boolean }> {
  if (e instanceof InputError) return e.problems.map((p) => ({ text: formatProblem(p), prefixed: true }));
  if (e instanceof UsageError || e instanceof CommandError || e instanceof KubeconfigError) return [{ text: e.message, prefixed: true }];
  if (isClusterError(e)) return [{ text: describeError(e), prefixed: wantsErrorPrefix(e) }];
  const error = e as Error;
  return [{ text: `internal error: ${error?.message ?? String(e)}`, prefixed: true }];
}

/** The error as printed on stderr: `error: ...` lines, escaped and coloured. */
export function formatError(e: unknown, colors: Colors): string {
  return errorLines(e)
    .map(({ text, prefixed }) => `${prefixed ? `${colors.error('error:')} ` : ''}${escapeControl(text)}\n`)
    .join('');
}

/** One line about one object of a batch that met `e`: a server error names the object itself; a lost connection does not. */
export function objectErrorLine(name: string, verb: string, e: unknown, colors: Colors): string {
  if (isClusterError(e) && e.name === 'ConnectionError') return `${colors.error('error:')} ${escapeControl(`${name}: not ${verb}: ${describeError(e)}`)}\n`;
  return formatError(e, colors);
}

/** A write whose answer was lost and could not be checked. */
export function unknownOutcomeLine(name: string, verb: string, lostAnswer: string, colors: Colors): string {
  return `${colors.error('error:')} ${escapeControl(`${name}: unknown, ${lostAnswer}; it may have been ${verb}`)}\n`;
}
