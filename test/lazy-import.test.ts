// The cluster client (@kubernetes/client-node, ~1 MB, most of a second to load) must not be loaded
// by --help, validate or kube-inject, nor by cluster commands with plain token credentials. The CLI
// bundle holds none of it (dist/meta.json lists the bundle's sources); it lives in
// dist/kube-client.cjs, and the built CLI runs under a require tracer to see who loads that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/tmp.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const seed = join(root, 'fixtures/seed/wikipedia-rules.yaml');
const CLIENT = /kube-client\.cjs|@kubernetes\/client-node/;

function kubeconfig(dir: string, user: string): string {
  const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: ${user}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
  return path;
}

function trace(args: string[], kubeconfigPath: string): { loaded: boolean; modules: string[]; code: number | null; stdout: string; stderr: string } {
  const dir = tempDir('egressctl-trace-');
  const file = join(dir, 'trace.txt');
  writeFileSync(file, '');
  const r = spawnSync(process.execPath, ['--require', join(root, 'test/helpers/trace-requires.cjs'), join(root, 'bin/egressctl.js'), ...args], {
    cwd: root,
    env: { ...process.env, EGRESSCTL_TRACE_REQUIRES: file, KUBECONFIG: kubeconfigPath, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const modules = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return { loaded: modules.some((m) => CLIENT.test(m)), modules, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the CLI bundle holds no client-node code', () => {
  const inputs: string[] = JSON.parse(readFileSync(join(root, 'dist/meta.json'), 'utf8'));
  assert.ok(inputs.some((i) => i.includes('src/cli.ts')), 'meta.json lists the bundle sources');
  assert.deepEqual(inputs.filter((i) => i.includes('@kubernetes/client-node')), []);
});

test('--help, validate, kube-inject and token-authenticated cluster commands do not load the cluster client', () => {
  const dir = tempDir('egressctl-trace-');
  const token = kubeconfig(dir, '{token: abc}');
  // Each command really ran (its exit code and output), and its modules were traced.
  const cases: Array<[string[], number, RegExp]> = [
    [['--help'], 0, /^Usage: egressctl <command>/],
    [['validate', '--help'], 0, /^Usage: egressctl validate/],
    [['validate', '-f', seed], 0, /^5 objects checked: 0 errors, 0 warnings\n$/],
    [['kube-inject', '--help'], 0, /^Usage: egressctl kube-inject/],
    [['kube-inject', '-f', join(root, 'fixtures/samples/sleep-istio-0.2.yaml')], 0, /name: istio-proxy/],
    [['convert', '-f', seed], 0, /kind: ServiceEntry/],
    [['version'], 0, /^egressctl version /],
    [['get', 'egressrules', '--request-timeout', '1s'], 1, /^$/],
  ];
  for (const [args, code, stdout] of cases) {
    const r = trace(args, token);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, stdout, args.join(' '));
    assert.ok(r.modules.length > 0, 'the tracer recorded the modules');
    assert.equal(r.loaded, false, `${args.join(' ')} loaded the cluster client:\n${r.modules.join('\n')}`);
  }
});

test('control: an exec-plugin credential does load it (the detector works)', () => {
  const dir = tempDir('egressctl-trace-');
  const exec = kubeconfig(dir, '{exec: {apiVersion: client.authentication.k8s.io/v1, command: "false"}}');
  const r = trace(['get', 'egressrules', '--request-timeout', '1s'], exec);
  assert.equal(r.loaded, true, r.modules.join('\n'));
});

test('a command with a bundle of its own runs from it (its code cache is named after that bundle); a flag value that looks like another command falls back to the whole CLI', () => {
  const cache = join(tempDir('egressctl-bundles-'), 'cache');
  const run = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/egressctl.js'), ...args], { cwd: root, env: { ...process.env, EGRESSCTL_CACHE_DIR: cache, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  const size = (f: string) => statSync(join(root, 'dist', f)).size;
  const validate = run(['validate', '-f', seed]);
  assert.equal(validate.status, 0, validate.stderr);
  assert.equal(validate.stdout, '5 objects checked: 0 errors, 0 warnings\n');
  const cached = readdirSync(cache);
  assert.deepEqual(cached.filter((f) => f.endsWith('-validate.v8cache')).map((f) => Number(f.split('-')[2])), [size('cli-validate.cjs')], cached.join(', '));
  assert.ok(size('cli-validate.cjs') < size('cli.cjs') / 2, 'the validate bundle holds much less than the whole CLI');
  // `-n get validate ...`: the launcher's guess (get) is not the command that runs (validate).
  const other = run(['-n', 'get', 'validate', '-f', seed]);
  assert.equal(other.status, 0, other.stderr);
  assert.equal(other.stdout, '5 objects checked: 0 errors, 0 warnings\n');
  assert.equal(other.stderr, '');
  // The whole CLI ran it without a cache of its own (it would replace get's).
  assert.deepEqual(readdirSync(cache).filter((f) => f.endsWith('-get.v8cache')), []);
});
