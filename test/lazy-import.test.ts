// The cluster client (@kubernetes/client-node, ~0.7 s to import) must not be loaded by --help,
// validate or kube-inject. The built CLI runs with an import tracer; every module it loaded is
// looked up in dist/meta.json (esbuild's record of the sources in each output file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const seed = join(root, 'fixtures/seed/wikipedia-rules.yaml');

function loadsClusterClient(args: string[]): { loaded: boolean; code: number | null; modules: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'egressctl-trace-'));
  const trace = join(dir, 'trace.txt');
  writeFileSync(trace, '');
  const kubeconfig = join(dir, 'kubeconfig');
  // An exec-plugin user: the credential path that needs client-node (static tokens do not).
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: "false"}}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
  const r = spawnSync(process.execPath, ['--import', join(root, 'test/helpers/trace-imports.mjs'), join(root, 'bin/egressctl.js'), ...args], {
    cwd: root,
    env: { ...process.env, EGRESSCTL_TRACE_IMPORTS: trace, KUBECONFIG: kubeconfig, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const modules = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  const meta: Record<string, string[]> = JSON.parse(readFileSync(join(root, 'dist/meta.json'), 'utf8'));
  const loaded = modules.some((u) => {
    if (u.includes('@kubernetes/client-node')) return true;
    if (!u.startsWith('file:')) return false;
    const rel = relative(join(root, 'dist'), fileURLToPath(u));
    return (meta[rel] ?? []).some((input) => input.includes('node_modules/@kubernetes/client-node/'));
  });
  return { loaded, code: r.status, modules };
}

test('--help, validate and kube-inject --help do not load the cluster client', () => {
  for (const args of [['--help'], ['validate', '--help'], ['validate', '-f', seed], ['kube-inject', '--help'], ['version']]) {
    const r = loadsClusterClient(args);
    assert.ok(r.modules.some((u) => u.includes('/dist/cli.js')), `traced ${args.join(' ')}`);
    assert.equal(r.loaded, false, `${args.join(' ')} loaded the cluster client:\n${r.modules.join('\n')}`);
  }
});

test('control: a cluster command does load it (the detector works)', () => {
  const r = loadsClusterClient(['get', 'egressrules', '--request-timeout', '1s']);
  assert.equal(r.loaded, true, r.modules.join('\n'));
});
