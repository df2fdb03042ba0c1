// `egressctl validate` through the real CLI: at least 40 invalid inputs, each with its message,
// file, document and line; exit 1; no stack trace. Plus the analysis warnings and the lazy import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/run.ts';
import { tempDir } from './helpers/tmp.ts';

const seed = readFileSync(new URL('../fixtures/seed/wikipedia-rules.yaml', import.meta.url), 'utf8');
const first = 'kind: EgressRule\nmetadata:\n  name: first\nspec:\n  destination:\n    service: 8.8.8.0/24\n  ports:\n  - port: 443\n    protocol: tcp\n';
// The bad document is document 2 and starts on line 11 (line 10 is the `---`).
const egress = (spec: string, meta = 'name: bad') => `kind: EgressRule\nmetadata: {${meta}}\nspec:\n${spec}`;
const dest = (service: string, ports = '  ports: [{port: 443, protocol: tcp}]\n') => `  destination: {service: "${service}"}\n${ports}`;

const cases: Array<[string, string, string, number?]> = [
  ['CIDR with three parts', egress(dest('10.15.0/16')), '10.15.0/16 is not a valid CIDR block'],
  ['CIDR in hex', egress(dest('0x0a.0.0.1/8')), '0x0a.0.0.1/8 is not a valid CIDR block'],
  ['prefix 33', egress(dest('10.0.0.0/33')), '10.0.0.0/33 is not a valid CIDR block'],
  ['negative prefix', egress(dest('10.0.0.0/-1')), '10.0.0.0/-1 is not a valid CIDR block'],
  ['octet 256', egress(dest('10.0.0.256/32')), '10.0.0.256/32 is not a valid CIDR block'],
  ['leading zero octet', egress(dest('10.01.0.0/16')), '10.01.0.0/16 is not a valid CIDR block'],
  ['empty prefix', egress(dest('10.0.0.0/')), '10.0.0.0/ is not a valid CIDR block'],
  ['IPv6 block', egress(dest('2001:db8::/32')), '2001:db8::/32 is not a valid IPv4 address'],
  ['five octets', egress(dest('1.2.3.4.5/32')), '1.2.3.4.5/32 is not a valid CIDR block'],
  ['uppercase domain', egress(dest('Wikipedia.org', '  ports: [{port: 80, protocol: http}]\n')), 'domain name "Wikipedia.org" invalid (label "Wikipedia" invalid)'],
  ['underscore in label', egress(dest('foo_bar.org', '  ports: [{port: 80, protocol: http}]\n')), 'domain name "foo_bar.org" invalid (label "foo_bar" invalid)'],
  ['wildcard in the middle', egress(dest('www.*.org', '  ports: [{port: 80, protocol: http}]\n')), 'domain name "www.*.org" invalid (label "*" invalid)'],
  ['trailing dot', egress(dest('wikipedia.org.', '  ports: [{port: 80, protocol: http}]\n')), 'domain name "wikipedia.org." invalid (label "" invalid)'],
  ['label of 64', egress(dest('a'.repeat(64) + '.org', '  ports: [{port: 80, protocol: http}]\n')), `domain name "${'a'.repeat(64)}.org" invalid (label "${'a'.repeat(64)}" invalid)`],
  ['label ending in dash', egress(dest('foo-.org', '  ports: [{port: 80, protocol: http}]\n')), 'domain name "foo-.org" invalid (label "foo-" invalid)'],
  ['empty service', egress(dest('', '  ports: [{port: 80, protocol: http}]\n')), 'domain must not be empty string'],
  ['duplicate ports', egress(dest('8.8.4.0/24', '  ports: [{port: 443, protocol: tcp}, {port: 443, protocol: tcp}]\n')), 'duplicate port: 443'],
  ['port 0', egress(dest('8.8.4.0/24', '  ports: [{port: 0, protocol: tcp}]\n')), 'port number 0 must be in the range 1..65535'],
  ['port 65536', egress(dest('8.8.4.0/24', '  ports: [{port: 65536, protocol: tcp}]\n')), 'port number 65536 must be in the range 1..65535'],
  ['unknown protocol', egress(dest('a.org', '  ports: [{port: 53, protocol: udp}]\n')), 'egress rule support is available only for the following protocols: HTTP,HTTPS,HTTP2,GRPC,TCP,MONGO'],
  ['redis protocol', egress(dest('a.org', '  ports: [{port: 6379, protocol: redis}]\n')), 'egress rule support is available only for the following protocols: HTTP,HTTPS,HTTP2,GRPC,TCP,MONGO'],
  ['CIDR with HTTPS', egress(dest('8.8.4.0/24', '  ports: [{port: 443, protocol: https}]\n')), 'Only the following protocols can be defined for CIDR destination service notation: TCP,MONGO. This rule - port: 443 protocol: https destination.service: 8.8.4.0/24'],
  ['CIDR with HTTP', egress(dest('8.8.4.0/24', '  ports: [{port: 80, protocol: HTTP}]\n')), 'Only the following protocols can be defined for CIDR destination service notation: TCP,MONGO. This rule - port: 80 protocol: HTTP destination.service: 8.8.4.0/24'],
  ['use_egress_proxy', egress(dest('a.org', '  ports: [{port: 80, protocol: http}]\n  use_egress_proxy: true\n')), 'directing traffic through egress proxy is not implemented yet'],
  ['missing destination', egress('  ports: [{port: 443, protocol: tcp}]\n'), 'destination of egress rule must have destination field'],
  ['destination with name', egress('  destination: {service: 8.8.4.0/24, name: wiki}\n  ports: [{port: 443, protocol: tcp}]\n'), 'destination of egress rule must not have name field'],
  ['destination with labels', egress('  destination: {service: 8.8.4.0/24, labels: {app: x}}\n  ports: [{port: 443, protocol: tcp}]\n'), 'destination of egress rule must not have labels field'],
  ['missing ports', egress('  destination: {service: 8.8.4.0/24}\n'), 'egress rule must have a ports list'],
  ['bad name', egress(dest('8.8.4.0/24'), 'name: Wikipedia_Range'), 'metadata.name: Invalid value: "Wikipedia_Range": a lowercase RFC 1123 subdomain'],
  ['name too long', egress(dest('8.8.4.0/24'), `name: ${'a'.repeat(254)}`), 'must be no more than 253 characters'],
  ['missing name', egress(dest('8.8.4.0/24'), 'labels: {a: b}'), 'metadata.name is required'],
  ['bad namespace', egress(dest('8.8.4.0/24'), 'name: ok, namespace: My_NS'), 'metadata.namespace: Invalid value: "My_NS"'],
  ['unknown spec field', egress(dest('8.8.4.0/24') + '  timeout: 5s\n'), 'unknown field "spec.timeout"'],
  ['unknown port field', egress(dest('8.8.4.0/24', '  ports: [{port: 443, protocol: tcp, name: https}]\n')), 'unknown field "spec.ports[0].name"'],
  ['unknown metadata field', egress(dest('8.8.4.0/24'), 'name: ok, colour: red'), 'unknown field "metadata.colour"'],
  ['port as string', egress(dest('8.8.4.0/24', '  ports: [{port: "443", protocol: tcp}]\n')), 'spec.ports[0].port: expected an integer, got string "443"'],
  ['ports as a map', egress(dest('8.8.4.0/24', '  ports: {port: 443}\n')), 'spec.ports: expected a list, got object'],
  ['spec as a string', 'kind: EgressRule\nmetadata: {name: ok}\nspec: wikipedia\n', 'spec: expected an object, got string "wikipedia"'],
  ['use_egress_proxy as string', egress(dest('8.8.4.0/24') + '  useEgressProxy: "yes"\n'), 'spec.use_egress_proxy: expected a boolean, got string "yes"'],
  ['lowercase kind', 'kind: egressrule\nmetadata: {name: ok}\n', 'unknown kind "egressrule": did you mean EgressRule? (kinds are case-sensitive)'],
  ['other apiVersion', 'apiVersion: networking.istio.io/v1alpha3\n' + egress(dest('8.8.4.0/24')), 'apiVersion "networking.istio.io/v1alpha3" is not supported for EgressRule'],
  ['a list, not an object', '- a\n- b\n', 'expected an object (apiVersion, kind, metadata, spec), got list'],
  ['duplicate name in the stream', egress(dest('8.8.4.0/24'), 'name: first'), 'duplicate name "first" in namespace "default": also defined in document 1'],
  ['duplicate name, namespace default against none', egress(dest('8.8.4.0/24'), 'name: first, namespace: default'), 'duplicate name "first" in namespace "default": also defined in document 1'],
  ['duplicate key', 'kind: EgressRule\nkind: EgressRule\n', 'duplicate key "kind"', 12],
  ['unclosed flow sequence', 'kind: EgressRule\nspec: {ports: [1, 2}\n', 'YAML syntax error', 12],
  ['tab indentation', 'kind: EgressRule\nmetadata:\n\tname: x\n', 'YAML syntax error', 13],
  ['__proto__ key', 'kind: EgressRule\nmetadata: {name: x}\n__proto__: {admin: true}\n', 'key "__proto__" is not allowed'],
  ['deep nesting', 'kind: EgressRule\nspec: ' + '['.repeat(200) + ']'.repeat(200) + '\n', 'document is nested too deeply (limit 100)', 12],
  ['binary data', 'kind: EgressRule\nmetadata: {name: "\u0001"}\n', 'binary data (character 0x01) is not YAML or JSON text', 12],
];

test(`the table has at least 40 invalid inputs (${cases.length})`, () => assert.ok(cases.length >= 40));

for (const [name, doc, message, line = 11] of cases) {
  test(`validate: ${name}`, async () => {
    const dir = tempDir('egressctl-validate-');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, first + '---\n' + doc);
    const r = await runCli(['validate', '-f', file]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    const expectedPrefix = `error: ${file}: document 2 (line ${line}`;
    assert.ok(lines.some((l) => l.startsWith(expectedPrefix) && l.includes(message)), `want ${expectedPrefix}...: ${message}\ngot:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(r.stderr, /document 1 /, 'the valid document is not blamed');
  });
}

test('the seed heredoc piped into validate -f - exits 0', async () => {
  const r = await runCli(['validate', '-f', '-'], { stdin: seed });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '5 objects checked: 0 errors, 0 warnings\n');
  assert.equal(r.stderr, '');
});

test('every problem of every file is reported, not just the first', async () => {
  const dir = tempDir('egressctl-validate-');
  writeFileSync(join(dir, 'a.yaml'), egress(dest('10.15.0/16', '  ports: [{port: 0, protocol: tcp}]\n')));
  writeFileSync(join(dir, 'b.yml'), '---\n' + egress(dest('a.org', '  ports: [{port: 53, protocol: udp}]\n')));
  writeFileSync(join(dir, 'ignored.txt'), 'not read');
  const r = await runCli(['validate', '-f', dir]);
  assert.equal(r.code, 1);
  const errors = r.stderr.trim().split('\n');
  assert.deepEqual(errors, [
    `error: ${join(dir, 'a.yaml')}: document 1 (line 1): 10.15.0/16 is not a valid CIDR block`,
    `error: ${join(dir, 'a.yaml')}: document 1 (line 1): port number 0 must be in the range 1..65535`,
    `error: ${join(dir, 'b.yml')}: document 1 (line 2): egress rule support is available only for the following protocols: HTTP,HTTPS,HTTP2,GRPC,TCP,MONGO`,
  ]);
});

test('analysis warnings: same destination, overlap, mixed protocols, TCP domain, IP as domain', async () => {
  const r = (name: string, service: string, ports: string) => `kind: EgressRule\nmetadata: {name: ${name}}\nspec:\n  destination: {service: "${service}"}\n  ports: [${ports}]\n`;
  const text = [
    r('a', '10.0.0.0/8', '{port: 443, protocol: tcp}'),
    r('b', '10.0.0.0/8', '{port: 443, protocol: tcp}'),
    r('c', '10.1.0.0/16', '{port: 443, protocol: tcp}'),
    r('d', 'wikipedia.org', '{port: 443, protocol: https}'),
    r('e', 'example.com', '{port: 9000, protocol: tcp}'),
    r('f', '93.184.216.34', '{port: 80, protocol: http}'),
  ].join('---\n');
  const res = await runCli(['validate', '-f', '-'], { stdin: text });
  assert.equal(res.code, 0, res.stderr);
  const w = res.stderr.trim().split('\n');
  assert.equal(w.length, 5, res.stderr);
  assert.match(w.find((l) => l.includes('document 2'))!, /same destination "10\.0\.0\.0\/8" as default\/a .*drops this one/);
  assert.match(w.find((l) => l.includes('document 3'))!, /CIDR block 10\.1\.0\.0\/16 of default\/c overlaps 10\.0\.0\.0\/8 of default\/a .* on port 443/);
  assert.match(w.find((l) => l.includes('document 4'))!, /egress rule default\/d declares port 443 with protocol HTTP, but default\/a, default\/c \(<stdin> document 1\) declared it with TCP first; Pilot rejects egress-rule\/default\/d/);
  assert.match(w.find((l) => l.includes('document 5'))!, /"example\.com" is a domain but port 9000 uses protocol tcp/);
  assert.match(w.find((l) => l.includes('document 6'))!, /IPv4 address written as a domain.*93\.184\.216\.34\/32/);
  assert.equal((await runCli(['validate', '--strict', '-f', '-'], { stdin: text })).code, 1, '--strict fails on warnings');
});

test('usage errors exit 2 with the usage line', async () => {
  const none = await runCli(['validate']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /filename not specified \(see --filename or -f\)\nUsage: egressctl validate/);
  const unknown = await runCli(['validate', '--bogus', '-f', 'x']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option '--bogus'/);
  const missing = await runCli(['validate', '-f', 'does-not-exist.yaml']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'error: does-not-exist.yaml: the path "does-not-exist.yaml" does not exist\n');
  const empty = await runCli(['validate', '-f', '-'], { stdin: '# only a comment\n---\n' });
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /no objects passed to validate/);
});

test('validate across kinds: the egress task\'s RouteRule warns until an EgressRule opens httpbin.org', async () => {
  const route = 'kind: RouteRule\nmetadata: {name: httpbin-timeout-rule}\nspec:\n  destination: {service: httpbin.org}\n  httpReqTimeout: {simpleTimeout: {timeout: 3s}}\n';
  const egress = 'kind: EgressRule\nmetadata: {name: httpbin-egress-rule}\nspec:\n  destination: {service: httpbin.org}\n  ports: [{port: 80, protocol: http}]\n';
  const alone = await runCli(['validate', '-f', '-'], { stdin: route });
  assert.equal(alone.code, 0, alone.stderr);
  assert.equal(alone.stderr, 'warning: <stdin>: document 1 (line 1): RouteRule default/httpbin-timeout-rule sends traffic to the external host "httpbin.org" (spec.destination), but no EgressRule opens it: the sidecar refuses that traffic (add an EgressRule for httpbin.org)\n');
  assert.equal((await runCli(['validate', '--strict', '-f', '-'], { stdin: route })).code, 1);
  const both = await runCli(['validate', '-f', '-'], { stdin: `${egress}---\n${route}` });
  assert.equal(both.code, 0);
  assert.equal(both.stderr, '');
  assert.equal(both.stdout, '2 objects checked: 0 errors, 0 warnings\n');
});

test('field names that Object.prototype has (toString, constructor, valueOf, hasOwnProperty) are unknown fields, in every kind', async () => {
  const stdin = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: a
  toString: x
spec:
  hosts: [a.example.com]
  toString: 5
  constructor: 1
  ports:
  - number: 443
    name: https
    protocol: TLS
    valueOf: 1
  resolution: DNS
---
kind: EgressRule
metadata:
  name: b
  hasOwnProperty: 1
spec:
  valueOf: 2
  destination:
    service: a.example.com
  ports:
  - port: 443
    protocol: tcp
---
apiVersion: config.istio.io/v1alpha2
kind: RouteRule
metadata:
  name: c
spec:
  destination:
    name: reviews
  route:
  - labels:
      version: v1
    toString: 1
`;
  const r = await runCli(['validate', '-f', '-'], { stdin });
  assert.equal(r.code, 1);
  assert.deepEqual(r.stderr.split('\n').filter(Boolean).map((l) => l.replace(/^error: <stdin>: document (\d) \(line \d+\): /, '$1 ')), [
    '1 unknown field "metadata.toString"',
    '1 unknown field "spec.toString"',
    '1 unknown field "spec.constructor"',
    '1 unknown field "spec.ports[0].valueOf"',
    '2 unknown field "metadata.hasOwnProperty"',
    '2 unknown field "spec.valueOf"',
    '3 unknown field "spec.route[0].toString"',
  ]);
});
