// Raw HTTP steps for the built-in kinds serve holds: Services (defaults, allocation, updates),
// ConfigMaps, Namespaces, the workload kinds with their defaults and checks, strategic merge patch,
// unknown fields, events, the self reviews.
import { httpStep as h, seqStep, http, normResponse, withoutControllerEvents, type Step } from './harness.ts';

const NS = '/api/v1/namespaces/default';
const APPS = '/apis/apps/v1/namespaces/default';
const BATCH = '/apis/batch/v1/namespaces/default';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const SMP = 'application/strategic-merge-patch+json';
const MERGE = 'application/merge-patch+json';

const container = (name = 'app', extra: Record<string, unknown> = {}) => ({ name, image: 'registry.example/app:1.2', ...extra });
const template = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({ metadata: { labels }, spec: { containers: [container()], ...extra } });
const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });

const fullPod = {
  containers: [
    container('app', {
      ports: [{ containerPort: 8080, name: 'http' }],
      env: [{ name: 'A', value: '1' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
      livenessProbe: { tcpSocket: { port: 8080 } },
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }],
      lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } },
    }),
    container('side', { image: 'registry.example/side' }),
  ],
  initContainers: [container('init', { image: 'registry.example/init:latest' })],
  volumes: [
    { name: 'cfg', configMap: { name: 'cfg' } },
    { name: 's', secret: { secretName: 's' } },
    { name: 'tmp', emptyDir: {} },
    { name: 'd', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
    { name: 'h', hostPath: { path: '/tmp' } },
  ],
};

const services: Step[] = [
  h('ClusterIP', 'POST', `${NS}/services`, { body: svc('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443 }] }) }),
  h('NodePort', 'POST', `${NS}/services`, { body: svc('np', { type: 'NodePort', ports: [{ port: 80 }] }) }),
  h('LoadBalancer', 'POST', `${NS}/services`, { body: svc('lb', { type: 'LoadBalancer', ports: [{ port: 443 }] }) }),
  h('ExternalName', 'POST', `${NS}/services`, { body: svc('ext', { type: 'ExternalName', externalName: 'api.example.com', ports: [{ port: 443, name: 'https' }] }) }),
  h('headless', 'POST', `${NS}/services`, { body: svc('headless', { clusterIP: 'None', ports: [{ port: 80 }] }) }),
  h('a cluster IP out of range', 'POST', `${NS}/services`, { body: svc('out', { clusterIP: '192.168.0.1', ports: [{ port: 80 }] }), known: 'serve words it as kube-apiserver 1.32 (the version it reports) did, naming the range: "the provided IP (X) is not in the valid range. The range of valid IPs is CIDR"; 1.33 says "the provided network does not match the current range". egressctl kube-inject --includeIPRanges=auto reads the range from that message on clusters without ServiceCIDRs' }),
  h('a nodePort out of range', 'POST', `${NS}/services`, { body: svc('out', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }) }),
  h('a nodePort on a ClusterIP Service', 'POST', `${NS}/services`, { body: svc('out', { ports: [{ port: 80, nodePort: 30080 }] }) }),
  h('no ports', 'POST', `${NS}/services`, { body: svc('out', { selector: { a: 'b' } }) }),
  h('a type that does not exist', 'POST', `${NS}/services`, { body: svc('out', { type: 'Magic', ports: [{ port: 80 }] }) }),
  h('a name that is not a DNS-1035 label', 'POST', `${NS}/services`, { body: svc('1web', { ports: [{ port: 80 }] }) }),
  h('as a Table', 'GET', `${NS}/services`, { accept: TABLE }),
  h('strategic merge patch: ports merge on port', 'PATCH', `${NS}/services/web`, { body: { spec: { ports: [{ port: 8443, name: 'alt' }] } }, contentType: SMP }),
  h('strategic merge patch: $setElementOrder and $patch: delete', 'PATCH', `${NS}/services/web`, { body: { spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 8443 }], ports: [{ port: 80, $patch: 'delete' }] } }, contentType: SMP }),
  h('strategic merge patch: $patch: replace', 'PATCH', `${NS}/services/web`, { body: { spec: { ports: [{ port: 9000, name: 'only' }, { $patch: 'replace' }] } }, contentType: SMP }),
  h('strategic merge patch: a port without its merge key', 'PATCH', `${NS}/services/web`, { body: { spec: { ports: [{ name: 'nokey' }] } }, contentType: SMP }),
  h('strategic merge patch: a broken $setElementOrder', 'PATCH', `${NS}/services/web`, { body: { spec: { '$setElementOrder/ports': 'x' } }, contentType: SMP }),
  h('strategic merge patch: a broken $retainKeys', 'PATCH', `${NS}/services/web`, { body: { spec: { $retainKeys: 'x' } }, contentType: SMP }),
  h('type NodePort then ClusterIP again', 'PATCH', `${NS}/services/np`, { body: { spec: { type: 'ClusterIP' } }, contentType: MERGE }),
  seqStep('PUT without nodePort keeps it', async (t) => {
    const got = (await http(t, 'GET', `${NS}/services/lb`)).json();
    delete got.spec.ports[0].nodePort;
    const r = (await http(t, 'PUT', `${NS}/services/lb`, { body: got })).json();
    return { same: r.spec?.ports?.[0]?.nodePort === (await http(t, 'GET', `${NS}/services/lb`)).json().spec.ports[0].nodePort, spec: normResponse(await http(t, 'GET', `${NS}/services/lb`), { t }) };
  }),
  h('unknown fields, Strict', 'POST', `${NS}/services?fieldValidation=Strict`, { body: { ...svc('strict', { ports: [{ port: 80, colour: 'red' }], shape: 1 }), extra: true } }),
  h('unknown fields, Warn', 'POST', `${NS}/services?fieldValidation=Warn&dryRun=All`, { body: { ...svc('warn', { ports: [{ port: 80, colour: 'red' }] }), extra: true } }),
  h('the status subresource', 'GET', `${NS}/services/web/status`),
  h('a subresource that does not exist', 'GET', `${NS}/services/web/nothing`),
  h('POST to an object: 405', 'POST', `${NS}/services/web`, { body: svc('web', { ports: [{ port: 80 }] }) }),
  h('PUT to the collection: 405', 'PUT', `${NS}/services`, { body: svc('web', { ports: [{ port: 80 }] }) }),
  h('DELETE across namespaces', 'DELETE', '/api/v1/services'),
  h('POST across namespaces', 'POST', '/api/v1/services', { body: svc('web', { ports: [{ port: 80 }] }) }),
  h('an unknown resource in a built-in group', 'GET', `${NS}/nothings`),
  h('field selector spec.type', 'GET', `${NS}/services?fieldSelector=spec.type%3DNodePort`, { pick: (b) => (b.items ?? []).map((o: any) => o.metadata.name) }),
  h('field selector not supported for Services', 'GET', `${NS}/services?fieldSelector=spec.ports%3D1`),
  h('delete answers the object', 'DELETE', `${NS}/services/headless`),
];

const misc: Step[] = [
  h('ConfigMap', 'POST', `${NS}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: {} }, data: { a: 'b' }, binaryData: { c: 'ZA==' } } }),
  h('ConfigMap as a Table', 'GET', `${NS}/configmaps/cfg`, { accept: TABLE }),
  h('ConfigMap delete', 'DELETE', `${NS}/configmaps/cfg`),
  h('a Namespace', 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } } }),
  h('a Namespace name that is not a DNS-1123 label', 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Team.A' } } }),
  h('namespaces field selector status.phase', 'GET', '/api/v1/namespaces?fieldSelector=status.phase%3DActive', { pick: (b) => (b.items ?? []).map((o: any) => o.metadata.name) }),
  h('namespaces field selector metadata.namespace is not supported', 'GET', '/api/v1/namespaces?fieldSelector=metadata.namespace%3Dx'),
  h('deleting default is forbidden', 'DELETE', '/api/v1/namespaces/default'),
  h('namespaces: no deletecollection', 'DELETE', '/api/v1/namespaces'),
  h('ServiceAccounts', 'GET', `${NS}/serviceaccounts`),
  h('a ServiceAccount', 'POST', `${NS}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' } } }),
  h('events', 'GET', `${NS}/events`, { project: withoutControllerEvents }),
  h('events across namespaces', 'GET', '/api/v1/events', { project: withoutControllerEvents }),
  h('events.k8s.io', 'GET', '/apis/events.k8s.io/v1/namespaces/default/events', { project: withoutControllerEvents }),
  h('events as kubectl describe asks', 'GET', `${NS}/events?fieldSelector=involvedObject.name%3Dweb,involvedObject.namespace%3Ddefault,involvedObject.kind%3DService,involvedObject.uid%3Dx`, { project: withoutControllerEvents }),
  h('events.k8s.io field selector regarding.name', 'GET', '/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3Dweb', { project: withoutControllerEvents }),
  h('events.k8s.io does not take involvedObject', 'GET', '/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb'),
  h('events as a Table', 'GET', `${NS}/events`, { accept: TABLE, project: withoutControllerEvents }),
  h('SelfSubjectAccessReview', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: 'default', verb: 'create', group: 'config.istio.io', resource: 'egressrules' } } } }),
  h('SelfSubjectAccessReview, non-resource', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } } } }),
  h('SelfSubjectAccessReview without attributes', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} } }),
  h('SelfSubjectAccessReview: list is not allowed', 'GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'),
  h('SelfSubjectRulesReview', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } }, project: sortedRules }),
  h('SelfSubjectReview', 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } }),
];

const workloads: Step[] = [
  h('Deployment with a full pod template: every default', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: fullPod } } } }),
  h('Deployment: the strategy given in part', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web2', annotations: { a: 'b' } }, spec: { replicas: 3, strategy: {}, selector: { matchLabels: { app: 'web2' } }, template: template({ app: 'web2' }) } } }),
  h('Deployment: Recreate', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web3' }, spec: { strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'web3' } }, template: template({ app: 'web3' }) } } }),
  h('Deployment: no selector, no image, a bad container name', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad' }, spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'C_1' }] } } } } }),
  h('Deployment: no containers', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad' }, spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [] } } } } }),
  h('Deployment: selector does not match', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad' }, spec: { selector: { matchLabels: { app: 'y' } }, template: template({ app: 'x' }) } } }),
  h('Deployment: unknown fields, Strict', 'POST', `${APPS}/deployments?fieldValidation=Strict`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'u', colour: 'x' }, foo: 1, spec: { bar: 2, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', zap: 1, env: [{ name: 'x', vaule: 'y' }] }] } } } } }),
  h('Deployment as a Table', 'GET', `${APPS}/deployments`, { accept: TABLE }),
  h('Deployment: strategic merge patch of containers and env', 'PATCH', `${APPS}/deployments/web`, { body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example/app:1.3', env: [{ name: 'B', value: '2' }] }] } } } }, contentType: SMP }),
  h('Deployment: $retainKeys on the strategy', 'PATCH', `${APPS}/deployments/web`, { body: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, contentType: SMP }),
  h('Deployment: volumes, $retainKeys', 'PATCH', `${APPS}/deployments/web`, { body: { spec: { template: { spec: { volumes: [{ name: 'tmp', $retainKeys: ['name', 'configMap'], configMap: { name: 'c2' } }] } } } }, contentType: SMP }),
  h('Deployment: an annotation only (the generation moves)', 'PATCH', `${APPS}/deployments/web2`, { body: { metadata: { annotations: { c: 'd' } } }, contentType: MERGE }),
  h('Deployment: a label only (the generation stays)', 'PATCH', `${APPS}/deployments/web2`, { body: { metadata: { labels: { c: 'd' } } }, contentType: MERGE }),
  h('Deployment: status cannot be written through the object', 'PATCH', `${APPS}/deployments/web2`, { body: { status: { replicas: 5 } }, contentType: MERGE }),
  h('Deployment: server-side apply', 'PATCH', `${APPS}/deployments/web4?fieldManager=conformance`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web4' }, spec: { selector: { matchLabels: { app: 'web4' } }, template: template({ app: 'web4' }) } }, contentType: 'application/apply-patch+yaml' }),
  h('Deployment delete', 'DELETE', `${APPS}/deployments/web3`),
  h('DaemonSet', 'POST', `${APPS}/daemonsets`, { body: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'ds' } }, template: template({ app: 'ds' }, { nodeSelector: { disk: 'ssd' } }) } } }),
  h('DaemonSet: a template change', 'PATCH', `${APPS}/daemonsets/ds`, { body: { spec: { template: { metadata: { labels: { app: 'ds', v: '2' } } } } }, contentType: SMP }),
  h('DaemonSet as a Table', 'GET', `${APPS}/daemonsets`, { accept: TABLE }),
  h('ReplicaSet', 'POST', `${APPS}/replicasets`, { body: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['rs'] }] }, template: template({ app: 'rs' }) } } }),
  h('ReplicaSet as a Table', 'GET', `${APPS}/replicasets`, { accept: TABLE }),
  h('StatefulSet', 'POST', `${APPS}/statefulsets`, { body: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'sts' }, spec: { serviceName: 'sts', selector: { matchLabels: { app: 'sts' } }, template: template({ app: 'sts' }) } } }),
  h('StatefulSet as a Table', 'GET', `${APPS}/statefulsets`, { accept: TABLE }),
  h('Job', 'POST', `${BATCH}/jobs`, { body: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [container()] } } } } }),
  h('Job as a Table', 'GET', `${BATCH}/jobs`, { accept: TABLE }),
  h('Job field selector status.successful', 'GET', `${BATCH}/jobs?fieldSelector=status.successful%3D0`, { pick: (b) => (b.items ?? []).map((o: any) => o.metadata.name) }),
  h('Job field selector not supported', 'GET', `${BATCH}/jobs?fieldSelector=spec.x%3D0`),
  h('CronJob', 'POST', `${BATCH}/cronjobs`, { body: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [container()] } } } } } } }),
  h('CronJob as a Table', 'GET', `${BATCH}/cronjobs`, { accept: TABLE }),
  h('ReplicationController', 'POST', `${NS}/replicationcontrollers`, { body: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { template: template({ app: 'rc' }) } } }),
  h('ReplicationController as a Table', 'GET', `${NS}/replicationcontrollers`, { accept: TABLE }),
  h('Pod', 'POST', `${NS}/pods`, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod' }, spec: fullPod } }),
  h('Pod with a ServiceAccount that does not exist', 'POST', `${NS}/pods`, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod2' }, spec: { serviceAccountName: 'nobody', containers: [container()] } } }),
  h('Pod as a Table', 'GET', `${NS}/pods`, { accept: TABLE }),
  h('Pods by phase', 'GET', `${NS}/pods?fieldSelector=status.phase%3DPending`, { pick: (b) => (b.items ?? []).map((o: any) => o.metadata.name) }),
  h('Pod delete answers the object', 'DELETE', `${NS}/pods/pod`),
  ...['deployments', 'daemonsets', 'replicasets', 'statefulsets'].map((p) => h('a missing one', 'GET', `${APPS}/${p}/nope`)),
  ...['jobs', 'cronjobs'].map((p) => h('a missing one', 'GET', `${BATCH}/${p}/nope`)),
  ...['pods', 'services', 'configmaps', 'serviceaccounts', 'replicationcontrollers', 'events'].map((p) => h('a missing one', 'GET', `${NS}/${p}/nope`)),
  h('a missing namespace', 'GET', '/api/v1/namespaces/nope'),
  h('a Deployment in a namespace that does not exist', 'POST', '/apis/apps/v1/namespaces/nope/deployments', { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) } } }),
  h('a Deployment that exists', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web2' }, spec: { selector: { matchLabels: { app: 'web2' } }, template: template({ app: 'web2' }) } } }),
  h('a Deployment with a bad name', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'Web_2' }, spec: { selector: { matchLabels: { app: 'w' } }, template: template({ app: 'w' }) } } }),
  h('PUT a Deployment with a stale resourceVersion', 'PUT', `${APPS}/deployments/web2`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web2', resourceVersion: '1' }, spec: { selector: { matchLabels: { app: 'web2' } }, template: template({ app: 'web2' }) } } }),
  h('PUT a Deployment without a resourceVersion (built-in kinds allow it)', 'PUT', `${APPS}/deployments/web2`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web2' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web2' } }, template: template({ app: 'web2' }) } } }),
  h('a Deployment of another kind', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'x' } } }),
  h('a field of the wrong type', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'typed-x' }, spec: { replicas: 'x', selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) } } }),
  h('a nested field of the wrong type', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'typed-x' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: '80' }] }] } } } } }),
  h('an array for an object', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'typed-x' }, spec: { template: [] } } }),
  h('a number for a label', 'POST', `${NS}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed-x', labels: { a: 1 } } } }),
  h('a fraction for an integer', 'POST', `${NS}/services`, { body: svc('typed-x', { ports: [{ port: 80.5 }] }) }),
  h('a kind nobody registered', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Foo', metadata: { name: 'x' } } }),
  h('a Deployment sent to services', 'POST', `${NS}/services`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } } }),
  h('no apiVersion and kind: the URL\'s', 'POST', `${NS}/configmaps?dryRun=All`, { body: { metadata: { name: 'x' }, data: { a: 'b' } } }),
  h('a Deployment in a body namespace that differs', 'POST', `${APPS}/deployments`, { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'other' } } }),
  h('a Deployment body that is not JSON', 'POST', `${APPS}/deployments`, { body: 'nope', contentType: 'application/json' }),
  h('scale of a Deployment', 'GET', `${APPS}/deployments/web2/scale`),
  h('kubectl scale: a merge patch of the Scale', 'PATCH', `${APPS}/deployments/web2/scale`, { body: { spec: { replicas: 4 } }, contentType: MERGE }),
  h('after it', 'GET', `${APPS}/deployments/web2`),
  h('scale of a ReplicationController', 'GET', `${NS}/replicationcontrollers/rc/scale`),
  h('scale with a stale resourceVersion', 'PUT', `${APPS}/replicasets/rs/scale`, { body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'rs', namespace: 'default', resourceVersion: '1' }, spec: { replicas: 2 } } }),
  h('negative replicas', 'PATCH', `${APPS}/statefulsets/sts/scale`, { body: { spec: { replicas: -1 } }, contentType: MERGE }),
  h('scale of a missing one', 'GET', `${APPS}/deployments/nope/scale`),
  h('a Deployment watch from now', 'GET', `${APPS}/deployments?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dweb2`, { pick: (b) => (typeof b === 'string' ? b.split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((e: any) => [e.type, e.object?.kind, e.object?.metadata?.name]) : b) }),
  h('the workloads in category all, by resource', 'GET', '/apis/apps/v1/deployments', { pick: (b) => (b.items ?? []).map((o: any) => o.metadata.name) }),
];

/** The real server gathers the rules from RBAC's roles in a map's order: compare them as sets. */
function sortedRules(real: any, serve: any): [unknown, unknown] {
  const sort = (o: any) => {
    const st = o?.body?.status;
    if (!st) return o;
    const key = (r: unknown) => JSON.stringify(r);
    const by = (a: unknown, b: unknown) => (key(a) < key(b) ? -1 : 1);
    return { ...o, body: { ...o.body, status: { ...st, resourceRules: [...(st.resourceRules ?? [])].sort(by), nonResourceRules: [...(st.nonResourceRules ?? [])].sort(by) } } };
  };
  return [sort(real), sort(serve)];
}

export const BUILTIN_STEPS: Step[] = [...services, ...misc, ...workloads];
