// The bad-input corpus (fixtures/bad-input/) and how a refusal must look.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from './run.ts';

export interface Expected { message: string; yaml: boolean; document?: number; item?: number; line?: number; args?: string[] }
export const BAD_INPUT_DIR = 'fixtures/bad-input';
export const expected: Record<string, Expected> = JSON.parse(readFileSync(join(BAD_INPUT_DIR, 'expected.json'), 'utf8'));

export function assertRefused(file: string, e: Expected, r: RunResult, what: string): void {
  const path = join(BAD_INPUT_DIR, file);
  assert.equal(r.code, 1, `${what} ${file}: exit ${r.code}\n${r.stderr}`);
  let prefix = `error: ${path}: `;
  if (e.document !== undefined) {
    prefix += `document ${e.document}`;
    if (e.item !== undefined) prefix += ` item ${e.item}`;
    if (e.line !== undefined) prefix += ` (line ${e.line}`;
  } else if (e.line !== undefined) {
    prefix = `error: ${path}:${e.line}: `;
  }
  const lines = r.stderr.split('\n');
  assert.ok(lines.some((l) => l.startsWith(prefix) && l.includes(e.message)), `${what} ${file}: want "${prefix}...${e.message}", got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, `${what} ${file}: stack trace`);
  assert.doesNotMatch(r.stderr, /internal error/, `${what} ${file}: internal error`);
}
