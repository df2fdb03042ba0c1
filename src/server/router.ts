// Maps a path to what serves it: health, version, discovery, OpenAPI, or a resource endpoint.
import type { Catalog, ResourceType } from './resources.ts';

export type Route =
  | { kind: 'health' }
  | { kind: 'version' }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'groupVersion'; gv: Catalog['groups'][number] }
  | { kind: 'openapiV2' }
  | { kind: 'openapiV3Index' }
  | { kind: 'openapiV3Doc'; key: string }
  | { kind: 'resource'; type: ResourceType; namespace?: string; name?: string; subresource?: string }
  /** plain: nobody serves the path (kube's mux: text/plain `404 page not found`); else a built-in group-version's Status. */
  | { kind: 'notFound'; plain: boolean };

export function route(catalog: Catalog, pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (/^\/(healthz|livez|readyz)(\/.*)?$/.test(path)) return { kind: 'health' };
  if (path === '/version') return { kind: 'version' };
  if (path === '/api') return { kind: 'api' };
  if (path === '/apis') return { kind: 'apis' };
  if (path === '/openapi/v2') return { kind: 'openapiV2' };
  if (path === '/openapi/v3') return { kind: 'openapiV3Index' };
  if (path.startsWith('/openapi/v3/')) return { kind: 'openapiV3Doc', key: path.slice('/openapi/v3/'.length) };
  const plain: Route = { kind: 'notFound', plain: true };
  let segs: string[];
  try {
    segs = path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return plain;
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length < 2) return plain;
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    if (segs.length === 2) return { kind: 'group', group: segs[1] };
    if (segs.length < 3) return plain;
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else return plain;
  // Built-in groups are go-restful's: what they do not serve is a Status. Custom resource groups
  // and unknown groups fall through to the mux: text/plain.
  const builtin = catalog.groups.some((g) => g.group === group && g.types.some((t) => !t.custom));
  const missing: Route = { kind: 'notFound', plain: !builtin };
  const gv = catalog.groups.find((g) => g.group === group && g.version === version);
  if (!gv) return missing;
  if (rest.length === 0) return { kind: 'groupVersion', gv };
  const find = (plural: string) => gv.types.find((t) => t.plural === plural);
  // /namespaces/NS/PLURAL[/NAME[/SUB]] for namespaced types; the namespace object itself otherwise.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const t = find(rest[2]);
    if (!t || !t.namespaced || rest.length > 5) return missing;
    return { kind: 'resource', type: t, namespace: rest[1], name: rest[3], subresource: rest[4] };
  }
  const t = find(rest[0]);
  if (!t || rest.length > 3) return missing;
  if (t.namespaced && rest.length > 1) return missing;
  return { kind: 'resource', type: t, name: rest[1], subresource: rest[2] };
}
