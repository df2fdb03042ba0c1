// Objects written by kubectl read back by egressctl, and the other way round, through the
// kubeconfig the server's program writes (used unchanged by both). On each server of the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, egressctl, kubectlSkipReason } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';

forEachServer('interop', (s) => {
  test('kubectl writes, egressctl reads; egressctl writes, kubectl reads', async () => {
    const rules = join(s.tempDir(), 'rules.yaml');
    writeFileSync(rules, readFileSync(join(ROOT, 'fixtures/seed/wikipedia-rules.yaml'), 'utf8').replace(/^kind: EgressRule$/gm, 'apiVersion: config.istio.io/v1alpha2\nkind: EgressRule'));
    const k = await s.kubectl(['create', '-f', rules]);
    assert.equal(k.code, 0, k.stderr);
    const e = await egressctl(['get', 'egressrules', '-o', 'json', '-c', s.kubeconfig]);
    assert.equal(e.code, 0, e.stderr);
    for (let i = 1; i <= 5; i++) assert.match(e.stdout, new RegExp(`"name": ?"wikipedia-range${i}"`));

    const del = await egressctl(['delete', 'egressrule', 'wikipedia-range1', '-c', s.kubeconfig]);
    assert.equal(del.code, 0, del.stderr);
    const mine = join(s.tempDir(), 'mine.yaml');
    writeFileSync(mine, 'kind: EgressRule\nmetadata:\n  name: from-egressctl\nspec:\n  destination:\n    service: "*.example.org"\n  ports:\n  - port: 443\n    protocol: https\n');
    const c = await egressctl(['create', '-f', mine, '-c', s.kubeconfig]);
    assert.equal(c.code, 0, c.stderr);
    const g = await s.kubectl(['get', 'egressrules', '-o', 'name']);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(g.stdout, ['from-egressctl', 'wikipedia-range2', 'wikipedia-range3', 'wikipedia-range4', 'wikipedia-range5'].map((n) => `egressrule.config.istio.io/${n}\n`).join(''));
    const y = await s.kubectl(['get', 'egressrule', 'from-egressctl', '-o', 'jsonpath={.spec.destination.service}']);
    assert.equal(y.stdout, '*.example.org');
  });
}, { skip: kubectlSkipReason() });
