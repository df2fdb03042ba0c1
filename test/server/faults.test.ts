// Fault injection (only with --fault-injection): statuses with Retry-After, resets before and after
// storing, stalls; the request log; and that the admin endpoints are off by default.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectl, kubectlSkipReason, request, startServer, type TestServer } from '../helpers/server.ts';

const BASE = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
const rule = (name: string) => ({ apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name }, spec: {} });

describe('fault injection', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s?.stop());

  test('the next N matching requests fail with the status asked for; then requests succeed', async () => {
    await s.faults({ method: 'POST', path: 'egressrules$', count: 2, action: '503' });
    const a = await request(s, 'POST', BASE, { body: rule('f1') });
    assert.equal(a.status, 503);
    assert.equal(a.json().reason, 'ServiceUnavailable');
    assert.equal(a.headers['retry-after'], undefined);
    assert.equal((await request(s, 'GET', BASE)).status, 200, 'GET does not match the POST fault');
    assert.equal((await request(s, 'POST', BASE, { body: rule('f1') })).status, 503);
    assert.equal((await request(s, 'POST', BASE, { body: rule('f1') })).status, 201);
  });

  test('429 carries Retry-After and retryAfterSeconds; 500, 502, 504', async () => {
    await s.faults({ path: '/egressrules/x$', count: 1, action: '429', retryAfter: 3 });
    const r = await request(s, 'GET', `${BASE}/x`);
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '3');
    assert.equal(r.json().reason, 'TooManyRequests');
    assert.equal(r.json().message, 'Too many requests, please try again later.');
    assert.equal(r.json().details.retryAfterSeconds, 3);
    for (const [action, reason] of [['500', 'InternalError'], ['504', 'Timeout']]) {
      await s.faults({ path: '/egressrules/x$', action });
      const e = await request(s, 'GET', `${BASE}/x`);
      assert.equal(e.status, Number(action));
      assert.equal(e.json().reason, reason);
    }
    await s.faults({ path: '/egressrules/x$', action: '502' });
    assert.equal((await request(s, 'GET', `${BASE}/x`)).status, 502);
    assert.equal((await request(s, 'GET', `${BASE}/x`)).status, 404, 'faults used up');
  });

  test('reset-before: the connection drops and nothing is stored', async () => {
    await s.faults({ method: 'POST', path: 'egressrules$', action: 'reset-before' });
    await assert.rejects(request(s, 'POST', BASE, { body: rule('rb') }), /socket hang up|ECONNRESET/);
    assert.equal((await request(s, 'GET', `${BASE}/rb`)).status, 404);
  });

  test('reset-after: the object is stored, then the connection drops without an answer', async () => {
    await s.faults({ method: 'POST', path: 'egressrules$', action: 'reset-after' });
    await assert.rejects(request(s, 'POST', BASE, { body: rule('ra') }), /socket hang up|ECONNRESET/);
    assert.equal((await request(s, 'GET', `${BASE}/ra`)).status, 200);
  });

  test('stall: no answer; the connection is dropped after stallMs and nothing is stored', async () => {
    await s.faults({ method: 'POST', path: 'egressrules$', action: 'stall', stallMs: 50 });
    await assert.rejects(request(s, 'POST', BASE, { body: rule('st') }), /socket hang up|ECONNRESET/);
    assert.equal((await request(s, 'GET', `${BASE}/st`)).status, 404);
  });

  test('clearFaults removes pending faults', async () => {
    await s.faults({ path: '.*', count: 100, action: '500' });
    await s.clearFaults();
    assert.equal((await request(s, 'GET', BASE)).status, 200);
  });

  test('bad fault specs are 400', async () => {
    const r = await request(s, 'POST', '/_egressctl/faults', { body: { path: 'x', action: 'explode' } });
    assert.equal(r.status, 400);
    assert.match(r.json().message, /fault action must be one of/);
    assert.equal((await request(s, 'POST', '/_egressctl/faults', { body: { path: '(', action: '500' } })).status, 400);
  });

  test('the request log records method, path and query, not the admin calls; clearRequests empties it', async () => {
    await s.clearRequests();
    assert.deepEqual(await s.requests(), []);
    await request(s, 'GET', `${BASE}?limit=2&labelSelector=a%3Db`);
    await request(s, 'DELETE', `${BASE}/nothing`);
    assert.deepEqual(await s.requests(), [
      { method: 'GET', path: BASE, query: 'limit=2&labelSelector=a%3Db' },
      { method: 'DELETE', path: `${BASE}/nothing`, query: '' },
    ]);
  });

  test('the admin endpoints need the token', async () => {
    const r = await request(s, 'GET', '/_egressctl/requests', { token: null });
    assert.equal(r.status, 401);
  });

  test('kubectl retries a 429 with Retry-After and succeeds', { skip: kubectlSkipReason() }, async () => {
    await s.faults({ method: 'GET', path: '/egressrules$', count: 1, action: '429', retryAfter: 1 });
    await s.clearRequests();
    const r = await kubectl(s, ['get', 'egressrules', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /egressrule\.config\.istio\.io\/f1\n/);
    const lists = (await s.requests()).filter((q) => q.method === 'GET' && q.path === BASE);
    assert.equal(lists.length, 2, 'one refused, one retried');
  });
});

test('without --fault-injection the admin endpoints do not exist', async (t) => {
  const s = await startServer({ faultInjection: false });
  t.after(() => s.stop());
  const r = await request(s, 'POST', '/_egressctl/faults', { body: { path: '.*', action: '500' } });
  assert.equal(r.status, 404);
  assert.equal(r.json().message, 'the server could not find the requested resource');
  assert.equal((await request(s, 'GET', '/_egressctl/requests')).status, 404);
  assert.equal((await request(s, 'GET', BASE)).status, 200);
});
