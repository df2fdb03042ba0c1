// End to end: replace (optimistic concurrency: a stale resourceVersion is a conflict and changes
// nothing; a missing object is an error, never created) and apply (idempotent: the second run
// writes nothing), on each server of the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlSkipReason } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';
import { missingAnnotationWarning } from '../../src/commands/apply.ts';
import { EGRESS_RULE } from '../../src/core/kinds/egressrule.ts';

const BASE = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';

function rule(name: string, service: string, opts: { rv?: string; port?: number; labels?: string } = {}): string {
  return (
    `kind: EgressRule\nmetadata:\n  name: ${name}\n` +
    (opts.rv ? `  resourceVersion: "${opts.rv}"\n` : '') +
    (opts.labels ? `  labels:\n    ${opts.labels}\n` : '') +
    `spec:\n  destination:\n    service: ${service}\n  ports:\n  - port: ${opts.port ?? 443}\n    protocol: tcp\n`
  );
}

forEachServer('replace and apply', (server) => {

  test('replace with a stale resourceVersion: Conflict reported, nothing changed on the server', async () => {
    const c = await server.egressctl(['create', '-f', '-'], { input: rule('r1', '10.0.0.0/8') });
    assert.equal(c.code, 0, c.stderr);
    const first = await server.get(`${BASE}/r1`);
    const staleRv = first.metadata.resourceVersion;
    // Someone else updates it (no resourceVersion in the input: the current one is used).
    const u = await server.egressctl(['replace', '-f', '-'], { input: rule('r1', '10.0.0.0/16') });
    assert.equal(u.code, 0, u.stderr);
    const second = await server.get(`${BASE}/r1`);
    assert.equal(u.stdout, `Updated config egress-rule/default/r1 to revision ${second.metadata.resourceVersion}\n`);
    assert.notEqual(second.metadata.resourceVersion, staleRv);
    // Now a replace based on the first version.
    const stale = await server.egressctl(['replace', '-f', '-'], { input: rule('r1', '192.168.0.0/16', { rv: staleRv }) });
    assert.equal(stale.code, 1);
    assert.equal(stale.stdout, '');
    assert.match(stale.stderr, /^Error from server \(Conflict\): Operation cannot be fulfilled on egressrules\.config\.istio\.io "r1": the object has been modified; please apply your changes to the latest version and try again\n/);
    assert.match(stale.stderr, /\nerror: 1 of 1 objects were not replaced: r1 \(Conflict\)\n$/);
    const third = await server.get(`${BASE}/r1`);
    assert.deepEqual(third, second);
  });

  test('replace of a missing object is an error and never creates it', async () => {
    const r = await server.egressctl(['replace', '-f', '-'], { input: rule('never-there', '10.0.0.0/8') });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (NotFound): egressrules.config.istio.io "never-there" not found\nerror: 1 of 1 objects were not replaced: never-there (NotFound)\n');
    const list = await server.get(BASE);
    assert.deepEqual(list.items.map((o: any) => o.metadata.name), ['r1']);
  });

  test('apply creates what is missing, updates what differs, and a second run changes nothing', async () => {
    const input = [rule('r1', '10.0.0.0/16'), rule('a2', '172.16.0.0/12', { labels: 'team: net' }), rule('a3', '10.10.0.0/16', { port: 8443 })].join('---\n');
    // r1 is stored as 10.0.0.0/16 already; make it differ first.
    const pre = await server.egressctl(['replace', '-f', '-'], { input: rule('r1', '10.0.0.0/24') });
    assert.equal(pre.code, 0, pre.stderr);
    const one = await server.egressctl(['apply', '-f', '-'], { input });
    // r1 was made by create, not apply: kubectl's warning, once, and the annotation is added.
    assert.equal(one.stderr, `Warning: ${missingAnnotationWarning(EGRESS_RULE, 'r1')}\n`);
    assert.equal(one.code, 0);
    const lines = one.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^Updated config egress-rule\/default\/r1 to revision \d+$/);
    assert.match(lines[1]!, /^Created config egress-rule\/default\/a2 at revision \d+$/);
    assert.match(lines[2]!, /^Created config egress-rule\/default\/a3 at revision \d+$/);
    const before2 = await server.get(BASE);
    assert.equal(before2.items.find((o: any) => o.metadata.name === 'r1').spec.destination.service, '10.0.0.0/16');
    assert.deepEqual(before2.items.find((o: any) => o.metadata.name === 'a2').metadata.labels, { team: 'net' });

    await server.clearRequests();
    const two = await server.egressctl(['apply', '-f', '-'], { input });
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stderr, '');
    const rv = (n: string) => before2.items.find((o: any) => o.metadata.name === n).metadata.resourceVersion;
    assert.equal(
      two.stdout,
      ['r1', 'a2', 'a3'].map((n) => `Config egress-rule/default/${n} unchanged at revision ${rv(n)}\n`).join(''),
    );
    const writes = (await server.requests()).filter((r) => r.method !== 'GET');
    assert.deepEqual(writes, []);
    assert.deepEqual(await server.get(BASE), { ...before2, metadata: (await server.get(BASE)).metadata });
  });

  test('apply removes a label and an annotation taken out of the file, keeps what others added, and says it updated', async () => {
    const conf = (labels: string, annotations: string) =>
      `kind: EgressRule\nmetadata:\n  name: lbl\n  labels: {${labels}}\n  annotations: {${annotations}}\nspec:\n  destination:\n    service: 10.20.0.0/16\n  ports:\n  - port: 443\n    protocol: tcp\n`;
    const first = await server.egressctl(['apply', '-f', '-'], { input: conf('app: web, tier: front', 'note: keep, owner: me') });
    assert.equal(first.code, 0, first.stderr);
    // Someone else labels it.
    const path = `${BASE}/lbl`;
    const live = await server.get(path);
    const patched = await server.request('PATCH', path, { body: { metadata: { labels: { added: 'by-other' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200, patched.body);
    const second = await server.egressctl(['apply', '-f', '-'], { input: conf('app: web', 'note: keep') });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, '');
    assert.match(second.stdout, /^Updated config egress-rule\/default\/lbl to revision \d+\n$/);
    const after = await server.get(path);
    assert.deepEqual(after.metadata.labels, { app: 'web', added: 'by-other' });
    assert.deepEqual(Object.keys(after.metadata.annotations).sort(), ['kubectl.kubernetes.io/last-applied-configuration', 'note']);
    assert.notEqual(after.metadata.resourceVersion, live.metadata.resourceVersion);
    const third = await server.egressctl(['apply', '-f', '-'], { input: conf('app: web', 'note: keep') });
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /^Config egress-rule\/default\/lbl unchanged at revision \d+\n$/);
  });

  test('apply and kubectl apply take turns on one object: each removes what the other\'s last configuration had', { skip: kubectlSkipReason() }, async () => {
    const conf = (labels: string) =>
      `apiVersion: config.istio.io/v1alpha2\nkind: EgressRule\nmetadata:\n  name: turns\n  namespace: default\n  labels: {${labels}}\nspec:\n  destination:\n    service: 10.30.0.0/16\n  ports:\n  - port: 443\n    protocol: tcp\n`;
    const a = await server.egressctl(['apply', '-f', '-'], { input: conf('a: "1", b: "2"') });
    assert.equal(a.code, 0, a.stderr);
    const k = await server.kubectl(['apply', '-f', '-'], conf('a: "1"'));
    assert.equal(k.code, 0, k.stderr);
    assert.match(k.stdout, /egressrule\.config\.istio\.io\/turns configured/);
    assert.deepEqual((await server.get(`${BASE}/turns`)).metadata.labels, { a: '1' });
    const k2 = await server.kubectl(['apply', '-f', '-'], conf('a: "1", c: "3"'));
    assert.equal(k2.code, 0, k2.stderr);
    const e = await server.egressctl(['apply', '-f', '-'], { input: conf('a: "1"') });
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /^Updated config/);
    assert.deepEqual((await server.get(`${BASE}/turns`)).metadata.labels, { a: '1' });
    const k3 = await server.kubectl(['apply', '-f', '-'], conf('a: "1"'));
    assert.match(k3.stdout, /egressrule\.config\.istio\.io\/turns unchanged/);
  });
});
