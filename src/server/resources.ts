// The resource types the server knows: names for discovery, scope, verbs, whether they are
// writable, where they are stored and which OpenAPI schema describes them. Custom resources exist
// only while their CRD is installed (--without-crds); the Istio kinds come from egressctl's kind
// registry, so a kind added there is served here. The built-in kinds and their discovery names
// are those of kube-apiserver 1.33 (checked by test/conformance).

import { createHash } from 'node:crypto';
import { STORED_KINDS } from '../core/kinds/registry.ts';

export interface ResourceType {
  group: string; // '' for core
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  readOnly: boolean;
  shortNames?: string[];
  categories?: string[];
  /** A custom resource served through a CRD (Status Success on DELETE; strategic merge → 415). */
  custom: boolean;
  /** Verbs when not those of readOnly (namespaces have no deletecollection; reviews are create only). */
  verbs?: string[];
  /** Created and answered, never stored (SelfSubjectAccessReview and friends). */
  review?: boolean;
  /** The OpenAPI component that describes a built-in kind (src/server/schemas.json). */
  schema?: string;
  /** Another group-version's objects served in this one (extensions/v1beta1 Deployments are apps/v1's). */
  storedAs?: { group: string; version: string; plural: string; kind: string };
  /** The storage version when it is another group's and the objects are still apart (events.k8s.io/v1 Events hash as core v1's). */
  storageVersion?: { group: string; version: string; kind: string };
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** The apiextensions server lists a custom resource's verbs in its own order. */
const CUSTOM_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const READ_VERBS = ['get', 'list', 'watch'];

export function verbs(t: ResourceType): string[] {
  return t.verbs ?? (t.readOnly ? READ_VERBS : t.custom ? CUSTOM_VERBS : ALL_VERBS);
}

export function groupVersion(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** The store's key for a type's objects: one per stored resource, whatever version serves it. */
export function typeKey(t: ResourceType): string {
  return t.storedAs ? `${t.storedAs.group}/${t.storedAs.plural}` : `${t.group}/${t.plural}`;
}

/** kube-apiserver's storageVersionHash: base64 of the first 8 bytes of sha256("group/version/Kind") of the storage version. */
export function storageVersionHash(t: ResourceType): string | undefined {
  if (t.review) return undefined;
  const s = t.storageVersion ?? t.storedAs ?? t;
  return createHash('sha256').update(`${s.group}/${s.version}/${s.kind}`).digest().subarray(0, 8).toString('base64');
}

/** The Istio kinds, from egressctl's kind registry (each served through a CRD), sorted by plural as discovery lists them. */
export const ISTIO_TYPES: ResourceType[] = STORED_KINDS.map((k) => ({
  group: k.group, version: k.version, plural: k.plural, singular: k.singular, kind: k.kind, listKind: `${k.kind}List`,
  namespaced: true, readOnly: false, shortNames: k.shortNames ? [...k.shortNames] : undefined,
  categories: ['istio-io', `${k.group.split('.')[0]}-istio-io`], custom: true,
})).sort((a, b) => (a.plural < b.plural ? -1 : 1));

export interface GroupVersion {
  group: string;
  version: string;
  types: ResourceType[];
}

/** The Istio group-versions, in the order the kinds' groups first appear. */
function istioGroups(): GroupVersion[] {
  const out: GroupVersion[] = [];
  for (const t of ISTIO_TYPES) {
    const g = out.find((x) => x.group === t.group && x.version === t.version);
    if (g) g.types.push(t);
    else out.push({ group: t.group, version: t.version, types: [t] });
  }
  // kube-aggregator orders the custom resource groups (one priority) by their APIService's name, VERSION.GROUP.
  const key = (g: GroupVersion) => `${g.version}.${g.group}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

interface BuiltinSpec {
  plural: string;
  kind: string;
  namespaced?: boolean;
  readOnly?: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  review?: boolean;
  storedAs?: ResourceType['storedAs'];
  storageVersion?: ResourceType['storageVersion'];
  /** The schema component's package when it is not the group's own (io.k8s.api.<pkg>.<version>). */
  schemaPackage?: string;
}

/** io.k8s.api.core.v1, io.k8s.api.apps.v1, io.k8s.api.authorization.v1, ... */
function schemaPackage(group: string): string {
  return group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/\./g, '');
}

function builtin(group: string, version: string, s: BuiltinSpec): ResourceType {
  const t: ResourceType = {
    group, version, plural: s.plural, singular: s.kind.toLowerCase(), kind: s.kind, listKind: `${s.kind}List`,
    namespaced: s.namespaced ?? true, readOnly: s.readOnly ?? false, shortNames: s.shortNames, categories: s.categories, custom: false,
  };
  if (s.verbs) t.verbs = s.verbs;
  if (s.review) t.review = true;
  if (s.storedAs) t.storedAs = s.storedAs;
  if (s.storageVersion) t.storageVersion = s.storageVersion;
  const sv = s.storedAs ?? { group, version };
  t.schema = `io.k8s.api.${s.schemaPackage ?? schemaPackage(sv.group)}.${sv.version}.${s.kind}`;
  return t;
}

const ALL = ['all'];
const CREATE_ONLY = ['create'];

export const CORE_TYPES: ResourceType[] = [
  builtin('', 'v1', { plural: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] }),
  builtin('', 'v1', { plural: 'events', kind: 'Event', shortNames: ['ev'] }),
  builtin('', 'v1', { plural: 'limitranges', kind: 'LimitRange', shortNames: ['limits'] }),
  builtin('', 'v1', { plural: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  builtin('', 'v1', { plural: 'nodes', kind: 'Node', namespaced: false, readOnly: true, shortNames: ['no'] }),
  builtin('', 'v1', { plural: 'pods', kind: 'Pod', shortNames: ['po'], categories: ALL }),
  builtin('', 'v1', { plural: 'replicationcontrollers', kind: 'ReplicationController', shortNames: ['rc'], categories: ALL }),
  builtin('', 'v1', { plural: 'resourcequotas', kind: 'ResourceQuota', shortNames: ['quota'] }),
  builtin('', 'v1', { plural: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'] }),
  builtin('', 'v1', { plural: 'services', kind: 'Service', shortNames: ['svc'], categories: ALL }),
];

const APPS_TYPES: ResourceType[] = [
  builtin('apps', 'v1', { plural: 'daemonsets', kind: 'DaemonSet', shortNames: ['ds'], categories: ALL }),
  builtin('apps', 'v1', { plural: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: ALL }),
  builtin('apps', 'v1', { plural: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: ALL }),
  builtin('apps', 'v1', { plural: 'statefulsets', kind: 'StatefulSet', shortNames: ['sts'], categories: ALL }),
];

/**
 * extensions/v1beta1 as Kubernetes 1.8-1.15 served it (Istio 0.2's samples use it): the same
 * objects as apps/v1, read and written in the old version. kube-apiserver 1.16+ no longer serves it.
 * No short names or categories: kubectl would warn that `deploy` could also mean these, and list
 * every Deployment twice in `get all`.
 */
const EXTENSIONS_TYPES: ResourceType[] = APPS_TYPES.filter((t) => t.kind !== 'StatefulSet').map((t) =>
  builtin('extensions', 'v1beta1', { plural: t.plural, kind: t.kind, storedAs: { group: 'apps', version: 'v1', plural: t.plural, kind: t.kind } }),
);

const BATCH_TYPES: ResourceType[] = [
  builtin('batch', 'v1', { plural: 'cronjobs', kind: 'CronJob', shortNames: ['cj'], categories: ALL }),
  builtin('batch', 'v1', { plural: 'jobs', kind: 'Job', categories: ALL }),
];

const EVENTS_TYPES: ResourceType[] = [
  builtin('events.k8s.io', 'v1', { plural: 'events', kind: 'Event', shortNames: ['ev'], storageVersion: { group: '', version: 'v1', kind: 'Event' } }),
];

const AUTHENTICATION_TYPES: ResourceType[] = [
  builtin('authentication.k8s.io', 'v1', { plural: 'selfsubjectreviews', kind: 'SelfSubjectReview', namespaced: false, verbs: CREATE_ONLY, review: true }),
];

const AUTHORIZATION_TYPES: ResourceType[] = [
  builtin('authorization.k8s.io', 'v1', { plural: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: CREATE_ONLY, review: true }),
  builtin('authorization.k8s.io', 'v1', { plural: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: CREATE_ONLY, review: true }),
];

export const CRD_TYPE: ResourceType = {
  group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', singular: 'customresourcedefinition',
  kind: 'CustomResourceDefinition', listKind: 'CustomResourceDefinitionList', namespaced: false, readOnly: true,
  shortNames: ['crd', 'crds'], categories: ['api-extensions'], custom: false,
  // kube-apiserver 1.33 still stores CRDs as v1beta1 and ServiceCIDRs as v1beta1 (their storageVersionHash says so).
  storageVersion: { group: 'apiextensions.k8s.io', version: 'v1beta1', kind: 'CustomResourceDefinition' },
};

export const SERVICE_CIDR_TYPE: ResourceType = {
  group: 'networking.k8s.io', version: 'v1', plural: 'servicecidrs', singular: 'servicecidr', kind: 'ServiceCIDR',
  listKind: 'ServiceCIDRList', namespaced: false, readOnly: true, custom: false,
  storageVersion: { group: 'networking.k8s.io', version: 'v1beta1', kind: 'ServiceCIDR' },
};

export interface Catalog {
  types: ResourceType[];
  /** Group-versions in discovery order, each with its types. */
  groups: GroupVersion[];
}

/** The built-in group-versions in kube-apiserver's discovery order (its group priorities), then extensions/v1beta1 as 1.15 had it last. */
export const BUILTIN_GROUPS: GroupVersion[] = [
  { group: '', version: 'v1', types: CORE_TYPES },
  { group: 'apps', version: 'v1', types: APPS_TYPES },
  { group: 'events.k8s.io', version: 'v1', types: EVENTS_TYPES },
  { group: 'authentication.k8s.io', version: 'v1', types: AUTHENTICATION_TYPES },
  { group: 'authorization.k8s.io', version: 'v1', types: AUTHORIZATION_TYPES },
  { group: 'batch', version: 'v1', types: BATCH_TYPES },
  { group: SERVICE_CIDR_TYPE.group, version: 'v1', types: [SERVICE_CIDR_TYPE] },
  { group: CRD_TYPE.group, version: 'v1', types: [CRD_TYPE] },
  { group: 'extensions', version: 'v1beta1', types: EXTENSIONS_TYPES },
];

export function makeCatalog(withCrds: boolean): Catalog {
  const groups = [...BUILTIN_GROUPS, ...(withCrds ? istioGroups() : [])];
  return { types: groups.flatMap((g) => g.types), groups };
}
