// Watch: headers at once, ADDED/MODIFIED/DELETED in order from a resourceVersion, synthetic ADDED
// from "0", selectors, Table events; kubectl wait on a watch. On each server of the run; where the
// real one differs, the test says what each does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { kubectlSkipReason } from '../helpers/server.ts';
import { forEachServer, type Cluster } from '../helpers/cluster.ts';

const BASE = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
const rule = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name, labels }, spec: { destination: { service: `${name}.example.com` } } });

/** Opens a watch; resolves once the response headers are in (which is what flushHeaders guarantees). */
function openWatch(s: Cluster, path: string, accept = 'application/json'): Promise<{ res: IncomingMessage; next(n: number): Promise<any[]>; close(): void }> {
  const kc = yaml.load(readFileSync(s.kubeconfig, 'utf8')) as any;
  const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64');
  return new Promise((resolve, reject) => {
    const req = https.get(new URL(path, s.url), { ca, agent: false, headers: { Authorization: `Bearer ${s.token}`, Accept: accept } }, (res) => {
      let buf = '';
      const events: any[] = [];
      let waiter: (() => void) | undefined;
      res.on('data', (c) => {
        buf += c;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
        }
        waiter?.();
      });
      res.on('end', () => waiter?.());
      resolve({
        res,
        next: async (n) => {
          while (events.length < n && !res.complete) await new Promise<void>((r) => (waiter = r));
          return events.splice(0, n);
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

forEachServer('watch', (s) => {

  test('events after a resourceVersion, in order, with headers sent before any event', async () => {
    const list = await s.get(BASE);
    const w = await openWatch(s, `${BASE}?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
    assert.equal(w.res.statusCode, 200);
    assert.equal(w.res.headers['content-type'], 'application/json');
    const created = (await s.request('POST', BASE, { body: rule('w1') })).json();
    const patched = (await s.request('PATCH', `${BASE}/w1`, { body: { spec: { x: 1 } }, contentType: 'application/merge-patch+json' })).json();
    await s.request('DELETE', `${BASE}/w1`);
    const ev = await w.next(3);
    w.close();
    assert.deepEqual(ev.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(ev[0].object.metadata.resourceVersion, created.metadata.resourceVersion);
    assert.equal(ev[1].object.metadata.resourceVersion, patched.metadata.resourceVersion);
    assert.equal(ev[1].object.spec.x, 1);
    assert.ok(Number(ev[2].object.metadata.resourceVersion) > Number(patched.metadata.resourceVersion), 'deletion has its own resourceVersion');
    assert.equal(ev[2].object.metadata.name, 'w1');
  });

  test('from resourceVersion 0: synthetic ADDED for what exists, then changes; a label selector filters', async () => {
    await s.request('POST', BASE, { body: rule('keep', { app: 'web' }) });
    await s.request('POST', BASE, { body: rule('skip', { app: 'db' }) });
    const w = await openWatch(s, `${BASE}?watch=1&resourceVersion=0&labelSelector=app%3Dweb`);
    const [first] = await w.next(1);
    assert.equal(first.type, 'ADDED');
    assert.equal(first.object.metadata.name, 'keep');
    await s.request('POST', BASE, { body: rule('skip2', { app: 'db' }) });
    await s.request('POST', BASE, { body: rule('keep2', { app: 'web' }) });
    const [second] = await w.next(1);
    assert.equal(second.type, 'ADDED');
    assert.equal(second.object.metadata.name, 'keep2');
    // Relabelling moves objects into and out of the selection: ADDED and DELETED for this watch.
    await s.request('PATCH', `${BASE}/skip`, { body: { metadata: { labels: { app: 'web' } } }, contentType: 'application/merge-patch+json' });
    await s.request('PATCH', `${BASE}/keep`, { body: { metadata: { labels: { app: 'db' } } }, contentType: 'application/merge-patch+json' });
    const moved = await w.next(2);
    w.close();
    assert.deepEqual(moved.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED skip', 'DELETED keep']);
  });

  test('the replay after an older resourceVersion includes what happened in between', async () => {
    const rv = (await s.get(BASE)).metadata.resourceVersion;
    await s.request('POST', BASE, { body: rule('between') });
    const w = await openWatch(s, `${BASE}?watch=true&resourceVersion=${rv}`);
    const [e] = await w.next(1);
    w.close();
    assert.equal(e.type, 'ADDED');
    assert.equal(e.object.metadata.name, 'between');
  });

  test('a watch that asks for Table gets one-row Tables, column definitions first only', async () => {
    const rv = (await s.get(BASE)).metadata.resourceVersion;
    const w = await openWatch(s, `${BASE}?watch=true&resourceVersion=${rv}`, 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    // The events are Tables on both; the real server labels the stream plain application/json.
    assert.equal(w.res.headers['content-type'], s.kind === 'kube-apiserver' ? 'application/json' : 'application/json;as=Table;v=v1;g=meta.k8s.io');
    await s.request('POST', BASE, { body: rule('t1') });
    await s.request('POST', BASE, { body: rule('t2') });
    const ev = await w.next(2);
    w.close();
    assert.equal(ev[0].object.kind, 'Table');
    assert.deepEqual(ev[0].object.columnDefinitions.map((c: any) => c.name), ['Name', 'Age']);
    assert.equal(ev[1].object.columnDefinitions, null);
    assert.equal(ev[0].object.rows[0].cells[0], 't1');
    assert.equal(ev[0].object.rows[0].object.kind, 'PartialObjectMetadata');
  });

  test('timeoutSeconds ends the stream', async () => {
    const w = await openWatch(s, `${BASE}?watch=true&timeoutSeconds=1&resourceVersion=${(await s.get(BASE)).metadata.resourceVersion}`);
    const ev = await w.next(1);
    assert.deepEqual(ev, []);
    assert.ok(w.res.complete);
  });

  test('kubectl wait for a CRD to be established, and for a deletion', { skip: kubectlSkipReason() }, async () => {
    const r = await s.kubectl(['wait', '--for=condition=established', 'crd/egressrules.config.istio.io', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'customresourcedefinition.apiextensions.k8s.io/egressrules.config.istio.io condition met\n');
    await s.request('POST', BASE, { body: rule('waited') });
    await s.clearRequests();
    const waiting = s.kubectl(['wait', '--for=delete', 'egressrule/waited', '--timeout=30s']);
    // Delete only once kubectl is watching: a wait that starts after the object is gone succeeds
    // without the watch ever delivering DELETED.
    for (let i = 0; i < 600 && !(await s.requests()).some((q) => q.path.endsWith('/egressrules') && /watch=(true|1)/.test(q.query)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const del = await s.kubectl(['delete', 'egressrule', 'waited']);
    assert.equal(del.code, 0, del.stderr);
    const done = await waiting;
    assert.equal(done.code, 0, done.stderr);
    // `wait --for=delete` of an object already gone prints nothing: this line proves the watch saw it go.
    assert.equal(done.stdout, 'egressrule.config.istio.io/waited condition met\n');
  });
});
