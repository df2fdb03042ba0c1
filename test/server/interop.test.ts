// Objects written by kubectl read back by egressctl, and the other way round, through the
// kubeconfig `serve` writes (used unchanged by both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, egressctl, kubectl, kubectlSkipReason, startServer } from '../helpers/server.ts';

test('kubectl writes, egressctl reads; egressctl writes, kubectl reads', { skip: kubectlSkipReason() }, async (t) => {
  const s = await startServer();
  t.after(() => s.stop());
  const rules = join(s.dir, 'rules.yaml');
  writeFileSync(rules, readFileSync(join(ROOT, 'fixtures/seed/wikipedia-rules.yaml'), 'utf8').replace(/^kind: EgressRule$/gm, 'apiVersion: config.istio.io/v1alpha2\nkind: EgressRule'));
  const k = await kubectl(s, ['create', '-f', rules]);
  assert.equal(k.code, 0, k.stderr);
  const e = await egressctl(['get', 'egressrules', '-o', 'json', '-c', s.kubeconfig]);
  assert.equal(e.code, 0, e.stderr);
  for (let i = 1; i <= 5; i++) assert.match(e.stdout, new RegExp(`"name": ?"wikipedia-range${i}"`));

  const del = await egressctl(['delete', 'egressrule', 'wikipedia-range1', '-c', s.kubeconfig]);
  assert.equal(del.code, 0, del.stderr);
  const mine = join(s.dir, 'mine.yaml');
  writeFileSync(mine, 'kind: EgressRule\nmetadata:\n  name: from-egressctl\nspec:\n  destination:\n    service: "*.example.org"\n  ports:\n  - port: 443\n    protocol: https\n');
  const c = await egressctl(['create', '-f', mine, '-c', s.kubeconfig]);
  assert.equal(c.code, 0, c.stderr);
  const g = await kubectl(s, ['get', 'egressrules', '-o', 'name']);
  assert.equal(g.code, 0, g.stderr);
  assert.equal(g.stdout, ['from-egressctl', 'wikipedia-range2', 'wikipedia-range3', 'wikipedia-range4', 'wikipedia-range5'].map((n) => `egressrule.config.istio.io/${n}\n`).join(''));
  const y = await kubectl(s, ['get', 'egressrule', 'from-egressctl', '-o', 'jsonpath={.spec.destination.service}']);
  assert.equal(y.stdout, '*.example.org');
});
