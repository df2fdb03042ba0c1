// Generators shared by the property tests: Kubernetes workloads (every kind kube-inject rewrites,
// old and new apiVersions, skip annotations, system namespaces) and EgressRules, valid or with one
// thing wrong.
import fc from 'fast-check';

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

export const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
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

export const workload = fc.record({
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


const PROTOCOLS = ['tcp', 'TCP', 'mongo', 'http', 'https', 'HTTP2', 'grpc'];

/** A valid EgressRule: a CIDR destination with TCP-group ports, or a domain with any protocol. */
export const validRule = fc.record({
  name,
  namespace: fc.option(fc.constantFrom('default', 'team-a'), { nil: undefined }),
  cidr: fc.boolean(),
  a: fc.integer({ min: 1, max: 223 }),
  b: fc.integer({ min: 0, max: 255 }),
  prefix: fc.integer({ min: 8, max: 32 }),
  domain: fc.constantFrom('wikipedia.org', '*.example.com', '*', 'api.github.com'),
  ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }),
  protocol: fc.constantFrom(...PROTOCOLS),
  protoNames: fc.boolean(),
}).map((r) => ({
  kind: 'EgressRule',
  metadata: r.namespace ? { name: r.name, namespace: r.namespace } : { name: r.name },
  spec: {
    destination: { service: r.cidr ? `${r.a}.${r.b}.0.0/${r.prefix}` : r.domain },
    ports: r.ports.map((port) => ({ port, protocol: r.cidr ? (r.protocol.toLowerCase().startsWith('mongo') ? 'mongo' : 'tcp') : r.protocol })),
    ...(r.protoNames ? { use_egress_proxy: false } : { useEgressProxy: false }),
  },
}));

/** A valid rule with exactly one thing made wrong: the validator must refuse it. */
export const brokenRule = fc.tuple(validRule, fc.constantFrom(
  (r: any) => { r.spec.destination.service = '10.15.0/16'; },
  (r: any) => { r.spec.ports[0].port = 0; },
  (r: any) => { r.spec.ports[0].protocol = 'udp'; },
  (r: any) => { r.spec.ports = []; },
  (r: any) => { r.spec.use_egress_proxy = true; delete r.spec.useEgressProxy; },
  (r: any) => { r.metadata.name = 'Bad_Name'; },
  (r: any) => { r.spec.destination.name = 'x'; },
  (r: any) => { r.spec.timeout = '5s'; },
  (r: any) => { r.kind = 'egressrule'; },
  (r: any) => { delete r.spec.destination; },
)).map(([r, breakIt]) => {
  const copy = JSON.parse(JSON.stringify(r));
  breakIt(copy);
  return copy;
});
