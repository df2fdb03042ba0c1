// The cross-rule analysis against Pilot 0.4's own conflict rules (pilot/model/egress_rules.go,
// RejectConflictingEgressRules): every rule Pilot would reject gets its warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRules, type RuleSummary } from '../src/core/analysis.ts';

const rule = (name: string, service: string, ...ports: Array<[number, string]>): RuleSummary => ({
  namespace: 'default',
  name,
  service,
  ports: ports.map(([port, protocol]) => ({ port, protocol })),
  place: { source: 'r.yaml', document: Number(name.replace(/\D/g, '')) || 1 },
});

function rejected(rules: RuleSummary[]): string[] {
  return analyzeRules(rules)
    .filter((w) => /Pilot rejects/.test(w.message))
    .map((w) => /Pilot rejects egress-rule\/default\/(\S+)/.exec(w.message)![1]!)
    .sort();
}

test('every rule declaring another protocol on a port than the rules before it (in key order) is rejected, not only the first', () => {
  const rules = [
    rule('r1', '10.0.0.0/8', [443, 'tcp']),
    rule('r2', 'a.example.com', [443, 'https']),
    rule('r3', 'b.example.com', [443, 'http']),
    rule('r4', 'c.example.com', [443, 'grpc']),
    rule('r5', '11.0.0.0/8', [443, 'tcp']),
  ];
  assert.deepEqual(rejected(rules), ['r2', 'r3', 'r4']);
  const w = analyzeRules(rules).find((x) => x.message.includes('default/r3 declares'))!;
  assert.deepEqual(w.place, { source: 'r.yaml', document: 3 });
  assert.equal(
    w.message,
    'egress rule default/r3 declares port 443 with protocol HTTP, but default/r1 (r.yaml document 1) declared it with TCP first; Pilot rejects egress-rule/default/r3 with every port of it (protocol HTTP vs. protocol TCP)',
  );
});

test('TCP and MONGO conflict with each other (only the HTTP protocols count as one); the order is the key order, not the input order', () => {
  const rules = [rule('r3', '12.0.0.0/8', [27017, 'tcp']), rule('r1', '10.0.0.0/8', [27017, 'mongo']), rule('r2', '11.0.0.0/8', [27017, 'MONGO'])];
  assert.deepEqual(rejected(rules), ['r3']);
  // HTTP protocols together are fine.
  assert.deepEqual(rejected([rule('r1', 'a.com', [80, 'http']), rule('r2', 'b.com', [80, 'http2']), rule('r3', 'c.com', [80, 'GRPC'])]), []);
});

test('a rejected rule still holds the ports it declared before its conflicting one, as Pilot\'s loop does', () => {
  // r2 claims 8080 (TCP) before it conflicts on 443; r3 declaring 8080 as HTTP is then rejected too.
  const rules = [rule('r1', '10.0.0.0/8', [443, 'tcp']), rule('r2', 'b.com', [8080, 'tcp'], [443, 'http']), rule('r3', 'c.com', [8080, 'http'])];
  assert.deepEqual(rejected(rules), ['r2', 'r3']);
});

test('a rule dropped for its destination does not take part in the port check', () => {
  const rules = [rule('r1', 'a.com', [443, 'https']), rule('r2', 'a.com', [443, 'tcp']), rule('r3', 'b.com', [443, 'http'])];
  const w = analyzeRules(rules).map((x) => x.message);
  assert.equal(w.filter((m) => /same destination/.test(m)).length, 1);
  assert.deepEqual(rejected(rules), []);
});

// Cross-kind routing analysis (core/analysis-routing.ts).
import { analyzeObjects, type AnalysisObject } from '../src/core/analysis.ts';

let doc = 0;
const obj = (kind: string, name: string, spec: unknown, namespace = 'default'): AnalysisObject => ({ kind, name, namespace, spec, place: { source: 'r.yaml', document: ++doc } });
const restart = () => (doc = 0);
const egressTo = (name: string, service: string) => obj('EgressRule', name, { destination: { service }, ports: [{ port: 80, protocol: 'http' }] });
const routeTo = (name: string, spec: object, ns = 'default') => obj('RouteRule', name, spec, ns);
const messages = (objects: AnalysisObject[]) => analyzeObjects(objects).map((w) => w.message);

test('a RouteRule to an external host that no EgressRule opens is refused by the sidecar (destination, route and mirror)', () => {
  const rule = routeTo('timeout', { destination: { service: 'httpbin.org' }, route: [{ destination: { service: 'api.example.com' } }], mirror: { service: 'mirror.example.net' } });
  assert.deepEqual(messages([rule]), [
    'RouteRule default/timeout sends traffic to the external host "httpbin.org" (spec.destination), but no EgressRule opens it: the sidecar refuses that traffic (add an EgressRule for httpbin.org)',
    'RouteRule default/timeout sends traffic to the external host "api.example.com" (spec.route[0].destination), but no EgressRule opens it: the sidecar refuses that traffic (add an EgressRule for api.example.com)',
    'RouteRule default/timeout sends traffic to the external host "mirror.example.net" (spec.mirror), but no EgressRule opens it: the sidecar refuses that traffic (add an EgressRule for mirror.example.net)',
  ]);
  // Exact, *.suffix and *suffix EgressRules open them; in-mesh hosts never need one; any namespace's rule counts.
  assert.deepEqual(messages([rule, egressTo('a', 'httpbin.org'), egressTo('b', '*.example.com'), { ...egressTo('c', '*example.net'), namespace: 'other' }]), []);
  assert.deepEqual(messages([routeTo('in-mesh', { destination: { name: 'reviews' } }), routeTo('fq', { destination: { service: 'ratings.default.svc.cluster.local' } })]), []);
  assert.deepEqual(messages([rule, egressTo('all', '*')]), []);
});

test('RouteRules of one destination: equal precedence (no defined order), shadowed by a catch-all, weight 0', () => {
  restart();
  const ws = [
    routeTo('b-same', { destination: { name: 'reviews' }, precedence: 2, match: { request: { headers: { cookie: { regex: 'user=jason' } } } } }),
    routeTo('a-same', { destination: { name: 'reviews' }, precedence: 2, match: { request: { headers: { cookie: { regex: 'user=kim' } } } } }),
    routeTo('catch-all', { destination: { name: 'reviews' }, precedence: 1, route: [{ labels: { version: 'v1' }, weight: 100 }, { labels: { version: 'v2' }, weight: 0 }] }),
    routeTo('never', { destination: { name: 'reviews' }, precedence: 0, route: [{ labels: { version: 'v3' } }] }),
    routeTo('other-ns', { destination: { name: 'reviews' }, precedence: 2 }, 'team'),
  ];
  assert.deepEqual(messages(ws), [
    'RouteRules default/a-same (r.yaml document 2) and default/b-same both route "reviews.default.svc.cluster.local" with precedence 2: Pilot applies them in no defined order (give them different precedences)',
    'RouteRule default/catch-all gives spec.route[1] (reviews.default.svc.cluster.local version=v2) weight 0: that backend gets no traffic from this rule',
    'RouteRule default/never is never used: default/catch-all (r.yaml document 3) routes every request to "reviews.default.svc.cluster.local" with a higher precedence (1 > 0)',
  ]);
});

test('a DestinationPolicy for labels no RouteRule routes to never applies; unlabelled and routed-to policies are fine', () => {
  const route = routeTo('reviews', { destination: { name: 'reviews' }, route: [{ labels: { version: 'v1' }, weight: 100 }] });
  const policy = (name: string, labels?: Record<string, string>) => obj('DestinationPolicy', name, { destination: { name: 'reviews', ...(labels ? { labels } : {}) }, loadBalancing: { name: 'RANDOM' } });
  assert.deepEqual(messages([route, policy('v1', { version: 'v1' }), policy('all')]), []);
  assert.deepEqual(messages([route, policy('v2', { version: 'v2' })]), [
    'DestinationPolicy default/v2 applies to "reviews.default.svc.cluster.local" with labels version=v2, but no RouteRule routes to those labels: traffic without a RouteRule goes to the whole service, so this policy never applies',
  ]);
});

test('the cross-kind analysis is index-based: 100,000 mixed objects analyse without a pairwise blow-up', () => {
  const objects: AnalysisObject[] = [];
  for (let i = 0; i < 20_000; i++) {
    objects.push(egressTo(`e${i}`, `host${i}.example.org`));
    objects.push(routeTo(`r${i}`, { destination: { service: `host${i}.example.org` }, precedence: i % 3 }));
    objects.push(routeTo(`m${i}`, { destination: { name: `svc${i % 500}` }, precedence: i, route: [{ labels: { version: `v${i % 4}` }, weight: 100 }] }));
    objects.push(obj('DestinationPolicy', `p${i}`, { destination: { name: `svc${i % 500}`, labels: { version: `v${i % 5}` } } }));
    objects.push(routeTo(`x${i}`, { destination: { service: `unknown${i}.example.net` } }));
  }
  const warnings = analyzeObjects(objects);
  // Every x rule has no EgressRule; a policy whose version no m rule routes to never applies
  // (counted here the naive way: svcK is routed only to version K % 4).
  let unrouted = 0;
  for (let i = 0; i < 20_000; i++) if (((i % 500) % 4) !== i % 5) unrouted++;
  assert.equal(warnings.filter((w) => w.message.includes('no EgressRule opens it')).length, 20_000);
  assert.equal(warnings.filter((w) => w.message.includes('never applies')).length, unrouted);
  assert.ok(unrouted > 10_000);
});

test('today\'s kinds: overlapping ServiceEntry addresses on a port, one host in two ServiceEntries, a subset no DestinationRule defines', () => {
  restart();
  const se = (name: string, spec: object, ns = 'default') => obj('ServiceEntry', name, spec, ns);
  const warnings = messages([
    se('wiki-a', { hosts: ['wiki-a.default.svc.cluster.local'], addresses: ['91.198.174.0/24'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }),
    se('wiki-b', { hosts: ['wiki-b'], addresses: ['91.198.174.192/27'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }),
    se('wiki-c', { hosts: ['wiki-c'], addresses: ['91.198.174.192/27'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }),
    se('httpbin', { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }, 'team'),
    se('httpbin-again', { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }),
    // `reviews` in team is another host than `reviews` in default.
    se('reviews', { hosts: ['reviews'], ports: [{ number: 9080, name: 'http', protocol: 'HTTP' }] }, 'team'),
    se('reviews', { hosts: ['reviews.default.svc.cluster.local'], ports: [{ number: 9080, name: 'http', protocol: 'HTTP' }] }),
    obj('DestinationRule', 'reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
    obj('VirtualService', 'reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews.default.svc.cluster.local', subset: 'v2' }, weight: 50 }], mirror: { host: 'reviews', subset: 'v9' } }] }),
    obj('VirtualService', 'other-ns', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] }, 'team'),
  ]);
  assert.deepEqual(warnings, [
    'ServiceEntry team/httpbin serves host "httpbin.org", as default/httpbin-again (r.yaml document 5) does: Istio merges or picks between them, so one of them does not apply as written',
    'ServiceEntry default/wiki-b: address 91.198.174.192/27 overlaps 91.198.174.0/24 of default/wiki-a (r.yaml document 1) on port 443',
    'VirtualService default/reviews routes to subset "v2" of "reviews.default.svc.cluster.local" (spec.http[0].route[1].destination), but no DestinationRule for that host defines it: those requests fail (Istio\'s IST0101)',
    'VirtualService default/reviews routes to subset "v9" of "reviews.default.svc.cluster.local" (spec.http[0].mirror), but no DestinationRule for that host defines it: those requests fail (Istio\'s IST0101)',
    'VirtualService team/other-ns routes to subset "v1" of "reviews.team.svc.cluster.local" (spec.http[0].route[0].destination), but no DestinationRule for that host defines it: those requests fail (Istio\'s IST0101)',
  ]);
});
