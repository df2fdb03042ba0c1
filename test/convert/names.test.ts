// Names and hosts: subset names from labels, object names from hosts, fully qualified hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostObjectName, hostOf, subsetName, egressRuleHost } from '../../src/core/convert/index.ts';
import { labelsKey, settleNames, uniqueSubsetNames } from '../../src/core/convert/names.ts';
import { isDNS1123Label, isDNS1123Subdomain } from '../../src/core/names.ts';

const subsets: Array<[Record<string, string>, string]> = [
  [{ version: 'v1' }, 'version-v1'],
  [{ version: '1.0' }, 'version-1-0'],
  [{ version: 'V1' }, 'version-v1'],
  [{ app: 'reviews', version: 'v2' }, 'app-reviews-version-v2'],
  [{ version: 'v2', app: 'reviews' }, 'app-reviews-version-v2'],
  [{ 'app.kubernetes.io/version': '1_2' }, 'app-kubernetes-io-version-1-2'],
  [{ canary: '' }, 'canary'],
  [{ 'x.y/z': '--' }, 'x-y-z'],
];
for (const [labels, want] of subsets) {
  test(`subsetName ${JSON.stringify(labels)} = ${want}`, () => assert.equal(subsetName(labels), want));
}

test('subsetName: a name over 63 characters is cut and ends with a hash of the labels', () => {
  const labels = { 'app.kubernetes.io/name': 'reviews-backend-service', 'app.kubernetes.io/version': '2024-11-release-candidate-7' };
  const name = subsetName(labels);
  assert.ok(name.length <= 63 && isDNS1123Label(name), name);
  assert.match(name, /^app-kubernetes-io-name-reviews-backend-service-app-k[a-z-]*-[0-9a-f]{8}$/);
  assert.equal(subsetName({ ...labels }), name, 'stable');
});

test('uniqueSubsetNames: label sets that would share a name each get a hashed one; the others keep theirs', () => {
  const sets = [{ version: '1.0' }, { version: '1-0' }, { version: 'v2' }];
  const names = uniqueSubsetNames(new Map(sets.map((l) => [labelsKey(l), l])));
  const [a, b, c] = sets.map((l) => names.get(labelsKey(l))!);
  assert.notEqual(a, b);
  assert.match(a!, /^version-1-0-[0-9a-f]{8}$/);
  assert.match(b!, /^version-1-0-[0-9a-f]{8}$/);
  assert.equal(c, 'version-v2');
  // The same names whatever the order the label sets come in.
  const reversed = uniqueSubsetNames(new Map([...sets].reverse().map((l) => [labelsKey(l), l])));
  for (const l of sets) assert.equal(reversed.get(labelsKey(l)), names.get(labelsKey(l)));
});

const hostNames: Array<[string, string, string]> = [
  ['reviews.tutorial.svc.cluster.local', 'tutorial', 'reviews'],
  ['reviews.bookinfo.svc.cluster.local', 'tutorial', 'reviews.bookinfo'],
  ['httpbin.org', 'default', 'httpbin.org'],
  ['*.foo.com', 'default', 'wildcard.foo.com'],
  ['*foo.com', 'default', 'wildcard-foo.com'],
  ['*', 'default', 'wildcard'],
  ['Api.Example.COM', 'default', 'api.example.com'],
  ['203.0.113.7', 'default', '203.0.113.7'],
];
for (const [host, ns, want] of hostNames) {
  test(`hostObjectName ${host} in ${ns} = ${want}`, () => {
    assert.equal(hostObjectName(host, ns, 'cluster.local'), want);
    assert.ok(isDNS1123Subdomain(want));
  });
}

test('hostObjectName: a host too long for a name is cut and hashed', () => {
  const host = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.com`;
  const name = hostObjectName(host, 'default', 'cluster.local');
  assert.ok(isDNS1123Subdomain(name), name);
  assert.match(name, /-[0-9a-f]{8}$/);
});

test('settleNames: two hosts wanting one name each get a hashed name; Gateways get labels', () => {
  const objs = [
    { kind: 'VirtualService', namespace: 'a', baseName: 'wildcard.foo.com', nameKey: '*.foo.com', name: '' },
    { kind: 'VirtualService', namespace: 'a', baseName: 'wildcard.foo.com', nameKey: 'wildcard.foo.com', name: '' },
    { kind: 'VirtualService', namespace: 'b', baseName: 'wildcard.foo.com', nameKey: '*.foo.com', name: '' },
    { kind: 'DestinationRule', namespace: 'a', baseName: 'wildcard.foo.com', nameKey: '*.foo.com', name: '' },
  ];
  settleNames(objs);
  assert.match(objs[0]!.name, /^wildcard\.foo\.com-[0-9a-f]{8}$/);
  assert.match(objs[1]!.name, /^wildcard\.foo\.com-[0-9a-f]{8}$/);
  assert.notEqual(objs[0]!.name, objs[1]!.name);
  assert.equal(objs[2]!.name, 'wildcard.foo.com', 'another namespace: no clash');
  assert.equal(objs[3]!.name, 'wildcard.foo.com', 'another kind: no clash');
});

test('hostOf: name + namespace + domain, defaults from the rule; service as it is', () => {
  assert.equal(hostOf({ name: 'reviews' }, 'tutorial'), 'reviews.tutorial.svc.cluster.local');
  assert.equal(hostOf({ name: 'reviews', namespace: 'bookinfo' }, 'tutorial'), 'reviews.bookinfo.svc.cluster.local');
  assert.equal(hostOf({ name: 'reviews', domain: 'corp.local' }, 'tutorial'), 'reviews.tutorial.svc.corp.local');
  assert.equal(hostOf({ name: 'reviews' }, 'tutorial', 'mesh.example'), 'reviews.tutorial.svc.mesh.example');
  assert.equal(hostOf({ service: '*.wikipedia.org' }, 'tutorial'), '*.wikipedia.org');
  assert.equal(hostOf({}, 'tutorial'), undefined);
});

test('egressRuleHost: never a Kubernetes Service host', () => {
  assert.equal(egressRuleHost('wikipedia-range1', 'default'), 'wikipedia-range1.default.egressrule.invalid');
  assert.doesNotMatch(egressRuleHost('x', 'y'), /\.svc\./);
});
