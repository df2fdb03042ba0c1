// Status answers one by one over raw HTTP: codes, reasons, messages and details as kube-apiserver
// gives them, on each server of the run (so the real one shows that serve's are its). Where the two
// differ, each test says what each does.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachServer } from '../helpers/cluster.ts';

const BASE = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
const rule = (name: string, extra: object = {}) => ({ apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name }, spec: { destination: { service: '*.example.com' }, ports: [{ port: 80, protocol: 'http' }] }, ...extra });

function assertStatus(body: any, code: number, reason: string | undefined, message: string) {
  assert.equal(body.kind, 'Status');
  assert.equal(body.apiVersion, 'v1');
  assert.equal(body.status, 'Failure');
  assert.equal(body.code, code);
  assert.equal(body.reason, reason);
  assert.equal(body.message, message);
}

forEachServer('Status errors', (s) => {
  before(async () => {
    const r = await s.request('POST', BASE, { body: rule('existing') });
    assert.equal(r.status, 201, r.body);
  });

  test('201 on create, with server-set metadata', async () => {
    const r = await s.request('POST', BASE, { body: rule('fresh') });
    assert.equal(r.status, 201);
    const o = r.json();
    assert.equal(o.metadata.namespace, 'default');
    assert.equal(o.metadata.generation, 1);
    assert.match(o.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(o.metadata.resourceVersion, /^\d+$/);
  });

  test('404 NotFound for a missing object, with details', async () => {
    const r = await s.request('GET', `${BASE}/missing`);
    assert.equal(r.status, 404);
    const b = r.json();
    assertStatus(b, 404, 'NotFound', 'egressrules.config.istio.io "missing" not found');
    assert.deepEqual(b.details, { name: 'missing', group: 'config.istio.io', kind: 'egressrules' });
  });

  test('404 for an unknown path: text/plain from the mux in a custom resource group, a Status with empty details in a built-in one', async () => {
    const r = await s.request('GET', '/apis/config.istio.io/v1alpha2/namespaces/default/nothings');
    assert.equal(r.status, 404);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.equal(r.body, '404 page not found\n');
    const b = await s.request('GET', '/api/v1/namespaces/default/nothings');
    assert.equal(b.status, 404);
    assertStatus(b.json(), 404, 'NotFound', 'the server could not find the requested resource');
    assert.deepEqual(b.json().details, {});
  });

  test('404 for a create in a namespace that does not exist', async () => {
    const r = await s.request('POST', '/apis/config.istio.io/v1alpha2/namespaces/nope/egressrules', { body: rule('x') });
    assert.equal(r.status, 404);
    const b = r.json();
    assertStatus(b, 404, 'NotFound', 'namespaces "nope" not found');
    assert.deepEqual(b.details, { name: 'nope', kind: 'namespaces' });
  });

  test('409 AlreadyExists', async () => {
    const r = await s.request('POST', BASE, { body: rule('existing') });
    assert.equal(r.status, 409);
    const b = r.json();
    assertStatus(b, 409, 'AlreadyExists', 'egressrules.config.istio.io "existing" already exists');
    assert.deepEqual(b.details, { name: 'existing', group: 'config.istio.io', kind: 'egressrules' });
  });

  test('409 Conflict on a stale resourceVersion (PUT and merge patch)', async () => {
    const cur = (await s.request('GET', `${BASE}/existing`)).json();
    const ok = await s.request('PUT', `${BASE}/existing`, { body: { ...cur, spec: { changed: true } } });
    assert.equal(ok.status, 200, ok.body);
    assert.notEqual(ok.json().metadata.resourceVersion, cur.metadata.resourceVersion);
    assert.equal(ok.json().metadata.generation, 2);
    const stale = await s.request('PUT', `${BASE}/existing`, { body: { ...cur, spec: { again: true } } });
    assert.equal(stale.status, 409);
    assertStatus(stale.json(), 409, 'Conflict', 'Operation cannot be fulfilled on egressrules.config.istio.io "existing": the object has been modified; please apply your changes to the latest version and try again');
    const patch = await s.request('PATCH', `${BASE}/existing`, { body: { metadata: { resourceVersion: cur.metadata.resourceVersion }, spec: { x: 1 } }, contentType: 'application/merge-patch+json' });
    assert.equal(patch.status, 409);
    assert.equal(patch.json().reason, 'Conflict');
  });

  test('422 Invalid for a bad name, with causes', async () => {
    const r = await s.request('POST', BASE, { body: rule('Bad_Name') });
    assert.equal(r.status, 422);
    const b = r.json();
    const why = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    assertStatus(b, 422, 'Invalid', `EgressRule.config.istio.io "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${why}`);
    assert.deepEqual(b.details, { name: 'Bad_Name', group: 'config.istio.io', kind: 'EgressRule', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "Bad_Name": ${why}`, field: 'metadata.name' }] });
  });

  test('422 for a missing name, and for PUT without resourceVersion', async () => {
    const r = await s.request('POST', BASE, { body: rule('') });
    assert.equal(r.status, 422);
    assert.equal(r.json().message, 'EgressRule.config.istio.io "" is invalid: metadata.name: Required value: name or generateName is required');
    const put = await s.request('PUT', `${BASE}/existing`, { body: rule('existing') });
    assert.equal(put.status, 422);
    assert.equal(put.json().message, 'egressrules.config.istio.io "existing" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
  });

  test('400 BadRequest: unparsable body, namespace mismatch, apiVersion mismatch, strict unknown field', async () => {
    const bad = await s.request('POST', BASE, { body: '{not json' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().reason, 'BadRequest');
    assert.match(bad.json().message, /^the object provided is unrecognized \(must be of type EgressRule\): couldn't get version\/kind; json parse error: /);
    const ns = await s.request('POST', BASE, { body: rule('nsx', { metadata: { name: 'nsx', namespace: 'other' } }) });
    assert.equal(ns.status, 400);
    assertStatus(ns.json(), 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    const av = await s.request('POST', BASE, { body: { ...rule('avx'), apiVersion: 'config.istio.io/v1' } });
    assert.equal(av.status, 400);
    assert.equal(av.json().message, 'the API version in the data (config.istio.io/v1) does not match the expected API version (config.istio.io/v1alpha2)');
    const strict = await s.request('POST', `${BASE}?fieldValidation=Strict`, { body: rule('strictx', { metadata: { name: 'strictx', colour: 'red' } }) });
    assert.equal(strict.status, 400);
    assert.equal(strict.json().message, 'EgressRule in version "v1alpha2" cannot be handled as a EgressRule: strict decoding error: unknown field "metadata.colour"');
    const sel = await s.request('GET', `${BASE}?fieldSelector=spec.x%3D1`);
    assert.equal(sel.status, 400);
    assert.equal(sel.json().message, 'field label not supported: spec.x');
  });

  test('fieldValidation=Warn: created, with a Warning header; the unknown field dropped', async () => {
    const r = await s.request('POST', `${BASE}?fieldValidation=Warn`, { body: rule('warned', { metadata: { name: 'warned', colour: 'red' } }) });
    assert.equal(r.status, 201);
    assert.equal(r.headers.warning, '299 - "unknown field \\"metadata.colour\\""');
    assert.equal(r.json().metadata.colour, undefined);
  });

  test('401 Unauthorized without a token or with a wrong one; health and version stay open', async () => {
    for (const token of [null, 'wrong']) {
      const r = await s.request('GET', BASE, { token });
      if (token === null && s.kind === 'kube-apiserver') {
        // The real server lets anonymous requests in as system:anonymous, whom RBAC forbids (serve: 401).
        assert.equal(r.status, 403);
        assertStatus(r.json(), 403, 'Forbidden', 'egressrules.config.istio.io is forbidden: User "system:anonymous" cannot list resource "egressrules" in API group "config.istio.io" in the namespace "default"');
        continue;
      }
      assert.equal(r.status, 401);
      assertStatus(r.json(), 401, 'Unauthorized', 'Unauthorized');
    }
    assert.equal((await s.request('GET', '/api', { token: null })).status, s.kind === 'kube-apiserver' ? 403 : 401);
    for (const p of ['/healthz', '/readyz', '/livez']) {
      const r = await s.request('GET', p, { token: null });
      assert.equal(r.status, 200);
      assert.equal(r.body, 'ok');
    }
    const v = await s.request('GET', '/version', { token: null });
    assert.equal(v.status, 200);
    // serve says it is 1.32 (the machines' kubectl); the real server is the release it was built from.
    assert.equal(v.json().minor, s.kind === 'kube-apiserver' ? '33' : '32');
  });

  test('415 UnsupportedMediaType for a strategic merge patch on a custom resource', async () => {
    const r = await s.request('PATCH', `${BASE}/existing`, { body: { spec: {} }, contentType: 'application/strategic-merge-patch+json' });
    assert.equal(r.status, 415);
    assertStatus(r.json(), 415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  });

  test('405 MethodNotAllowed for writes to read-only resources (CRDs, nodes)', async () => {
    if (s.kind === 'kube-apiserver') {
      // Not read-only on the real server (serve's CRDs and nodes are): a CRD may be deleted, a node
      // created. Asked with dryRun=All, so the run's shared server keeps its CRDs.
      const crd = await s.request('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/egressrules.config.istio.io?dryRun=All');
      assert.equal(crd.status, 200, crd.body);
      assert.ok(crd.json().metadata.deletionTimestamp);
      assert.equal((await s.request('POST', '/api/v1/nodes?dryRun=All', { body: { metadata: { name: 'n' } } })).status, 201);
      return;
    }
    const r = await s.request('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/egressrules.config.istio.io');
    assert.equal(r.status, 405);
    assertStatus(r.json(), 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    assert.equal((await s.request('POST', '/api/v1/nodes', { body: { metadata: { name: 'n' } } })).status, 405);
  });

  test('500 with an empty reason when a create carries a resourceVersion', async () => {
    const r = await s.request('POST', BASE, { body: rule('withrv', { metadata: { name: 'withrv', resourceVersion: '5' } }) });
    assert.equal(r.status, 500);
    const b = r.json();
    assert.equal(b.message, 'resourceVersion should not be set on objects to be created');
    assert.equal(b.reason, undefined);
  });

  test('DELETE answers Status Success with details; deleted objects are gone', async () => {
    const created = (await s.request('POST', BASE, { body: rule('doomed') })).json();
    const r = await s.request('DELETE', `${BASE}/doomed`, { body: { propagationPolicy: 'Background' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'doomed', group: 'config.istio.io', kind: 'egressrules', uid: created.metadata.uid } });
    assert.equal((await s.request('GET', `${BASE}/doomed`)).status, 404);
    assert.equal((await s.request('DELETE', `${BASE}/doomed`)).status, 404);
  });

  test('DELETE preconditions: 409 on a uid mismatch', async () => {
    await s.request('POST', BASE, { body: rule('guarded') });
    const r = await s.request('DELETE', `${BASE}/guarded`, { body: { preconditions: { uid: 'not-it' } } });
    assert.equal(r.status, 409);
    assert.match(r.json().message, /^Operation cannot be fulfilled on EgressRule\.config\.istio\.io "guarded": the UID in the precondition \(not-it\) does not match the UID in record \([0-9a-f-]+\)\. The object might have been deleted and then recreated$/);
  });

  test('the server does not validate EgressRule specs', async () => {
    const r = await s.request('POST', BASE, { body: { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: 'careless' }, spec: 'not even an object', extra: 1 } });
    if (s.kind === 'kube-apiserver') {
      // The real server's CRDs (test/helpers/kube-apiserver.ts) type spec as an object that keeps
      // every field: what is in it is not checked, that it is an object is (serve's CRDs have no
      // schema for spec, as Istio 0.x's had none).
      assert.equal(r.status, 422, r.body);
      assertStatus(r.json(), 422, 'Invalid', 'EgressRule.config.istio.io "careless" is invalid: spec: Invalid value: "string": spec in body must be of type object: "string"');
      const odd = await s.request('POST', BASE, { body: { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: 'careless' }, spec: { destination: 5, ports: 'all' } } });
      assert.equal(odd.status, 201, odd.body);
      assert.deepEqual(odd.json().spec, { destination: 5, ports: 'all' });
      return;
    }
    assert.equal(r.status, 201, r.body);
    assert.equal(r.json().spec, 'not even an object');
  });
});
