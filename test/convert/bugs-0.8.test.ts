// The bugs of Istio 0.8's `istioctl experimental convert-networking-config`, each with a test that
// the 0.8 behaviour would fail (shared/spec/istio-kinds-and-convert.md §2.4-2.9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { checkDestinationRuleSpec } from '../../src/core/kinds/modern/index.ts';
import { convertText } from './helpers.ts';

type Obj = Record<string, any>;

function objects(text: string): Obj[] {
  return yaml.loadAll(text) as Obj[];
}

function only(text: string, kind: string): Obj[] {
  return objects(text).filter((o) => o.kind === kind);
}

const ROUTE_80_20 = `
apiVersion: config.istio.io/v1alpha2
kind: RouteRule
metadata:
  name: reviews-80-20
spec:
  destination:
    name: reviews
  route:
  - labels:
      version: "1.0"
    weight: 70
  - labels:
      version: "2.0"
      app: reviews
    weight: 20
  - weight: 10
`;

test('0.8 bug #3621: subset names are valid DNS-1123 labels (0.8 wrote version-1.0 and comma-joined names)', () => {
  // What 0.8 wrote, refused by today's rules:
  const old = checkDestinationRuleSpec({ host: 'reviews', subsets: [{ name: 'version-1.0', labels: { version: '1.0' } }, { name: 'app-reviews,version-2.0', labels: { app: 'reviews', version: '2.0' } }, { name: '' }] }, { namespace: 'default' });
  assert.deepEqual(old.problems, ['subset name is invalid: version-1.0', 'subset name is invalid: app-reviews,version-2.0', 'subset name cannot be empty (spec.subsets[2].name)']);

  const r = convertText(ROUTE_80_20);
  assert.deepEqual(r.problems, []);
  const [dr] = only(r.text, 'DestinationRule');
  assert.deepEqual(dr!.spec.subsets.map((s: Obj) => s.name), ['app-reviews-version-2-0', 'version-1-0']);
  assert.equal(checkDestinationRuleSpec(dr!.spec, { namespace: 'default' }).problems.length, 0);
  const [vs] = only(r.text, 'VirtualService');
  const routes = vs!.spec.http[0].route;
  assert.deepEqual(routes.map((d: Obj) => d.destination.subset), ['version-1-0', 'app-reviews-version-2-0', undefined], 'the entry without labels routes to the host, with no subset');
});

test('0.8 bug #6571: the destination namespace is kept in a fully qualified host (0.8 wrote the short name, read in the wrong namespace)', () => {
  const rule = `
apiVersion: config.istio.io/v1alpha2
kind: RouteRule
metadata:
  name: reviews-v2
spec:
  destination:
    name: reviews
    namespace: tutorial
  route:
  - labels: {version: v2}
`;
  const r = convertText(rule, { defaultNamespace: 'default' });
  const [vs] = only(r.text, 'VirtualService');
  // 0.8: hosts [reviews] in namespace default, i.e. reviews.default.svc.cluster.local.
  assert.deepEqual(vs!.spec.hosts, ['reviews.tutorial.svc.cluster.local']);
  assert.equal(vs!.spec.http[0].route[0].destination.host, 'reviews.tutorial.svc.cluster.local');
  assert.equal(vs!.metadata.namespace, 'default', 'the rule itself had no namespace: the default one');
  const [dr] = only(r.text, 'DestinationRule');
  assert.equal(dr!.spec.host, 'reviews.tutorial.svc.cluster.local');
});

test('0.8 bug #6571: each object keeps its own namespace (0.8 used the first config\'s for every VirtualService and DestinationRule)', () => {
  const rules = ['team-a', 'team-b'].map((ns) => `
apiVersion: config.istio.io/v1alpha2
kind: RouteRule
metadata:
  name: ratings-timeout
  namespace: ${ns}
spec:
  destination:
    name: ratings
  httpReqTimeout:
    simpleTimeout:
      timeout: 2s
`).join('---\n');
  const r = convertText(rules);
  const vss = only(r.text, 'VirtualService');
  assert.deepEqual(vss.map((v) => [v.metadata.namespace, v.spec.hosts[0]]), [
    ['team-a', 'ratings.team-a.svc.cluster.local'],
    ['team-b', 'ratings.team-b.svc.cluster.local'],
  ]);
});

test('0.8 bug #5817: an Ingress\'s Gateway and VirtualService stay in its namespace (0.8 put them in istio-system)', () => {
  const ingress = `
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: bookinfo
  namespace: shop
spec:
  rules:
  - http:
      paths:
      - path: /productpage
        backend:
          serviceName: productpage
          servicePort: 9080
`;
  const r = convertText(ingress);
  assert.deepEqual(r.problems, []);
  const out = objects(r.text);
  assert.deepEqual(out.map((o) => [o.kind, o.metadata.namespace]), [['Gateway', 'shop'], ['VirtualService', 'shop']]);
  // 0.8's short serviceName, read in istio-system, named the wrong service: the host is qualified.
  assert.equal(out[1]!.spec.http[0].route[0].destination.host, 'productpage.shop.svc.cluster.local');
  assert.deepEqual(out[1]!.spec.gateways, ['bookinfo']);
});

test('0.8 crash: a corsPolicy without maxAge or allowCredentials converts (0.8 dereferenced both)', () => {
  const rule = `
apiVersion: config.istio.io/v1alpha2
kind: RouteRule
metadata:
  name: cors
spec:
  destination:
    name: ratings
  corsPolicy:
    allowOrigin: [https://example.com]
    allowMethods: [GET]
`;
  const r = convertText(rule);
  assert.deepEqual(r.problems, []);
  const [vs] = only(r.text, 'VirtualService');
  assert.deepEqual(vs!.spec.http[0].corsPolicy, { allowOrigins: [{ exact: 'https://example.com' }], allowMethods: ['GET'] });
});

test('0.8 bug: a DestinationPolicy without labels applies to the whole host (0.8 made an unreachable subset named default)', () => {
  const policy = `
apiVersion: config.istio.io/v1alpha2
kind: DestinationPolicy
metadata:
  name: reviews-cb
spec:
  destination:
    name: reviews
  circuitBreaker:
    simpleCb:
      maxConnections: 100
      sleepWindow: 15s
      httpDetectionInterval: 5s
`;
  const r = convertText(policy);
  const [dr] = only(r.text, 'DestinationRule');
  assert.equal(dr!.spec.subsets, undefined, 'no subset (0.8: a subset named default with no labels)');
  assert.deepEqual(dr!.spec.trafficPolicy, {
    connectionPool: { tcp: { maxConnections: 100 } },
    outlierDetection: { interval: '5s', baseEjectionTime: '15s' },
  });
});

test('0.8 bug: a policy with nothing today\'s Istio has writes no DestinationRule (0.8 wrote trafficPolicy: {}, which fails validation)', () => {
  const policy = `
apiVersion: config.istio.io/v1alpha2
kind: DestinationPolicy
metadata:
  name: empty
spec:
  destination:
    name: reviews
`;
  const r = convertText(policy);
  assert.equal(r.text, '');
  assert.deepEqual(r.problems, []);
  assert.match(r.warnings[0]!.message, /sets nothing that today's Istio has/);
});

test('0.8 bug: the VirtualService for *.foo.com is not named *.foo.com (0.8 named objects after their host)', () => {
  const text = `
apiVersion: config.istio.io/v1alpha2
kind: RouteRule
metadata:
  name: foo-timeout
spec:
  destination:
    service: "*.foo.com"
  httpReqTimeout:
    simpleTimeout:
      timeout: 5s
`;
  const r = convertText(text);
  assert.deepEqual(r.problems, []);
  const [vs] = only(r.text, 'VirtualService');
  assert.equal(vs!.metadata.name, 'wildcard.foo.com');
  assert.deepEqual(vs!.spec.hosts, ['*.foo.com']);
});

test('0.8 bug: a subset needed by a route to another service goes to that service\'s DestinationRule, and mirror labels get a subset', () => {
  const text = `
apiVersion: config.istio.io/v1alpha2
kind: RouteRule
metadata:
  name: split
spec:
  destination:
    name: reviews
  route:
  - destination: {name: reviews-next}
    labels: {version: v9}
  mirror:
    name: reviews
    labels: {version: shadow}
`;
  const r = convertText(text);
  assert.deepEqual(r.problems, []);
  const drs = only(r.text, 'DestinationRule').map((d) => [d.spec.host, d.spec.subsets.map((s: Obj) => s.name)]);
  assert.deepEqual(drs, [
    ['reviews-next.default.svc.cluster.local', ['version-v9']],
    ['reviews.default.svc.cluster.local', ['version-shadow']],
  ]);
});
