// The bad-input corpus (fixtures/bad-input/): every command that reads input refuses every file
// with a clear message at its place, exit 1, and no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/run.ts';
import { BAD_INPUT_DIR as dir, expected, assertRefused } from './helpers/bad-input.ts';

test('the corpus has at least 60 inputs and every file has an entry (and every entry a file)', () => {
  const files = readdirSync(dir).filter((f) => f !== 'expected.json' && f !== 'README.md').sort();
  assert.ok(files.length >= 60, `${files.length} files`);
  assert.deepEqual(files, Object.keys(expected).sort());
});


for (const [file, e] of Object.entries(expected)) {
  test(`validate refuses ${file}`, async () => {
    const r = await runCli(['validate', '-f', join(dir, file), ...(e.args ?? [])]);
    assertRefused(file, e, r, 'validate');
  });
}
