// The same guarantees over HTTP/2 (what egressctl speaks to a server that offers it, as serve and
// kube-apiserver do) and HTTP/1.1 (DISABLE_HTTP2, as for kubectl; or a server without h2):
// retries of transient faults, lost answers checked and said, no object created twice, the
// request timeout; and how many connections carry the requests. The server's request log says
// which protocol and which connection carried each request.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { egressctl, startServer, type TestServer } from '../helpers/server.ts';

const COLLECTION = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';

function rules(n: number, prefix = 'p'): string {
  return Array.from({ length: n }, (_, i) => `kind: EgressRule\nmetadata:\n  name: ${prefix}-${i}\nspec:\n  destination:\n    service: 10.1.${i}.0/24\n  ports:\n  - port: 443\n    protocol: tcp\n`).join('---\n');
}
const NAMES = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

for (const protocol of ['h2', 'http/1.1'] as const) {
  describe(`over ${protocol === 'h2' ? 'HTTP/2' : 'HTTP/1.1'}`, () => {
    let server: TestServer;
    let env: Record<string, string>;
    before(async () => {
      server = await startServer();
      // Retries back off from 10 ms, not 200 ms (README, Development): the faults below make it retry.
      env = { KUBECONFIG: server.kubeconfig, NO_COLOR: '1', EGRESSCTL_RETRY_BASE_DELAY: '10ms', ...(protocol === 'http/1.1' ? { DISABLE_HTTP2: '1' } : {}) };
    });
    after(() => server.stop());
    beforeEach(async () => {
      await server.clearFaults();
      const names = (await server.get(COLLECTION)).items.map((o: any) => o.metadata.name);
      if (names.length) assert.equal((await egressctl(['delete', 'egressrules', ...names], { env })).code, 0);
      await server.clearRequests();
    });

    async function stored(): Promise<string[]> {
      return (await server.get(COLLECTION)).items.map((o: any) => o.metadata.name).sort();
    }

    async function posts() {
      return ((await server.get('/_egressctl/requests?connections=1')) as Array<{ method: string; path: string; protocol: string; connection: number }>).filter((q) => q.method === 'POST' && q.path === COLLECTION);
    }

    test(`the requests go over ${protocol}; ${protocol === 'h2' ? 'one connection carries them all' : 'at most --concurrency connections'}`, async () => {
      const r = await egressctl(['create', '-f', '-', '--concurrency', '4', '-o', 'name', '-v', '6'], { env, input: rules(20) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trimEnd().split('\n').length, 20);
      assert.match(r.stderr, new RegExp(`connected to 127\\.0\\.0\\.1:\\d+ \\(${protocol === 'h2' ? 'HTTP/2' : 'HTTP/1\\.1'}\\)`));
      const p = await posts();
      assert.equal(p.length, 20);
      assert.ok(p.every((q) => q.protocol === protocol), JSON.stringify(p.map((q) => q.protocol)));
      const connections = new Set(p.map((q) => q.connection)).size;
      if (protocol === 'h2') assert.equal(connections, 1);
      else assert.ok(connections >= 1 && connections <= 4, `${connections} connections`);
      assert.deepEqual(await stored(), NAMES(20).sort());
    });

    test('503: retried, every object created once', async () => {
      await server.faults({ method: 'POST', path: 'egressrules$', count: 3, action: '503' });
      const r = await egressctl(['create', '-f', '-', '-o', 'name'], { env, input: rules(5) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.deepEqual(await stored(), NAMES(5).sort());
      assert.equal((await posts()).length, 8);
    });

    test('a reset after the object was stored: the retry finds it and counts it created, no duplicate', async () => {
      await server.faults({ method: 'POST', path: 'egressrules$', count: 2, action: 'reset-after' });
      const r = await egressctl(['create', '-f', '-', '--concurrency', '1', '-o', 'name'], { env, input: rules(5) });
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      assert.equal(r.stdout, NAMES(5).map((n) => `egressrule.config.istio.io/${n}\n`).join(''));
      assert.deepEqual(await stored(), NAMES(5).sort());
    });

    test('resets before anything was stored, every attempt: the check finds nothing, so "not created"; the others go on', async () => {
      await server.faults({ method: 'POST', path: 'egressrules$', count: 6, action: 'reset-before' });
      const r = await egressctl(['create', '-f', '-', '--concurrency', '1', '-o', 'name'], { env, input: rules(5) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: p-0: not created: Unable to connect to the server .*: the connection was reset \(ECONNRESET\)\nerror: 1 of 5 objects were not created: p-0 \(ECONNRESET\)\n$/);
      assert.deepEqual(await stored(), NAMES(5).slice(1).sort());
    });

    test('every answer lost and the check too: "unknown, it may have been created"', async () => {
      await server.faults({ method: 'POST', path: 'egressrules$', count: 1000, action: 'reset-after' });
      await server.faults({ method: 'GET', path: 'p-0$', count: 1000, action: 'reset-before' });
      const r = await egressctl(['create', '-f', '-', '--concurrency', '1'], { env, input: rules(2) });
      assert.equal(r.code, 1);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines[0], 'error: p-0: unknown, the connection was reset after the request was sent; it may have been created');
      assert.match(lines.at(-1)!, /whether 1 more was created is unknown .*: p-0 \(connection reset\)$/);
      await server.clearFaults();
      assert.deepEqual(await stored(), ['p-0']);
    });

    test('an answer that never comes: the request timeout ends it, and the create is "unknown"', async () => {
      await server.faults({ method: 'POST', path: 'egressrules$', count: 1000, action: 'stall', stallMs: 30_000 });
      await server.faults({ method: 'GET', path: 'p-0$', count: 1000, action: 'stall', stallMs: 30_000 });
      const started = Date.now();
      const r = await egressctl(['create', '-f', '-', '--request-timeout', '1s'], { env, input: rules(1) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /p-0: unknown, no answer came within the request timeout after the request was sent; it may have been created/);
      assert.ok(Date.now() - started < 10_000);
    });
  });
}

describe('over HTTP/2: a reset ends one stream, not the connection', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  test('the other requests in flight on the connection complete; the reset one is retried on it', async () => {
    const env = { KUBECONFIG: server.kubeconfig, NO_COLOR: '1' };
    await server.faults({ method: 'POST', path: 'egressrules$', count: 1, action: 'reset-before' });
    const r = await egressctl(['create', '-f', '-', '--concurrency', '8', '-o', 'name'], { env, input: rules(8, 'q') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trimEnd().split('\n').length, 8);
    const p = ((await server.get('/_egressctl/requests?connections=1')) as Array<{ method: string; connection: number }>).filter((q) => q.method === 'POST');
    assert.equal(p.length, 9, 'eight creates and one retry');
    assert.equal(new Set(p.map((q) => q.connection)).size, 1, 'all on one connection');
  });
});
