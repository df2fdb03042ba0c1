// The transform on its own: pure, string in, string out, warnings through the callback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { defaultSettings, injectText, Injector, type InjectWarning } from '../../src/core/inject.ts';
import { resolveIPRanges } from '../../src/core/inject-ranges.ts';
import { defaultMeshConfig, formatDuration, parseDuration, parseMeshConfig } from '../../src/core/mesh.ts';
import { splitDocuments } from '../../src/core/stream.ts';
import { checkWorkload } from './schema.ts';

const deployment = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
${extra}spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
`;

function run(text: string, over = {}) {
  const warnings: InjectWarning[] = [];
  const r = injectText(text, defaultSettings(over), { source: 'in.yaml', warn: (w) => warnings.push(w) });
  return { ...r, warnings };
}

function load(text: string): any[] {
  return yaml.loadAll(text).filter((d) => d !== null);
}

test('a Deployment gets the status annotations, istio-init, enable-core-dump, istio-proxy and the volumes', async () => {
  const r = run(deployment(), { includeIPRanges: '10.0.0.0/24' });
  assert.deepEqual(r.problems, []);
  const [d] = load(r.text);
  assert.equal(d.metadata.annotations['sidecar.istio.io/status'], 'injected-version-0.4.0');
  const pod = d.spec.template;
  assert.equal(pod.metadata.annotations['sidecar.istio.io/status'], 'injected-version-0.4.0');
  assert.deepEqual(pod.spec.initContainers.map((c: any) => c.name), ['istio-init', 'enable-core-dump']);
  assert.deepEqual(pod.spec.initContainers[0].args, ['-p', '15001', '-u', '1337', '-i', '10.0.0.0/24']);
  assert.deepEqual(pod.spec.initContainers[0].securityContext, { capabilities: { add: ['NET_ADMIN'] }, privileged: true });
  const proxy = pod.spec.containers[1];
  assert.equal(proxy.name, 'istio-proxy');
  assert.equal(proxy.image, 'docker.io/istio/proxy_debug:0.4.0');
  assert.deepEqual(proxy.args, ['proxy', 'sidecar', '-v', '2', '--configPath', '/etc/istio/proxy', '--binaryPath', '/usr/local/bin/envoy',
    '--serviceCluster', 'web', '--drainDuration', '45s', '--parentShutdownDuration', '1m0s', '--discoveryAddress', 'istio-pilot.istio-system:15003',
    '--discoveryRefreshDelay', '1s', '--zipkinAddress', 'zipkin.istio-system:9411', '--connectTimeout', '10s',
    '--statsdUdpAddress', 'istio-mixer.istio-system:9125', '--proxyAdminPort', '15000', '--controlPlaneAuthPolicy', 'NONE']);
  assert.deepEqual(proxy.env.map((e: any) => [e.name, e.valueFrom.fieldRef.fieldPath]), [['POD_NAME', 'metadata.name'], ['POD_NAMESPACE', 'metadata.namespace'], ['INSTANCE_IP', 'status.podIP']]);
  assert.equal(proxy.securityContext.runAsUser, 1337);
  assert.deepEqual(pod.spec.volumes, [{ name: 'istio-envoy', emptyDir: { medium: 'Memory' } }, { name: 'istio-certs', secret: { secretName: 'istio.default', optional: true } }]);
  const s = await checkWorkload(d);
  assert.deepEqual(s.problems, []);
  assert.equal(s.objects, 1);
});

test('serviceCluster falls back to the mesh default without an app label; --coreDump=false and --debug=false', () => {
  const r = run(`kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {containers: [{name: a, image: a}]}\n`, { coreDump: false, debug: false, verbosity: 0 });
  const [p] = load(r.text);
  assert.deepEqual(p.spec.initContainers.map((c: any) => c.name), ['istio-init']);
  const proxy = p.spec.containers[1];
  assert.equal(proxy.image, 'docker.io/istio/proxy:0.4.0');
  assert.equal(proxy.args[proxy.args.indexOf('--serviceCluster') + 1], 'istio-proxy');
  assert.ok(!proxy.args.includes('-v'));
  assert.deepEqual(proxy.securityContext, { privileged: false, readOnlyRootFilesystem: true, runAsUser: 1337 });
});

test('malformed workloads are written back with a warning, never a crash', () => {
  const cases: Array<[string, RegExp]> = [
    ['kind: Deployment\nmetadata: {name: a}\n', /no pod template \(spec is missing\)/],
    ['kind: Deployment\nmetadata: {name: a}\nspec: {template: []}\n', /spec.template is not a mapping/],
    ['kind: Deployment\nmetadata: {name: a}\nspec: {template: {metadata: {}}}\n', /spec.template.spec is missing/],
    ['kind: Pod\nmetadata: {name: a}\nspec: {containers: {a: 1}}\n', /spec.containers is not a list/],
    ['kind: Pod\nmetadata: {name: a}\nspec: {containers: [], volumes: {}}\n', /spec.volumes is not a list/],
    ['kind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: istio-proxy, image: x}]}\n', /already has a container named istio-proxy/],
    ['kind: Pod\nmetadata: [1]\nspec: {containers: []}\n', /metadata is not a mapping/],
    ['kind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {}}}\n', /spec.jobTemplate.spec.template is missing/],
  ];
  for (const [text, re] of cases) {
    const r = run(text);
    assert.deepEqual(r.problems, []);
    assert.equal(r.text, `${text}---\n`, text);
    assert.equal(r.warnings.length, 1, text);
    assert.match(r.warnings[0].message, re);
  }
});

test('a YAML error or hostile input is a problem at its place; other documents still come out', () => {
  const r = run(`kind: Service\nmetadata: {name: s}\n---\nkind: Pod\nmetadata: {name: a\n---\nkind: Pod\na: 1\na: 2\n`);
  assert.equal(r.problems.length, 2);
  assert.deepEqual(r.problems.map((p) => p.place.document), [2, 3]);
  assert.match(r.problems[1].message, /duplicate key "a"/);
  assert.equal(r.text, 'kind: Service\nmetadata: {name: s}\n---\n');
});

test('documents that are not workloads are not even parsed: a comment-only document, a ConfigMap with a Deployment inside a string', () => {
  const text = '# just a comment\n---\nkind: ConfigMap\ndata:\n  x: |\n    kind: Deployment\n';
  assert.equal(run(text).text, `${text}---\n`);
});

test('Injector streams: one call per document, the separator at the end', () => {
  const inj = new Injector(defaultSettings(), 'x');
  const docs = splitDocuments('a: 1\n---\nb: 2');
  const parts = docs.map((d) => inj.document(d));
  assert.deepEqual(parts, [{ text: 'a: 1\n' }, { text: '---\nb: 2\n' }]);
  assert.equal(inj.end(), '---\n');
});

test('include and exclude ranges: validation, canonical networks, subtraction, *', () => {
  assert.deepEqual(resolveIPRanges('10.0.0.1/24', undefined).value, '10.0.0.0/24');
  assert.match(resolveIPRanges('10.0.0.1/24', undefined).warnings[0], /stands for the network 10\.0\.0\.0\/24/);
  assert.equal(resolveIPRanges(' 172.30.0.0/16 ,172.20.0.0/16 ', undefined).value, '172.30.0.0/16,172.20.0.0/16');
  assert.equal(resolveIPRanges('10.0.0.0/24,10.0.0.0/24', undefined).value, '10.0.0.0/24');
  assert.equal(resolveIPRanges('*', undefined).value, undefined);
  assert.equal(resolveIPRanges(undefined, undefined).value, undefined);
  assert.equal(resolveIPRanges('10.0.0.0/8', '10.128.0.0/9').value, '10.0.0.0/9');
  assert.equal(resolveIPRanges('*', '128.0.0.0/1').value, '0.0.0.0/1');
  assert.equal(resolveIPRanges(undefined, '10.0.0.0/8').value!.split(',').length, 8);
  const bad = resolveIPRanges('10.0.0.0/24,,10.0.0.300/8, fe80::/10', '1.2.3.4');
  assert.deepEqual(bad.errors.map((e) => e.flag), ['--includeIPRanges', '--includeIPRanges', '--includeIPRanges', '--excludeIPRanges']);
  assert.match(bad.errors[0].message, /empty item 2/);
  assert.match(bad.errors[2].message, /fe80::\/10 is not a valid IPv4 address/);
  assert.match(resolveIPRanges('10.0.0.0/24', '10.0.0.0/16').errors[0].message, /nothing would be intercepted/);
  assert.match(resolveIPRanges('10.0.0.0/24', '*').errors[0].message, /nothing to intercept/);
});

test('mesh config: defaults of 0.4, proto and JSON names, Go durations, problems and unknown fields', () => {
  // Offline: what Istio 0.4.0's installed ConfigMap gives (install/kubernetes/istio.yaml).
  const installed = defaultMeshConfig().defaultConfig;
  assert.deepEqual(
    [installed.discoveryAddress, installed.drainDuration, installed.parentShutdownDuration, installed.connectTimeout, installed.zipkinAddress, installed.statsdUdpAddress],
    ['istio-pilot.istio-system:15003', '45s', '1m0s', '10s', 'zipkin.istio-system:9411', 'istio-mixer.istio-system:9125'],
  );
  // A mesh config is applied onto the compiled-in defaults (pilot/proxy/context.go), as 0.4 did:
  // what it leaves out has those values, not the installed ConfigMap's.
  const partial = parseMeshConfig('defaultConfig:\n  discoveryAddress: pilot.mesh:15003\n', 'mesh').mesh.defaultConfig;
  assert.deepEqual([partial.discoveryAddress, partial.drainDuration, partial.zipkinAddress], ['pilot.mesh:15003', '2s', '']);
  const r = parseMeshConfig('proxy_listen_port: 15002\nfoo: 1\ndefaultConfig:\n  drain_duration: 90s\n  connectTimeout: {seconds: 0, nanos: 250000000}\n  bar: 2\n', 'mesh');
  assert.deepEqual(r.problems, []);
  assert.equal(r.mesh.proxyListenPort, 15002);
  assert.equal(r.mesh.defaultConfig.drainDuration, '1m30s');
  assert.equal(r.mesh.defaultConfig.connectTimeout, '250ms');
  assert.equal(r.warnings.length, 2);
  const bad = parseMeshConfig('proxyListenPort: 70000\ndefaultConfig: {drainDuration: soon, proxyAdminPort: x, controlPlaneAuthPolicy: MAYBE}\n', 'mesh');
  assert.equal(bad.problems.length, 4);
  for (const [s, out] of [['1s', '1s'], ['1.5s', '1.5s'], ['0.1s', '100ms'], ['1h2m3s', '1h2m3s'], ['3600s', '1h0m0s'], ['0', '0s']]) {
    assert.equal(formatDuration(parseDuration(s)!), out, s);
  }
  assert.equal(parseDuration('5 minutes'), undefined);
});

test('the pre-rendered sidecar spliced into the dump is byte for byte the full dump', () => {
  // A token-like text in the input turns the splice off for that document: the slow path.
  const labels = ['web', 'yes', '0777', 'a b', "it's", '', '2017-10-10', 'x: y', '- z', '#h'];
  for (const app of labels) {
    const base = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: ${JSON.stringify(app)}}}\n    spec:\n      initContainers: [{name: i, image: i}]\n      containers: [{name: web, image: nginx}]\n`;
    const list = `kind: List\napiVersion: v1\nitems:\n- kind: Pod\n  apiVersion: v1\n  metadata: {name: p, labels: {app: ${JSON.stringify(app)}}}\n  spec: {containers: [{name: a, image: a}]}\n`;
    for (const text of [base, list]) {
      const slow = run(text.replace('apiVersion: ', 'apiVersion: # __egressctl_inject_\n  ')).text;
      const fast = run(text).text;
      assert.equal(fast, slow, app);
      assert.doesNotMatch(fast, /__egressctl_inject_/);
    }
  }
});
