// Generators of valid Istio 0.x streams for the convert property test: the project's EgressRules
// (test/helpers/arbitraries.ts) with RouteRules and DestinationPolicies across two namespaces,
// every field group of both, valid under Istio 0.4's rules.
import fc from 'fast-check';
import { validRule } from '../helpers/arbitraries.ts';

export const NAMESPACES = ['default', 'team-a'] as const;
const namespace = fc.constantFrom<string | undefined>(undefined, ...NAMESPACES);
const service = fc.constantFrom('reviews', 'ratings', 'details');
const labels = fc.oneof(
  fc.record({ version: fc.constantFrom('v1', 'v2', '1.0', 'V2', '2_0') }),
  fc.record({ app: service, version: fc.constantFrom('v1', 'v2') }),
  fc.constant({ 'app.kubernetes.io/version': 'release-candidate-2024-11-with-a-long-name' }),
);
const destination = fc.record({ name: service, namespace: fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }) }, { requiredKeys: ['name'] });
const duration = fc.constantFrom('1s', '1.5s', '100ms', '2m', '0.25s');
const stringMatch = fc.oneof(fc.record({ exact: fc.constantFrom('jason', 'GET', '/a') }), fc.record({ prefix: fc.constantFrom('/api', '/') }), fc.record({ regex: fc.constantFrom('^/v[0-9]+/.*$', '.*jason.*') }));
const headerName = fc.constantFrom('uri', 'authority', 'method', 'scheme', 'cookie', 'x-user', 'end-user');

/** Weights that sum to 100 over n entries (one entry may have none). */
function weights(n: number): fc.Arbitrary<Array<number | undefined>> {
  if (n === 1) return fc.constantFrom([undefined], [100]);
  return fc.array(fc.integer({ min: 0, max: 100 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const sorted = [0, ...cuts.sort((a, b) => a - b), 100];
    return sorted.slice(1).map((c, i) => c - sorted[i]!);
  });
}

const route = fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(fc.array(fc.option(labels, { nil: undefined }), { minLength: n, maxLength: n }), weights(n), fc.array(fc.option(destination, { nil: undefined, freq: 4 }), { minLength: n, maxLength: n })))
  .map(([ls, ws, ds]) => ls.map((l, i) => ({ ...(ds[i] ? { destination: ds[i] } : {}), ...(l ? { labels: l } : {}), ...(ws[i] !== undefined ? { weight: ws[i] } : {}) })));

const match = fc.record({
  request: fc.record({ headers: fc.dictionary(headerName, stringMatch, { minKeys: 1, maxKeys: 3 }) }),
  source: fc.record({ name: service, labels: fc.option(fc.constant({ version: 'v1' }), { nil: undefined }) }, { requiredKeys: ['name'] }),
}, { requiredKeys: [] });

const routeFields = fc.record({
  route,
  httpReqTimeout: duration.map((timeout) => ({ simpleTimeout: { timeout } })),
  httpReqRetries: fc.record({ attempts: fc.integer({ min: 0, max: 5 }), perTryTimeout: duration }).map((simpleRetry) => ({ simpleRetry })),
  httpFault: fc.record({
    delay: fc.record({ percent: fc.constantFrom(0, 10, 12.5, 100), fixedDelay: duration }),
    abort: fc.record({ percent: fc.constantFrom(0, 0.5, 50), httpStatus: fc.constantFrom(400, 503) }),
  }, { requiredKeys: [] }),
  mirror: fc.record({ name: service, labels: fc.option(labels, { nil: undefined }) }, { requiredKeys: ['name'] }),
  corsPolicy: fc.record({ allowOrigin: fc.constant(['https://example.com']), allowMethods: fc.constant(['GET', 'POST']), maxAge: fc.constantFrom('60s', '86400s'), allowCredentials: fc.boolean() }, { requiredKeys: ['allowOrigin'] }),
  appendHeaders: fc.dictionary(fc.constantFrom('x-a', 'x-b'), fc.constantFrom('1', 'yes'), { minKeys: 1, maxKeys: 2 }),
  websocketUpgrade: fc.boolean(),
  rewrite: fc.record({ uri: fc.constantFrom('/v2', '/'), authority: fc.constantFrom('a.example.com') }, { requiredKeys: ['uri'] }),
}, { requiredKeys: [] });

const redirect = fc.record({ uri: fc.constantFrom('/moved', '/'), authority: fc.constantFrom('new.example.com') }, { requiredKeys: ['uri'] });

export const routeRule = fc.record({
  namespace,
  destination: fc.oneof({ arbitrary: destination, weight: 4 }, { arbitrary: fc.constantFrom({ service: 'httpbin.org' }, { service: '*.example.com' }), weight: 1 }),
  precedence: fc.option(fc.integer({ min: -3, max: 3 }), { nil: undefined }),
  match: fc.option(match, { nil: undefined }),
  body: fc.oneof({ arbitrary: routeFields, weight: 5 }, { arbitrary: redirect.map((r) => ({ redirect: r })), weight: 1 }),
}).map((r) => ({ kind: 'RouteRule', namespace: r.namespace, spec: { destination: r.destination, ...(r.precedence !== undefined ? { precedence: r.precedence } : {}), ...(r.match ? { match: r.match } : {}), ...r.body } }));

export const destinationPolicy = fc.record({
  namespace,
  destination: fc.record({ name: service, labels: fc.option(labels, { nil: undefined }) }, { requiredKeys: ['name'] }),
  loadBalancing: fc.option(fc.constantFrom('ROUND_ROBIN', 'LEAST_CONN', 'RANDOM').map((name) => ({ name })), { nil: undefined }),
  circuitBreaker: fc.option(fc.record({
    maxConnections: fc.integer({ min: 0, max: 100 }),
    httpMaxPendingRequests: fc.integer({ min: 0, max: 100 }),
    httpConsecutiveErrors: fc.integer({ min: 0, max: 10 }),
    httpMaxEjectionPercent: fc.integer({ min: 0, max: 100 }),
    sleepWindow: duration,
    httpDetectionInterval: duration,
  }, { requiredKeys: ['sleepWindow', 'httpDetectionInterval'] }).map((simpleCb) => ({ simpleCb })), { nil: undefined }),
}).map((p) => ({
  kind: 'DestinationPolicy',
  namespace: p.namespace,
  spec: { destination: p.destination, ...(p.loadBalancing ? { loadBalancing: p.loadBalancing } : {}), ...(p.circuitBreaker ? { circuitBreaker: p.circuitBreaker } : {}) },
}));

const egressRule = validRule.map((r) => ({ kind: 'EgressRule', namespace: r.metadata.namespace as string | undefined, spec: r.spec }));

/** A stream of valid 0.x objects, uniquely named, as YAML text. */
export const legacyStream = fc.array(fc.oneof(egressRule, routeRule, destinationPolicy), { minLength: 1, maxLength: 8 }).map((objs) =>
  objs.map((o, i) => ({
    apiVersion: 'config.istio.io/v1alpha2',
    kind: o.kind,
    metadata: { name: `${o.kind.toLowerCase()}-${i}`, ...(o.namespace ? { namespace: o.namespace } : {}) },
    spec: JSON.parse(JSON.stringify(o.spec)),
  })),
);
