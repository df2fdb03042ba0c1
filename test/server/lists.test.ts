// Lists: limit/continue, label and field selectors, all namespaces; dryRun=All on every write;
// the built-in resources (namespaces, nodes, services, configmaps, servicecidrs). On each server of
// the run; where the real one differs, the test says what each does.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlSkipReason } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';
import { cidr, contains, parseCidr, parseIPv4 } from '../../src/core/cidr.ts';

const BASE = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
const rule = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name, labels }, spec: {} });
const names = (l: any) => l.items.map((o: any) => o.metadata.name);

forEachServer('lists, selectors, dry run and built-in resources', (s) => {
  before(async () => {
    const labels: Array<Record<string, string>> = [{ tier: 'a' }, { tier: 'b' }, { tier: 'c' }, { tier: 'a', env: 'prod' }, {}, { env: 'dev' }, { tier: 'b', env: 'prod' }];
    for (let i = 0; i < 7; i++) assert.equal((await s.request('POST', BASE, { body: rule(`r${i}`, labels[i]) })).status, 201);
    assert.equal((await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } } })).status, 201);
    assert.equal((await s.request('POST', '/apis/config.istio.io/v1alpha2/namespaces/other/egressrules', { body: rule('r0') })).status, 201);
  });

  test('limit and continue walk the list in order', async () => {
    const p1 = await s.get(`${BASE}?limit=3`);
    assert.equal(p1.kind, 'EgressRuleList');
    assert.deepEqual(names(p1), ['r0', 'r1', 'r2']);
    assert.equal(p1.metadata.remainingItemCount, 4);
    assert.ok(p1.metadata.continue);
    const p2 = await s.get(`${BASE}?limit=3&continue=${encodeURIComponent(p1.metadata.continue)}`);
    assert.deepEqual(names(p2), ['r3', 'r4', 'r5']);
    const p3 = await s.get(`${BASE}?limit=3&continue=${encodeURIComponent(p2.metadata.continue)}`);
    assert.deepEqual(names(p3), ['r6']);
    // A custom resource list says continue "" at its end (serve as the real server).
    assert.equal(p3.metadata.continue, '');
    const bad = await s.request('GET', `${BASE}?limit=3&continue=garbage`);
    assert.equal(bad.status, 400);
  });

  test('kubectl get --chunk-size follows continue', { skip: kubectlSkipReason() }, async () => {
    const r = await s.kubectl(['get', 'egressrules', '--chunk-size=2', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map((n) => `egressrule.config.istio.io/${n}\n`).join(''));
  });

  test('label selectors: =, ==, !=, in, notin, exists, !exists, and AND', async () => {
    const sel = async (q: string) => names(await s.get(`${BASE}?labelSelector=${encodeURIComponent(q)}`));
    assert.deepEqual(await sel('tier=a'), ['r0', 'r3']);
    assert.deepEqual(await sel('tier==b'), ['r1', 'r6']);
    assert.deepEqual(await sel('tier!=a'), ['r1', 'r2', 'r4', 'r5', 'r6']);
    assert.deepEqual(await sel('tier in (a, c)'), ['r0', 'r2', 'r3']);
    assert.deepEqual(await sel('tier notin (a,c)'), ['r1', 'r4', 'r5', 'r6']);
    assert.deepEqual(await sel('env'), ['r3', 'r5', 'r6']);
    assert.deepEqual(await sel('!tier'), ['r4', 'r5']);
    assert.deepEqual(await sel('env=prod,tier=b'), ['r6']);
    const bad = await s.request('GET', `${BASE}?labelSelector=${encodeURIComponent('tier in a')}`);
    assert.equal(bad.status, 400);
  });

  test('field selectors on metadata.name and metadata.namespace; all namespaces', async () => {
    assert.deepEqual(names(await s.get(`${BASE}?fieldSelector=metadata.name%3Dr2`)), ['r2']);
    assert.deepEqual(names(await s.get(`${BASE}?fieldSelector=metadata.name!%3Dr2`)).length, 6);
    const all = await s.get('/apis/config.istio.io/v1alpha2/egressrules');
    assert.equal(all.items.length, 8);
    assert.deepEqual(all.items.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`).slice(0, 2), ['default/r0', 'default/r1']);
    const other = await s.get('/apis/config.istio.io/v1alpha2/egressrules?fieldSelector=metadata.namespace%3Dother');
    assert.deepEqual(other.items.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`), ['other/r0']);
    assert.equal((await s.request('POST', '/apis/config.istio.io/v1alpha2/egressrules', { body: rule('x') })).status, 404, 'no writes on the all-namespaces path');
  });

  test('dryRun=All: create, update, patch and delete answer normally and change nothing', async () => {
    const before = await s.get(BASE);
    const c = await s.request('POST', `${BASE}?dryRun=All`, { body: rule('dry') });
    assert.equal(c.status, 201);
    // No resourceVersion for what was not stored: serve sends "", the real server none.
    assert.equal(c.json().metadata.resourceVersion, s.kind === 'kube-apiserver' ? undefined : '');
    assert.ok(c.json().metadata.uid);
    assert.equal((await s.request('GET', `${BASE}/dry`)).status, 404);
    const cur = await s.get(`${BASE}/r0`);
    const u = await s.request('PUT', `${BASE}/r0?dryRun=All`, { body: { ...cur, spec: { changed: 1 } } });
    assert.equal(u.status, 200);
    assert.deepEqual(u.json().spec, { changed: 1 });
    const p = await s.request('PATCH', `${BASE}/r0?dryRun=All`, { body: [{ op: 'add', path: '/spec/x', value: 1 }], contentType: 'application/json-patch+json' });
    assert.equal(p.status, 200);
    assert.equal(p.json().spec.x, 1);
    const d = await s.request('DELETE', `${BASE}/r0?dryRun=All`);
    assert.equal(d.status, 200);
    assert.equal(d.json().status, 'Success');
    const after = await s.get(BASE);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion, 'nothing was written');
    assert.deepEqual((await s.get(`${BASE}/r0`)).spec, {});
    const bad = await s.request('POST', `${BASE}?dryRun=Some`, { body: rule('dry') });
    assert.equal(bad.status, 422);
  });

  test('namespaces, nodes with pod CIDRs, the ServiceCIDR', async () => {
    const ns = await s.get('/api/v1/namespaces');
    assert.deepEqual(names(ns), ['default', 'istio-system', 'kube-node-lease', 'kube-public', 'kube-system', 'other']);
    const nodes = await s.get('/api/v1/nodes');
    assert.deepEqual(nodes.items.map((n: any) => n.spec.podCIDRs), [['10.244.0.0/24'], ['10.244.1.0/24']]);
    assert.deepEqual(nodes.items.map((n: any) => n.spec.podCIDR), ['10.244.0.0/24', '10.244.1.0/24']);
    const cidrs = await s.get('/apis/networking.k8s.io/v1/servicecidrs');
    assert.deepEqual(cidrs.items.map((c: any) => c.spec.cidrs), [[s.serviceCidr]]);
    const forbidden = await s.request('DELETE', '/api/v1/namespaces/default');
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.json().message, 'namespaces "default" is forbidden: this namespace may not be deleted');
  });

  test('Services: out-of-range clusterIP under dryRun=All names the --service-cidr range; in range is allocated', async () => {
    const svc = (name: string, clusterIP?: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { clusterIP, ports: [{ port: 80 }] } });
    const r = await s.request('POST', '/api/v1/namespaces/default/services?dryRun=All', { body: svc('probe', '240.0.0.1') });
    assert.equal(r.status, 422);
    const b = r.json();
    assert.equal(b.message, `Service "probe" is invalid: spec.clusterIPs: Invalid value: []string{"240.0.0.1"}: failed to allocate IP 240.0.0.1: the provided IP (240.0.0.1) is not in the valid range. The range of valid IPs is ${s.serviceCidr}`);
    assert.equal(b.details.kind, 'Service');
    assert.equal(b.details.causes[0].field, 'spec.clusterIPs');
    const ok = await s.request('POST', '/api/v1/namespaces/default/services', { body: svc('web') });
    assert.equal(ok.status, 201);
    const range = parseCidr(s.serviceCidr);
    assert.ok(range.ok && contains(range.cidr, cidr(parseIPv4(ok.json().spec.clusterIP)!, 32)), ok.json().spec.clusterIP);
    assert.deepEqual(ok.json().spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  });

  test('ConfigMaps: create, read, merge patch, delete (the mesh ConfigMap kube-inject reads)', async () => {
    const path = '/api/v1/namespaces/istio-system/configmaps';
    const c = await s.request('POST', path, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio' }, data: { mesh: 'ingressControllerMode: "OFF"\n' } } });
    assert.equal(c.status, 201, c.body);
    assert.equal((await s.get(`${path}/istio`)).data.mesh, 'ingressControllerMode: "OFF"\n');
    const p = await s.request('PATCH', `${path}/istio`, { body: { data: { extra: 'x' } }, contentType: 'application/strategic-merge-patch+json' });
    assert.equal(p.status, 200);
    // serve keeps the keys in the order written; the real server (Go maps) sorts them.
    assert.deepEqual(Object.keys(p.json().data), s.kind === 'kube-apiserver' ? ['extra', 'mesh'] : ['mesh', 'extra']);
    const d = await s.request('DELETE', `${path}/istio`);
    assert.equal(d.status, 200);
    assert.equal((await s.request('GET', `${path}/istio`)).status, 404);
  });

  test('deletecollection with a label selector', async () => {
    const r = await s.request('DELETE', `${BASE}?labelSelector=env%3Dprod`);
    assert.equal(r.status, 200);
    assert.deepEqual(names(r.json()).sort(), ['r3', 'r6']);
    assert.deepEqual(names(await s.get(BASE)), ['r0', 'r1', 'r2', 'r4', 'r5']);
  });
}, { podCidrs: '10.244.0.0/24,10.244.1.0/24', serve: { serviceCidr: '10.0.0.0/16' } });
