// How the CLI behaves as a process: a reader that goes away, its code cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.ts';

test('output piped into head: no stack trace, exit 0', (t) => {
  if (spawnSync('bash', ['-c', 'true']).status !== 0) return t.skip('bash is not installed');
  // ~3 MB of output, far more than a pipe holds once head has gone.
  const sample = readFileSync('fixtures/samples/sleep-istio-0.2.yaml', 'utf8');
  const file = join(tempDir('egressctl-epipe-'), 'many.yaml');
  writeFileSync(file, Array(1500).fill(sample.trimEnd() + '\n').join('---\n'));
  const r = spawnSync('bash', ['-c', `node bin/egressctl.js kube-inject -f '${file}' | head -1; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at /, r.stderr);
  assert.match(r.stdout, /^# /);
  assert.match(r.stdout, /status=0\n$/);
});

test('the code cache is kept under an existing HOME, and a missing HOME is never created', () => {
  const home = tempDir('egressctl-home-');
  let r = spawnSync(process.execPath, ['bin/egressctl.js', 'version'], { encoding: 'utf8', env: { ...process.env, HOME: home, XDG_CACHE_HOME: '', EGRESSCTL_CACHE_DIR: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(readdirSync(join(home, '.cache', 'egressctl')).some((f) => f.endsWith('-version.v8cache')));
  const missing = join(home, 'no-such-home');
  r = spawnSync(process.execPath, ['bin/egressctl.js', 'version'], { encoding: 'utf8', env: { ...process.env, HOME: missing, XDG_CACHE_HOME: '', EGRESSCTL_CACHE_DIR: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'egressctl version 0.1.0\n');
  assert.equal(existsSync(missing), false);
});
