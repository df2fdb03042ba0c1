// generation counts changes of content: the same spec with its keys in another order is no change.
// On each server of the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachServer } from '../helpers/cluster.ts';

forEachServer('generation', (server) => {
  test('PUT of the same spec in another key order keeps generation; a real change bumps it', async () => {
    const path = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
    const created = await server.request('POST', path, { body: { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: 'r' }, spec: { destination: { service: '10.0.0.0/8' }, ports: [{ port: 443, protocol: 'tcp' }] } } });
    assert.equal(created.status, 201, created.body);
    const rv = created.json().metadata.resourceVersion;
    const reordered = await server.request('PUT', `${path}/r`, { body: { kind: 'EgressRule', apiVersion: 'config.istio.io/v1alpha2', metadata: { name: 'r', resourceVersion: rv }, spec: { ports: [{ protocol: 'tcp', port: 443 }], destination: { service: '10.0.0.0/8' } } } });
    assert.equal(reordered.status, 200, reordered.body);
    assert.equal(reordered.json().metadata.generation, 1);
    const changed = await server.request('PUT', `${path}/r`, { body: { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: 'r', resourceVersion: reordered.json().metadata.resourceVersion }, spec: { destination: { service: '10.1.0.0/16' }, ports: [{ port: 443, protocol: 'tcp' }] } } });
    assert.equal(changed.status, 200, changed.body);
    assert.equal(changed.json().metadata.generation, 2);
  });
});

