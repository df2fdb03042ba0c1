// How the CLI behaves as a process: a reader that goes away, a slow reader on a non-blocking pipe,
// its code cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
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

test('a slow reader on a non-blocking pipe gets all of the output (the writer waits for it to drain)', async (t) => {
  if (spawnSync('python3', ['-c', 'pass']).status !== 0) return t.skip('python3 is not installed (it makes the pipe non-blocking here)');
  // ~2 MB of output: the pipe (64 KiB) fills, write(2) says EAGAIN, and the rest must wait for 'drain'.
  const sample = readFileSync('fixtures/samples/sleep-istio-0.2.yaml', 'utf8');
  const file = join(tempDir('egressctl-drain-'), 'many.yaml');
  writeFileSync(file, Array(1000).fill(sample.trimEnd() + '\n').join('---\n'));
  const args = ['bin/egressctl.js', 'kube-inject', '-f', file];
  const expected = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(expected.status, 0, expected.stderr);
  // As a parent that shares its own non-blocking stdout would leave it (a Node parent with stdio 'inherit').
  const child = spawn('python3', ['-c', 'import os, sys; os.set_blocking(1, False); os.execv(sys.argv[1], sys.argv[1:])', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pause();
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  await new Promise((r) => setTimeout(r, 1500));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c)).resume();
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 0, stderr);
  assert.equal(out.length, expected.stdout.length);
  assert.equal(out, expected.stdout);
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
