// --kubeconfig-out FILE where FILE already holds other clusters (a user's ~/.kube/config): serve
// merges its cluster, user and context in, as `kind` does (the other entries kept, ours replaced
// by name, current-context ours), and never loses the others; a file that is not a kubeconfig is
// refused before anything listens, and left as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { spawnSync } from 'node:child_process';
import { kubectlSkipReason } from '../helpers/server.ts';
import { serveRefusal, spawnServe } from './serve-process.ts';
import { mergeKubeconfig } from '../../src/server/kubeconfig.ts';

const PROD = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example.com:6443
- name: egressctl-local
  cluster:
    server: https://127.0.0.1:1
users:
- name: prod-admin
  user:
    token: prod-secret
- name: egressctl-local
  user:
    token: stale
contexts:
- name: prod
  context:
    cluster: prod
    user: prod-admin
    namespace: payments
- name: egressctl-local
  context:
    cluster: egressctl-local
    user: egressctl-local
current-context: prod
preferences: {}
extensions:
- name: kept
  extension: {a: 1}
`;

test('--kubeconfig-out on an existing kubeconfig: ours merged in, every other entry kept, current-context ours', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'egressctl-kc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config');
  writeFileSync(file, PROD, { mode: 0o644 });
  const s = await spawnServe([], { kubeconfig: file });
  t.after(() => s.stop());
  const kc = yaml.load(readFileSync(file, 'utf8')) as any;
  assert.deepEqual(kc.clusters.map((c: any) => c.name), ['prod', 'egressctl-local']);
  assert.deepEqual(kc.users.map((c: any) => c.name), ['prod-admin', 'egressctl-local']);
  assert.deepEqual(kc.contexts.map((c: any) => c.name), ['prod', 'egressctl-local']);
  assert.deepEqual(kc.clusters[0], { name: 'prod', cluster: { server: 'https://prod.example.com:6443' } });
  assert.deepEqual(kc.users[0], { name: 'prod-admin', user: { token: 'prod-secret' } });
  assert.deepEqual(kc.contexts[0], { name: 'prod', context: { cluster: 'prod', user: 'prod-admin', namespace: 'payments' } });
  assert.deepEqual(kc.extensions, [{ name: 'kept', extension: { a: 1 } }]);
  assert.equal(kc['current-context'], 'egressctl-local');
  assert.equal(kc.clusters[1].cluster.server, s.url);
  assert.notEqual(kc.users[1].user.token, 'stale');
  assert.deepEqual(kc.contexts[1].context, { cluster: 'egressctl-local', user: 'egressctl-local', namespace: 'default' });
  // It holds tokens: 0600 whatever it was.
  assert.equal(statSync(file).mode & 0o777, 0o600);
  // kubectl, as a user runs it: the current context is ours, the others still there.
  if (!kubectlSkipReason()) {
    const env = { ...process.env, HOME: dir };
    const cache = ['--cache-dir', join(dir, 'cache')];
    const ns = spawnSync('kubectl', ['--kubeconfig', file, ...cache, 'get', 'namespace', 'default', '-o', 'name'], { encoding: 'utf8', env });
    assert.equal(ns.stdout, 'namespace/default\n', ns.stderr);
    const ctx = spawnSync('kubectl', ['--kubeconfig', file, 'config', 'get-contexts', '-o', 'name'], { encoding: 'utf8', env });
    assert.equal(ctx.stdout, 'egressctl-local\nprod\n', ctx.stderr);
  }
});

test('--kubeconfig-out through a symbolic link: the file it points to is updated, the link stays', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'egressctl-kc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'real-config'), PROD);
  symlinkSync('real-config', join(dir, 'config'));
  const s = await spawnServe([], { kubeconfig: join(dir, 'config') });
  t.after(() => s.stop());
  const kc = yaml.load(readFileSync(join(dir, 'real-config'), 'utf8')) as any;
  assert.deepEqual(kc.contexts.map((c: any) => c.name), ['prod', 'egressctl-local']);
  assert.ok(statSync(join(dir, 'config'), { throwIfNoEntry: true }) && readFileSync(join(dir, 'config'), 'utf8') === readFileSync(join(dir, 'real-config'), 'utf8'));
});

for (const [what, text] of [
  ['not YAML', 'clusters: [\n'],
  ['YAML but not a kubeconfig', '- just\n- a list\n'],
  ['a kubeconfig whose clusters is not a list', 'apiVersion: v1\nkind: Config\nclusters: {prod: 1}\n'],
] as const) {
  test(`--kubeconfig-out on a file that is ${what}: refused before listening, the file unchanged`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'egressctl-kc-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'config');
    writeFileSync(file, text);
    const r = await serveRefusal(['--kubeconfig-out', file]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^error: --kubeconfig-out ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*not overwritten`));
    assert.equal(readFileSync(file, 'utf8'), text);
  });
}

test('mergeKubeconfig: an empty file is a fresh kubeconfig; ours only once', () => {
  const ours = { server: 'https://127.0.0.1:5', token: 't' };
  const fresh = yaml.load(mergeKubeconfig('', ours)) as any;
  assert.deepEqual(fresh.contexts.map((c: any) => c.name), ['egressctl-local']);
  const twice = yaml.load(mergeKubeconfig(mergeKubeconfig(PROD, ours), { ...ours, token: 'u' })) as any;
  assert.deepEqual(twice.users.map((c: any) => [c.name, c.user.token]), [['prod-admin', 'prod-secret'], ['egressctl-local', 'u']]);
});
