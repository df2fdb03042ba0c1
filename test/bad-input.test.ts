// The bad-input corpus (fixtures/bad-input/): every command that reads input refuses every file
// with a clear message at its place, exit 1, and no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type RunResult } from './helpers/run.ts';

export interface Expected { message: string; yaml: boolean; document?: number; item?: number; line?: number; args?: string[] }
const dir = 'fixtures/bad-input';
const expected: Record<string, Expected> = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));

test('the corpus has at least 60 inputs and every file has an entry (and every entry a file)', () => {
  const files = readdirSync(dir).filter((f) => f !== 'expected.json' && f !== 'README.md').sort();
  assert.ok(files.length >= 60, `${files.length} files`);
  assert.deepEqual(files, Object.keys(expected).sort());
});

export function assertRefused(file: string, e: Expected, r: RunResult, what: string): void {
  const path = join(dir, file);
  assert.equal(r.code, 1, `${what} ${file}: exit ${r.code}\n${r.stderr}`);
  let prefix = `error: ${path}: `;
  if (e.document !== undefined) prefix += `document ${e.document}`;
  if (e.item !== undefined) prefix += ` item ${e.item}`;
  if (e.line !== undefined) prefix += ` (line ${e.line}`;
  const lines = r.stderr.split('\n');
  assert.ok(lines.some((l) => l.startsWith(prefix) && l.includes(e.message)), `${what} ${file}: want "${prefix}...${e.message}", got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, `${what} ${file}: stack trace`);
  assert.doesNotMatch(r.stderr, /internal error/, `${what} ${file}: internal error`);
}

for (const [file, e] of Object.entries(expected)) {
  test(`validate refuses ${file}`, async () => {
    const r = await runCli(['validate', '-f', join(dir, file), ...(e.args ?? [])]);
    assertRefused(file, e, r, 'validate');
  });
}
