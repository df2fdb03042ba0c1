// What egressctl knows of one config kind, as data (Istio's schema registry, kubectl's RESTMapper):
// its API names, the TYPE spellings `get` and `delete` accept, its spec validator and its table
// columns. Every layer (validation, the cluster client, printers, help, completion, `serve`'s CRDs)
// reads these; nothing else switches on a kind's name. Pure.

/** A spec validator: the spec as it would be sent (only when there are no problems), every problem, and warnings. */
export type SpecCheck<S = unknown> = (spec: unknown, ctx: { namespace?: string; labels?: Record<string, string> }) => { spec?: S; problems: string[]; warnings?: string[] };

/** A column of `get -o wide`: its header and its cell for any stored spec (odd specs never throw). */
export interface Column {
  header: string;
  cell(spec: unknown): string;
}

export interface KindDescriptor<S = unknown> {
  group: string;
  /** The version objects are sent and stored in. */
  version: string;
  /** Other versions of the group accepted on input (sent as `version`). */
  readVersions?: readonly string[];
  kind: string;
  plural: string;
  singular: string;
  shortNames?: readonly string[];
  /** Istio's hyphenated config type (`egress-rule`): `Created config egress-rule/NS/NAME`. */
  configType: string;
  /** istioctl 0.x's TYPE names (`egressrule`, `egressrules`), for kinds istioctl managed. */
  istioctlTypes?: readonly string[];
  /** Which Istio it belongs to, for messages ("Istio 0.2-0.7 installs it"). */
  era: '0.x' | 'today';
  /** Who installs its CRD, for the message a cluster without it gets. */
  installedBy: string;
  /** Writers refuse the kind before anything is sent (IngressRule: no 0.x cluster stored it). */
  refusal?: string;
  checkSpec: SpecCheck<S>;
  wideColumns: readonly Column[];
}

export function apiVersionOf(d: Pick<KindDescriptor, 'group' | 'version'>): string {
  return `${d.group}/${d.version}`;
}

/** `egressrules.config.istio.io`: the resource as the API server and kubectl name it. */
export function resourceName(d: Pick<KindDescriptor, 'group' | 'plural'>): string {
  return `${d.plural}.${d.group}`;
}

/** `egressrule.config.istio.io`: what `-o name` prints before `/NAME`. */
export function namePrefix(d: Pick<KindDescriptor, 'group' | 'singular'>): string {
  return `${d.singular}.${d.group}`;
}

/** `EgressRule.v1alpha2.config.istio.io`: the KIND column of istioctl's table. */
export function kindColumn(d: Pick<KindDescriptor, 'group' | 'version' | 'kind'>): string {
  return `${d.kind}.${d.version}.${d.group}`;
}

/** `egress-rule/NS/NAME`: the key istioctl printed objects by. */
export function configKey(d: Pick<KindDescriptor, 'configType'>, namespace: string, name: string): string {
  return `${d.configType}/${namespace}/${name}`;
}

/** Every TYPE spelling of a kind, lower-cased: kind, plural, singular, short names, `plural.group`, `singular.group`, istioctl's names and their hyphenated forms. */
export function typeSpellings(d: KindDescriptor): string[] {
  // istioctl's hyphenated config types (`egress-rule`, `destination-policies`), for the 0.x kinds.
  const hyphenated = d.era === '0.x' ? [d.configType, `${d.configType}s`.replace(/ys$/, 'ies')] : [];
  return [
    d.kind, d.plural, d.singular, ...(d.shortNames ?? []), resourceName(d), namePrefix(d), ...(d.istioctlTypes ?? []), ...hyphenated,
  ].map((s) => s.toLowerCase());
}

/** A cell for a string field of a stored spec: the value, `<none>` when absent, `<invalid>` otherwise. */
export function stringCell(v: unknown): string {
  if (v === undefined || v === null || v === '') return '<none>';
  return typeof v === 'string' ? v : '<invalid>';
}

/** A cell for a list of strings: joined with commas. */
export function listCell(v: unknown): string {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return '<none>';
  if (!Array.isArray(v)) return '<invalid>';
  return v.map((x) => (typeof x === 'string' ? x : '<invalid>')).join(',');
}

/** The value at `path` of an untyped spec, or undefined. */
export function dig(v: unknown, ...path: string[]): unknown {
  for (const k of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** The cell of `obj.field`: `<invalid>` when obj is there but not an object. */
export function objectFieldCell(obj: unknown, field: string): string {
  if (obj === undefined || obj === null) return '<none>';
  if (typeof obj !== 'object' || Array.isArray(obj)) return '<invalid>';
  return stringCell((obj as Record<string, unknown>)[field]);
}

/** An Istio 0.x IstioService as a host: `service`, else `name` (with `.namespace` when given). */
export function istioServiceCell(svc: unknown): string {
  if (svc === undefined || svc === null) return '<none>';
  if (typeof svc !== 'object' || Array.isArray(svc)) return '<invalid>';
  const { service, name, namespace } = svc as Record<string, unknown>;
  if (typeof service === 'string' && service) return service;
  if (typeof name !== 'string' || !name) return service === undefined && name === undefined ? '<none>' : '<invalid>';
  return typeof namespace === 'string' && namespace ? `${name}.${namespace}` : name;
}

/** Labels as `k=v,k2=v2`, keys sorted. */
export function labelsCell(v: unknown): string {
  if (v === undefined || v === null) return '<none>';
  if (typeof v !== 'object' || Array.isArray(v)) return '<invalid>';
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '<none>';
  return entries.map(([k, x]) => `${k}=${typeof x === 'string' ? x : '<invalid>'}`).join(',');
}
