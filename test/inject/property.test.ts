// Properties of the transform on generated manifests (fast-check): injecting twice with the same
// settings changes nothing; re-injecting with other ranges and back restores the output; documents
// that are not workloads come out byte for byte; every injected workload passes the schema check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../helpers/fc-seed.ts';
import yaml from 'js-yaml';
import { defaultSettings, injectText, type InjectSettings } from '../../src/core/inject.ts';
import { resolveIPRanges } from '../../src/core/inject-ranges.ts';
import { checkWorkload } from './schema.ts';

const KINDS: Array<[string, string[]]> = [
  ['Pod', ['v1']],
  ['Deployment', ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1']],
  ['DaemonSet', ['extensions/v1beta1', 'apps/v1']],
  ['ReplicaSet', ['extensions/v1beta1', 'apps/v1']],
  ['ReplicationController', ['v1']],
  ['StatefulSet', ['apps/v1beta1', 'apps/v1']],
  ['Job', ['batch/v1']],
  ['CronJob', ['batch/v1beta1', 'batch/v1']],
];

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const container = fc.record({ name, image: fc.constantFrom('nginx', 'busybox:1.28', 'example/app:v2') });
const annotationValue = fc.constantFrom(undefined, 'yes', 'no', 'true', 'false', 'on', 'off', 'Y', 'maybe');

const podSpec = fc.record({
  containers: fc.uniqueArray(container, { minLength: 1, maxLength: 3, selector: (c) => c.name }),
  initContainers: fc.option(fc.uniqueArray(container, { minLength: 1, maxLength: 2, selector: (c) => c.name }), { nil: undefined }),
  serviceAccountName: fc.option(name, { nil: undefined }),
  hostNetwork: fc.option(fc.boolean(), { nil: undefined }),
  restartPolicy: fc.constant(undefined),
  volumes: fc.option(fc.uniqueArray(fc.record({ name, emptyDir: fc.constant({}) }), { minLength: 1, maxLength: 2, selector: (v) => v.name }), { nil: undefined }),
}, { requiredKeys: ['containers'] });

function clean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

const workload = fc.record({
  kind: fc.constantFrom(...KINDS),
  version: fc.nat(),
  name,
  namespace: fc.constantFrom(undefined, 'default', 'team-a', 'kube-system', 'istio-system'),
  inject: annotationValue,
  templateInject: annotationValue,
  app: fc.option(name, { nil: undefined }),
  spec: podSpec,
}).map((w) => {
  const [kind, versions] = w.kind;
  const apiVersion = versions[w.version % versions.length];
  const annotations = w.inject ? { 'sidecar.istio.io/inject': w.inject } : undefined;
  const metadata = clean({ name: w.name, namespace: w.namespace, annotations });
  const labels = w.app ? { app: w.app } : { app: 'x' };
  const needsRestart = kind === 'Job' || kind === 'CronJob';
  const spec = clean({ ...w.spec, restartPolicy: needsRestart ? 'OnFailure' : undefined });
  const tmplMeta = clean({ labels, annotations: w.templateInject ? { 'sidecar.istio.io/inject': w.templateInject } : undefined });
  const template = { metadata: tmplMeta, spec };
  if (kind === 'Pod') return { apiVersion, kind, metadata: { ...metadata, labels }, spec };
  if (kind === 'CronJob') return { apiVersion, kind, metadata, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } } };
  if (kind === 'Job') return { apiVersion, kind, metadata, spec: { template } };
  const selector = kind === 'ReplicationController' ? labels : { matchLabels: labels };
  return { apiVersion, kind, metadata, spec: { selector, template, ...(kind === 'StatefulSet' ? { serviceName: w.name } : {}) } };
});

const other = fc.record({
  kind: fc.constantFrom('ConfigMap', 'Service', 'EgressRule', 'Widget'),
  name,
  note: fc.constantFrom('', '# a comment\n', '  # indented comment\n'),
}).map((o) => `${o.note}apiVersion: v1\nkind: ${o.kind}\nmetadata: {name: ${o.name}}   # trailing\ndata: {key: "yes"}\n`);

const document = fc.oneof(
  { weight: 5, arbitrary: workload.chain((w) => fc.constantFrom(0, 1, 2).map((style) => ({ w, style }))).map(({ w, style }) =>
    style === 0 ? yaml.dump(w) : style === 1 ? `# leading comment\n${yaml.dump(w, { flowLevel: 3 })}` : JSON.stringify(w) + '\n') },
  { weight: 2, arbitrary: other },
  { weight: 1, arbitrary: fc.constant('# only a comment\n') },
  { weight: 1, arbitrary: fc.array(workload, { minLength: 1, maxLength: 3 }).map((items) => yaml.dump({ apiVersion: 'v1', kind: 'List', items })) },
);

const stream = fc.array(document, { minLength: 1, maxLength: 6 }).map((docs) => docs.join('---\n'));

const RANGES = ['*', '10.0.0.1/24', '172.30.0.0/16,172.20.0.0/16', '10.4.0.0/14, 10.7.240.0/20'];
const settings = fc.record({
  include: fc.constantFrom(...RANGES),
  exclude: fc.constantFrom(undefined, '10.0.0.128/25', '169.254.169.254/32'),
  coreDump: fc.boolean(),
  debug: fc.boolean(),
}).map((s): InjectSettings => defaultSettings({ includeIPRanges: resolveIPRanges(s.include, s.exclude).value, coreDump: s.coreDump, debug: s.debug }));

function inject(text: string, s: InjectSettings): string {
  const r = injectText(text, s);
  assert.deepEqual(r.problems, []);
  return r.text;
}

test('injecting twice with the same settings gives identical output', () => {
  fc.assert(fc.property(stream, settings, (text, s) => {
    const once = inject(text, s);
    assert.equal(inject(once, s), once);
  }), { numRuns: 300 });
});

test('re-injecting with other ranges, then the first ones again, gives the first output back', () => {
  fc.assert(fc.property(stream, settings, fc.constantFrom(...RANGES), (text, s, other) => {
    const once = inject(text, s);
    const moved = inject(once, { ...s, includeIPRanges: resolveIPRanges(other, undefined).value });
    assert.equal(inject(moved, s), once);
  }), { numRuns: 150 });
});

test('documents that are not workloads come out byte for byte', () => {
  fc.assert(fc.property(fc.array(other, { minLength: 1, maxLength: 5 }), settings, (docs, s) => {
    assert.equal(inject(docs.join('---\n'), s), docs.join('---\n') + '---\n');
  }), { numRuns: 100 });
});

test('every injected workload passes the Kubernetes schema check', async () => {
  await fc.assert(fc.asyncProperty(stream, settings, async (text, s) => {
    const out = inject(text, s);
    for (const d of yaml.loadAll(out)) {
      if (d === null || typeof d !== 'object') continue;
      const r = await checkWorkload(d as Record<string, unknown>);
      assert.deepEqual(r.problems, []);
    }
  }), { numRuns: 100 });
});
