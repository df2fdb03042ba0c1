// egressctl convert end to end: files and --from-cluster, the output applied with the real
// kubectl against serve (which serves today's kinds from the kind registry), warnings on stderr
// with places, all or nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, egressctl, kubectl, kubectlSkipReason, request, startServer, type TestServer } from '../helpers/server.ts';

const SEED = join(ROOT, 'fixtures/seed/wikipedia-rules.yaml');
const TASK = readFileSync(join(ROOT, 'fixtures/seed/httpbin-egress-task.yaml'), 'utf8');
const REVIEWS = (ns: string) => `apiVersion: config.istio.io/v1alpha2
kind: RouteRule
metadata:
  name: reviews-default
  namespace: ${ns}
spec:
  destination:
    name: reviews
  route:
  - labels: {version: v1}
    weight: 90
  - labels: {version: v2}
    weight: 10
---
apiVersion: config.istio.io/v1alpha2
kind: DestinationPolicy
metadata:
  name: reviews-lb
  namespace: ${ns}
spec:
  destination:
    name: reviews
  loadBalancing:
    name: RANDOM
`;

const dir = mkdtempSync(join(tmpdir(), 'egressctl-convert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('convert -f: the seed\'s rules become ServiceEntries that egressctl validate accepts; warnings on stderr only', async () => {
  const r = await egressctl(['convert', '-f', SEED], { env: { NO_COLOR: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.match(/^kind: ServiceEntry$/gm)?.length, 5);
  assert.doesNotMatch(r.stdout, /Warning/);
  const again = await egressctl(['validate', '-f', '-'], { input: r.stdout, env: { NO_COLOR: '1' } });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, '5 objects checked: 0 errors, 0 warnings\n');
  // The same bytes every time.
  assert.equal((await egressctl(['convert', '-f', SEED])).stdout, r.stdout);
});

test('convert -o FILE: written all or nothing; an invalid input: its place, exit 1, no file', async () => {
  const out = join(dir, 'out.yaml');
  const ok = await egressctl(['convert', '-f', '-', '-o', out], { input: TASK });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, '');
  assert.match(readFileSync(out, 'utf8'), /kind: VirtualService/);
  const bad = join(dir, 'bad.yaml');
  const r = await egressctl(['convert', '-f', '-', '-o', bad], { input: TASK.replace('3s', 'soon') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: <stdin>: document 2 \(line 11\): /);
  assert.equal(existsSync(bad), false);
});

test('usage: -f or --from-cluster, one of them', async () => {
  for (const [args, msg] of [[['convert'], /filename not specified/], [['convert', '-f', SEED, '--from-cluster'], /either -f or --from-cluster/], [['convert', '-f', SEED, '-A'], /-A\/--all-namespaces goes with --from-cluster/]] as const) {
    const r = await egressctl([...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, msg);
  }
});

describe('--from-cluster, and the output applied with the real kubectl', () => {
  let server: TestServer;
  let env: Record<string, string>;
  before(async () => {
    server = await startServer();
    env = { KUBECONFIG: server.kubeconfig, NO_COLOR: '1' };
    assert.equal((await request(server, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } })).status, 201);
    for (const input of [TASK, REVIEWS('default'), REVIEWS('team')]) {
      const c = await egressctl(['create', '-f', '-'], { env, input });
      assert.equal(c.code, 0, c.stderr);
    }
    await server.clearRequests();
  });
  after(() => server.stop());

  test('reads every 0.x kind in two namespaces, writes nothing to the cluster; kubectl applies the result and lists it', { skip: kubectlSkipReason() }, async () => {
    const r = await egressctl(['convert', '--from-cluster', '-A'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await server.requests()).filter((q) => q.method !== 'GET'), []);
    // Namespaces kept (istio/istio #6571): each object in its source's namespace, hosts qualified by it.
    assert.match(r.stdout, /kind: VirtualService\nmetadata:\n  name: reviews\n  namespace: team\n/);
    assert.match(r.stdout, /- reviews\.team\.svc\.cluster\.local\n/);
    assert.match(r.stdout, /- reviews\.default\.svc\.cluster\.local\n/);
    const file = join(dir, 'converted.yaml');
    writeFileSync(file, r.stdout);
    const applied = await kubectl(server, ['apply', '-f', file]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /serviceentry\.networking\.istio\.io\/httpbin-egress-rule created/);
    const vs = await kubectl(server, ['get', 'virtualservices', '-A', '-o', 'name']);
    assert.equal(vs.code, 0, vs.stderr);
    assert.deepEqual(vs.stdout.trim().split('\n').sort(), ['virtualservice.networking.istio.io/httpbin.org', 'virtualservice.networking.istio.io/reviews', 'virtualservice.networking.istio.io/reviews'].sort());
    const dr = await kubectl(server, ['get', 'destinationrules', '-n', 'team', '-o', 'jsonpath={.items[*].spec.subsets[*].name}']);
    assert.equal(dr.stdout, 'version-v1 version-v2');
    // egressctl reads them back as today's kinds.
    const mine = await egressctl(['get', 'serviceentries', '-o', 'wide'], { env });
    assert.match(mine.stdout, /^NAME\s+KIND\s+NAMESPACE\s+HOSTS\s+LOCATION\s+RESOLUTION\s+AGE\nhttpbin-egress-rule\s+ServiceEntry\.v1\.networking\.istio\.io\s+default\s+httpbin\.org\s+MESH_EXTERNAL\s+NONE\s+/);
  });

  test('-n: one namespace only', async () => {
    const r = await egressctl(['convert', '--from-cluster', '-n', 'team'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /namespace: default/);
    assert.match(r.stdout, /namespace: team/);
  });
});
