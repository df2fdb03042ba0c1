// The OpenAPI schemas serve carries for its built-in kinds (src/server/schemas.json), made from the
// real kube-apiserver's /openapi/v3 documents: the components each kind reaches, with their
// descriptions left out (they are most of the size, and only `kubectl explain` prints them).
// test/conformance/schemas.test.ts checks the file against the real server; REFRESH_SCHEMAS=1
// rewrites it.
import { BUILTIN_GROUPS, groupVersion } from '../../src/server/resources.ts';

export type Json = any;

/** The component names serve's built-in kinds are described by, by the /openapi/v3 document that holds them. */
export function schemaRoots(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const gv of BUILTIN_GROUPS) {
    for (const t of gv.types) {
      if (!t.schema) continue;
      const holder = t.storedAs ? groupVersion(t.storedAs) : groupVersion(t);
      const doc = holder === 'v1' ? 'api/v1' : `apis/${holder}`;
      const list = out.get(doc) ?? [];
      if (!list.includes(t.schema)) list.push(t.schema);
      out.set(doc, list);
    }
  }
  return out;
}

function strip(node: Json): Json {
  if (Array.isArray(node)) return node.map(strip);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description') continue;
    // Property names are data, not schema keywords: a field called "description" stays.
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strip(s)])) : strip(v);
  }
  return out;
}

function refs(node: Json, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, found));
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') found.push(v.replace('#/components/schemas/', ''));
      else refs(v, found);
    }
  }
  return found;
}

/** The stripped components reachable from `roots` in each document, sorted by name. */
export function stripSchemas(docs: Map<string, Json>, roots: Map<string, string[]>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [doc, names] of roots) {
    const components = docs.get(doc)?.components?.schemas ?? {};
    const stack = [...names];
    while (stack.length) {
      const name = stack.pop()!;
      if (out[name]) continue;
      if (!components[name]) throw new Error(`${doc}: no component ${name}`);
      out[name] = strip(components[name]);
      stack.push(...refs(out[name]));
    }
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}
