// API discovery: /api, /apis (legacy, or aggregated apidiscovery.k8s.io/v2 when asked for), the
// per-group-version APIResourceLists, /apis/GROUP, and /version.
import { groupVersion, storageVersionHash, verbs, type Catalog, type ResourceType } from './resources.ts';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return !!accept && /g=apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList/.test(accept);
}

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  emulationMajor: '1',
  emulationMinor: '32',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '31',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:59:15Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function legacyResource(t: ResourceType): Record<string, unknown> {
  const r: Record<string, unknown> = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: verbs(t) };
  if (t.shortNames) r.shortNames = t.shortNames;
  if (t.categories) r.categories = t.categories;
  const hash = storageVersionHash(t);
  if (hash) r.storageVersionHash = hash;
  return r;
}

export function apiResourceList(gv: { group: string; version: string; types: ResourceType[] }): unknown {
  // The core group's list has no apiVersion (kube-apiserver's legacy handler leaves it out); the others say v1.
  const head = gv.group ? { kind: 'APIResourceList', apiVersion: 'v1' } : { kind: 'APIResourceList' };
  return { ...head, groupVersion: groupVersion(gv), resources: gv.types.map(legacyResource) };
}

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(g: { group: string; version: string }): Record<string, unknown> {
  const v = { groupVersion: groupVersion(g), version: g.version };
  return { name: g.group, versions: [v], preferredVersion: v };
}

export function apiGroupList(catalog: Catalog): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: catalog.groups.filter((g) => g.group).map(apiGroup) };
}

export function apiGroupObject(catalog: Catalog, group: string): unknown | undefined {
  const g = catalog.groups.find((x) => x.group === group && group);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) };
}

function aggregatedResource(t: ResourceType): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: t.plural,
    // Relative to the group-version it is listed in: kube-apiserver leaves group and version empty for
    // its own kinds; the apiextensions server fills them in for custom resources.
    responseKind: t.custom ? { group: t.group, version: t.version, kind: t.kind } : { group: '', version: '', kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: verbs(t),
  };
  if (t.shortNames) r.shortNames = t.shortNames;
  if (t.categories) r.categories = t.categories;
  return r;
}

/** `core`: the /api answer (the core group only); otherwise /apis (every named group). */
export function aggregatedDiscovery(catalog: Catalog, core: boolean): unknown {
  // The built-in groups keep their priority order; the custom resource groups (one priority) come
  // by group name here, where the legacy list orders them by APIService name.
  const named = catalog.groups.filter((g) => (core ? !g.group : !!g.group));
  const custom = named.filter((g) => g.types.every((t) => t.custom)).sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  const groups = [...named.filter((g) => !custom.includes(g)), ...custom];
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.group ? { name: g.group, creationTimestamp: null } : {},
      versions: [{ version: g.version, resources: g.types.map(aggregatedResource), freshness: 'Current' }],
    })),
  };
}
