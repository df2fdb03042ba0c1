// kubectl's flag conventions (pflag): flags on either side of the verb, short flags with `=`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buildProgram } from '../src/cli.ts';
import { normalizeArgv } from '../src/cli-args.ts';
import { ROOT, egressctl } from './helpers/server.ts';
import { forEachServer } from './helpers/cluster.ts';

const SEED_FILE = join(ROOT, 'fixtures/seed/wikipedia-rules.yaml');
const SLEEP = join(ROOT, 'fixtures/samples/sleep-istio-0.2.yaml');

function program() {
  return buildProgram({ stdin: Readable.from([]), stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: process.cwd() });
}

test('global flags before the verb move after it; short flags with = are split', () => {
  const p = program();
  const n = (...a: string[]) => normalizeArgv(p, a);
  assert.deepEqual(n('-n', 'default', 'get', 'egressrules'), ['get', '-n', 'default', 'egressrules']);
  assert.deepEqual(n('--namespace=kube-system', '--context', 'c', '--no-color', 'get', 'egressrules'), ['get', '--namespace', 'kube-system', '--context', 'c', '--no-color', 'egressrules']);
  assert.deepEqual(n('--verbosity=6', '-c', 'k.yaml', 'delete', 'egressrule', 'x'), ['delete', '-v', '6', '-c', 'k.yaml', 'egressrule', 'x']);
  assert.deepEqual(n('get', 'egressrules', '-o=name', '-n=default', '-l=app=web'), ['get', 'egressrules', '-o', 'name', '-n', 'default', '-l', 'app=web']);
  assert.deepEqual(n('get', 'egressrules', '-A=true'), ['get', 'egressrules', '-A']);
  assert.deepEqual(n('get', 'egressrules', '-A=false'), ['get', 'egressrules']);
  assert.deepEqual(n('kube-inject', '-f=in.yaml', '-o=out.yaml', '-v=3'), ['kube-inject', '-f', 'in.yaml', '-o', 'out.yaml', '-v', '3']);
  // After --, nothing is touched; an unknown short flag is left for commander to refuse.
  assert.deepEqual(n('get', 'egressrules', '--', '-o=name'), ['get', 'egressrules', '--', '-o=name']);
  assert.deepEqual(n('get', 'egressrules', '-z=1'), ['get', 'egressrules', '-z=1']);
  assert.deepEqual(n('--help'), ['--help']);
});

forEachServer('end to end', (server) => {
  test('create -o=name, -n before the verb, get -l=KEY=VALUE', async () => {
    const c = await server.egressctl(['-n', 'default', 'create', '-f=' + SEED_FILE, '-o=name']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.split('\n')[0], 'egressrule.config.istio.io/wikipedia-range1');
    const g = await server.egressctl(['--namespace=default', 'get', 'egressrules', '-o=name']);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(g.stdout.trim().split('\n').length, 5);
    const l = await server.egressctl(['get', 'egressrules', '-l=app=none', '-n=default']);
    assert.equal(l.code, 0, l.stderr);
    assert.equal(l.stderr, 'No resources found.\n');
  });
});

test('kube-inject -o=out.yaml writes out.yaml, not "=out.yaml"', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'egressctl-args-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await egressctl(['kube-inject', `-f=${SLEEP}`, '-o=out.yaml', '--includeIPRanges=10.0.0.1/24'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir), ['out.yaml']);
  assert.match(readFileSync(join(dir, 'out.yaml'), 'utf8'), /istio-init/);
  assert.equal(existsSync(join(dir, '=out.yaml')), false);
});
