// DestinationRule: the CRD's shape and Istio 1.30's ValidateDestinationRule, one rule at a time, exact messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDestinationRuleSpec } from '../../../src/core/kinds/modern/destinationrule.ts';

const dr = (over: Record<string, unknown> = {}) => ({ host: 'reviews', ...over });
const tp = (policy: Record<string, unknown>) => dr({ trafficPolicy: policy });
const check = (spec: unknown) => checkDestinationRuleSpec(spec, { namespace: 'default' });
const problems = (spec: unknown) => check(spec).problems;
const warnings = (spec: unknown) => check(spec).warnings;

// Valid examples in the shape of Istio's tasks and reference.
const examples: Array<[string, unknown]> = [
  ['bookinfo subsets', dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }, { name: 'v3', labels: { version: 'v3' } }] })],
  ['circuit breaking task', { host: 'httpbin', trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } }, outlierDetection: { consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '3m', maxEjectionPercent: 100 } } }],
  ['TLS origination (egress)', { host: 'edition.cnn.com', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE' } }] } }],
  ['mutual TLS origination with credentialName', { host: 'my-nginx.mesh-external.svc.cluster.local', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'MUTUAL', credentialName: 'client-credential', sni: 'my-nginx.mesh-external.svc.cluster.local' } }] } }],
  ['mutual TLS with files', { host: 'mymongodb.somedomain', trafficPolicy: { tls: { mode: 'MUTUAL', clientCertificate: '/etc/certs/myclientcert.pem', privateKey: '/etc/certs/client_private_key.pem', caCertificates: '/etc/certs/rootcacerts.pem' } } }],
  ['ISTIO_MUTUAL to an egress gateway', { host: 'istio-egressgateway.istio-system.svc.cluster.local', subsets: [{ name: 'cnn', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'ISTIO_MUTUAL', sni: 'edition.cnn.com' } }] } }] }],
  ['deprecated LEAST_CONN is still accepted', dr({ trafficPolicy: { loadBalancer: { simple: 'LEAST_CONN' } } })],
  ['consistent hash with a cookie and ring hash', dr({ trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'user', ttl: '0s' }, ringHash: { minimumRingSize: 1024 } } } } })],
  ['maglev with a prime table', dr({ trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } } } })],
  ['locality distribute', dr({ trafficPolicy: { loadBalancer: { localityLbSetting: { enabled: true, distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] } }, outlierDetection: { consecutive5xxErrors: 100, interval: '1s', baseEjectionTime: '1m' } } })],
  ['locality failover', dr({ trafficPolicy: { loadBalancer: { localityLbSetting: { enabled: true, failover: [{ from: 'us-east', to: 'eu-west' }] } }, outlierDetection: { consecutive5xxErrors: 100, interval: '1s', baseEjectionTime: '1m' } } })],
  ['tcp idle timeout 0s turns it off', dr({ trafficPolicy: { connectionPool: { tcp: { idleTimeout: '0s' } } } })],
  ['workload selector, exported to its namespace', dr({ workloadSelector: { matchLabels: { app: 'ratings' } }, exportTo: ['.'] })],
  ['tunnel', dr({ trafficPolicy: { tunnel: { protocol: 'CONNECT', targetHost: '10.0.0.1', targetPort: 8080 } } })],
  ['short host; wildcard host', dr({ host: '*.example.com' })],
];
for (const [name, spec] of examples) {
  test(`valid: ${name}`, () => {
    const r = check(spec);
    assert.deepEqual([r.problems, r.warnings], [[], []]);
    assert.deepEqual(r.spec, spec);
  });
}

const cases: Array<[string, unknown, string[]]> = [
  ['host required', {}, ['spec.host: Required value', 'empty domain name not allowed (spec.host)']],
  ['bad host', dr({ host: 'reviews.*' }), ['domain name "*" invalid (label "*" invalid)']],
  ['empty traffic policy', tp({}), ['traffic policy must have at least one field (spec.trafficPolicy)']],
  ['subset names', dr({ subsets: [{ name: 'v1' }, { name: 'v1' }, { name: '' }, { name: 'V_2' }] }), ['duplicate subset names: v1', 'subset name cannot be empty (spec.subsets[2].name)', 'subset name is invalid: V_2']],
  ['subset name missing', dr({ subsets: [{ labels: { version: 'v1' } }] }), ['spec.subsets[0].name: Required value', 'subset name cannot be empty (spec.subsets[0].name)']],
  ['subset labels', dr({ subsets: [{ name: 'v1', labels: { 'version!': 'v1', app: 'a b' } }] }), ['invalid tag key: "version!"', 'invalid tag value: "a b"']],
  ['subset traffic policy', dr({ subsets: [{ name: 'v1', trafficPolicy: {} }] }), ['traffic policy must have at least one field (spec.subsets[0].trafficPolicy)']],
  // TLS modes and their fields
  ['MUTUAL without certificates', tp({ tls: { mode: 'MUTUAL' } }), ['client certificate required for mutual tls (spec.trafficPolicy.tls)', 'private key required for mutual tls (spec.trafficPolicy.tls)']],
  ['credentialName with files', tp({ tls: { mode: 'SIMPLE', credentialName: 'c', caCertificates: '/ca.pem' } }), ['cannot specify client certificates or CA certificate or CA CRL If credentialName is set (spec.trafficPolicy.tls)']],
  ['insecureSkipVerify with SIMPLE', tp({ tls: { mode: 'SIMPLE', insecureSkipVerify: true, subjectAltNames: ['a'] } }), ['cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true (spec.trafficPolicy.tls)']],
  ['insecureSkipVerify with MUTUAL', tp({ tls: { mode: 'MUTUAL', insecureSkipVerify: true, caCertificates: '/ca', clientCertificate: '/c', privateKey: '/k' } }), ['cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true (spec.trafficPolicy.tls)']],
  ['configmap credential in another namespace', tp({ tls: { mode: 'SIMPLE', credentialName: 'configmap://other/ca' } }), ['invalid configmap:// credentialName: namespace must match the configuration namespace "default" (spec.trafficPolicy.tls)']],
  ['configmap credential without a name', tp({ tls: { mode: 'SIMPLE', credentialName: 'configmap://ca' } }), ['invalid configmap:// credentialName: invalid resource name "configmap://ca". Expected namespace and name (spec.trafficPolicy.tls)']],
  ['TLS mode', tp({ tls: { mode: 'PERMISSIVE' } }), ['spec.trafficPolicy.tls.mode: Unsupported value: "PERMISSIVE": supported values: "DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"']],
  // load balancer
  ['simple and consistentHash', tp({ loadBalancer: { simple: 'RANDOM', consistentHash: { useSourceIp: true } } }), ['spec.trafficPolicy.loadBalancer: only one of simple, consistentHash may be set (given: simple, consistentHash)']],
  ['LB name', tp({ loadBalancer: { simple: 'LEAST_CONNECTIONS' } }), ['spec.trafficPolicy.loadBalancer.simple: Unsupported value: "LEAST_CONNECTIONS": supported values: "UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST"']],
  ['cookie without name', tp({ loadBalancer: { consistentHash: { httpCookie: { ttl: '10s', attributes: [{ name: 'a' }, { name: 'a' }] } } } }), ['spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name: Required value', 'name required for HttpCookie (spec.trafficPolicy.loadBalancer.consistentHash.httpCookie)', 'duplicate cookie attribute name: a']],
  ['maglev table size', tp({ loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 1000 } } } }), ['tableSize must be a prime number for maglev (spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize)']],
  ['minimumRingSize with maglev', tp({ loadBalancer: { consistentHash: { useSourceIp: true, minimumRingSize: 8, maglev: { tableSize: 0 } } } }), [
    'only one of MinimumRingSize or Maglev/Ringhash can be specified (spec.trafficPolicy.loadBalancer.consistentHash)',
    'tableSize must be set for maglev (spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize)',
    'tableSize must be a prime number for maglev (spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize)',
  ]],
  ['locality weights', tp({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a/b/*', to: { 'a/b/*': 50, 'c/*': 40 } }] } } }), ['total locality weight 90 != 100 (spec.trafficPolicy.loadBalancer.localityLbSetting)']],
  ['locality distribute and failover', tp({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a', to: { b: 100 } }], failover: [{ from: 'a', to: 'b' }] } } }), ["can not simultaneously specify 'distribute' and 'failover' (spec.trafficPolicy.loadBalancer.localityLbSetting)"]],
  ['locality failover regions', tp({ outlierDetection: { consecutive5xxErrors: 1 }, loadBalancer: { localityLbSetting: { failover: [{ from: 'a', to: 'a' }, { from: 'a/b', to: 'c*' }] } } }), [
    'locality lb failover settings must specify different regions (spec.trafficPolicy.loadBalancer.localityLbSetting)',
    'locality lb failover only specify region (spec.trafficPolicy.loadBalancer.localityLbSetting)',
    "locality lb failover region should not contain '*' wildcard (spec.trafficPolicy.loadBalancer.localityLbSetting)",
  ]],
  ['locality wildcard in the middle', tp({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a/*/c', to: { b: 100 } }] } } }), ["locality a/*/c wildcard '*' number can not exceed 1 and must be in the end"]],
  ['warmup', tp({ loadBalancer: { simple: 'ROUND_ROBIN', warmup: { duration: '1.5ms', minimumPercent: 50, aggression: 0.5 } } }), ['only durations to ms precision are supported (spec.trafficPolicy.loadBalancer.warmup.duration)', 'aggression should be greater than or equal to 1 (spec.trafficPolicy.loadBalancer.warmup.aggression)']],
  // connection pool
  ['empty connection pool', tp({ connectionPool: {} }), ['connection pool must have at least one field (spec.trafficPolicy.connectionPool)']],
  ['negative limits', tp({ connectionPool: { http: { http1MaxPendingRequests: -1, maxRetries: -2, h2UpgradePolicy: 'UPGRADE', useClientProtocol: true }, tcp: { maxConnections: -1 } } }), [
    'http1 max pending requests must be non-negative (spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests)',
    'max retries must be non-negative (spec.trafficPolicy.connectionPool.http.maxRetries)',
    'use client protocol must not be true when H2UpgradePolicy is UPGRADE (spec.trafficPolicy.connectionPool.http)',
    'max connections must be non-negative (spec.trafficPolicy.connectionPool.tcp.maxConnections)',
  ]],
  ['connect timeout', tp({ connectionPool: { tcp: { connectTimeout: '1.5ms', idleTimeout: '2.5ms' } } }), [
    'only durations to ms precision are supported (spec.trafficPolicy.connectionPool.tcp.connectTimeout)',
    'only durations to ms precision are supported (spec.trafficPolicy.connectionPool.tcp.idleTimeout)',
  ]],
  ['tcp idle timeout syntax', tp({ connectionPool: { tcp: { idleTimeout: '1 hour' } } }), ['bad Duration: time: unknown unit " hour" in duration "1 hour" (spec.trafficPolicy.connectionPool.tcp.idleTimeout)']],
  // outlier detection
  ['outlier detection', tp({ outlierDetection: { consecutiveLocalOriginFailures: 3, maxEjectionPercent: 101, minHealthPercent: -1, interval: '0s' } }), [
    'spec.trafficPolicy.outlierDetection.interval: Invalid value: "string": must be a valid duration greater than 1ms',
    'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false (spec.trafficPolicy.outlierDetection)',
    'duration must be greater than 1ms (spec.trafficPolicy.outlierDetection.interval)',
    'percentage 101 is not in range 0..100 (spec.trafficPolicy.outlierDetection.maxEjectionPercent)',
    'percentage -1 is not in range 0..100 (spec.trafficPolicy.outlierDetection.minHealthPercent)',
  ]],
  // port level settings
  ['port level settings', tp({ portLevelSettings: [{ port: { number: 80 } }, { loadBalancer: { simple: 'RANDOM' } }] }), ['port traffic policy must have at least one field (spec.trafficPolicy.portLevelSettings[0])', 'portTrafficPolicy must have valid port (spec.trafficPolicy.portLevelSettings[1])']],
  ['no tunnel at port level', tp({ portLevelSettings: [{ port: { number: 80 }, tunnel: { targetHost: 'a', targetPort: 1 } }] }), ['unknown field "spec.trafficPolicy.portLevelSettings[0].tunnel"', 'port traffic policy must have at least one field (spec.trafficPolicy.portLevelSettings[0])']],
  // tunnel and proxy protocol
  ['tunnel', tp({ tunnel: { protocol: 'GET', targetHost: 'a_b', targetPort: 0 } }), [
    'tunnel protocol must be "CONNECT" or "POST" (spec.trafficPolicy.tunnel.protocol)',
    'tunnel target host must be valid FQDN or IP address: domain name "a_b" invalid (label "a_b" invalid); a_b is not a valid IP',
    'tunnel target port is invalid: port number 0 must be in the range 1..65535 (spec.trafficPolicy.tunnel.targetPort)',
  ]],
  ['tunnel and proxy protocol', tp({ tunnel: { targetHost: 'a.com', targetPort: 80 }, proxyProtocol: { version: 'V2' } }), ['tunnel and proxyProtocol must not be set together (spec.trafficPolicy)']],
  // exportTo and workload selector
  ['selector and exportTo', dr({ workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['*'] }), ['destination rule with workload selector cannot have exportTo beyond current namespace']],
  ['selector wildcard', dr({ workloadSelector: { matchLabels: { 'app*': 'a' } } }), ['spec.workloadSelector.matchLabels: Invalid value: "object": wildcard not allowed in label key match', 'wildcard is not supported in selector: "app*=a"']],
];
for (const [name, spec, want] of cases) test(`problem: ${name}`, () => assert.deepEqual(problems(spec), want));

test('warnings: deprecated fields, failover without outlier detection, selector without labels', () => {
  assert.deepEqual(warnings(tp({ outlierDetection: { consecutiveErrors: 5 } })), ['outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead (spec.trafficPolicy.outlierDetection.consecutiveErrors)']);
  assert.deepEqual(warnings(tp({ loadBalancer: { consistentHash: { httpHeaderName: 'x-user', minimumRingSize: 1024 } } })), ["consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead (spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize)"]);
  assert.deepEqual(warnings(tp({ loadBalancer: { localityLbSetting: { failover: [{ from: 'a', to: 'b' }] } } })), ['outlier detection policy must be provided for failover (spec.trafficPolicy.loadBalancer.localityLbSetting)']);
  assert.deepEqual(warnings(dr({ workloadSelector: {} })), ['workload selector specified without labels']);
});

test('unknown fields and wrong types by path; the 0.8 outlierDetection.http block is gone', () => {
  assert.deepEqual(problems(tp({ outlierDetection: { http: { consecutiveErrors: 5 } } })), ['unknown field "spec.trafficPolicy.outlierDetection.http"']);
  assert.deepEqual(problems(tp({ connectionPool: { tcp: { maxConnections: '100' } } })), ['spec.trafficPolicy.connectionPool.tcp.maxConnections: expected an integer, got string "100"']);
  assert.deepEqual(problems(dr({ subsets: { v1: {} } })), ['spec.subsets: expected a list, got object']);
  assert.deepEqual(problems(dr({ host: ['reviews'] })), ['spec.host: expected a string, got list']);
});

test('every problem of a DestinationRule at once', () => {
  assert.deepEqual(problems({ host: '', trafficPolicy: { tls: { mode: 'MUTUAL' }, connectionPool: {} }, subsets: [{ name: 'a_b', trafficPolicy: {} }], exportTo: ['~'] }), [
    'empty domain name not allowed (spec.host)',
    'connection pool must have at least one field (spec.trafficPolicy.connectionPool)',
    'client certificate required for mutual tls (spec.trafficPolicy.tls)',
    'private key required for mutual tls (spec.trafficPolicy.tls)',
    'subset name is invalid: a_b',
    'traffic policy must have at least one field (spec.subsets[0].trafficPolicy)',
    'exportTo ~ (none) is not allowed for Istio configuration objects',
  ]);
});
