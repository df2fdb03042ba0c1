// End to end against the REAL Kubernetes API server (test/kube-apiserver: k8s.io/kubernetes
// v1.33 on an embedded etcd), not `egressctl serve`: the seed walkthrough with the built CLI, as
// processes of their own (create -f the seed's EgressRules, get, delete -n default) and the real kubectl reading what
// egressctl wrote. On the run's real server (test/helpers/cluster.ts); skipped, with the reason,
// when the run has none (no Go, the build failed, EGRESSCTL_TEST_SERVER=serve). Run `npm run
// build` first (the CLI runs from dist/). The end-to-end suites run on this server too; these are
// the checks of the real server itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { ROOT, kubectlSkipReason } from '../helpers/server.ts';
import { onKubeApiserver } from '../helpers/cluster.ts';
import { STORED_KINDS } from '../../src/core/kinds/registry.ts';

const SEED = join(ROOT, 'fixtures/seed/wikipedia-rules.yaml');
const NAMES = [1, 2, 3, 4, 5].map((i) => `wikipedia-range${i}`);
const RULES = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
// The program's default --service-cluster-ip-range (kubeadm's and serve's).
const SERVICE_RANGE = '10.96.0.0/12';

function rule(name: string, service: string): string {
  return `kind: EgressRule\nmetadata:\n  name: ${name}\nspec:\n  destination:\n    service: ${service}\n  ports:\n  - port: 443\n    protocol: tcp\n`;
}

onKubeApiserver('egressctl and kubectl against the real kube-apiserver', (server) => {
  const storedNames = () => server.names(RULES);
  const egressctl = server.egressctl.bind(server);

  test('the server is the real one: /version names the release, the Istio CRDs are Established, istio-system exists', async () => {
    const v = await server.get('/version');
    assert.match(v.gitVersion, /^v1\.\d+\.\d+$/);
    assert.equal(`v${v.major}.${v.minor}`, v.gitVersion.replace(/\.\d+$/, ''));
    // The CRD of every kind the registry can store, each version it reads served, the one it sends stored.
    for (const k of STORED_KINDS) {
      const crd = await server.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${k.plural}.${k.group}`);
      assert.ok(crd.status.conditions.some((c: any) => c.type === 'Established' && c.status === 'True'), k.plural);
      assert.deepEqual(crd.spec.versions.map((v: any) => [v.name, v.served, v.storage]), [[k.version, true, true], ...(k.readVersions ?? []).map((v) => [v, true, false])], k.plural);
    }
    for (const ns of ['default', 'kube-system', 'kube-public', 'istio-system']) assert.equal((await server.get(`/api/v1/namespaces/${ns}`)).metadata.name, ns);
  });

  test('egressctl create -f fixtures/seed/wikipedia-rules.yaml creates the five rules, in input order', async () => {
    const r = await egressctl(['create', '-f', SEED]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    lines.forEach((l, i) => assert.match(l, new RegExp(`^Created config egress-rule/default/${NAMES[i]} at revision \\d+$`)));
    assert.deepEqual(await storedNames(), NAMES);
    const stored = await server.get(`${RULES}/wikipedia-range1`);
    assert.equal(stored.apiVersion, 'config.istio.io/v1alpha2');
    assert.equal(stored.kind, 'EgressRule');
    assert.deepEqual(stored.spec, { destination: { service: '91.198.174.192/27' }, ports: [{ port: 443, protocol: 'tcp' }] });
    assert.equal(lines[0], `Created config egress-rule/default/wikipedia-range1 at revision ${stored.metadata.resourceVersion}`);
  });

  test('egressctl get egressrules: the short table, sorted', async () => {
    const r = await egressctl(['get', 'egressrules']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const expected = ['NAME               KIND                                  NAMESPACE', ...NAMES.map((n) => `${n}   EgressRule.v1alpha2.config.istio.io   default`)];
    assert.equal(r.stdout, expected.join('\n') + '\n');
  });

  test('egressctl get -o name, -o wide, --chunk-size 2 (limit/continue pages from etcd)', async () => {
    const n = await egressctl(['get', 'egressrules', '-o', 'name', '--chunk-size', '2']);
    assert.equal(n.stderr, '');
    assert.equal(n.stdout, NAMES.map((x) => `egressrule.config.istio.io/${x}\n`).join(''));
    const w = await egressctl(['get', 'egress-rules', '-o', 'wide']);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout.split('\n')[0]!, /^NAME\s+KIND\s+NAMESPACE\s+DESTINATION\s+PORTS\s+AGE$/);
    assert.match(w.stdout.split('\n')[1]!, /^wikipedia-range1\s+EgressRule\.v1alpha2\.config\.istio\.io\s+default\s+91\.198\.174\.192\/27\s+443\/TCP\s+\d+s$/);
  });

  test('the real kubectl get egressrules lists what egressctl created', { skip: kubectlSkipReason() }, async () => {
    const r = await server.kubectl(['get', 'egressrules']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME\s+AGE$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), NAMES);
    const v = await server.kubectl(['version', '-o', 'json']);
    const versions = JSON.parse(v.stdout);
    // The dispatcher picked the client of the server's minor version (it has 1.27-1.33).
    assert.equal(versions.clientVersion.minor, versions.serverVersion.minor, v.stdout);
  });

  test('egressctl create of an existing rule among new ones: AlreadyExists from the server, the others created, exit 1', async () => {
    const r = await egressctl(['create', '-f', '-'], { input: [rule('wikipedia-range6', '10.1.0.0/16'), rule('wikipedia-range2', '103.102.166.224/27')].join('---\n') });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Created config egress-rule\/default\/wikipedia-range6 at revision \d+\n$/);
    assert.equal(
      r.stderr,
      'Error from server (AlreadyExists): egressrules.config.istio.io "wikipedia-range2" already exists\n' +
        'error: 1 of 2 objects were not created: wikipedia-range2 (AlreadyExists)\n',
    );
  });

  test('egressctl delete egressrule NAME -n default, and NotFound for a missing one', async () => {
    const r = await egressctl(['delete', 'egressrule', 'wikipedia-range6', '-n', 'default']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Deleted config: egressrule wikipedia-range6\n');
    const missing = await egressctl(['delete', 'egressrule', 'no-such-rule', '-n', 'default']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error from server (NotFound): egressrules.config.istio.io "no-such-rule" not found\nerror: 1 of 1 objects were not deleted: no-such-rule (NotFound)\n');
    assert.deepEqual(await storedNames(), NAMES);
  });

  test('get -o yaml | replace -f -: updated at a new revision; the same stale yaml again is a Conflict from etcd', async () => {
    const got = await egressctl(['get', 'egressrule', 'wikipedia-range3', '-o', 'yaml']);
    assert.equal(got.code, 0, got.stderr);
    const edited = got.stdout.replace('198.35.26.96/27', '198.35.26.96/28');
    const r = await egressctl(['replace', '-f', '-'], { input: edited });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const stored = await server.get(`${RULES}/wikipedia-range3`);
    assert.equal(stored.spec.destination.service, '198.35.26.96/28');
    assert.equal(r.stdout, `Updated config egress-rule/default/wikipedia-range3 to revision ${stored.metadata.resourceVersion}\n`);
    const stale = await egressctl(['replace', '-f', '-'], { input: got.stdout });
    assert.equal(stale.code, 1);
    assert.equal(
      stale.stderr,
      'Error from server (Conflict): Operation cannot be fulfilled on egressrules.config.istio.io "wikipedia-range3": the object has been modified; please apply your changes to the latest version and try again\n' +
        'error: 1 of 1 objects were not replaced: wikipedia-range3 (Conflict)\n',
    );
    const back = await egressctl(['replace', '-f', '-'], { input: got.stdout.replace(/^\s+resourceVersion: .*\n/m, '') });
    assert.equal(back.code, 0, back.stderr);
    assert.equal((await server.get(`${RULES}/wikipedia-range3`)).spec.destination.service, '198.35.26.96/27');
  });

  test('get -o yaml does not show metadata.managedFields (kubectl hides them unless --show-managed-fields)', async () => {
    const got = await egressctl(['get', 'egressrule', 'wikipedia-range1', '-o', 'yaml']);
    assert.equal(got.code, 0, got.stderr);
    const obj = yaml.load(got.stdout.replace(/^---\n?$/m, '')) as any;
    assert.equal(obj.metadata.name, 'wikipedia-range1');
    assert.equal(obj.metadata.managedFields, undefined);
    // The real server does set them: they are there when asked for.
    const shown = await egressctl(['get', 'egressrule', 'wikipedia-range1', '-o', 'json', '--show-managed-fields']);
    assert.ok(Array.isArray(JSON.parse(shown.stdout).items[0].metadata.managedFields));
  });

  test('kube-inject --includeIPRanges=auto reads the pod range from a Node and the service range from the ServiceCIDR', async () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } };
    const n = await server.request('POST', '/api/v1/nodes', { body: node });
    assert.equal(n.status, 201, n.body);
    const r = await egressctl(['kube-inject', '-f', join(ROOT, 'fixtures/inject/pod.yaml'), '--includeIPRanges=auto']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const i = lines.findIndex((l) => l.trim() === '- "-i"');
    assert.ok(i > 0, r.stdout);
    assert.equal(lines[i + 1]!.trim(), `- 10.244.0.0/24,${SERVICE_RANGE}`);
  });

  test('egressctl create --dry-run=server: the real server answers, stores nothing', async () => {
    const s = await egressctl(['create', '-f', '-', '--dry-run=server'], { input: rule('dry', '10.8.0.0/16') });
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.stdout, 'Created config egress-rule/default/dry (server dry run)\n');
    assert.deepEqual(await storedNames(), NAMES);
  });

  test('@kubernetes/client-node uses the same kubeconfig (CA data, token, context namespace)', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, 'default');
    const list: any = await kc.makeApiClient(k8s.CustomObjectsApi).listNamespacedCustomObject({ group: 'config.istio.io', version: 'v1alpha2', namespace: 'default', plural: 'egressrules' });
    assert.deepEqual(list.items.map((o: any) => o.metadata.name).sort(), NAMES);
  });

  test('the seed cleanup: egressctl delete egressrule wikipedia-range1 ... wikipedia-range5 -n default; kubectl then finds none', async () => {
    const r = await egressctl(['delete', 'egressrule', ...NAMES, '-n', 'default']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, NAMES.map((n) => `Deleted config: egressrule ${n}\n`).join(''));
    assert.deepEqual(await storedNames(), []);
    const e = await egressctl(['get', 'egressrules']);
    assert.equal(e.code, 0);
    assert.equal(e.stdout, '');
    assert.equal(e.stderr, 'No resources found.\n');
    if (!kubectlSkipReason()) {
      const k = await server.kubectl(['get', 'egressrules']);
      assert.equal(k.code, 0);
      assert.equal(k.stdout, '');
      assert.equal(k.stderr, 'No resources found in default namespace.\n');
    }
  });
}, { process: true });
