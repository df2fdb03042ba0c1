// The resource types the server knows: names for discovery, scope, verbs, and whether they are
// writable. Custom resources exist only while their CRD is installed (--without-crds); the Istio
// kinds come from egressctl's kind registry, so a kind added there is served here.

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
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const READ_VERBS = ['get', 'list', 'watch'];

export function verbs(t: ResourceType): string[] {
  return t.readOnly ? READ_VERBS : ALL_VERBS;
}

export function groupVersion(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function typeKey(t: ResourceType): string {
  return `${t.group}/${t.plural}`;
}

/** The Istio kinds, from egressctl's kind registry (each served through a CRD), sorted by plural as discovery lists them. */
export const ISTIO_TYPES: ResourceType[] = STORED_KINDS.map((k) => ({
  group: k.group, version: k.version, plural: k.plural, singular: k.singular, kind: k.kind, listKind: `${k.kind}List`,
  namespaced: true, readOnly: false, shortNames: k.shortNames ? [...k.shortNames] : undefined,
  categories: ['istio-io', `${k.group.split('.')[0]}-istio-io`], custom: true,
})).sort((a, b) => (a.plural < b.plural ? -1 : 1));

/** The Istio group-versions, in the order the kinds' groups first appear. */
function istioGroups(): Array<{ group: string; version: string; types: ResourceType[] }> {
  const out: Array<{ group: string; version: string; types: ResourceType[] }> = [];
  for (const t of ISTIO_TYPES) {
    const g = out.find((x) => x.group === t.group && x.version === t.version);
    if (g) g.types.push(t);
    else out.push({ group: t.group, version: t.version, types: [t] });
  }
  return out.sort((a, b) => (a.group < b.group ? -1 : 1));
}

function core(plural: string, singular: string, kind: string, namespaced: boolean, readOnly: boolean, shortNames?: string[], categories?: string[]): ResourceType {
  return { group: '', version: 'v1', plural, singular, kind, listKind: `${kind}List`, namespaced, readOnly, shortNames, categories, custom: false };
}

export const CORE_TYPES: ResourceType[] = [
  core('configmaps', 'configmap', 'ConfigMap', true, false, ['cm']),
  core('namespaces', 'namespace', 'Namespace', false, false, ['ns']),
  core('nodes', 'node', 'Node', false, true, ['no']),
  core('services', 'service', 'Service', true, false, ['svc'], ['all']),
];

export const CRD_TYPE: ResourceType = {
  group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', singular: 'customresourcedefinition',
  kind: 'CustomResourceDefinition', listKind: 'CustomResourceDefinitionList', namespaced: false, readOnly: true,
  shortNames: ['crd', 'crds'], categories: ['api-extensions'], custom: false,
};

export const SERVICE_CIDR_TYPE: ResourceType = {
  group: 'networking.k8s.io', version: 'v1', plural: 'servicecidrs', singular: 'servicecidr', kind: 'ServiceCIDR',
  listKind: 'ServiceCIDRList', namespaced: false, readOnly: true, custom: false,
};

export interface Catalog {
  types: ResourceType[];
  /** Group-versions in discovery order, each with its types. */
  groups: Array<{ group: string; version: string; types: ResourceType[] }>;
}

export function makeCatalog(withCrds: boolean): Catalog {
  const groups = [
    { group: '', version: 'v1', types: CORE_TYPES },
    { group: CRD_TYPE.group, version: 'v1', types: [CRD_TYPE] },
    { group: SERVICE_CIDR_TYPE.group, version: 'v1', types: [SERVICE_CIDR_TYPE] },
    ...(withCrds ? istioGroups() : []),
  ];
  return { types: groups.flatMap((g) => g.types), groups };
}
