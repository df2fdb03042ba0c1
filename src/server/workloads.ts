// The workload kinds (Pod, ReplicationController, Deployment, DaemonSet, ReplicaSet, StatefulSet,
// Job, CronJob) as kube-apiserver 1.33 stores them with no controllers running: the defaults its
// registry sets (observed on the real server: pod templates, strategies, history limits, Job
// selectors and labels), the status a fresh object has, and the checks kubectl users meet first
// (selector, containers, names, images), with the real messages. Pods also get what the admission
// plugins add (service account, its token volume, tolerations, priority). Nothing runs: no pods
// are made, no status changes.
import { randomBytes } from 'node:crypto';
import { errors, type Cause } from './status.ts';
import { dns1123LabelProblems } from '../core/names.ts';
import type { ResourceType } from './resources.ts';
import type { Obj } from './store.ts';

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (parent: Obj, key: string): Obj => (isObject(parent[key]) ? parent[key] : (parent[key] = {}));

/** imagePullPolicy's default: Always for `:latest` or no tag, IfNotPresent otherwise (a digest counts as a tag). */
function pullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: unknown): void {
  if (!isObject(p)) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  defaultHandler(p);
}

function defaultHandler(h: unknown): void {
  if (!isObject(h)) return;
  if (isObject(h.httpGet)) h.httpGet.scheme ??= 'HTTP';
  if (isObject(h.grpc)) h.grpc.service ??= '';
}

function defaultEnv(env: unknown): void {
  if (!Array.isArray(env)) return;
  for (const e of env) {
    const ref = e?.valueFrom?.fieldRef;
    if (isObject(ref)) ref.apiVersion ??= 'v1';
  }
}

function defaultContainer(c: unknown): void {
  if (!isObject(c)) return;
  c.resources ??= {};
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= pullPolicy(c.image);
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) p.protocol ??= 'TCP';
  defaultEnv(c.env);
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[k]);
  if (isObject(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
}

function defaultVolume(v: unknown): void {
  if (!isObject(v)) return;
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) if (isObject(v[k])) v[k].defaultMode ??= 420;
  if (isObject(v.hostPath)) v.hostPath.type ??= '';
  if (isObject(v.downwardAPI)) defaultEnv((v.downwardAPI.items ?? []).map((i: Obj) => ({ valueFrom: i })));
  if (isObject(v.projected) && Array.isArray(v.projected.sources)) {
    for (const s of v.projected.sources) if (isObject(s?.downwardAPI)) defaultEnv((s.downwardAPI.items ?? []).map((i: Obj) => ({ valueFrom: i })));
  }
}

/** SetDefaults_PodSpec and what it reaches (containers, init containers, volumes). */
export function defaultPodSpec(spec: Obj): void {
  // The deprecated serviceAccount field mirrors serviceAccountName (v1 conversion), either way.
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  else if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) defaultContainer(c);
  if (Array.isArray(spec.volumes)) spec.volumes.forEach(defaultVolume);
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
}

/** A pod template as the registry stores it: `creationTimestamp: null` in its metadata, its spec defaulted. */
function defaultTemplate(template: Obj): void {
  const meta = obj(template, 'metadata');
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  defaultPodSpec(obj(template, 'spec'));
}

/** Go's %#v of a map[string]string: `map[string]string{"app":"x", "b":"c"}`. */
function goStringMap(m: Obj | undefined): string {
  const entries = Object.keys(m ?? {}).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(m![k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function selectorMatches(sel: Obj | undefined, labels: Obj | undefined): boolean {
  if (!isObject(sel)) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const ok = e.operator === 'In' ? has && e.values?.includes(l[e.key]) : e.operator === 'NotIn' ? !has || !e.values?.includes(l[e.key]) : e.operator === 'Exists' ? has : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length > 0;
}

function podSpecCauses(spec: unknown, path: string): Cause[] {
  const out: Cause[] = [];
  const s = isObject(spec) ? spec : {};
  const containers = s.containers;
  if (!Array.isArray(containers) || containers.length === 0) out.push({ field: `${path}.containers`, reason: 'FieldValueRequired', message: 'Required value' });
  const check = (list: unknown, key: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((c, i) => {
      const at = `${path}.${key}[${i}]`;
      const name = c?.name;
      if (name === undefined || name === '') out.push({ field: `${at}.name`, reason: 'FieldValueRequired', message: 'Required value' });
      else for (const p of dns1123LabelProblems(String(name))) out.push({ field: `${at}.name`, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(name)}: ${p}` });
      if (c?.image === undefined || c?.image === '') out.push({ field: `${at}.image`, reason: 'FieldValueRequired', message: 'Required value' });
    });
  };
  check(s.initContainers, 'initContainers');
  check(containers, 'containers');
  return out;
}

function templateCauses(spec: Obj, path = 'spec'): Cause[] {
  const out: Cause[] = [];
  const sel = spec.selector;
  const labels = spec.template?.metadata?.labels;
  if (sel === undefined || sel === null) out.push({ field: `${path}.selector`, reason: 'FieldValueRequired', message: 'Required value' });
  if (!selectorMatches(sel, labels)) {
    out.push({ field: `${path}.template.metadata.labels`, reason: 'FieldValueInvalid', message: `Invalid value: ${goStringMap(labels)}: \`selector\` does not match template \`labels\`` });
  }
  out.push(...podSpecCauses(spec.template?.spec, `${path}.template.spec`));
  return out;
}

function invalid(t: ResourceType, o: Obj, causes: Cause[]): void {
  if (causes.length) throw errors.invalid(t.kind, t.group, o.metadata.name ?? '', causes);
}

/** extensions/v1beta1's defaults (Kubernetes 1.15): the selector and the object's labels from the template's labels, and the old strategies and limits. */
function defaultExtensionsV1beta1(t: ResourceType, o: Obj): void {
  const spec = obj(o, 'spec');
  const labels = spec.template?.metadata?.labels;
  if (isObject(labels)) {
    if (spec.selector === undefined) spec.selector = { matchLabels: { ...labels } };
    if (!o.metadata.labels || Object.keys(o.metadata.labels).length === 0) o.metadata.labels = { ...labels };
  }
  const maxInt32 = 2147483647;
  if (t.kind === 'Deployment') {
    strategy(spec, 'strategy', 'RollingUpdate', { maxUnavailable: 1, maxSurge: 1 });
    spec.revisionHistoryLimit ??= maxInt32;
    spec.progressDeadlineSeconds ??= maxInt32;
  }
  if (t.kind === 'DaemonSet') {
    if (!spec.updateStrategy?.type) obj(spec, 'updateStrategy').type = 'OnDelete';
    spec.templateGeneration ??= 1;
  }
}

type Defaulter = (o: Obj, spec: Obj) => void;

/** A strategy defaulted field by field, as Go's defaulters do (kubectl's typed commands send `strategy: {}`). */
function strategy(spec: Obj, key: string, defaultType: string, rolling: Obj): void {
  const st = obj(spec, key);
  if (!st.type) st.type = defaultType;
  if (st.type === 'RollingUpdate') {
    const ru = obj(st, 'rollingUpdate');
    for (const [k, v] of Object.entries(rolling)) ru[k] ??= v;
  }
}

const DEFAULTS: Record<string, Defaulter> = {
  Deployment(_o, spec) {
    spec.replicas ??= 1;
    strategy(spec, 'strategy', 'RollingUpdate', { maxUnavailable: '25%', maxSurge: '25%' });
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
  },
  DaemonSet(o, spec) {
    strategy(spec, 'updateStrategy', 'RollingUpdate', { maxUnavailable: 1, maxSurge: 0 });
    spec.revisionHistoryLimit ??= 10;
    o.metadata.annotations = { 'deprecated.daemonset.template.generation': '1', ...(o.metadata.annotations ?? {}) };
  },
  ReplicaSet(_o, spec) {
    spec.replicas ??= 1;
  },
  StatefulSet(_o, spec) {
    spec.replicas ??= 1;
    spec.serviceName ??= '';
    spec.podManagementPolicy ??= 'OrderedReady';
    strategy(spec, 'updateStrategy', 'RollingUpdate', { partition: 0 });
    spec.revisionHistoryLimit ??= 10;
    spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Retain', ...(spec.persistentVolumeClaimRetentionPolicy ?? {}) };
  },
  ReplicationController(o, spec) {
    spec.replicas ??= 1;
    const labels = spec.template?.metadata?.labels;
    if (isObject(labels)) {
      spec.selector ??= { ...labels };
      if (!o.metadata.labels || Object.keys(o.metadata.labels).length === 0) o.metadata.labels = { ...labels };
    }
  },
  Job(o, spec) {
    defaultJobSpec(spec);
    // The Job's own selector and labels, from its uid (the registry's generateSelector).
    if (spec.manualSelector !== true && o.metadata.uid) {
      const uid = o.metadata.uid;
      const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': o.metadata.name, 'controller-uid': uid, 'job-name': o.metadata.name };
      spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      spec.manualSelector ??= false;
      const tm = obj(obj(spec, 'template'), 'metadata');
      tm.labels = { ...labels, ...(tm.labels ?? {}) };
      o.metadata.labels = { ...labels, ...(o.metadata.labels ?? {}) };
    }
  },
  CronJob(_o, spec) {
    spec.concurrencyPolicy ??= 'Allow';
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    const jt = obj(spec, 'jobTemplate');
    const jm = obj(jt, 'metadata');
    if (!('creationTimestamp' in jm)) jm.creationTimestamp = null;
  },
};

function defaultJobSpec(spec: Obj): void {
  spec.parallelism ??= 1;
  spec.completions ??= spec.parallelism === 1 ? 1 : undefined;
  if (spec.completions === undefined) delete spec.completions;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
}

/** The status a fresh object of the kind has when no controller has seen it. */
const FRESH_STATUS: Record<string, () => Obj> = {
  Deployment: () => ({}),
  DaemonSet: () => ({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }),
  ReplicaSet: () => ({ replicas: 0 }),
  StatefulSet: () => ({ replicas: 0, availableReplicas: 0 }),
  ReplicationController: () => ({ replicas: 0 }),
  Job: () => ({}),
  CronJob: () => ({}),
};

export const WORKLOAD_KINDS = new Set([...Object.keys(DEFAULTS), 'Pod']);

/** Which pod template a kind holds, and where its checks start. */
function templateOf(kind: string, spec: Obj): Obj | undefined {
  if (kind === 'CronJob') return spec.jobTemplate?.spec?.template;
  return spec.template;
}

export interface WorkloadContext {
  /** Written through extensions/v1beta1 (its defaults apply on create). */
  v1beta1: boolean;
  /** The ServiceAccount admission: a Pod's account must exist. */
  serviceAccountExists(namespace: string, name: string): boolean;
}

/**
 * Defaults and checks a workload on create (`old` undefined) or update. `v1beta1`: written
 * through extensions/v1beta1. Throws 422 with the real causes.
 */
export function prepareWorkload(t: ResourceType, o: Obj, old: Obj | undefined, ctx: WorkloadContext): void {
  const spec = obj(o, 'spec');
  if (t.kind === 'Pod') {
    preparePod(t, o, old, ctx);
    return;
  }
  if (ctx.v1beta1 && !old) defaultExtensionsV1beta1(t, o);
  DEFAULTS[t.kind]?.(o, spec);
  const template = templateOf(t.kind, spec);
  if (isObject(template)) defaultTemplate(template);
  o.status = old ? structuredClone(old.status) : FRESH_STATUS[t.kind]();
  invalid(t, o, workloadCauses(t.kind, spec));
}

function workloadCauses(kind: string, spec: Obj): Cause[] {
  switch (kind) {
    case 'Deployment':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'StatefulSet':
      return templateCauses(spec);
    case 'ReplicationController':
      return podSpecCauses(spec.template?.spec, 'spec.template.spec');
    case 'Job':
      return podSpecCauses(spec.template?.spec, 'spec.template.spec');
    case 'CronJob': {
      const out: Cause[] = [];
      if (!spec.schedule) out.push({ field: 'spec.schedule', reason: 'FieldValueRequired', message: 'Required value' });
      return [...out, ...podSpecCauses(spec.jobTemplate?.spec?.template?.spec, 'spec.jobTemplate.spec.template.spec')];
    }
    default:
      return [];
  }
}

const NOT_READY_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

function qosClass(spec: Obj): string {
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const any = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length + Object.keys(c.resources?.limits ?? {}).length > 0);
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) => ['cpu', 'memory'].every((r) => c.resources?.limits?.[r] !== undefined && (c.resources?.requests?.[r] ?? c.resources.limits[r]) === c.resources.limits[r]));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const TOKEN_SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';

/** The pod admission of a cluster: the ServiceAccount (which must exist), its token volume, tolerations, priority. */
function preparePod(t: ResourceType, o: Obj, old: Obj | undefined, ctx: WorkloadContext): void {
  const spec = obj(o, 'spec');
  if (old) {
    o.status = old.status;
    return;
  }
  defaultPodSpec(spec);
  invalid(t, o, podSpecCauses(spec, 'spec'));
  const sa = spec.serviceAccountName || spec.serviceAccount || 'default';
  const ns = o.metadata.namespace ?? 'default';
  if (!ctx.serviceAccountExists(ns, sa)) {
    throw errors.forbidden(t.plural, t.group, o.metadata.name, `error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`);
  }
  spec.serviceAccountName = sa;
  spec.serviceAccount = sa;
  if (spec.automountServiceAccountToken !== false) {
    let suffix = '';
    for (const b of randomBytes(5)) suffix += TOKEN_SUFFIX[b % TOKEN_SUFFIX.length];
    const name = `kube-api-access-${suffix}`;
    spec.volumes = [
      ...(spec.volumes ?? []),
      {
        name,
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
          defaultMode: 420,
        },
      },
    ];
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }];
    }
  }
  const tolerations: Obj[] = spec.tolerations ?? [];
  for (const tol of NOT_READY_TOLERATIONS) if (!tolerations.some((x) => x.key === tol.key && x.effect === tol.effect)) tolerations.push({ ...tol });
  spec.tolerations = tolerations;
  spec.priority ??= 0;
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  o.status = { phase: 'Pending', qosClass: qosClass(spec) };
}
