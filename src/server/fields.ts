// The field selectors each kind accepts (kube's AddFieldLabelConversionFunc per kind, v1.33), with
// how to read each field from a stored object. Kinds without a list of their own take
// metadata.name and metadata.namespace.
import type { ResourceType } from './resources.ts';
import type { Obj } from './store.ts';

export type FieldGetter = (o: Obj) => string;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const at = (...path: string[]): FieldGetter => (o) => str(path.reduce((cur: any, k) => cur?.[k], o));

const NAME = at('metadata', 'name');
const NAMESPACE = at('metadata', 'namespace');
const META = { 'metadata.name': NAME, 'metadata.namespace': NAMESPACE };
export const META_FIELDS: Record<string, FieldGetter> = META;

const INVOLVED = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];

const BY_KIND: Record<string, Record<string, FieldGetter>> = {
  Pod: {
    ...META,
    'spec.nodeName': at('spec', 'nodeName'), 'spec.restartPolicy': at('spec', 'restartPolicy'), 'spec.schedulerName': at('spec', 'schedulerName'),
    'spec.serviceAccountName': at('spec', 'serviceAccountName'), 'spec.hostNetwork': (o) => String(!!o.spec?.hostNetwork),
    'status.phase': at('status', 'phase'), 'status.podIP': at('status', 'podIP'), 'status.podIPs': (o) => (o.status?.podIPs ?? []).map((p: Obj) => p.ip).join(','),
    'status.nominatedNodeName': at('status', 'nominatedNodeName'), 'spec.host': at('spec', 'nodeName'),
  },
  Node: { 'metadata.name': NAME, 'spec.unschedulable': (o) => String(!!o.spec?.unschedulable) },
  ReplicationController: { ...META, 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  Namespace: { 'metadata.name': NAME, 'status.phase': at('status', 'phase') },
  Service: { ...META, 'spec.clusterIP': at('spec', 'clusterIP'), 'spec.type': at('spec', 'type') },
  Job: { ...META, 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
};

const CORE_EVENT: Record<string, FieldGetter> = {
  ...META,
  ...Object.fromEntries(INVOLVED.map((f) => [`involvedObject.${f}`, at('involvedObject', f)])),
  reason: at('reason'), reportingComponent: at('reportingComponent'), source: at('source', 'component'), type: at('type'),
};

const EVENTS_V1_EVENT: Record<string, FieldGetter> = {
  ...META,
  ...Object.fromEntries(INVOLVED.map((f) => [`regarding.${f}`, at('regarding', f)])),
  reason: at('reason'), reportingController: at('reportingController'), type: at('type'),
};

/** The field labels a type's list and watch accept, and how to read each. */
export function fieldsOf(t: ResourceType): Record<string, FieldGetter> {
  if (t.kind === 'Event') return t.group === '' ? CORE_EVENT : EVENTS_V1_EVENT;
  if (!t.custom && BY_KIND[t.kind]) return BY_KIND[t.kind];
  return META;
}

/** kube words the refusal differently for Jobs. */
export function unsupportedFieldMessage(t: ResourceType, label: string): string {
  return t.kind === 'Job' && !t.custom ? `field label "${label}" not supported for Job` : `field label not supported: ${label}`;
}
