// End to end: the 0.x kinds beside EgressRule (RouteRule, DestinationPolicy) and mixed streams,
// against each server of the run (`egressctl serve`, the real kube-apiserver with the CRDs of the
// kind registry), cross-checked with the real kubectl. Every verb; istioctl's messages;
// an invalid document of any kind means nothing is sent; IngressRule is refused before sending.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, kubectlSkipReason } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';

const V1A2 = '/apis/config.istio.io/v1alpha2/namespaces/default';

// The Istio 0.3 "Control Egress Traffic" task: an EgressRule for httpbin.org and a RouteRule that
// sets a timeout on the calls to it; plus a versioned route and its policy for an in-mesh service.
const [EGRESS, TIMEOUT] = readFileSync(join(ROOT, 'fixtures/seed/httpbin-egress-task.yaml'), 'utf8').split(/^---\n/m) as [string, string];
const REVIEWS = `apiVersion: config.istio.io/v1alpha2
kind: RouteRule
metadata:
  name: reviews-default
spec:
  destination:
    name: reviews
  precedence: 1
  route:
  - labels:
      version: v1
    weight: 90
  - labels:
      version: v2
    weight: 10
`;
const POLICY = `kind: DestinationPolicy
metadata:
  name: reviews-cb
spec:
  destination:
    name: reviews
    labels:
      version: v1
  circuitBreaker:
    simpleCb:
      maxConnections: 100
      sleepWindow: 15m
      httpDetectionInterval: 5m
`;
const MIXED = [EGRESS, TIMEOUT, REVIEWS, POLICY].join('---\n');

forEachServer('RouteRule, DestinationPolicy and mixed streams', (server) => {
  beforeEach(async () => {
    await server.reset();
    await server.clearRequests();
  });

  test('create a mixed stream: each object to its own resource, istioctl\'s messages, normalised specs', async () => {
    const r = await server.egressctl(['create', '-f', '-'], { input: MIXED });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^Created config egress-rule\/default\/httpbin-egress-rule at revision \d+$/);
    assert.match(lines[1]!, /^Created config route-rule\/default\/httpbin-timeout-rule at revision \d+$/);
    assert.match(lines[2]!, /^Created config route-rule\/default\/reviews-default at revision \d+$/);
    assert.match(lines[3]!, /^Created config destination-policy\/default\/reviews-cb at revision \d+$/);
    // Sent concurrently (the default --concurrency): the order they arrive in is not the input's.
    const posts = (await server.requests()).filter((q) => q.method === 'POST').map((q) => q.path);
    assert.deepEqual(posts.sort(), [`${V1A2}/destinationpolicies`, `${V1A2}/egressrules`, `${V1A2}/routerules`, `${V1A2}/routerules`]);
    // Proto names in, lowerCamel out, as istioctl sent them.
    const timeout = await server.get(`${V1A2}/routerules/httpbin-timeout-rule`);
    assert.deepEqual(timeout.spec, { destination: { service: 'httpbin.org' }, httpReqTimeout: { simpleTimeout: { timeout: '3.000s' } } });
    assert.equal(timeout.apiVersion, 'config.istio.io/v1alpha2');
  });

  test('get TYPE for each kind: short, wide, yaml, json and name; TYPE spellings of istioctl and kubectl', async () => {
    assert.equal((await server.egressctl(['create', '-f', '-'], { input: MIXED })).code, 0);
    const short = await server.egressctl(['get', 'routerules']);
    assert.equal(short.code, 0, short.stderr);
    assert.deepEqual(short.stdout.trim().split('\n').map((l) => l.split(/\s+/)), [
      ['NAME', 'KIND', 'NAMESPACE'],
      ['httpbin-timeout-rule', 'RouteRule.v1alpha2.config.istio.io', 'default'],
      ['reviews-default', 'RouteRule.v1alpha2.config.istio.io', 'default'],
    ]);
    const wide = await server.egressctl(['get', 'routerule', '-o', 'wide']);
    assert.deepEqual(wide.stdout.trim().split('\n').map((l) => l.split(/\s{2,}/).slice(0, 5)), [
      ['NAME', 'KIND', 'NAMESPACE', 'DESTINATION', 'PRECEDENCE'],
      ['httpbin-timeout-rule', 'RouteRule.v1alpha2.config.istio.io', 'default', 'httpbin.org', '0'],
      ['reviews-default', 'RouteRule.v1alpha2.config.istio.io', 'default', 'reviews', '1'],
    ]);
    const dpWide = await server.egressctl(['get', 'destination-policies', '-o', 'wide']);
    assert.match(dpWide.stdout, /^NAME\s+KIND\s+NAMESPACE\s+DESTINATION\s+LABELS\s+LOAD-BALANCING\s+AGE\nreviews-cb\s+DestinationPolicy\.v1alpha2\.config\.istio\.io\s+default\s+reviews\s+version=v1\s+<none>\s+\d+s\n$/);
    for (const typed of ['destinationpolicy', 'DestinationPolicies', 'destinationpolicies.config.istio.io']) {
      const n = await server.egressctl(['get', typed, '-o', 'name']);
      assert.equal(n.stdout, 'destinationpolicy.config.istio.io/reviews-cb\n', typed);
    }
    const y = await server.egressctl(['get', 'routerule', 'reviews-default', '-o', 'yaml']);
    assert.match(y.stdout, /^apiVersion: config\.istio\.io\/v1alpha2\nkind: RouteRule\n/);
    assert.match(y.stdout, /\n---\n$/);
    const j = JSON.parse((await server.egressctl(['get', 'routerules', '-o', 'json'])).stdout);
    assert.deepEqual(j.items.map((i: any) => i.metadata.name), ['httpbin-timeout-rule', 'reviews-default']);
  });

  test('delete by name says the type as typed; delete -f of a mixed stream says each config key', async () => {
    assert.equal((await server.egressctl(['create', '-f', '-'], { input: MIXED })).code, 0);
    const byName = await server.egressctl(['delete', 'routerule', 'reviews-default', 'httpbin-timeout-rule', '-n', 'default']);
    assert.equal(byName.code, 0, byName.stderr);
    assert.equal(byName.stdout, 'Deleted config: routerule reviews-default\nDeleted config: routerule httpbin-timeout-rule\n');
    const byFile = await server.egressctl(['delete', '-f', '-'], { input: [EGRESS, POLICY].join('---\n') });
    assert.equal(byFile.stdout, 'Deleted config: egress-rule/default/httpbin-egress-rule\nDeleted config: destination-policy/default/reviews-cb\n');
    for (const plural of ['egressrules', 'routerules', 'destinationpolicies']) assert.deepEqual((await server.get(`${V1A2}/${plural}`)).items, []);
  });

  test('apply and replace of a mixed stream; a failure names the object by kind in a mixed summary', async () => {
    const one = await server.egressctl(['apply', '-f', '-'], { input: MIXED });
    assert.equal(one.code, 0, one.stderr);
    const two = await server.egressctl(['apply', '-f', '-'], { input: MIXED.replace('weight: 90', 'weight: 80').replace('weight: 10', 'weight: 20') });
    assert.equal(two.code, 0, two.stderr);
    assert.deepEqual(two.stdout.trimEnd().split('\n').map((l) => l.split(' ')[0]), ['Config', 'Config', 'Updated', 'Config']);
    const rep = await server.egressctl(['replace', '-f', '-'], { input: POLICY.replace('maxConnections: 100', 'maxConnections: 50') });
    assert.equal(rep.code, 0, rep.stderr);
    assert.equal((await server.get(`${V1A2}/destinationpolicies/reviews-cb`)).spec.circuitBreaker.simpleCb.maxConnections, 50);
    const again = await server.egressctl(['create', '-f', '-'], { input: MIXED });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /error: 4 of 4 objects were not created: egressrule\/httpbin-egress-rule \(AlreadyExists\), routerule\/httpbin-timeout-rule \(AlreadyExists\), routerule\/reviews-default \(AlreadyExists\), destinationpolicy\/reviews-cb \(AlreadyExists\)\n$/);
  });

  test('an invalid document of any kind: every problem with its place, exit 1, nothing sent', async () => {
    const bad = MIXED.replace('weight: 10', 'weight: 20').replace('maxConnections: 100', 'maxConnections: -1');
    for (const verb of ['create', 'apply', 'replace', 'delete']) {
      const r = await server.egressctl([verb, '-f', '-'], { input: bad });
      assert.equal(r.code, 1, verb);
      assert.equal(r.stdout, '', verb);
      assert.deepEqual(r.stderr.trim().split('\n'), [
        'error: <stdin>: document 3 (line 21): route weights total 110 (must total 100)',
        'error: <stdin>: document 4 (line 37): circuitBreak maxConnections must be in range [0..]',
      ], verb);
    }
    assert.deepEqual((await server.requests()).filter((q) => q.method !== 'GET'), []);
  });

  test('IngressRule: validated offline, refused by every writer before anything is sent', async () => {
    const ingress = 'kind: IngressRule\nmetadata: {name: web}\nspec:\n  destination: {name: web}\n  port: 80\n';
    const v = await server.egressctl(['validate', '-f', '-'], { input: ingress });
    assert.equal(v.code, 0, v.stderr);
    for (const verb of ['create', 'apply', 'replace', 'delete']) {
      const r = await server.egressctl([verb, '-f', '-'], { input: [EGRESS, ingress].join('---\n') });
      assert.equal(r.code, 1, verb);
      assert.match(r.stderr, new RegExp(`^error: <stdin>: document 2 \\(line 11\\): IngressRule web cannot be ${verb === 'delete' ? 'deleted' : `${verb}d`}: no Istio 0\\.x cluster stores IngressRule objects .*Pilot builds its ingress rules from Kubernetes Ingress objects`), verb);
    }
    const get = await server.egressctl(['get', 'ingressrules']);
    assert.equal(get.code, 1);
    assert.match(get.stderr, /^error: IngressRule: no Istio 0\.x cluster stores IngressRule objects/);
    assert.deepEqual((await server.requests()).filter((q) => q.method !== 'GET'), []);
  });

  test('the real kubectl lists, reads and deletes what egressctl wrote, and egressctl lists what kubectl wrote', { skip: kubectlSkipReason() }, async () => {
    assert.equal((await server.egressctl(['create', '-f', '-'], { input: MIXED })).code, 0);
    const k = await server.kubectl(['get', 'routerules', '-o', 'name']);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(k.stdout, 'routerule.config.istio.io/httpbin-timeout-rule\nrouterule.config.istio.io/reviews-default\n');
    const dp = await server.kubectl(['get', 'destinationpolicy', 'reviews-cb', '-o', 'jsonpath={.spec.destination.labels.version}']);
    assert.equal(dp.stdout, 'v1');
    const made = await server.kubectl(['create', '-f', '-'], `apiVersion: config.istio.io/v1alpha2\nkind: DestinationPolicy\nmetadata:\n  name: by-kubectl\n  namespace: default\nspec:\n  destination:\n    name: ratings\n  loadBalancing:\n    name: RANDOM\n`);
    assert.equal(made.code, 0, made.stderr);
    const mine = await server.egressctl(['get', 'destinationpolicies', '-o', 'wide']);
    assert.match(mine.stdout, /\nby-kubectl\s+DestinationPolicy\.v1alpha2\.config\.istio\.io\s+default\s+ratings\s+<none>\s+RANDOM\s+/);
    const del = await server.kubectl(['delete', 'routerule', 'reviews-default']);
    assert.equal(del.code, 0, del.stderr);
    assert.equal((await server.egressctl(['get', 'routerules', '-o', 'name'])).stdout, 'routerule.config.istio.io/httpbin-timeout-rule\n');
    await server.kubectl(['delete', 'destinationpolicy', 'by-kubectl']);
  });
});

forEachServer("today's kinds: every verb on ServiceEntry, VirtualService, DestinationRule, Gateway", (server) => {

  const MODERN = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: wikipedia
spec:
  hosts: ["*.wikipedia.org"]
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: NONE
  location: MESH_EXTERNAL
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: web
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
`;

  test('create (older versions read, sent as v1), get with the wide columns, -o name, delete by short name and by file', async () => {
    const c = await server.egressctl(['create', '-f', '-'], { input: MODERN });
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.trimEnd().split('\n').map((l) => l.replace(/ at revision \d+$/, '')).join('\n'), [
      'Created config service-entry/default/wikipedia',
      'Created config destination-rule/default/reviews',
      'Created config virtual-service/default/reviews',
      'Created config gateway/default/web',
    ].join('\n'));
    assert.equal((await server.get('/apis/networking.istio.io/v1/namespaces/default/destinationrules/reviews')).apiVersion, 'networking.istio.io/v1');
    const se = await server.egressctl(['get', 'se', '-o', 'wide']);
    assert.match(se.stdout, /^NAME\s+KIND\s+NAMESPACE\s+HOSTS\s+LOCATION\s+RESOLUTION\s+AGE\nwikipedia\s+ServiceEntry\.v1\.networking\.istio\.io\s+default\s+\*\.wikipedia\.org\s+MESH_EXTERNAL\s+NONE\s+\d+s\n$/);
    const vs = await server.egressctl(['get', 'vs', '-o', 'wide']);
    assert.match(vs.stdout, /\nreviews\s+VirtualService\.v1\.networking\.istio\.io\s+default\s+<none>\s+reviews\s+/);
    assert.equal((await server.egressctl(['get', 'gateways.networking.istio.io', '-o', 'name'])).stdout, 'gateway.networking.istio.io/web\n');
    const d = await server.egressctl(['delete', 'dr', 'reviews']);
    assert.equal(d.stdout, 'Deleted config: dr reviews\n');
    const f = await server.egressctl(['delete', '-f', '-'], { input: MODERN.split('---\n').filter((x) => !x.includes('DestinationRule')).join('---\n') });
    assert.equal(f.code, 0, f.stderr);
    for (const p of ['serviceentries', 'virtualservices', 'destinationrules', 'gateways']) assert.deepEqual((await server.get(`/apis/networking.istio.io/v1/namespaces/default/${p}`)).items, [], p);
  });

  test("today's rules before sending: errors stop everything, Istio's warnings are printed and the object is sent", async () => {
    const bad = await server.egressctl(['create', '-f', '-'], { input: 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: bad}\nspec:\n  hosts: ["*"]\n  ports: [{number: 70000, name: x, protocol: QUIC}]\n' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid host \*/);
    assert.match(bad.stderr, /unsupported protocol: QUIC/);
    assert.deepEqual((await server.get('/apis/networking.istio.io/v1/namespaces/default/serviceentries')).items, []);
    const warned = await server.egressctl(['create', '-f', '-'], { input: 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: partial}\nspec:\n  hosts: ["*google.com"]\n  ports: [{number: 443, name: tls, protocol: TLS}]\n' });
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /^Warning: <stdin>: document 1 \(line 1\): .*partial wildcard "\*google\.com" not allowed/);
    assert.match(warned.stdout, /^Created config service-entry\/default\/partial/);
  });
});
