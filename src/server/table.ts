// Server-side printing (meta.k8s.io/v1 Table), as kubectl get asks for it. The columns of the
// built-in kinds are kube-apiserver's (columns.json, checked against the real server by
// test/conformance/schemas.test.ts); their cells follow its printers (pkg/printers/internalversion)
// for objects no controller has touched. Every row carries the object's metadata
// (PartialObjectMetadata) so kubectl can add NAMESPACE and label columns.
import { typeKey, type ResourceType } from './resources.ts';
import type { Obj } from './store.ts';
import { age as ageOf } from '../print/age.ts';
import data from './columns.json' with { type: 'json' };

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const COLUMNS = (data as { columns: Record<string, ColumnDefinition[]> }).columns;
/** kube-apiserver describes a custom resource's Age column with ObjectMeta's creationTimestamp text. */
const AGE_DESC = COLUMNS['/namespaces'].find((c) => c.name === 'Age')!.description;

type Cell = (o: Obj, now: number) => unknown;

const NAME_DESC = 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';


const none = (s: unknown) => (s === undefined || s === null || s === '' ? '<none>' : s);
const age: Cell = (o, n) => ageOf(o.metadata.creationTimestamp, n);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** labels.FormatLabels: `k=v,k2=v2` sorted by key, `<none>` when empty. */
export function formatLabels(m: Obj | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>';
}

/** metav1.FormatLabelSelector: the selector's requirements sorted by key. */
export function formatSelector(sel: Obj | undefined): string {
  if (!sel) return '<none>';
  const reqs: Array<[string, string]> = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    const op = { In: 'in', NotIn: 'notin' }[e.operator as string];
    reqs.push([e.key, op ? `${e.key} ${op} (${vals})` : e.operator === 'Exists' ? e.key : `!${e.key}`]);
  }
  if (!reqs.length) return '<none>';
  return reqs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((r) => r[1]).join(',');
}

function podTemplate(o: Obj): Obj | undefined {
  return o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
}
const containers: Cell = (o) => (podTemplate(o)?.spec?.containers ?? []).map((c: Obj) => c.name).join(',');
const images: Cell = (o) => (podTemplate(o)?.spec?.containers ?? []).map((c: Obj) => c.image).join(',');

function servicePorts(o: Obj): string {
  const ports: Obj[] = o.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

/** The printer's External-IP: the name for ExternalName; for LoadBalancer the ingress (or <pending>) and external IPs. */
function externalIP(o: Obj): string {
  const spec = o.spec ?? {};
  if (spec.type === 'ExternalName') return spec.externalName ?? '<none>';
  const ips: string[] = [...(spec.externalIPs ?? [])];
  if (spec.type === 'LoadBalancer') {
    const ingress = (o.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip || i.hostname).filter(Boolean);
    if (!ingress.length && !ips.length) return '<pending>';
    ips.unshift(...ingress);
  }
  return ips.length ? ips.join(',') : '<none>';
}

function nodeAddress(type: string): Cell {
  return (o) => (o.status?.addresses ?? []).find((a: Obj) => a.type === type)?.address ?? '<none>';
}

function podStatus(o: Obj): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  return o.status?.reason || o.status?.phase || 'Pending';
}

/** The quota printer: `resource: used/hard` for what status.hard lists (no controller: nothing). */
function quotaCell(o: Obj, limits: boolean): string {
  const hard: Obj = o.status?.hard ?? {};
  const used: Obj = o.status?.used ?? {};
  return Object.keys(hard).sort().filter((k) => k.startsWith('limits.') === limits).map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`).join(', ');
}

function jobStatus(o: Obj): string {
  const conds: Obj[] = o.status?.conditions ?? [];
  const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (has('FailureTarget')) return 'FailureTarget';
  if (o.spec?.suspend) return 'Suspended';
  return 'Running';
}

function eventTime(o: Obj, n: number, which: 'last' | 'first'): string {
  const t = which === 'last' ? o.lastTimestamp ?? o.series?.lastObservedTime ?? o.eventTime : o.firstTimestamp ?? o.eventTime;
  return t ? ageOf(t, n) : '<unknown>';
}

/** The cells of each built-in kind, by type key, in the order of its columns. */
const CELLS: Record<string, Cell[]> = {
  '/configmaps': [(o) => o.metadata.name, (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age],
  '/events': [
    (o, n) => eventTime(o, n, 'last'), (o) => o.type ?? '', (o) => o.reason ?? '',
    (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`, (o) => o.involvedObject?.fieldPath ?? '',
    (o) => [o.source?.component, o.source?.host].filter(Boolean).join(', '), (o) => String(o.message ?? '').trim(),
    (o, n) => eventTime(o, n, 'first'), (o) => String(o.count ?? 1), (o) => o.metadata.name,
  ],
  '/limitranges': [(o) => o.metadata.name, (o) => o.metadata.creationTimestamp],
  '/namespaces': [(o) => o.metadata.name, (o) => o.status?.phase ?? 'Active', age],
  '/resourcequotas': [(o) => o.metadata.name, (o) => quotaCell(o, false), (o) => quotaCell(o, true), age],
  '/nodes': [
    (o) => o.metadata.name,
    (o) => ((o.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady') + (o.spec?.unschedulable ? ',SchedulingDisabled' : ''),
    (o) => Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).sort().join(',') || '<none>',
    age, (o) => o.status?.nodeInfo?.kubeletVersion ?? '', nodeAddress('InternalIP'), nodeAddress('ExternalIP'),
    (o) => none(o.status?.nodeInfo?.osImage), (o) => none(o.status?.nodeInfo?.kernelVersion), (o) => none(o.status?.nodeInfo?.containerRuntimeVersion),
  ],
  '/pods': [
    (o) => o.metadata.name,
    (o) => `${(o.status?.containerStatuses ?? []).filter((c: Obj) => c.ready).length}/${(o.spec?.containers ?? []).length}`,
    podStatus, (o) => String((o.status?.containerStatuses ?? []).reduce((s: number, c: Obj) => s + num(c.restartCount), 0)), age,
    (o) => none(o.status?.podIP), (o) => none(o.spec?.nodeName), (o) => none(o.status?.nominatedNodeName),
    (o) => (o.spec?.readinessGates?.length ? `0/${o.spec.readinessGates.length}` : '<none>'),
  ],
  '/replicationcontrollers': [(o) => o.metadata.name, (o) => num(o.spec?.replicas), (o) => num(o.status?.replicas), (o) => num(o.status?.readyReplicas), age, containers, images, (o) => formatLabels(o.spec?.selector)],
  '/serviceaccounts': [(o) => o.metadata.name, (o) => (o.secrets ?? []).length, age],
  '/services': [
    (o) => o.metadata.name, (o) => o.spec?.type ?? 'ClusterIP', (o) => none(o.spec?.clusterIP),
    externalIP, servicePorts, age, (o) => formatLabels(o.spec?.selector),
  ],
  'apps/daemonsets': [
    (o) => o.metadata.name, (o) => num(o.status?.desiredNumberScheduled), (o) => num(o.status?.currentNumberScheduled), (o) => num(o.status?.numberReady),
    (o) => num(o.status?.updatedNumberScheduled), (o) => num(o.status?.numberAvailable), (o) => formatLabels(o.spec?.template?.spec?.nodeSelector), age, containers, images, (o) => formatSelector(o.spec?.selector),
  ],
  'apps/deployments': [(o) => o.metadata.name, (o) => `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`, (o) => num(o.status?.updatedReplicas), (o) => num(o.status?.availableReplicas), age, containers, images, (o) => formatSelector(o.spec?.selector)],
  'apps/replicasets': [(o) => o.metadata.name, (o) => num(o.spec?.replicas), (o) => num(o.status?.replicas), (o) => num(o.status?.readyReplicas), age, containers, images, (o) => formatSelector(o.spec?.selector)],
  'apps/statefulsets': [(o) => o.metadata.name, (o) => `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`, age, containers, images],
  'batch/cronjobs': [
    (o) => o.metadata.name, (o) => o.spec?.schedule ?? '', (o) => none(o.spec?.timeZone), (o) => (o.spec?.suspend === undefined ? '<unset>' : o.spec.suspend ? 'True' : 'False'),
    (o) => (o.status?.active ?? []).length, (o, n) => (o.status?.lastScheduleTime ? ageOf(o.status.lastScheduleTime, n) : '<none>'), age, containers, images,
    (o) => formatSelector(o.spec?.jobTemplate?.spec?.selector),
  ],
  'batch/jobs': [(o) => o.metadata.name, jobStatus, (o) => `${num(o.status?.succeeded)}/${o.spec?.completions ?? 1}`, (o) => (o.status?.startTime ? ageOf(o.status.startTime, o.status.completionTime ? Date.parse(o.status.completionTime) : Date.now()) : ''), age, containers, images, (o) => formatSelector(o.spec?.selector)],
  'networking.k8s.io/servicecidrs': [(o) => o.metadata.name, (o) => (o.spec?.cidrs ?? []).join(','), age],
  'apiextensions.k8s.io/customresourcedefinitions': [(o) => o.metadata.name, (o) => o.metadata.creationTimestamp],
};
CELLS['events.k8s.io/events'] = [
  (o, n) => ageOf(o.deprecatedLastTimestamp ?? o.series?.lastObservedTime ?? o.eventTime, n), (o) => o.type ?? '', (o) => o.reason ?? '',
  (o) => `${String(o.regarding?.kind ?? '').toLowerCase()}/${o.regarding?.name ?? ''}`, (o) => o.regarding?.fieldPath ?? '',
  (o) => o.reportingController ?? '', (o) => String(o.note ?? '').trim(), (o, n) => (o.deprecatedFirstTimestamp ? ageOf(o.deprecatedFirstTimestamp, n) : '<unknown>'),
  (o) => String(o.deprecatedCount ?? 1), (o) => o.metadata.name,
];

/** Custom resources without additionalPrinterColumns: Name and Age (the Age cell humanised). */
const CUSTOM: ColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: NAME_DESC, priority: 0 },
  { name: 'Age', type: 'date', format: '', description: AGE_DESC, priority: 0 },
];

function columnsFor(t: ResourceType): { defs: ColumnDefinition[]; cells: Cell[] } {
  const key = typeKey(t);
  if (!t.custom && COLUMNS[key] && CELLS[key]) return { defs: COLUMNS[key], cells: CELLS[key] };
  return { defs: CUSTOM, cells: [(o) => o.metadata.name, age] };
}

/** Annotations apps/v1 adds when it converts from the stored form: the Table's metadata, made from that form, lacks them. */
const CONVERSION_ANNOTATIONS = ['deprecated.daemonset.template.generation'];

function partial(o: Obj, include: string): Obj | null {
  if (include === 'None') return null;
  if (include === 'Object') return o;
  let metadata = o.metadata;
  if (metadata.annotations && CONVERSION_ANNOTATIONS.some((a) => a in metadata.annotations)) {
    const annotations = Object.fromEntries(Object.entries(metadata.annotations).filter(([k]) => !CONVERSION_ANNOTATIONS.includes(k)));
    metadata = { ...metadata, annotations };
    if (!Object.keys(annotations).length) delete metadata.annotations;
  }
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export function toTable(t: ResourceType, items: Obj[], listMeta: Obj, include = 'Metadata', withColumns = true): Obj {
  const { defs, cells } = columnsFor(t);
  const n = Date.now();
  const table: Obj = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta };
  table.columnDefinitions = withColumns ? defs : null;
  table.rows = items.map((o) => {
    const row: Obj = { cells: cells.map((c) => c(o, n)) };
    row.object = partial(o, include);
    return row;
  });
  return table;
}
