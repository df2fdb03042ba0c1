// End to end: the built CLI (npm run build first) spawned as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures, root } from './helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const bin = join(root, 'bin/egressctl.js');
const sleep = join(root, 'fixtures/samples/sleep-istio-0.2.yaml');

function cli(args: string[], opts: { input?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? root, input: opts.input ?? '', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('seed 002: kube-inject -f sleep.yaml --includeIPRanges=10.0.0.1/24 prints the golden output, the warning on stderr only', () => {
  const r = cli(['kube-inject', '-f', sleep, '--includeIPRanges=10.0.0.1/24']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(join(fixtures, 'sleep-minikube.yaml.injected'), 'utf8'));
  assert.match(r.stderr, /^Warning: --includeIPRanges: 10\.0\.0\.1\/24 has host bits set; it stands for the network 10\.0\.0\.0\/24\n$/);
});

test('-f - reads standard input', () => {
  const r = cli(['kube-inject', '-f', '-', '--includeIPRanges', '172.30.0.0/16,172.20.0.0/16'], { input: readFileSync(sleep, 'utf8') });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(join(fixtures, 'sleep-bluemix.yaml.injected'), 'utf8'));
  assert.equal(r.stderr, '');
});

test('no -f is a usage error (exit 2) with the original\'s message and the usage line', () => {
  const r = cli(['kube-inject']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /error: filename not specified \(see --filename or -f\)\nUsage: egressctl kube-inject /);
  assert.equal(r.stdout, '');
});

test('flag values are checked: --imagePullPolicy, --coreDump, --verbosity (exit 2)', () => {
  for (const args of [['--imagePullPolicy=Sometimes'], ['--coreDump=maybe'], ['--verbosity=loud']]) {
    const r = cli(['kube-inject', '-f', sleep, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('invalid ranges: exit 1, every bad item named, nothing on stdout', () => {
  const r = cli(['kube-inject', '-f', sleep, '--includeIPRanges=10.0.0.0/24, 10.0.0/16,300.1.1.1/8', '--excludeIPRanges=10.0.0.0/33']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /error: --includeIPRanges: 10\.0\.0\/16 is not a valid CIDR block/);
  assert.match(r.stderr, /error: --includeIPRanges: 300\.1\.1\.1\/8 is not a valid CIDR block/);
  assert.match(r.stderr, /error: --excludeIPRanges: 10\.0\.0\.0\/33 is not a valid CIDR block/);
});

test('-o writes the file atomically; on an invalid range or a broken document no file is left', () => {
  const dir = tempDir('egressctl-inject-');
  const out = join(dir, 'out.yaml');
  let r = cli(['kube-inject', '-f', sleep, '--includeIPRanges=10.4.0.0/14,10.7.240.0/20', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(fixtures, 'sleep-gke.yaml.injected'), 'utf8'));

  const out2 = join(dir, 'bad.yaml');
  r = cli(['kube-inject', '-f', sleep, '--includeIPRanges=10.4.0.0/144', '-o', out2]);
  assert.equal(r.code, 1);
  assert.ok(!existsSync(out2));

  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, readFileSync(sleep, 'utf8') + 'kind: Deployment\nmetadata: {name: x\n');
  r = cli(['kube-inject', '-f', broken, '-o', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /broken\.yaml: document 3 \(line \d+(, column \d+)?\): YAML syntax error/);
  // The earlier good output is untouched, and no temporary file is left behind.
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(fixtures, 'sleep-gke.yaml.injected'), 'utf8'));
  assert.deepEqual(readdirSync(dir).sort(), ['broken.yaml', 'out.yaml']);
});

test('a broken document on stdout: nothing is written at all, exit 1', () => {
  const text = 'kind: Service\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: [\n---\nkind: Service\nmetadata: {name: c}\n';
  const r = cli(['kube-inject', '-f', '-'], { input: text });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /<stdin>: document 2/);
});

test('past 1 MiB, stdout streams document by document; a later error says exactly what was written', () => {
  // ~2.5 MB of ConfigMaps, copied byte for byte.
  const doc = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata: {v: "${'x'.repeat(200)}"}\n`;
  const docs = Array.from({ length: 10_000 }, (_, i) => doc(i));
  const env = { ...process.env, NO_COLOR: '1' };
  const ok = spawnSync(process.execPath, [bin, 'kube-inject', '-f', '-'], { input: docs.join('---\n'), encoding: 'utf8', maxBuffer: 1 << 26, env });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, docs.join('---\n') + '---\n');
  const bad = spawnSync(process.execPath, [bin, 'kube-inject', '-f', '-'], { input: docs.join('---\n') + '---\nkind: [\n', encoding: 'utf8', maxBuffer: 1 << 26, env });
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, docs.join('---\n'), 'the 10,000 good documents, and nothing of the bad one');
  assert.match(bad.stderr, /^error: <stdin>: document 10001 \(line 50002, column 1\): YAML syntax error/m);
  assert.match(bad.stderr, /^error: <stdout>: the stream passed 1 MiB before the error, so its first 10000 documents were already written to standard output; nothing after them was \(use -o FILE for all or nothing\)$/m);
  // The same stream with -o: all or nothing.
  const dir = tempDir('egressctl-inject-');
  const out = join(dir, 'out.yaml');
  const r = spawnSync(process.execPath, [bin, 'kube-inject', '-f', '-', '-o', out], { input: docs.join('---\n') + '---\nkind: [\n', encoding: 'utf8', env });
  assert.equal(r.status, 1);
  assert.deepEqual(readdirSync(dir), []);
});

test('an input with no objects is an error', () => {
  const r = cli(['kube-inject', '-f', '-'], { input: '# nothing\n---\n' });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'error: <stdin>: no objects passed to kube-inject\n');
});

test('skips are warnings on stderr naming the object and the reason; the stream on stdout stays pipeable', () => {
  const r = cli(['kube-inject', '-f', join(fixtures, 'skip-namespaces.yaml')]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /Warning: .*skip-namespaces\.yaml: document 1 \(line 2\): Deployment\/kube-system\/kube-dns: not injected: namespace kube-system is never injected/);
  assert.doesNotMatch(r.stdout, /Warning/);
});

test('a missing input file and a missing mesh config file are errors (exit 1)', () => {
  let r = cli(['kube-inject', '-f', 'no-such.yaml']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no-such\.yaml: the path "no-such\.yaml" does not exist/);
  r = cli(['kube-inject', '-f', sleep, '--meshConfigFile', 'no-such-mesh.yaml']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no-such-mesh\.yaml: cannot read the mesh config: no such file/);
  assert.equal(r.stdout, '');
});

test('help shows the seed\'s examples', () => {
  const r = cli(['kube-inject', '--help']);
  assert.equal(r.code, 0);
  for (const s of ['--includeIPRanges=10.0.0.1/24', '172.30.0.0/16,172.20.0.0/16', '10.4.0.0/14,10.7.240.0/20', '--excludeIPRanges', '--meshConfigMapName', '-i, --istioNamespace']) {
    assert.ok(r.stdout.includes(s), s);
  }
});
