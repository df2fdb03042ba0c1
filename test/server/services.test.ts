// Service defaults as kube-apiserver 1.33 sets them (observed on the real server): NodePort and
// LoadBalancer Services get a nodePort from 30000-32767 for every port (kept on update, released
// when the type changes to ClusterIP), externalTrafficPolicy Cluster, LoadBalancer
// allocateLoadBalancerNodePorts; targetPort defaults to port for every type, ExternalName too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, startServer, type TestServer } from '../helpers/server.ts';

const S = '/api/v1/namespaces/default/services';
const svc = (name: string, spec: object) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });

describe('Service defaults', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s?.stop());

  test('NodePort: a nodePort in 30000-32767 for each port, externalTrafficPolicy Cluster, targetPort = port', async () => {
    const r = await request(s, 'POST', S, { body: svc('np', { type: 'NodePort', selector: { app: 'x' }, ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81, nodePort: 30081 }] }) });
    assert.equal(r.status, 201, r.body);
    const spec = r.json().spec;
    assert.ok(spec.ports[0].nodePort >= 30000 && spec.ports[0].nodePort <= 32767, JSON.stringify(spec.ports[0]));
    assert.equal(spec.ports[1].nodePort, 30081);
    assert.deepEqual(spec.ports.map((p: any) => p.targetPort), [80, 81]);
    assert.equal(spec.externalTrafficPolicy, 'Cluster');
    assert.equal(spec.allocateLoadBalancerNodePorts, undefined);
  });

  test('LoadBalancer: nodePorts and allocateLoadBalancerNodePorts true', async () => {
    const r = await request(s, 'POST', S, { body: svc('lb', { type: 'LoadBalancer', ports: [{ port: 443 }] }) });
    assert.equal(r.status, 201, r.body);
    const spec = r.json().spec;
    assert.ok(spec.ports[0].nodePort >= 30000 && spec.ports[0].nodePort <= 32767);
    assert.equal(spec.allocateLoadBalancerNodePorts, true);
    assert.equal(spec.externalTrafficPolicy, 'Cluster');
  });

  test('a nodePort taken, out of range, or on a ClusterIP Service: 422 with the real messages', async () => {
    const taken = await request(s, 'POST', S, { body: svc('dup', { type: 'NodePort', ports: [{ port: 80, nodePort: 30081 }] }) });
    assert.equal(taken.status, 422);
    assert.equal(taken.json().message, 'Service "dup" is invalid: spec.ports[0].nodePort: Invalid value: 30081: provided port is already allocated');
    const range = await request(s, 'POST', S, { body: svc('bad', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }) });
    assert.equal(range.status, 422);
    assert.equal(range.json().message, 'Service "bad" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767');
    const cip = await request(s, 'POST', S, { body: svc('cip', { type: 'ClusterIP', ports: [{ port: 80, nodePort: 30082 }] }) });
    assert.equal(cip.status, 422);
    assert.equal(cip.json().message, "Service \"cip\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
    assert.equal(cip.json().details.causes[0].reason, 'FieldValueForbidden');
  });

  test('an update that leaves nodePort out keeps it; a change to ClusterIP releases it', async () => {
    const old = await s.get(`${S}/np`);
    const put = structuredClone(old);
    for (const p of put.spec.ports) delete p.nodePort;
    put.metadata.labels = { changed: 'yes' };
    const r = await request(s, 'PUT', `${S}/np`, { body: put });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json().spec.ports.map((p: any) => p.nodePort), old.spec.ports.map((p: any) => p.nodePort));
    const toCip = structuredClone(r.json());
    toCip.spec.type = 'ClusterIP';
    const c = await request(s, 'PUT', `${S}/np`, { body: toCip });
    assert.equal(c.status, 200, c.body);
    assert.deepEqual(c.json().spec.ports.map((p: any) => p.nodePort), [undefined, undefined]);
    assert.equal(c.json().spec.externalTrafficPolicy, undefined);
    // Released: the port can be taken again.
    const again = await request(s, 'POST', S, { body: svc('again', { type: 'NodePort', ports: [{ port: 80, nodePort: 30081 }] }) });
    assert.equal(again.status, 201, again.body);
  });

  test('ExternalName: targetPort defaults to port as well (describe no longer says 0/TCP)', async () => {
    const r = await request(s, 'POST', S, { body: svc('en', { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 443, name: 'https' }] }) });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json().spec, { type: 'ExternalName', externalName: 'example.com', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }], sessionAffinity: 'None' });
  });
});
