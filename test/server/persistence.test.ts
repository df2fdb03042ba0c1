// Durability: every acknowledged write is on disk before the answer. SIGKILL in the middle of a
// stream of creates, restart on the same --data, and every acknowledged object is there with its
// resourceVersion; the sequence continues.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, startServer } from '../helpers/server.ts';

const BASE = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
const rule = (name: string) => ({ apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name, labels: { batch: 'kill' } }, spec: { destination: { service: `${name}.example.com` }, ports: [{ port: 443, protocol: 'https' }] } });

test('SIGKILL during a stream of creates loses no acknowledged object', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'egressctl-data-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await startServer({ dataDir });
  t.after(() => first.stop());

  const acked = new Map<string, { rv: string; uid: string }>();
  let next = 0;
  let killed = false;
  const worker = async () => {
    for (;;) {
      const name = `rule-${next++}`;
      try {
        const r = await request(first, 'POST', BASE, { body: rule(name) });
        if (r.status !== 201) throw new Error(`unexpected ${r.status} ${r.body}`);
        const o = r.json();
        acked.set(name, { rv: o.metadata.resourceVersion, uid: o.metadata.uid });
        if (acked.size === 60 && !killed) {
          killed = true;
          // Kill while the other workers still have creates in flight.
          void first.kill();
        }
      } catch (e) {
        if (killed) return;
        throw e;
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await first.kill();
  // The kill came mid-stream: creates were started that were never acknowledged.
  assert.ok(next > acked.size, `${next} started, ${acked.size} acknowledged`);

  // A torn record at the end of the log (a write cut short) is not an acknowledged write: ignored.
  appendFileSync(join(dataDir, 'wal.jsonl'), '{"rv":999999,"op":"put","type":"config.istio.io/egressr');

  const second = await startServer({ dataDir });
  t.after(() => second.stop());
  const list = await second.get(`${BASE}?labelSelector=batch%3Dkill`);
  const found = new Map<string, any>(list.items.map((o: any) => [o.metadata.name, o]));
  for (const [name, { rv, uid }] of acked) {
    const o = found.get(name);
    assert.ok(o, `${name} was acknowledged (rv ${rv}) but is missing after the restart`);
    assert.equal(o.metadata.resourceVersion, rv, `${name}: resourceVersion`);
    assert.equal(o.metadata.uid, uid, `${name}: uid`);
  }
  const maxRv = Math.max(...list.items.map((o: any) => Number(o.metadata.resourceVersion)));
  assert.ok(Number(list.metadata.resourceVersion) >= maxRv);
  assert.ok(Number(list.metadata.resourceVersion) < 999999, 'the torn record was not replayed');
  const after = await request(second, 'POST', BASE, { body: rule('after-restart') });
  assert.equal(after.status, 201, after.body);
  assert.ok(Number(after.json().metadata.resourceVersion) > maxRv, 'the resourceVersion sequence continues');

  // A watch from before the restart cannot be served from history: 410 Expired, as kube-apiserver says.
  const w = await request(second, 'GET', `${BASE}?watch=true&resourceVersion=1&timeoutSeconds=1`);
  assert.equal(w.status, 200);
  const ev = JSON.parse(w.body.split('\n')[0]);
  assert.equal(ev.type, 'ERROR');
  assert.equal(ev.object.code, 410);
  assert.equal(ev.object.reason, 'Expired');
  assert.match(ev.object.message, /^too old resource version: 1 \(\d+\)$/);
});

test('updates, deletes and namespaces survive a restart; deleted objects stay deleted', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'egressctl-data-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const a = await startServer({ dataDir });
  t.after(() => a.stop());
  assert.equal((await request(a, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'kept' } } })).status, 201);
  const ns = '/apis/config.istio.io/v1alpha2/namespaces/kept/egressrules';
  assert.equal((await request(a, 'POST', ns, { body: rule('one') })).status, 201);
  assert.equal((await request(a, 'POST', ns, { body: rule('two') })).status, 201);
  const patched = await request(a, 'PATCH', `${ns}/one`, { body: { spec: { ports: [{ port: 80, protocol: 'http' }] } }, contentType: 'application/merge-patch+json' });
  assert.equal(patched.status, 200);
  assert.equal((await request(a, 'DELETE', `${ns}/two`)).status, 200);
  await a.kill();
  const b = await startServer({ dataDir });
  t.after(() => b.stop());
  const one = await b.get(`${ns}/one`);
  assert.deepEqual(one.spec.ports, [{ port: 80, protocol: 'http' }]);
  assert.equal(one.metadata.resourceVersion, patched.json().metadata.resourceVersion);
  assert.equal(one.metadata.generation, 2);
  assert.equal((await request(b, 'GET', `${ns}/two`)).status, 404);
  assert.equal((await b.get('/api/v1/namespaces/kept')).status.phase, 'Active');
});
