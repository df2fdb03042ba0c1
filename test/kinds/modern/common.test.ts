// The shared Istio helpers: hosts, fqdn, addresses, ports, protocols, labels, exportTo, selectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  exportToProblems,
  fqdn,
  fqdnProblem,
  hostSubsetOf,
  hostsMatch,
  ipSubnetProblem,
  labelProblems,
  parseProtocol,
  partialWildcardProblem,
  portNameProblem,
  portProblem,
  protocolProblem,
  selectorFindings,
  wildcardDomainProblem,
} from '../../../src/core/kinds/modern/common.ts';
import { goFloat, goQuote } from '../../../src/core/kinds/modern/text.ts';

const domains: Array<[string, string | undefined]> = [
  ['httpbin.org', undefined],
  ['*.wikipedia.org', undefined],
  ['*', undefined],
  ['*google.com', undefined], // a partial wildcard is a warning, not a domain error
  ['*-bar.foo.com', undefined],
  ['reviews', undefined], // short names are accepted today
  ['Reviews.Default.SVC', undefined], // upper case is accepted today
  ['istio.io.', undefined],
  ['foo.*.com', 'domain name "*.com" invalid (label "*" invalid)'],
  ['foo_bar.com', 'domain name "foo_bar.com" invalid (label "foo_bar" invalid)'],
  ['*.foo_bar.com', 'domain name "foo_bar.com" invalid (label "foo_bar" invalid)'],
  ['a..b', 'domain name ".b" invalid (label "" invalid)'],
  ['1.2.3.4', 'domain name "2.3.4" invalid (top level domain "4" cannot be all-numeric)'],
  ['', 'empty domain name not allowed'],
  [`${'a'.repeat(64)}.com`, `domain name "${'a'.repeat(64)}.com" invalid (label "${'a'.repeat(64)}" invalid)`],
  [`${'a.'.repeat(128)}com`, `domain name "${'a.'.repeat(128)}com" too long (max 255)`],
];
for (const [d, want] of domains) test(`ValidateWildcardDomain ${JSON.stringify(d).slice(0, 40)}`, () => assert.equal(wildcardDomainProblem(d), want));

test('ValidateFQDN refuses wildcards and numeric top-level domains', () => {
  assert.equal(fqdnProblem('foo.bar.com'), undefined);
  assert.equal(fqdnProblem('*.bar.com'), 'domain name "*.bar.com" invalid (label "*" invalid)');
  assert.equal(fqdnProblem('10.0.0.1'), 'domain name "10.0.0.1" invalid (top level domain "1" cannot be all-numeric)');
  // strconv.Atoi's range: a 20-digit label is not "all-numeric" to Istio, and a valid label
  assert.equal(fqdnProblem('a.99999999999999999999'), undefined);
});

test('partial wildcards', () => {
  assert.equal(partialWildcardProblem('*.foo.com'), undefined);
  assert.equal(partialWildcardProblem('*'), undefined);
  assert.equal(partialWildcardProblem('*google.com'), 'partial wildcard "*google.com" not allowed');
  assert.equal(partialWildcardProblem('*-bar.foo.com'), 'partial wildcard "*-bar.foo.com" not allowed');
});

test('fqdn resolves short names in the namespace, leaves the rest', () => {
  assert.equal(fqdn('reviews', 'default'), 'reviews.default.svc.cluster.local');
  assert.equal(fqdn('reviews', 'default', 'example.internal'), 'reviews.default.svc.example.internal');
  assert.equal(fqdn('reviews.prod', 'default'), 'reviews.prod');
  assert.equal(fqdn('*.wikipedia.org', 'default'), '*.wikipedia.org');
  assert.equal(fqdn('*', 'default'), '*');
  assert.equal(fqdn('10.0.0.1', 'default'), '10.0.0.1');
  assert.equal(fqdn('::1', 'default'), '::1');
  assert.equal(fqdn('reviews', undefined), 'reviews.svc.cluster.local');
});

test('host matching (host.Name.Matches, SubsetOf)', () => {
  assert.equal(hostsMatch('*.com', 'foo.com'), true);
  assert.equal(hostsMatch('foo.com', '*.com'), true);
  assert.equal(hostsMatch('*.foo.com', 'foo.com'), false);
  assert.equal(hostsMatch('*.foo.com', '*.com'), true);
  assert.equal(hostsMatch('*', 'foo.com'), true);
  assert.equal(hostSubsetOf('a.foo.com', '*.foo.com'), true);
  assert.equal(hostSubsetOf('*.foo.com', 'a.foo.com'), false);
  assert.equal(hostSubsetOf('*.a.foo.com', '*.foo.com'), true);
  assert.equal(hostSubsetOf('*.foo.com', '*.a.foo.com'), false);
});

test('addresses and CIDR blocks, IPv4 and IPv6', () => {
  for (const ok of ['10.0.0.1', '10.0.0.0/8', '10.1.2.3/8', '2001:db8::/32', '2001:db8::1', 'fe80::1%eth0', '0.0.0.0/0']) assert.equal(ipSubnetProblem(ok), undefined, ok);
  assert.equal(ipSubnetProblem('10.15.0/16'), '10.15.0/16 is not a valid CIDR block');
  assert.equal(ipSubnetProblem('1.2.3.4/33'), '1.2.3.4/33 is not a valid CIDR block');
  assert.equal(ipSubnetProblem('fe80::1%eth0/64'), 'fe80::1%eth0/64 is not a valid CIDR block');
  assert.equal(ipSubnetProblem('01.2.3.4'), '01.2.3.4 is not a valid IP');
  assert.equal(ipSubnetProblem('1.2.3.4/8/8'), '1.2.3.4/8/8 is not a valid IP');
  assert.equal(ipSubnetProblem('example.com'), 'example.com is not a valid IP');
});

test('ports, port names, protocols', () => {
  assert.equal(portProblem(1), undefined);
  assert.equal(portProblem(65535), undefined);
  assert.equal(portProblem(0), 'port number 0 must be in the range 1..65535');
  assert.equal(portProblem(65536), 'port number 65536 must be in the range 1..65535');
  assert.equal(portNameProblem('http-Port1'), undefined);
  assert.equal(portNameProblem('http_port'), 'invalid port name: http_port');
  assert.equal(portNameProblem('a'.repeat(64)), `invalid port name: ${'a'.repeat(64)}`);
  for (const p of ['', 'tcp', 'UDP', 'grpc', 'GRPC-Web', 'http', 'HTTP_PROXY', 'http2', 'HTTPS', 'tls', 'mongo', 'Redis', 'MySQL']) assert.equal(protocolProblem(p), undefined, p);
  assert.equal(protocolProblem('HBONE'), 'unsupported protocol: HBONE');
  assert.equal(protocolProblem('DoubleHBONE'), 'unsupported protocol: DoubleHBONE');
  assert.equal(parseProtocol('grpc-web'), 'GRPC-Web');
  assert.equal(parseProtocol(''), 'UnsupportedProtocol');
});

test('labels (labels.Instance.Validate)', () => {
  assert.deepEqual(labelProblems({ app: 'x', 'example.com/Version': 'v1.0_a', e: '' }), []);
  assert.deepEqual(labelProblems({ 'a b': 'x', k: '-x', [`${'a'.repeat(64)}`]: 'v' }), ['invalid tag key: "a b"', 'invalid tag value: "-x"', `invalid tag key: "${'a'.repeat(64)}" (name is too long)`]);
  assert.deepEqual(labelProblems({ [`${'a.'.repeat(127)}ab/x`]: 'v' }), [`invalid tag key: "${'a.'.repeat(127)}ab/x" (DNS prefix is too long)`]);
});

test('exportTo', () => {
  assert.deepEqual(exportToProblems('ns1', ['.', '*'], false, false), ['cannot have both public (*) and non-public exportTo values for a resource']);
  assert.deepEqual(exportToProblems('ns1', ['ns1', '.'], false, false), ['duplicate entries in exportTo: . and current namespace ns1']);
  assert.deepEqual(exportToProblems('ns1', ['.', 'ns1'], false, false), ['duplicate entries in exportTo for entry ns1']);
  assert.deepEqual(exportToProblems('ns1', ['ns2', 'ns2'], false, false), ['duplicate entries in exportTo for entry ns2']);
  assert.deepEqual(exportToProblems('ns1', ['~'], false, false), ['exportTo ~ (none) is not allowed for Istio configuration objects']);
  assert.deepEqual(exportToProblems('ns1', ['~'], true, false), []);
  assert.deepEqual(exportToProblems('ns1', ['~', 'ns2'], true, false), ['cannot export service entry to no one (~) and someone']);
  assert.deepEqual(exportToProblems('ns1', ['Not_A_Label'], false, false), ['only .,*, or a valid DNS 1123 label is allowed as exportTo entry']);
  assert.deepEqual(exportToProblems('ns1', ['ns2'], false, true), ['destination rule with workload selector cannot have exportTo beyond current namespace']);
  assert.deepEqual(exportToProblems('ns1', ['.', 'ns2'], false, true), ['destination rule with workload selector cannot have multiple entries in exportTo']);
  assert.deepEqual(exportToProblems(undefined, ['.'], false, true), []);
});

test('workload selectors', () => {
  assert.deepEqual(selectorFindings({ app: 'a' }), { problems: [], warnings: [], bad: new Set() });
  assert.deepEqual(selectorFindings({}).warnings, ['workload selector specified without labels']);
  assert.deepEqual(selectorFindings({ '': 'a', 'b*': 'c' }).problems, ['empty key is not supported in selector: "=a"', 'wildcard is not supported in selector: "b*=c"']);
});

test("Go's %q and %v", () => {
  assert.equal(goQuote('a"b\\c\n\x01é'), '"a\\"b\\\\c\\n\\x01é"');
  assert.equal(goFloat(150), '150');
  assert.equal(goFloat(0.00001), '1e-05');
  assert.equal(goFloat(1000000), '1e+06');
  assert.equal(goFloat(-0.5), '-0.5');
});
