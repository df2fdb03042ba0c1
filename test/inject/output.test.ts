// kube-inject -o PATH writes to what PATH is: a regular file (or a link to one) is replaced
// atomically keeping its mode and the link; a device, FIFO or /dev/stdout is written to, never
// replaced, and gets nothing when the stream fails; a directory is refused. (It used to rename a
// temporary file over any PATH: as root, -o /dev/null turned /dev/null into a regular file.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { egressctl, ROOT } from '../helpers/server.ts';
import { tempDir } from '../helpers/tmp.ts';

const SLEEP = join(ROOT, 'fixtures/samples/sleep-istio-0.2.yaml');
const BROKEN = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\nkind: [unclosed\n';
const dir = tempDir('egressctl-out-');
after(() => rmSync(dir, { recursive: true, force: true }));

const inject = (out: string, input?: string) => egressctl(['kube-inject', '-f', input === undefined ? SLEEP : '-', '-o', out, '--includeIPRanges=10.0.0.0/24'], { input, cwd: dir });

test('a regular file: replaced with the output, its mode kept; nothing left beside it', async () => {
  const f = join(dir, 'private.yaml');
  writeFileSync(f, 'old\n');
  chmodSync(f, 0o600);
  const r = await inject(f);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(f, 'utf8'), /istio-init/);
  assert.equal(statSync(f).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.tmp')), []);
  // A failing stream leaves the file as it was.
  const bad = await inject(f, BROKEN);
  assert.equal(bad.code, 1);
  assert.match(readFileSync(f, 'utf8'), /istio-init/);
});

test('a symbolic link: its target is written, the link stays a link (also a link to a file not there yet)', async () => {
  const target = join(dir, 'real.yaml');
  writeFileSync(target, 'old\n');
  chmodSync(target, 0o640);
  symlinkSync('real.yaml', join(dir, 'link.yaml'));
  const r = await inject('link.yaml');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(lstatSync(join(dir, 'link.yaml')).isSymbolicLink());
  assert.equal(readlinkSync(join(dir, 'link.yaml')), 'real.yaml');
  assert.match(readFileSync(target, 'utf8'), /istio-init/);
  assert.equal(statSync(target).mode & 0o777, 0o640);
  symlinkSync('later.yaml', join(dir, 'dangling.yaml'));
  const d = await inject('dangling.yaml');
  assert.equal(d.code, 0, d.stderr);
  assert.ok(lstatSync(join(dir, 'dangling.yaml')).isSymbolicLink());
  assert.match(readFileSync(join(dir, 'later.yaml'), 'utf8'), /istio-init/);
});

test('/dev/null stays a character device; /dev/stdout is the process\'s standard output', async () => {
  const r = await inject('/dev/null');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(statSync('/dev/null').isCharacterDevice(), '/dev/null was replaced');
  assert.equal(r.stdout, '');
  const s = await inject('/dev/stdout');
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /istio-init/);
  assert.ok(lstatSync('/dev/stdout').isSymbolicLink());
  const bad = await inject('/dev/stdout', BROKEN);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '', 'nothing reaches the device when the stream fails');
});

test('a FIFO is written to (a reader gets the output) and stays a FIFO; a failed stream sends nothing', { skip: spawnSync('mkfifo', ['--version']).status !== 0 ? 'mkfifo is not available' : false }, async () => {
  const fifo = join(dir, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const read = () =>
    new Promise<string>((resolvePromise) => {
      const cat = spawn('cat', [fifo]);
      let out = '';
      cat.stdout.on('data', (c) => (out += c));
      cat.on('close', () => resolvePromise(out));
    });
  const reading = read();
  const r = await inject(fifo);
  assert.equal(r.code, 0, r.stderr);
  assert.match(await reading, /istio-init/);
  assert.ok(statSync(fifo).isFIFO());
  // On failure the FIFO is never opened: a reader started now would wait forever, so check that
  // the command ends without one.
  const bad = await inject(fifo, BROKEN);
  assert.equal(bad.code, 1);
  assert.ok(statSync(fifo).isFIFO());
});

test('a directory is refused before any work; a missing directory is named', async () => {
  const r = await inject(dir);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `error: -o ${dir}: is a directory\n`);
  const m = await inject(join(dir, 'nope', 'x.yaml'));
  assert.equal(m.code, 1);
  assert.match(m.stderr, /cannot write: no such directory\n$/);
  assert.equal(existsSync(join(dir, 'nope')), false);
});
