// End to end: transient faults injected by the server are retried (honouring Retry-After) and
// nothing is created twice or lost: 429 with Retry-After, 503, a connection reset after the
// object was stored, a stalled answer past --request-timeout, and a fault that never ends.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/server.ts';
import { FAST_RETRIES, onServe } from '../helpers/cluster.ts';

const SEED = readFileSync(join(ROOT, 'fixtures/seed/wikipedia-rules.yaml'), 'utf8');
const NAMES = [1, 2, 3, 4, 5].map((i) => `wikipedia-range${i}`);
const COLLECTION = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';

// On serve only: the faults are injected by serve (/_egressctl/faults), which the real server does
// not have. EGRESSCTL_RETRY_BASE_DELAY=10ms: backoffs of 5-160 ms instead of 100 ms-3.2 s; a
// server's Retry-After is still waited for in full.
onServe('retries of transient faults', (cluster) => {
  const egressctl = cluster.egressctl.bind(cluster);
  beforeEach(async () => {
    await cluster.serve.clearFaults();
    const d = await egressctl(['delete', 'egressrule', ...NAMES, '--ignore-not-found']);
    assert.equal(d.code, 0, d.stderr);
    await cluster.serve.clearRequests();
  });

  async function assertSeedCreatedOnce(r: { code: number; stdout: string; stderr: string }) {
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    lines.forEach((l, i) => assert.match(l, new RegExp(`^Created config egress-rule/default/${NAMES[i]} at revision \\d+$`)));
    const list = await cluster.serve.get(COLLECTION);
    assert.deepEqual(list.items.map((o: any) => o.metadata.name), NAMES);
    // every revision printed is the one stored (a recovered create reports the stored object)
    for (const o of list.items) assert.ok(r.stdout.includes(`${o.metadata.name} at revision ${o.metadata.resourceVersion}\n`));
  }

  test('429 with Retry-After: waited for and retried; every object created once', async () => {
    await cluster.serve.faults({ method: 'POST', path: 'egressrules$', count: 2, action: '429', retryAfter: 1 });
    const r = await egressctl(['create', '-f', '-'], { input: SEED });
    await assertSeedCreatedOnce(r);
    const posts = (await cluster.serve.requests()).filter((q) => q.method === 'POST');
    assert.equal(posts.length, 7);
  });

  test('503: retried', async () => {
    await cluster.serve.faults({ method: 'POST', path: 'egressrules$', count: 3, action: '503' });
    const r = await egressctl(['create', '-f', '-'], { input: SEED });
    await assertSeedCreatedOnce(r);
    await cluster.serve.faults({ method: 'GET', path: 'egressrules$', count: 2, action: '503' });
    const g = await egressctl(['get', 'egressrules', '-o', 'name']);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(g.stdout, NAMES.map((n) => `egressrule.config.istio.io/${n}\n`).join(''));
  });

  test('a reset after the object was stored: the retry finds it and counts it created, no duplicate, no false AlreadyExists', async () => {
    await cluster.serve.faults({ method: 'POST', path: 'egressrules$', count: 2, action: 'reset-after' });
    const r = await egressctl(['create', '-f', '-', '--concurrency', '1'], { input: SEED });
    await assertSeedCreatedOnce(r);
    const posts = (await cluster.serve.requests()).filter((q) => q.method === 'POST');
    assert.equal(posts.length, 7);
  });

  test('a reset before storing and a reset after deleting: retried, reported once each', async () => {
    const c = await egressctl(['create', '-f', '-'], { input: SEED });
    assert.equal(c.code, 0, c.stderr);
    await cluster.serve.faults({ method: 'DELETE', path: 'wikipedia-range2$', count: 1, action: 'reset-after' });
    await cluster.serve.faults({ method: 'DELETE', path: 'wikipedia-range4$', count: 1, action: 'reset-before' });
    const d = await egressctl(['delete', 'egressrule', ...NAMES, '-n', 'default']);
    assert.equal(d.stderr, '');
    assert.equal(d.code, 0);
    assert.equal(d.stdout, NAMES.map((n) => `Deleted config: egressrule ${n}\n`).join(''));
    assert.deepEqual((await cluster.serve.get(COLLECTION)).items, []);
  });

  test('--request-timeout bounds a request with its retries, and the server is told the limit', async () => {
    const c = await egressctl(['create', '-f', '-'], { input: SEED });
    assert.equal(c.code, 0, c.stderr);
    await cluster.serve.clearRequests();
    // A stall past the limit: the request ends at the limit (kubectl does not retry a timeout either).
    await cluster.serve.faults({ method: 'GET', path: 'egressrules$', count: 1, action: 'stall', stallMs: 20_000 });
    const started = Date.now();
    const g = await egressctl(['get', 'egressrules', '-o', 'name', '--request-timeout', '1s']);
    const took = Date.now() - started;
    assert.equal(g.code, 1);
    assert.equal(g.stdout, '');
    assert.equal(g.stderr, `error: Unable to connect to the server ${new URL(cluster.serve.url).host}: no response within the request timeout of 1s (--request-timeout)\n`);
    assert.ok(took < 10_000, `the command took ${took} ms for a limit of 1s`);
    const gets = (await cluster.serve.requests()).filter((q) => q.method === 'GET');
    assert.equal(gets.length, 1);
    assert.match(gets[0]!.query, /(^|&)timeout=1s(&|$)/);
    // A quick transient fault within the limit is still retried.
    await cluster.serve.clearRequests();
    await cluster.serve.faults({ method: 'GET', path: 'egressrules$', count: 1, action: '503' });
    const r = await egressctl(['get', 'egressrules', '-o', 'name', '--request-timeout', '20s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n').length, 6);
    assert.equal((await cluster.serve.requests()).filter((q) => q.method === 'GET').length, 2);
  });

  test('a fault that does not end: a bounded number of attempts, then the failure is reported', async () => {
    await cluster.serve.faults({ method: 'POST', path: 'egressrules$', count: 1000, action: '503' });
    const r = await egressctl(['create', '-f', '-'], { input: SEED.split('---')[0] });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Error from server \(ServiceUnavailable\): .*\nerror: 1 of 1 objects were not created: wikipedia-range1 \(ServiceUnavailable\)\n$/);
    const posts = (await cluster.serve.requests()).filter((q) => q.method === 'POST');
    assert.ok(posts.length > 1 && posts.length <= 10, `attempts: ${posts.length}`);
  });
}, { env: FAST_RETRIES });
