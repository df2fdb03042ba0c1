// The APIs `kubectl describe`, `kubectl get events`, `kubectl auth can-i` and `kubectl auth whoami`
// need, which answered NotFound: the events lists (core v1 and events.k8s.io/v1, empty: nothing
// makes events), SelfSubjectAccessReview (the token holder may do everything) and
// SelfSubjectReview (who the token holder is).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectl, kubectlSkipReason, request, startServer, type TestServer } from '../helpers/server.ts';

describe('events, access reviews and whoami', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s?.stop());

  test('the event lists are served, empty, in both groups', async () => {
    for (const path of ['/api/v1/namespaces/default/events', '/api/v1/events', '/apis/events.k8s.io/v1/namespaces/default/events']) {
      const r = await request(s, 'GET', path);
      assert.equal(r.status, 200, `${path}: ${r.body}`);
      assert.deepEqual(r.json().items, []);
      assert.equal(r.json().kind, 'EventList');
    }
    const sel = await request(s, 'GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dsleep,involvedObject.namespace%3Ddefault,involvedObject.kind%3DService,involvedObject.uid%3Dx');
    assert.equal(sel.status, 200, sel.body);
  });

  test('SelfSubjectAccessReview: allowed; one of resourceAttributes or nonResourceAttributes is required', async () => {
    const path = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
    const r = await request(s, 'POST', path, { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: 'default', verb: 'create', group: 'config.istio.io', resource: 'egressrules' } } } });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json().status, { allowed: true });
    const bad = await request(s, 'POST', path, { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} } });
    assert.equal(bad.status, 422);
    assert.equal(bad.json().message, '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
    assert.equal((await request(s, 'GET', path)).status, 405);
  });

  test('kubectl auth can-i, auth whoami, get events, describe', { skip: kubectlSkipReason() }, async () => {
    const can = await kubectl(s, ['auth', 'can-i', 'create', 'egressrules']);
    assert.equal(can.stdout, 'yes\n', can.stderr);
    const list = await kubectl(s, ['auth', 'can-i', '--list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    const who = await kubectl(s, ['auth', 'whoami']);
    assert.equal(who.code, 0, who.stderr);
    assert.match(who.stdout, /^Username\s+egressctl-local-admin$/m);
    const ev = await kubectl(s, ['get', 'events']);
    assert.equal(ev.code, 0, ev.stderr);
    assert.equal(ev.stderr, 'No resources found in default namespace.\n');
    const d = await kubectl(s, ['describe', 'service', 'kubernetes']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^Events:\s+<none>$/m);
    const ns = await kubectl(s, ['describe', 'namespace', 'default']);
    assert.equal(ns.code, 0, ns.stderr);
  });
});
