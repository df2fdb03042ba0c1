// The OpenAPI schemas of the built-in kinds (schemas.json, from kube-apiserver 1.33's /openapi/v3,
// descriptions removed; test/conformance/schemas.test.ts keeps it equal to the real server's), and
// the walks serve makes over them: patch metadata for strategic merge patch, unknown fields for
// fieldValidation, and the components an /openapi/v3 document needs.
import data from './schemas.json' with { type: 'json' };

export interface SchemaNode {
  type?: string;
  format?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  $ref?: string;
  default?: unknown;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  [k: string]: unknown;
}

export const SCHEMAS: Record<string, SchemaNode> = (data as { schemas: Record<string, SchemaNode> }).schemas;

const PREFIX = '#/components/schemas/';

/** The component a node stands for: `$ref`, or `allOf: [{$ref}]` (the field's own keys, such as its patch strategy, stay on the field). */
export function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  for (let i = 0; n && i < 8; i++) {
    const ref = n.$ref ?? (n.allOf?.length === 1 ? n.allOf[0].$ref : undefined);
    if (!ref) return n;
    n = SCHEMAS[ref.slice(PREFIX.length)];
  }
  return n;
}

export function property(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  return resolve(node)?.properties?.[key];
}

/** For a map field: its values' schema. */
export function mapValues(node: SchemaNode | undefined): SchemaNode | undefined {
  const ap = resolve(node)?.additionalProperties;
  return typeof ap === 'object' ? ap : undefined;
}

export interface PatchMeta {
  strategies: string[];
  mergeKey?: string;
}

export function patchMeta(field: SchemaNode | undefined): PatchMeta {
  const s = field?.['x-kubernetes-patch-strategy'];
  return { strategies: s ? s.split(',') : [], mergeKey: field?.['x-kubernetes-patch-merge-key'] };
}

/** Every component a set of components refers to, directly or not, themselves included. */
export function closure(names: string[]): Record<string, SchemaNode> {
  const out: Record<string, SchemaNode> = {};
  const stack = [...names];
  while (stack.length) {
    const name = stack.pop()!;
    if (out[name] || !SCHEMAS[name]) continue;
    out[name] = SCHEMAS[name];
    JSON.stringify(SCHEMAS[name], (k, v) => {
      if (k === '$ref' && typeof v === 'string') stack.push(v.slice(PREFIX.length));
      return v;
    });
  }
  return out;
}

/**
 * The paths of fields the schema does not know (`spec.template.spec.containers[0].colour`), as
 * kube-apiserver's strict decoding names them. Maps (labels, resources) take any key.
 */
export function unknownFields(value: unknown, node: SchemaNode | undefined, path = ''): string[] {
  const n = resolve(node);
  if (!n || n['x-kubernetes-preserve-unknown-fields']) return [];
  if (Array.isArray(value)) {
    if (!n.items) return [];
    return value.flatMap((v, i) => unknownFields(v, n.items, `${path}[${i}]`));
  }
  if (typeof value !== 'object' || value === null) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = path ? `${path}.${k}` : k;
    if (n.properties) {
      if (!(k in n.properties)) out.push(p);
      else out.push(...unknownFields(v, n.properties[k], p));
    } else if (typeof n.additionalProperties === 'object') out.push(...unknownFields(v, n.additionalProperties, p));
  }
  return out;
}
