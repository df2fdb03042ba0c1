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
