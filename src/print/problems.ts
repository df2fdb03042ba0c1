// How problems and warnings with a place are printed: `error: rules.yaml: document 3 (line 17): ...`.
import type { Writable } from 'node:stream';
import { formatProblem, type Problem } from '../core/errors.ts';
import type { Colors } from './color.ts';
import { escapeControl } from './escape.ts';

export function printProblems(out: Writable, colors: Colors, level: 'error' | 'warning', problems: readonly Problem[]): void {
  const tag = level === 'error' ? colors.error('error:') : colors.warn('warning:');
  for (const p of problems) out.write(`${tag} ${escapeControl(formatProblem(p))}\n`);
}
