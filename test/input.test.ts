// The input edge: file names, oversized documents, where output may go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/run.ts';
import { tempDir } from './helpers/tmp.ts';

test('-f with an empty name is a usage error, not the current directory', async () => {
  for (const cmd of ['validate', 'kube-inject', 'create']) {
    const r = await runCli([cmd, '-f', '']);
    assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, /^error: -f needs a file name, a directory or - \(got an empty string\)\nUsage: egressctl /);
    assert.equal(r.stdout, '');
  }
});

test('a document over 64 MiB is refused with its place, not read to exhaustion', async () => {
  const huge = 'kind: EgressRule\nmetadata: {name: a}\n---\nx: "' + 'a'.repeat(65 << 20) + '"\n';
  for (const cmd of ['validate', 'kube-inject']) {
    const r = await runCli([cmd, '-f', '-'], { stdin: huge });
    assert.equal(r.code, 1, cmd);
    assert.match(r.stderr, /^error: <stdin>: document 2 \(line 4\): a document larger than 64 MiB; refused$/m, cmd);
    assert.equal(r.stdout.includes('aaaa'), false);
  }
});

test('kube-inject -o onto a directory or into a missing one: a message naming it, and no file left', async () => {
  const dir = tempDir('egressctl-out-');
  let r = await runCli(['kube-inject', '-f', 'fixtures/samples/sleep-istio-0.2.yaml', '-o', dir]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `error: -o ${dir}: is a directory\n`);
  assert.deepEqual(readdirSync(dir), []);
  const missing = join(dir, 'no-such-dir', 'out.yaml');
  r = await runCli(['kube-inject', '-f', 'fixtures/samples/sleep-istio-0.2.yaml', '-o', missing]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `error: -o ${missing}: cannot write: no such directory\n`);
});

test('symbolic links that lead nowhere or loop, and unreadable paths: said in words, never Node\'s raw text', async () => {
  const dir = tempDir('egressctl-links-');
  symlinkSync('nowhere.yaml', join(dir, 'dangling.yaml'));
  symlinkSync('loop-b', join(dir, 'loop-a'));
  symlinkSync('loop-a', join(dir, 'loop-b'));
  for (const cmd of ['validate', 'kube-inject', 'create']) {
    const d = await runCli([cmd, '-f', 'dangling.yaml'], { cwd: dir });
    assert.equal(d.code, 1, cmd);
    assert.equal(d.stderr, 'error: dangling.yaml: the path "dangling.yaml" is a symbolic link to "nowhere.yaml", which does not exist\n');
    const l = await runCli([cmd, '-f', 'loop-a'], { cwd: dir });
    assert.equal(l.code, 1, cmd);
    assert.equal(l.stderr, 'error: loop-a: the path "loop-a" is a symbolic link that loops (too many levels of symbolic links)\n');
  }
  // A link into a directory reads the directory's files, like the directory itself.
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'a.yaml'), readFileSync('fixtures/seed/wikipedia-rules.yaml'));
  symlinkSync('rules', join(dir, 'rules-link'));
  const ok = await runCli(['validate', '-f', 'rules-link'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^5 objects checked/);
  // A read error (here EIO on /proc/self/mem) is worded, without the errno code and syscall.
  if (existsSync('/proc/self/mem')) {
    const r = await runCli(['validate', '-f', '/proc/self/mem']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: \/proc\/self\/mem: cannot read: [a-z/ ]+\n$/);
    assert.doesNotMatch(r.stderr, /E[A-Z]{2,}|syscall|, read/);
  }
});
