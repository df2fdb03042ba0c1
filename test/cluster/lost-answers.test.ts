// End to end: a write whose answer is lost (the server carried it out, then reset the connection)
// is never reported as simply failed. After the retries run out, one GET learns what the server
// holds: the write counts as done, or as not done; when even that GET gets no answer, the object
// is reported as "unknown: it may have been created", and the run always ends with a summary
// naming what was not written and what was not sent. The server's state is what was reported.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from '../helpers/server.ts';
import { FAST_RETRIES, onServe } from '../helpers/cluster.ts';

const SEED = join(ROOT, 'fixtures/seed/wikipedia-rules.yaml');
const NAMES = [1, 2, 3, 4, 5].map((i) => `wikipedia-range${i}`);
const COLLECTION = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';

// On serve only: every test here loses answers through serve's fault injection (/_egressctl/faults:
// a reset before or after the write is carried out), which the real server does not have.
// EGRESSCTL_RETRY_BASE_DELAY=10ms: the retries that run out before the check take ~0.3 s, not ~5 s.
onServe('writes whose answer was lost', (cluster) => {
  const egressctl = cluster.egressctl.bind(cluster);
  beforeEach(async () => {
    await cluster.serve.clearFaults();
    const d = await egressctl(['delete', 'egressrule', ...NAMES, '--ignore-not-found']);
    assert.equal(d.code, 0, d.stderr);
    await cluster.serve.clearRequests();
  });

  async function stored(): Promise<string[]> {
    return (await cluster.serve.get(COLLECTION)).items.map((o: any) => o.metadata.name).sort();
  }

  test('every create answer lost, and the check too: "unknown, it may have been created", then the summary naming the rest as not sent', async () => {
    await cluster.serve.faults({ method: 'POST', path: 'egressrules$', count: 1000, action: 'reset-after' });
    await cluster.serve.faults({ method: 'GET', path: 'wikipedia-range1$', count: 1000, action: 'reset-before' });
    const r = await egressctl(['create', '-f', SEED, '--concurrency', '1']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'error: wikipedia-range1: unknown, the connection was reset after the request was sent; it may have been created');
    assert.match(lines[1]!, /^error: Unable to connect to the server .*: the connection was reset \(ECONNRESET\)$/);
    assert.equal(
      lines[2],
      'error: 4 of 5 objects were not created: wikipedia-range2 (not sent), wikipedia-range3 (not sent), wikipedia-range4 (not sent), wikipedia-range5 (not sent); whether 1 more was created is unknown (the answer was lost and could not be checked; they may have been created): wikipedia-range1 (connection reset)',
    );
    assert.equal(lines.length, 3);
    await cluster.serve.clearFaults();
    // What was reported: range1 may exist (it does), the others were not sent (they do not exist).
    assert.deepEqual(await stored(), ['wikipedia-range1']);
    const requests = await cluster.serve.requests();
    assert.equal(requests.filter((q) => q.method === 'GET' && q.path.endsWith('/wikipedia-range1')).length, 1, 'one check, not retried');
  });

  test('the answers lost but the check answered: the object stored is the one sent, so it counts as created; the rest go on', async () => {
    await cluster.serve.faults({ method: 'POST', path: 'egressrules$', count: 6, action: 'reset-after' });
    const r = await egressctl(['create', '-f', SEED, '--concurrency', '1']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    lines.forEach((l, i) => assert.match(l, new RegExp(`^Created config egress-rule/default/${NAMES[i]} at revision \\d+$`)));
    assert.deepEqual(await stored(), NAMES);
  });

  test('resets before anything was stored: the check finds nothing, so the object is "not created" and the others go on', async () => {
    await cluster.serve.faults({ method: 'POST', path: 'egressrules$', count: 6, action: 'reset-before' });
    const r = await egressctl(['create', '-f', SEED, '--concurrency', '1']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout.trimEnd().split('\n').length, 4);
    assert.match(r.stderr, /^error: wikipedia-range1: not created: Unable to connect to the server .*: the connection was reset \(ECONNRESET\)\nerror: 1 of 5 objects were not created: wikipedia-range1 \(ECONNRESET\)\n$/);
    assert.deepEqual(await stored(), NAMES.slice(1));
  });

  test('every delete answer lost: the check finds the object gone, so it counts as deleted', async () => {
    const c = await egressctl(['create', '-f', SEED]);
    assert.equal(c.code, 0, c.stderr);
    await cluster.serve.faults({ method: 'DELETE', path: 'wikipedia-range2$', count: 1000, action: 'reset-after' });
    const d = await egressctl(['delete', 'egressrule', 'wikipedia-range2', 'wikipedia-range3']);
    assert.equal(d.stderr, '');
    assert.equal(d.code, 0);
    assert.equal(d.stdout, 'Deleted config: egressrule wikipedia-range2\nDeleted config: egressrule wikipedia-range3\n');
    await cluster.serve.clearFaults();
    assert.deepEqual(await stored(), ['wikipedia-range1', 'wikipedia-range4', 'wikipedia-range5']);
  });
}, { env: FAST_RETRIES });
