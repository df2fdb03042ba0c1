// convertDocuments as a whole: output order, places of warnings, counts, options, and inputs that
// must not crash it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../helpers/fc-seed.ts';
import yaml from 'js-yaml';
import { convertDocuments } from '../../src/core/convert/index.ts';
import { parseStream } from '../../src/core/stream.ts';
import { convertText } from './helpers.ts';

type Obj = Record<string, any>;

const rule = (name: string, extra = '', ns = '') => `apiVersion: config.istio.io/v1alpha2
kind: RouteRule
metadata:
  name: ${name}
${ns ? `  namespace: ${ns}\n` : ''}spec:
  destination:
    name: reviews
${extra}`;

const egress = (name: string, service: string, protocol = 'http', port = 80) => `kind: EgressRule
metadata:
  name: ${name}
spec:
  destination:
    service: "${service}"
  ports:
  - port: ${port}
    protocol: ${protocol}
`;

const cm = (name: string) => `# the ConfigMap ${name}
apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}}
`;

function kinds(text: string): string[] {
  return (yaml.loadAll(text) as Obj[]).map((o) => `${o.kind}/${o.metadata.name}`);
}

test('output order: input order; merged objects at their first source; documents left alone where they were', () => {
  const text = [
    cm('first'),
    rule('r1', '  precedence: 1\n  route:\n  - labels: {version: v1}\n'),
    egress('httpbin', 'httpbin.org'),
    cm('middle'),
    rule('r2', '  precedence: 2\n  route:\n  - labels: {version: v2}\n'),
  ].join('---\n');
  const r = convertText(text);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(kinds(r.text), ['ConfigMap/first', 'VirtualService/reviews', 'DestinationRule/reviews', 'ServiceEntry/httpbin', 'ConfigMap/middle']);
  const vs = (yaml.loadAll(r.text) as Obj[])[1]!;
  assert.deepEqual(vs.spec.http.map((h: Obj) => h.name), ['r2', 'r1'], 'precedence 2 first');
  assert.ok(r.text.startsWith('# the ConfigMap first\napiVersion: v1\n'), 'raw text kept, comments included');
  assert.ok(r.text.includes('---\n# the ConfigMap middle\n'), 'each document separated by ---');
});

test('a converted document keeps the comment lines above it', () => {
  const r = convertText(`# egress for the demo\n${egress('httpbin', 'httpbin.org')}`);
  assert.ok(r.text.startsWith('# egress for the demo\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\n'), r.text);
});

test('keys come in a stable order: apiVersion, kind, metadata, spec', () => {
  const r = convertText(egress('httpbin', 'httpbin.org'));
  assert.deepEqual(Object.keys(yaml.load(r.text) as Obj), ['apiVersion', 'kind', 'metadata', 'spec']);
});

test('warnings carry the input\'s place (file, document, line) and the field path', () => {
  const text = `${cm('x')}---\n${rule('ws', '  websocketUpgrade: true\n', 'chat')}`;
  const r = convertText(text, {}, 'rules.yaml');
  assert.equal(r.warnings.length, 1);
  assert.deepEqual(r.warnings[0]!.place, { source: 'rules.yaml', document: 2, line: 6, item: undefined });
  assert.equal(r.warnings[0]!.message, 'RouteRule/chat/ws: spec.websocketUpgrade: has no field today: WebSocket upgrades are allowed on every HTTP route (dropped)');
});

test('counts: inputs converted by kind, objects written by kind, documents unchanged', () => {
  const r = convertText([egress('a', 'a.example.com', 'https', 443), rule('r'), cm('c')].join('---\n'));
  assert.deepEqual(r.counts, { EgressRule: 1, RouteRule: 1, ServiceEntry: 1, VirtualService: 1, DestinationRule: 1, unchanged: 1 });
});

test('tlsPassthrough: an https port is HTTPS, with no DestinationRule', () => {
  const text = egress('a', 'a.example.com', 'https', 443);
  const origination = yaml.loadAll(convertText(text).text) as Obj[];
  assert.deepEqual(origination.map((o) => o.kind), ['ServiceEntry', 'DestinationRule']);
  assert.deepEqual(origination[0]!.spec.ports, [{ number: 443, name: 'http-443', protocol: 'HTTP' }]);
  assert.deepEqual(origination[1]!.spec.trafficPolicy, { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE' } }] });
  const passthrough = yaml.loadAll(convertText(text, { tlsPassthrough: true }).text) as Obj[];
  assert.deepEqual(passthrough.map((o) => o.kind), ['ServiceEntry']);
  assert.deepEqual(passthrough[0]!.spec.ports, [{ number: 443, name: 'https-443', protocol: 'HTTPS' }]);
});

test('an https egress port shares the DestinationRule of a policy for the same host', () => {
  const text = `${egress('api', 'api.example.com', 'https', 443)}---
kind: DestinationPolicy
metadata:
  name: api-lb
spec:
  destination:
    service: api.example.com
  loadBalancing:
    name: RANDOM
`;
  const drs = (yaml.loadAll(convertText(text).text) as Obj[]).filter((o) => o.kind === 'DestinationRule');
  assert.equal(drs.length, 1);
  assert.deepEqual(drs[0]!.spec.trafficPolicy, { loadBalancer: { simple: 'RANDOM' }, portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE' } }] });
});

test('options: the default namespace and the domain build the hosts of objects that name none', () => {
  const r = convertText(rule('r', '  httpReqTimeout: {simpleTimeout: {timeout: 1s}}\n'), { defaultNamespace: 'tutorial', domain: 'corp.example' });
  const [vs] = yaml.loadAll(r.text) as Obj[];
  assert.equal(vs!.metadata.namespace, 'tutorial');
  assert.deepEqual(vs!.spec.hosts, ['reviews.tutorial.svc.corp.example']);
});

test('a problem anywhere means no text at all', () => {
  const r = convertText(`${cm('ok')}---\n${rule('bad', '  route:\n  - weight: 50\n  - weight: 40\n')}`);
  assert.equal(r.text, '');
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.message, 'RouteRule/default/bad: route weights total 90 (must total 100)');
});

test('output that today\'s rules refuse is a problem at the input that made it', () => {
  const r = convertText(`${cm('ok')}---\n${rule('bad-status', '  httpFault:\n    abort:\n      percent: 10\n      httpStatus: 100\n')}`, {}, 'f.yaml');
  assert.equal(r.text, '');
  assert.deepEqual(r.problems.map((p) => [p.place.document, p.message]), [[2, 'VirtualService/default/reviews: would not pass today\'s validation: HTTP status 100 is not in range 200-599 (spec.http[0].fault.abort.httpStatus)']]);
});

test('a RouteRule for a CIDR block had no effect in 0.x and is not converted', () => {
  const r = convertText(`kind: RouteRule
metadata: {name: tcp}
spec:
  destination: {service: 10.0.0.0/8}
  httpReqTimeout: {simpleTimeout: {timeout: 1s}}
`);
  assert.equal(r.text, '');
  assert.deepEqual(r.problems, []);
  assert.match(r.warnings[0]!.message, /10\.0\.0\.0\/8 is a CIDR block/);
});

test('RouteRules for one host in two namespaces make two VirtualServices, each in its own', () => {
  const r = convertText([rule('a', '', 'x'), rule('b', '', 'y')].join('---\n'));
  assert.deepEqual((yaml.loadAll(r.text) as Obj[]).map((o) => `${o.metadata.namespace}/${o.metadata.name}`), ['x/reviews', 'y/reviews']);
});

test('a VirtualService whose routes all match ends with the host itself, as 0.x fell back to the service', () => {
  const r = convertText(rule('only-jason', '  match:\n    request:\n      headers:\n        end-user: {exact: jason}\n  route:\n  - labels: {version: v2}\n'));
  const [vs] = yaml.loadAll(r.text) as Obj[];
  assert.deepEqual(vs!.spec.http.at(-1), { name: 'default', route: [{ destination: { host: 'reviews.default.svc.cluster.local' } }] });
});

test('Ingress: a named service port is looked up among the input\'s Services', () => {
  const text = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports:
  - {name: http, port: 8080}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend:
    service: {name: web, port: {name: http}}
`;
  const r = convertText(text);
  const vs = (yaml.loadAll(r.text) as Obj[]).find((o) => o.kind === 'VirtualService')!;
  assert.deepEqual(vs.spec.http, [{ route: [{ destination: { host: 'web.default.svc.cluster.local', port: { number: 8080 } } }] }]);
});

test('IngressRule (never stored by 0.x) passes through with a warning', () => {
  const text = 'apiVersion: config.istio.io/v1alpha2\nkind: IngressRule\nmetadata: {name: x}\nspec: {}\n';
  const r = convertText(text);
  assert.equal(r.text, text);
  assert.equal(r.warnings.length, 1);
});

// Inputs of every shape under the kinds convert reads: problems or output, never an exception.
const junk = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string(), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('name', 'service', 'labels', 'route', 'match', 'spec', 'metadata', 'weight', 'precedence', 'x'), tie('value'), { maxKeys: 4 })),
})).value;
const shaped = fc.record({
  kind: fc.constantFrom('EgressRule', 'RouteRule', 'DestinationPolicy', 'Ingress', 'Deployment', 'CronJob', 'Pod', 'List'),
  apiVersion: fc.constantFrom(undefined, 'config.istio.io/v1alpha2', 'extensions/v1beta1', 'networking.k8s.io/v1', 'apps/v1'),
  metadata: fc.oneof(junk, fc.record({ name: fc.constantFrom('a', 'b'), annotations: fc.option(fc.constant({ 'sidecar.istio.io/status': 'injected-version-0.4.0' }), { nil: undefined }) }, { requiredKeys: ['name'] })),
  spec: junk,
  items: junk,
}, { requiredKeys: ['kind'] });

test('no input crashes it', () => {
  fc.assert(fc.property(fc.array(shaped, { minLength: 1, maxLength: 4 }), (docs) => {
    const documents = docs.map((value, i) => ({ source: 'junk', doc: { index: i + 1, line: 1, startLine: 1, raw: '', hasContent: true }, value: JSON.parse(JSON.stringify(value)) }));
    const r = convertDocuments(documents, { defaultNamespace: 'default' });
    assert.equal(typeof r.text, 'string');
  }), { numRuns: 500 });
});

test('a stream parsed from text with odd values converts or reports problems', () => {
  const text = 'kind: RouteRule\nmetadata: {name: x}\nspec: null\n---\nkind: EgressRule\nmetadata: {name: y}\nspec: {destination: {service: 1}}\n---\nkind: DestinationPolicy\nmetadata: {name: z}\nspec: [1]\n';
  const parsed = parseStream('odd.yaml', text);
  const r = convertDocuments(parsed.documents, { defaultNamespace: 'default' });
  assert.equal(r.text, '');
  assert.deepEqual([...new Set(r.problems.map((p) => p.place.document))], [1, 2, 3]);
});

test('a name that a VirtualService of the input already has is not taken again', () => {
  const text = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
---
${rule('r', '  httpReqTimeout: {simpleTimeout: {timeout: 1s}}\n')}`;
  const r = convertText(text);
  const names = (yaml.loadAll(r.text) as Obj[]).map((o) => o.metadata.name);
  assert.equal(names[0], 'reviews');
  assert.match(names[1], /^reviews-[0-9a-f]{8}$/);
  assert.match(r.warnings.map((w) => w.message).join('\n'), /reviews is the name of a VirtualService already in the input: named reviews-[0-9a-f]{8}/);
});

test('a problem in one route of a merged VirtualService is placed at the RouteRule it came from', () => {
  const text = [rule('fine', '  precedence: 2\n  httpReqTimeout: {simpleTimeout: {timeout: 1s}}\n'), rule('bad', '  httpFault:\n    abort: {percent: 5, httpStatus: 150}\n')].join('---\n');
  const r = convertText(text, {}, 'two.yaml');
  assert.deepEqual(r.problems.map((p) => p.place.document), [2]);
  assert.match(r.problems[0]!.message, /spec\.http\[1\]\.fault\.abort\.httpStatus/);
});
