// The resource types the server knows: names for discovery, scope, verbs, and whether they are
// writable. Custom resources exist only while their CRD is installed (--without-crds).

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

export const ISTIO_GROUP = 'config.istio.io';
export const ISTIO_VERSION = 'v1alpha2';

function istio(plural: string, singular: string, kind: string): ResourceType {
  return {
    group: ISTIO_GROUP, version: ISTIO_VERSION, plural, singular, kind, listKind: `${kind}List`,
    namespaced: true, readOnly: false, categories: ['istio-io', 'config-istio-io'], custom: true,
  };
}

export const ISTIO_TYPES: ResourceType[] = [
  istio('destinationpolicies', 'destinationpolicy', 'DestinationPolicy'),
  istio('egressrules', 'egressrule', 'EgressRule'),
  istio('routerules', 'routerule', 'RouteRule'),
];

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
    ...(withCrds ? [{ group: ISTIO_GROUP, version: ISTIO_VERSION, types: ISTIO_TYPES }] : []),
  ];
  return { types: groups.flatMap((g) => g.types), groups };
}
