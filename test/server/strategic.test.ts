// Strategic merge patch on the built-in kinds: the directives kubectl sends ($setElementOrder,
// $patch: delete/replace, $retainKeys, $deleteFromPrimitiveList) are applied, never stored, with the
// merge keys of the kinds' OpenAPI schemas; and `kubectl apply` of a changed Service converges
// (it said "configured" forever while serve stored the directives).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, kubectlSkipReason, request, startServer, type TestServer } from '../helpers/server.ts';
import { strategicMergePatch } from '../../src/server/strategic.ts';
import { SCHEMAS } from '../../src/server/schema.ts';

const SERVICE = SCHEMAS['io.k8s.api.core.v1.Service'];
const DEPLOYMENT = SCHEMAS['io.k8s.api.apps.v1.Deployment'];

const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', finalizers: ['a', 'b'] }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443 }], selector: { app: 'x' } } };
const deploy = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
  spec: {
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    template: { spec: { containers: [{ name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { name: 'side', image: 's:1' }], volumes: [{ name: 'v', emptyDir: {} }] } },
  },
};

describe('strategicMergePatch (apimachinery strategicpatch, patch metadata from the schemas)', () => {
  test('lists with a merge key merge by it (Service ports on port); $setElementOrder orders them and is not stored', () => {
    const out = strategicMergePatch(svc, { spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 8443 }], ports: [{ port: 8443, name: 'alt' }, { port: 80, $patch: 'delete' }] } } as any, SERVICE);
    assert.deepEqual(out.spec.ports, [{ name: 'https', port: 443 }, { port: 8443, name: 'alt' }]);
    assert.ok(!JSON.stringify(out).includes('$'), JSON.stringify(out));
  });

  test('containers and env merge on name; a changed field is replaced, the others kept', () => {
    const out = strategicMergePatch(deploy, { spec: { template: { spec: { containers: [{ name: 'app', image: 'a:2', env: [{ name: 'B', value: '3' }] }] } } } }, DEPLOYMENT);
    assert.deepEqual(out.spec.template.spec.containers, [{ name: 'app', image: 'a:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }] }, { name: 'side', image: 's:1' }]);
  });

  test('$patch: replace on a list, $patch: delete on a map, null deletes a key', () => {
    const out = strategicMergePatch(deploy, { spec: { template: { spec: { containers: [{ name: 'only', image: 'o:1' }, { $patch: 'replace' }] } }, strategy: { rollingUpdate: { $patch: 'delete' } } } }, DEPLOYMENT);
    assert.deepEqual(out.spec.template.spec.containers, [{ name: 'only', image: 'o:1' }]);
    assert.deepEqual(out.spec.strategy, { type: 'RollingUpdate', rollingUpdate: {} });
    const nulled = strategicMergePatch(deploy, { spec: { strategy: { rollingUpdate: null } } }, DEPLOYMENT);
    assert.deepEqual(nulled.spec.strategy, { type: 'RollingUpdate' });
  });

  test('$retainKeys (strategy, volumes) clears the keys not listed', () => {
    const out = strategicMergePatch(deploy, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, DEPLOYMENT);
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
    const v = strategicMergePatch(deploy, { spec: { template: { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'configMap'], configMap: { name: 'c' } }] } } } }, DEPLOYMENT);
    assert.deepEqual(v.spec.template.spec.volumes, [{ name: 'v', configMap: { name: 'c' } }]);
  });

  test('primitive lists with the merge strategy: union, and $deleteFromPrimitiveList', () => {
    const out = strategicMergePatch(svc, { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } }, SERVICE);
    // Go puts what the patch adds before what only the server had, when no $setElementOrder says otherwise.
    assert.deepEqual(out.metadata.finalizers, ['c', 'b']);
    const ordered = strategicMergePatch(svc, { metadata: { '$setElementOrder/finalizers': ['b', 'c'], finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } }, SERVICE);
    assert.deepEqual(ordered.metadata.finalizers, ['b', 'c']);
  });

  test('a malformed directive: the errors kube-apiserver gives', () => {
    assert.throws(() => strategicMergePatch(svc, { spec: { '$setElementOrder/ports': 'x' } }, SERVICE), /expected a \[\]interface \{\}, but received a string/);
    assert.throws(() => strategicMergePatch(deploy, { spec: { strategy: { $retainKeys: 'type' } } }, DEPLOYMENT), /invalid patch format of retainKeys/);
    assert.throws(() => strategicMergePatch(svc, { spec: { ports: [{ name: 'no-port' }] } }, SERVICE), /does not contain declared merge key: port/);
  });
});

describe('kubectl apply of a changed Service converges', { skip: kubectlSkipReason() }, () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s?.stop());

  const manifest = (ports: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n${ports}`;
  const two = '  - name: http\n    port: 80\n  - name: https\n    port: 443\n';
  const one = '  - name: https\n    port: 443\n';

  test('apply, apply with a port removed, apply again: created, configured, unchanged; nothing of the patch stored', async () => {
    const file = join(s.dir, 'svc.yaml');
    writeFileSync(file, manifest(two));
    const a = await kubectl(s, ['apply', '-f', file]);
    assert.equal(a.stdout, 'service/web created\n', a.stderr);
    writeFileSync(file, manifest(one));
    const b = await kubectl(s, ['apply', '-f', file]);
    assert.equal(b.stdout, 'service/web configured\n', b.stderr);
    const stored = await s.get('/api/v1/namespaces/default/services/web');
    assert.ok(!JSON.stringify(stored).includes('$'), JSON.stringify(stored));
    assert.deepEqual(stored.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }]);
    const c = await kubectl(s, ['apply', '-f', file]);
    assert.equal(c.stdout, 'service/web unchanged\n', c.stderr);
  });

  test('kubectl patch (strategic, the default) on a Service and a Deployment', async () => {
    const p = await kubectl(s, ['patch', 'service', 'web', '-p', '{"spec":{"ports":[{"port":8443,"name":"alt"}]}}']);
    assert.equal(p.stdout, 'service/web patched\n', p.stderr);
    const stored = await s.get('/api/v1/namespaces/default/services/web');
    assert.deepEqual(stored.spec.ports.map((x: any) => x.port), [8443, 443]);
    const bad = await request(s, 'PATCH', '/api/v1/namespaces/default/services/web', { body: { spec: { '$setElementOrder/ports': 'x' } }, contentType: 'application/strategic-merge-patch+json' });
    assert.equal(bad.status, 500, bad.body);
  });
});
