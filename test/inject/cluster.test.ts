// --includeIPRanges=auto and --meshConfigMapName: end to end (the CLI over HTTPS) against each server of the
// run (serve makes its nodes from --pod-cidrs; on the real server, which has no nodes, the suite
// creates them through the API) and, for the paths a local server does not take, against a fake
// client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { egressctl } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';
import { discoverClusterRanges, readMeshConfigMap, type RequestClient } from '../../src/commands/kube-inject-cluster.ts';
import { root } from './helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const sleep = join(root, 'fixtures/samples/sleep-istio-0.2.yaml');

forEachServer('kube-inject --includeIPRanges=auto', (server) => {
  test('auto: the pod ranges of the nodes and the ServiceCIDR, printed on stderr and passed with -i', async () => {
    const r = await egressctl(['kube-inject', '-f', sleep, '--includeIPRanges=auto', '--kubeconfig', server.kubeconfig], { env: { NO_COLOR: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /pod ranges 10\.244\.0\.0\/23,10\.250\.0\.0\/24 \(from nodes' spec\.podCIDRs\); service ranges 10\.96\.0\.0\/12 \(from ServiceCIDR objects\)/);
    assert.match(r.stdout, /- "-i"\n\s+- 10\.244\.0\.0\/23,10\.250\.0\.0\/24,10\.96\.0\.0\/12\n/);

    // With an exclude, subtracted from what the cluster reported.
    const x = await egressctl(['kube-inject', '-f', sleep, '--includeIPRanges=auto', '--excludeIPRanges=10.250.0.0/24', '--kubeconfig', server.kubeconfig], { env: { NO_COLOR: '1' } });
    assert.equal(x.code, 0, x.stderr);
    assert.match(x.stdout, /- 10\.96\.0\.0\/12,10\.244\.0\.0\/23\n/);
  });
}, { podCidrs: '10.244.0.0/24,10.244.1.0/24,10.250.0.0/24', serve: { serviceCidr: '10.96.0.0/12' } });

forEachServer('kube-inject --meshConfigMapName', (server) => {
  test('--meshConfigMapName reads key mesh of the ConfigMap in -i/--istioNamespace; a missing one is an error', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'mesh-ns' }, data: { mesh: 'defaultConfig:\n  discoveryAddress: istio-pilot.mesh-ns:15003\n  drainDuration: 45s\n' } };
    await server.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mesh-ns' } } });
    const created = await server.request('POST', '/api/v1/namespaces/mesh-ns/configmaps', { body: cm });
    assert.ok(created.status < 300, created.body);
    const r = await egressctl(['kube-inject', '-f', sleep, '--meshConfigMapName', 'istio', '-i', 'mesh-ns', '--kubeconfig', server.kubeconfig], { env: { NO_COLOR: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /- istio-pilot\.mesh-ns:15003\n/);
    assert.match(r.stdout, /- "--drainDuration"\n\s+- 45s\n/);

    const missing = await egressctl(['kube-inject', '-f', sleep, '--meshConfigMapName', 'istio', '--kubeconfig', server.kubeconfig], { env: { NO_COLOR: '1' } });
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /configmap "istio" from namespace "istio-system": not found/);
  });
});

function fake(routes: Record<string, { status: number; body: any }>): RequestClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async request(method, path, opts) {
      calls.push(`${method} ${path}${opts?.query ? '?' + new URLSearchParams(opts.query) : ''}`);
      return routes[`${method} ${path}`] ?? { status: 404, body: { kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource' } };
    },
  };
}

test('auto without ServiceCIDR objects: the service range from the dry-run probe\'s error message', async () => {
  const c = fake({
    'GET /api/v1/nodes': { status: 200, body: { items: [{ spec: { podCIDR: '10.4.0.0/24' } }, { spec: { podCIDRs: ['10.4.1.0/24', 'fd00::/64'] } }], metadata: {} } },
    'POST /api/v1/namespaces/default/services': {
      status: 422,
      body: { kind: 'Status', reason: 'Invalid', message: 'Service "egressctl-service-range-probe" is invalid: spec.clusterIPs: Invalid value: []string{"0.0.0.0"}: failed to allocate IP 0.0.0.0: provided IP is not in the valid range. The range of valid IPs is 10.7.240.0/20' },
    },
  });
  const r = await discoverClusterRanges(c, 'default');
  assert.deepEqual(r.pods, ['10.4.0.0/23']);
  assert.deepEqual(r.services, ['10.7.240.0/20']);
  assert.match(r.serviceSource, /dry-run/);
  assert.ok(c.calls.includes('POST /api/v1/namespaces/default/services?dryRun=All'), c.calls.join('\n'));
});

test('auto fails clearly when the cluster does not tell', async () => {
  const noNodes = fake({ 'GET /api/v1/nodes': { status: 200, body: { items: [{ spec: {} }] } }, 'GET /apis/networking.k8s.io/v1/servicecidrs': { status: 200, body: { items: [{ spec: { cidrs: ['10.96.0.0/12'] } }] } } });
  await assert.rejects(discoverClusterRanges(noNodes, 'default'), /no node has spec\.podCIDRs.*give --includeIPRanges explicitly/);
  const forbidden = fake({ 'GET /api/v1/nodes': { status: 403, body: { kind: 'Status', reason: 'Forbidden', message: 'nodes is forbidden: User "dev" cannot list resource "nodes"' } } });
  await assert.rejects(discoverClusterRanges(forbidden, 'default'), /cannot list nodes for their pod ranges: \(Forbidden\) nodes is forbidden/);
  const noKey = fake({ 'GET /api/v1/namespaces/istio-system/configmaps/istio': { status: 200, body: { data: { other: 'x' } } } });
  await assert.rejects(readMeshConfigMap(noKey, 'istio-system', 'istio'), /missing configuration map key "mesh"/);
});

// That plain kube-inject never loads the cluster client is proven in test/lazy-import.test.ts.

test('auto with an unreachable cluster or no kubeconfig: kubectl\'s message, exit 1, nothing on stdout', () => {
  const dir = tempDir('egressctl-inject-kc-');
  const kc = join(dir, 'kubeconfig');
  writeFileSync(kc, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
  for (const [args, re] of [
    [['--kubeconfig', kc], /The connection to the server 127\.0\.0\.1:1 was refused/],
    [['--kubeconfig', join(dir, 'none')], /^error: the kubeconfig file ".*none" given with --kubeconfig does not exist\n$/],
  ] as Array<[string[], RegExp]>) {
    const r = spawnSync(process.execPath, [join(root, 'bin/egressctl.js'), 'kube-inject', '-f', sleep, '--includeIPRanges=auto', '--request-timeout=5s', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, re);
  }
});

test('auto: a server that repeats its continue token is an error, not an endless listing', async () => {
  const calls: string[] = [];
  const looping: RequestClient = {
    async request(method, path) {
      calls.push(`${method} ${path}`);
      // Ends after 100 pages, so that code without the check fails the test instead of hanging.
      const cont = calls.length < 100 ? 'x' : undefined;
      if (path === '/api/v1/nodes') return { status: 200, body: { items: [{ spec: { podCIDRs: ['10.244.0.0/24'] } }], metadata: { continue: cont } } };
      return { status: 404, body: {} };
    },
  };
  await assert.rejects(discoverClusterRanges(looping, 'default'), /cannot list nodes for their pod ranges: the server repeats its continue token/);
  assert.equal(calls.filter((c) => c === 'GET /api/v1/nodes').length, 2);
});

forEachServer('kube-inject and a wrong token', (server) => {
  test('a wrong token: kube-inject auto and --meshConfigMapName say it in the words every cluster command uses', async () => {
    const bad = join(server.tempDir(), 'kubeconfig');
    writeFileSync(bad, readFileSync(server.kubeconfig, 'utf8').replace(/token: .*/, 'token: wrong'));
    const get = await egressctl(['get', 'egressrules', '--kubeconfig', bad], { env: { NO_COLOR: '1' } });
    assert.equal(get.code, 1);
    assert.match(get.stderr, /^error: You must be logged in to the server \(Unauthorized\)/);
    for (const flags of [['--includeIPRanges=auto'], ['--meshConfigMapName', 'istio']]) {
      const r = await egressctl(['kube-inject', '-f', sleep, ...flags, '--kubeconfig', bad], { env: { NO_COLOR: '1' } });
      assert.equal(r.code, 1, flags.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, get.stderr, flags.join(' '));
    }
  });
}, { podCidrs: '10.244.0.0/24' });
