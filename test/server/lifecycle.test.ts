// The process: first line on stdout, the token never printed, SIGTERM/SIGINT end it with exit 0
// (ending open watches), --without-crds, and discovery/OpenAPI as kubectl reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import { ROOT, kubectl, kubectlSkipReason, request, startServer } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';
import { kubernetesVersion } from '../../scripts/kube-apiserver.mjs';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal}: open watches end, the process exits 0; the token is never printed`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'egressctl-life-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const token = 'secret-token-do-not-print';
    const child = spawn(process.execPath, [join(ROOT, 'bin/egressctl.js'), 'serve', '--token', token, '--kubeconfig-out', join(dir, 'kc'), '-v', '9'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        out += c;
        const m = /^Serving on (https:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`exited early: ${err}`)));
    });
    const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(readFileSync(join(dir, 'kc'), 'utf8'))![1], 'base64');
    const watchEnded = new Promise<void>((resolve, reject) => {
      https.get(`${url}/apis/config.istio.io/v1alpha2/egressrules?watch=true`, { ca, agent: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        assert.equal(res.statusCode, 200);
        res.resume();
        res.on('end', () => resolve());
        child.kill(signal);
      }).on('error', reject);
    });
    await watchEnded;
    assert.equal(await exit, 0);
    assert.ok(!out.includes(token) && !err.includes(token), 'the token appears in the output');
    assert.equal(out.split('\n')[0], `Serving on ${url}`);
  });
}

test('--without-crds: kubectl sees no Istio types; create says to install the CRDs', { skip: kubectlSkipReason() }, async (t) => {
  const s = await startServer({ withoutCrds: true });
  t.after(() => s.stop());
  const g = await kubectl(s, ['get', 'egressrules']);
  assert.equal(g.code, 1);
  assert.equal(g.stderr, 'error: the server doesn\'t have a resource type "egressrules"\n');
  const crd = await kubectl(s, ['get', 'crd']);
  assert.equal(crd.code, 0);
  assert.equal(crd.stderr, 'No resources found\n');
  const c = await kubectl(s, ['create', '-f', '-'], 'apiVersion: config.istio.io/v1alpha2\nkind: EgressRule\nmetadata:\n  name: x\nspec: {}\n');
  assert.equal(c.code, 1);
  assert.match(c.stderr, /no matches for kind "EgressRule" in version "config\.istio\.io\/v1alpha2"\nensure CRDs are installed first/);
  assert.equal((await request(s, 'GET', '/apis/config.istio.io/v1alpha2')).status, 404);
  assert.equal((await request(s, 'GET', '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules')).status, 404);
});

// Discovery and OpenAPI as clients read them: on each server of the run, so that the real one shows
// what serve's must look like.
forEachServer('discovery', (s) => {
  test('discovery: aggregated with its exact media type when asked, legacy otherwise; OpenAPI v2 empty protobuf, v3 index and documents', async () => {
    const agg = await s.request('GET', '/apis', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
    assert.equal(agg.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const istio = agg.json().items.find((i: any) => i.metadata.name === 'config.istio.io');
    assert.deepEqual(istio.versions[0].resources.map((r: any) => r.resource), ['destinationpolicies', 'egressrules', 'routerules']);
    const legacy = await s.get('/apis');
    assert.equal(legacy.kind, 'APIGroupList');
    assert.ok(legacy.groups.some((g: any) => g.name === 'config.istio.io' && g.preferredVersion.groupVersion === 'config.istio.io/v1alpha2'));
    const rl = await s.get('/apis/config.istio.io/v1alpha2');
    assert.equal(rl.kind, 'APIResourceList');
    // In the apiextensions server's order, as kube-apiserver lists a custom resource's verbs.
    assert.deepEqual(rl.resources.find((r: any) => r.name === 'egressrules').verbs, ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch']);
    const v2 = await s.request('GET', '/openapi/v2', { headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    assert.equal(v2.status, 200);
    // serve answers with an empty document (kubectl asks for v2 and goes on to v3); the real server
    // with its whole v2 schema.
    if (s.kind === 'kube-apiserver') assert.ok(v2.body.length > 100_000, `${v2.body.length} bytes`);
    else assert.equal(v2.body, '');
    const index = await s.get('/openapi/v3');
    const url = index.paths['apis/config.istio.io/v1alpha2'].serverRelativeURL;
    assert.match(url, /^\/openapi\/v3\/apis\/config\.istio\.io\/v1alpha2\?hash=[0-9A-F]{128}$/);
    const doc = await s.get(url);
    const patch = doc.paths['/apis/config.istio.io/v1alpha2/namespaces/{namespace}/egressrules/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'config.istio.io', version: 'v1alpha2', kind: 'EgressRule' });
    assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation'));
    assert.ok(!('application/strategic-merge-patch+json' in patch.requestBody.content));
    const v = await s.get('/version');
    assert.equal(v.gitVersion, s.kind === 'kube-apiserver' ? kubernetesVersion().gitVersion : 'v1.32.0');
  });

  test('kubectl explain reads the OpenAPI v3 schema', { skip: kubectlSkipReason() }, async () => {
    const r = await s.kubectl(['explain', 'egressrules']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^GROUP:\s+config\.istio\.io\nKIND:\s+EgressRule\nVERSION:\s+v1alpha2\n/);
  });
});
