// A reader that goes away early (`| head`) ends egressctl quietly: no EPIPE stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('output piped into head: no stack trace, exit 0', (t) => {
  if (spawnSync('bash', ['-c', 'true']).status !== 0) return t.skip('bash is not installed');
  // ~3 MB of output, far more than a pipe holds once head has gone.
  const sample = readFileSync('fixtures/samples/sleep-istio-0.2.yaml', 'utf8');
  const file = join(mkdtempSync(join(tmpdir(), 'egressctl-epipe-')), 'many.yaml');
  writeFileSync(file, Array(1500).fill(sample.trimEnd() + '\n').join('---\n'));
  const r = spawnSync('bash', ['-c', `node bin/egressctl.js kube-inject -f '${file}' | head -1; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at /, r.stderr);
  assert.match(r.stdout, /^# /);
  assert.match(r.stdout, /status=0\n$/);
});
