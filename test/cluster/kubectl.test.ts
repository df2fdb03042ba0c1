// End to end with the real kubectl as an independent oracle: objects created by egressctl read
// back by kubectl, and objects created by kubectl listed and deleted by egressctl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, kubectlSkipReason } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';

const SEED = join(ROOT, 'fixtures/seed/wikipedia-rules.yaml');
const NAMES = [1, 2, 3, 4, 5].map((i) => `wikipedia-range${i}`);
const skip = kubectlSkipReason();

forEachServer('egressctl and kubectl on the same server', (server) => {

  test('kubectl reads back what egressctl created', async () => {
    const c = await server.egressctl(['create', '-f', SEED]);
    assert.equal(c.code, 0, c.stderr);
    const k = await server.kubectl(['get', 'egressrules', '-o', 'json']);
    assert.equal(k.code, 0, k.stderr);
    const list = JSON.parse(k.stdout);
    assert.deepEqual(list.items.map((o: any) => o.metadata.name), NAMES);
    const first = list.items[0];
    assert.equal(first.apiVersion, 'config.istio.io/v1alpha2');
    assert.equal(first.kind, 'EgressRule');
    assert.equal(first.metadata.namespace, 'default');
    assert.deepEqual(first.spec, { destination: { service: '91.198.174.192/27' }, ports: [{ port: 443, protocol: 'tcp' }] });
    const d = await server.egressctl(['delete', 'egressrule', ...NAMES, '-n', 'default']);
    assert.equal(d.code, 0, d.stderr);
  });

  test('egressctl lists and deletes what kubectl created', async () => {
    const k = await server.kubectl(['create', '-f', '-'], readFileSync(SEED, 'utf8').replace(/^kind: EgressRule$/gm, 'apiVersion: config.istio.io/v1alpha2\nkind: EgressRule'));
    assert.equal(k.code, 0, k.stderr);
    const g = await server.egressctl(['get', 'egressrules', '-o', 'name']);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(g.stdout, NAMES.map((n) => `egressrule.config.istio.io/${n}\n`).join(''));
    const d = await server.egressctl(['delete', 'egressrule', ...NAMES, '-n', 'default']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, NAMES.map((n) => `Deleted config: egressrule ${n}\n`).join(''));
    const after = await server.kubectl(['get', 'egressrules', '-o', 'json']);
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual(JSON.parse(after.stdout).items, []);
  });
}, { skip });
