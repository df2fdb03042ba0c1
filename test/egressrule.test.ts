// Validation rules, one by one, with their exact messages (Istio 0.4's wording where it had one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkServiceName04 as checkEgressDomain } from '../src/core/kinds/istio-service.ts';
import { checkObject as checkEgressRule, validateDocuments } from '../src/core/objects.ts';
import { parseStream } from '../src/core/stream.ts';

const rule = (spec: unknown, metadata: unknown = { name: 'r' }) => ({ kind: 'EgressRule', metadata, spec });
const cidr443 = { destination: { service: '91.198.174.192/27' }, ports: [{ port: 443, protocol: 'tcp' }] };
const problems = (v: unknown) => checkEgressRule(v).problems;

test('the seed rule is valid and normalised for sending', () => {
  const r = checkEgressRule(rule(cidr443, { name: 'wikipedia-range1' }));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.object, { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: 'wikipedia-range1' }, spec: cidr443 });
});

test('proto and lowerCamel names are both accepted; use_egress_proxy false is left out', () => {
  for (const key of ['use_egress_proxy', 'useEgressProxy']) {
    const r = checkEgressRule(rule({ ...cidr443, [key]: false }));
    assert.deepEqual(r.problems, [], key);
    assert.equal('useEgressProxy' in (r.object!.spec as object), false);
  }
  assert.deepEqual(problems(rule({ ...cidr443, use_egress_proxy: false, useEgressProxy: false })), ['field "spec.useEgressProxy" given twice (also as "spec.use_egress_proxy")']);
});

const cases: Array<[string, unknown, string[]]> = [
  ['1 missing destination', rule({ ports: cidr443.ports }), ['destination of egress rule must have destination field']],
  ['1 destination name', rule({ ...cidr443, destination: { service: '1.2.3.0/24', name: 'x' } }), ['destination of egress rule must not have name field']],
  ['1 destination namespace', rule({ ...cidr443, destination: { service: '1.2.3.0/24', namespace: 'x' } }), ['destination of egress rule must not have namespace field']],
  ['1 destination domain', rule({ ...cidr443, destination: { service: '1.2.3.0/24', domain: 'x' } }), ['destination of egress rule must not have domain field']],
  ['1 destination labels', rule({ ...cidr443, destination: { service: '1.2.3.0/24', labels: { a: 'b' } } }), ['destination of egress rule must not have labels field']],
  ['2 bad CIDR', rule({ ...cidr443, destination: { service: '10.15.0/16' } }), ['10.15.0/16 is not a valid CIDR block']],
  ['2 IPv6 CIDR', rule({ ...cidr443, destination: { service: '2001:db8::/32' } }), ['2001:db8::/32 is not a valid IPv4 address']],
  ['2 empty domain', rule({ ...cidr443, destination: { service: '' }, ports: [{ port: 80, protocol: 'http' }] }), ['domain must not be empty string']],
  ['2 bad label', rule({ destination: { service: 'foo_bar.com' }, ports: [{ port: 80, protocol: 'http' }] }), ['domain name "foo_bar.com" invalid (label "foo_bar" invalid)']],
  ['2 too long', rule({ destination: { service: 'a.'.repeat(128) + 'com' }, ports: [{ port: 80, protocol: 'http' }] }), [`domain name "${'a.'.repeat(128)}com" too long (max 255)`]],
  ['3 no ports', rule({ destination: { service: '1.2.3.0/24' } }), ['egress rule must have a ports list']],
  ['3 empty ports', rule({ destination: { service: '1.2.3.0/24' }, ports: [] }), ['egress rule must have a ports list']],
  ['3 duplicate port', rule({ ...cidr443, ports: [{ port: 443, protocol: 'tcp' }, { port: 443, protocol: 'mongo' }] }), ['duplicate port: 443']],
  ['3 port 0', rule({ ...cidr443, ports: [{ port: 0, protocol: 'tcp' }] }), ['port number 0 must be in the range 1..65535']],
  ['3 port 65536', rule({ ...cidr443, ports: [{ port: 65536, protocol: 'tcp' }] }), ['port number 65536 must be in the range 1..65535']],
  ['4 udp', rule({ destination: { service: 'a.com' }, ports: [{ port: 53, protocol: 'udp' }] }), ['egress rule support is available only for the following protocols: HTTP,HTTPS,HTTP2,GRPC,TCP,MONGO']],
  ['5 CIDR with https', rule({ ...cidr443, ports: [{ port: 443, protocol: 'https' }] }), ['Only the following protocols can be defined for CIDR destination service notation: TCP,MONGO. This rule - port: 443 protocol: https destination.service: 91.198.174.192/27']],
  ['6 egress proxy', rule({ ...cidr443, use_egress_proxy: true }), ['directing traffic through egress proxy is not implemented yet']],
];

for (const [name, value, expected] of cases) {
  test(`rule ${name}`, () => assert.deepEqual(problems(value), expected));
}

test('every problem of a rule is reported at once', () => {
  const p = problems(rule({ destination: { service: '10.0.0.0/33', name: 'n' }, ports: [{ port: 0, protocol: 'udp' }], use_egress_proxy: true }));
  assert.equal(p.length, 6, p.join('\n'));
});

test('domain rules of Istio 0.4: wildcards, bare IPs, case', () => {
  for (const ok of ['*', '*.wikipedia.org', '*-foo.com', 'wikipedia.org', '1.2.3.4', 'a-b.c']) assert.deepEqual(checkEgressDomain(ok), [], ok);
  assert.deepEqual(checkEgressDomain('foo.*.com'), ['domain name "foo.*.com" invalid (label "*" invalid)']);
  assert.deepEqual(checkEgressDomain('Wikipedia.org'), ['domain name "Wikipedia.org" invalid (label "Wikipedia" invalid)']);
  assert.deepEqual(checkEgressDomain('a..b'), ['domain name "a..b" invalid (label "" invalid)']);
  // 0.4.0's ValidateFQDN runs both checks: two errors for what is left of `*.` (0.3 gave one).
  assert.deepEqual(checkEgressDomain('*.'), ['empty domain name not allowed', 'domain name "" invalid (label "" invalid)']);
});

test('protocols are case-insensitive; host bits and /0 are allowed in a destination', () => {
  assert.deepEqual(problems(rule({ destination: { service: '10.1.2.3/8' }, ports: [{ port: 443, protocol: 'TcP' }, { port: 27017, protocol: 'MONGO' }] })), []);
  assert.deepEqual(problems(rule({ destination: { service: '0.0.0.0/0' }, ports: [{ port: 443, protocol: 'tcp' }] })), []);
});

test('kind, apiVersion and metadata', () => {
  assert.deepEqual(problems({ ...rule(cidr443), kind: 'egressrule' }), ['unknown kind "egressrule": did you mean EgressRule? (kinds are case-sensitive)']);
  assert.deepEqual(problems({ ...rule(cidr443), kind: 'Pod' }), ['unknown kind "Pod": egressctl knows EgressRule, RouteRule, DestinationPolicy, IngressRule, ServiceEntry, VirtualService, DestinationRule, Gateway']);
  assert.deepEqual(problems({ metadata: { name: 'r' }, spec: cidr443 }), ['kind is required (one of EgressRule, RouteRule, DestinationPolicy, IngressRule, ServiceEntry, VirtualService, DestinationRule, Gateway)']);
  assert.deepEqual(problems({ ...rule(cidr443), apiVersion: 'networking.istio.io/v1alpha3' }), ['apiVersion "networking.istio.io/v1alpha3" is not supported for EgressRule (expected config.istio.io/v1alpha2, or none)']);
  assert.deepEqual(problems({ ...rule(cidr443), apiVersion: 'config.istio.io/v1alpha2' }), []);
  assert.deepEqual(problems(rule(cidr443, {})), ['metadata.name is required']);
  assert.match(problems(rule(cidr443, { name: 'Bad_Name' }))[0], /^metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  assert.equal(problems(rule(cidr443, { name: 'ok', namespace: 'a.b' }))[0], 'metadata.namespace: Invalid value: "a.b": must not contain dots');
  assert.match(problems(rule(cidr443, { name: 'ok', namespace: 'A' }))[0], /^metadata\.namespace: Invalid value: "A": a lowercase RFC 1123 label/);
  assert.deepEqual(problems(rule(cidr443, { name: 'r', colour: 'red' })), ['unknown field "metadata.colour"']);
  assert.deepEqual(problems({ ...rule(cidr443), status: {} }), ['unknown field "status"']);
});

test('label keys and values, and annotation keys, are checked offline with the API server\'s messages', () => {
  const labelled = (labels: unknown, annotations?: unknown) => problems(rule(cidr443, { name: 'r', labels, ...(annotations ? { annotations } : {}) }));
  assert.deepEqual(labelled({ app: 'x', 'example.com/tier': 'a_b.c-1', empty: '' }), []);
  assert.deepEqual(labelled({ 'bad label': 'x' }), [
    `metadata.labels: Invalid value: "bad label": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
  ]);
  assert.match(labelled({ 'a/b/c': 'x' })[0]!, /^metadata\.labels: Invalid value: "a\/b\/c": a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
  assert.deepEqual(labelled({ '/x': 'y' }), ['metadata.labels: Invalid value: "/x": prefix part must be non-empty']);
  assert.deepEqual(labelled({ k: 'v'.repeat(64) }), [`metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`]);
  assert.match(labelled({ k: '-x' })[0]!, /^metadata\.labels: Invalid value: "-x": a valid label must be an empty string or consist of/);
  assert.deepEqual(labelled(undefined, { 'Example.com/Ok': 'anything at all' }), []);
  assert.match(labelled(undefined, { 'bad key': 'v' })[0]!, /^metadata\.annotations: Invalid value: "bad key": name part must consist of/);
  assert.deepEqual(labelled(undefined, { big: 'x'.repeat(256 * 1024) }), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
});

test('what get -o yaml returns can be fed back: server metadata is accepted and not sent', () => {
  const r = checkEgressRule(rule(cidr443, { name: 'r', namespace: 'default', uid: 'u', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z', generation: 1, labels: { app: 'x' } }));
  assert.deepEqual(r.object!.metadata, { name: 'r', namespace: 'default', resourceVersion: '7', labels: { app: 'x' } });
});

test('wrong types are named by path', () => {
  assert.deepEqual(problems(rule({ destination: 'x', ports: 'y' })), ['spec.destination: expected an object, got string "x"', 'spec.ports: expected a list, got string "y"']);
  assert.deepEqual(problems(rule({ ...cidr443, ports: [{ port: '443', protocol: 6 }] })), ['spec.ports[0].port: expected an integer, got string "443"']);
  assert.deepEqual(problems(rule({ ...cidr443, ports: [{ port: 443.5, protocol: 'tcp' }] })), ['spec.ports[0].port: expected an integer, got number 443.5']);
  assert.deepEqual(problems(['a']), ['expected an object (apiVersion, kind, metadata, spec), got list']);
  // null is a value of the wrong type, not proto3's default: never "port 0".
  assert.deepEqual(problems(rule({ ...cidr443, ports: [{ port: null, protocol: 'tcp' }] })), ['spec.ports[0].port: expected an integer, got null']);
  assert.deepEqual(problems(rule({ ...cidr443, ports: [{ port: 443, protocol: null }] })), ['spec.ports[0].protocol: expected a string, got null']);
  // Absent is the default, worded as Istio words it.
  assert.deepEqual(problems(rule({ ...cidr443, ports: [{ protocol: 'tcp' }] })), ['port number 0 must be in the range 1..65535']);
});

test('across documents: duplicate names and a namespace that contradicts -n', () => {
  const text = 'kind: EgressRule\nmetadata: {name: a}\nspec: {destination: {service: 1.2.3.0/24}, ports: [{port: 1, protocol: tcp}]}\n---\n' +
    'kind: EgressRule\nmetadata: {name: a}\nspec: {destination: {service: 1.2.4.0/24}, ports: [{port: 1, protocol: tcp}]}\n---\n' +
    'kind: EgressRule\nmetadata: {name: a, namespace: other}\nspec: {destination: {service: 1.2.5.0/24}, ports: [{port: 1, protocol: tcp}]}\n';
  const { documents } = parseStream('s.yaml', text);
  const r = validateDocuments(documents);
  assert.deepEqual(r.problems.map((p) => [p.place.document, p.place.line, p.message]), [[2, 5, 'duplicate name "a" in namespace "default": also defined in document 1']]);
  assert.equal(r.objects.length, 2);
  const r2 = validateDocuments(documents, { namespace: 'default' });
  assert.deepEqual(r2.problems.map((p) => p.message), [
    'duplicate name "a" in namespace "default": also defined in document 1',
    `the namespace from the provided object "other" does not match the namespace "default". You must pass '--namespace=other' to perform this operation.`,
  ]);
});

test('duplicates are found after each object\'s namespace is resolved: "namespace: X" and none, when X is the default', () => {
  const doc = (ns: string) => `kind: EgressRule\nmetadata: {name: a${ns}}\nspec: {destination: {service: 1.2.3.0/24}, ports: [{port: 1, protocol: tcp}]}\n`;
  const { documents } = parseStream('s.yaml', [doc(', namespace: default'), doc('')].join('---\n'));
  assert.deepEqual(validateDocuments(documents).problems.map((p) => p.message), ['duplicate name "a" in namespace "default": also defined in document 1']);
  // The context's namespace is the default: the same holds for it, and not for "default".
  const team = parseStream('s.yaml', [doc(', namespace: team'), doc('')].join('---\n')).documents;
  assert.deepEqual(validateDocuments(team, { defaultNamespace: 'team' }).problems.map((p) => p.message), ['duplicate name "a" in namespace "team": also defined in document 1']);
  assert.deepEqual(validateDocuments(documents, { defaultNamespace: 'team' }).problems, []);
  // -n wins over the default.
  assert.deepEqual(validateDocuments(team, { namespace: 'team', defaultNamespace: 'default' }).problems.map((p) => p.message), ['duplicate name "a" in namespace "team": also defined in document 1']);
});
