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

// kube-inject refuses every file that is broken as YAML (the others are valid YAML that only
// EgressRule validation refuses, which kube-inject copies through), and writes nothing.
for (const [file, e] of Object.entries(expected).filter(([, e]) => e.yaml)) {
  test(`kube-inject refuses ${file}`, async () => {
    const r = await runCli(['kube-inject', '-f', join(dir, file), '--includeIPRanges=10.0.0.0/24']);
    assert.equal(r.stdout, '', `${file}: nothing on stdout`);
    if (e.message === 'no objects passed to') {
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `error: ${join(dir, file)}: no objects passed to kube-inject\n`);
      return;
    }
    assertRefused(file, e, r, 'kube-inject');
  });
}
