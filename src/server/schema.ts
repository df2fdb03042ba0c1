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

/** The Go type a schema node decodes into, as encoding/json names it in its errors. */
function goTypeName(field: SchemaNode): string {
  const ref = field.$ref ?? (field.allOf?.length === 1 ? field.allOf[0].$ref : undefined);
  if (ref) {
    const name = ref.slice(PREFIX.length);
    if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') return 'intstr.IntOrString';
    if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') return 'resource.Quantity';
    const parts = name.split('.');
    return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  if (field.type === 'integer') return field.format === 'int32' ? 'int32' : 'int64';
  if (field.type === 'boolean') return 'bool';
  if (field.type === 'number') return 'float64';
  if (field.type === 'array') return `[]${field.items ? goTypeName(field.items) : 'interface {}'}`;
  if (field.type === 'object' && typeof field.additionalProperties === 'object') return `map[string]${goTypeName(field.additionalProperties)}`;
  return field.type ?? 'interface {}';
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return `number`;
  return typeof v;
}

/** Whether a JSON value fits a field of that schema, as encoding/json decodes it. */
function fits(v: unknown, field: SchemaNode): boolean {
  if (v === null) return true;
  const n = resolve(field);
  if (!n || n['x-kubernetes-preserve-unknown-fields'] || n.format === 'int-or-string') return true;
  if (n === SCHEMAS['io.k8s.apimachinery.pkg.api.resource.Quantity']) return typeof v === 'string' || typeof v === 'number';
  if (n.format === 'date-time') return typeof v === 'string';
  switch (n.type) {
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    case 'string': return typeof v === 'string';
    case 'array': return Array.isArray(v);
    case 'object': return typeof v === 'object' && !Array.isArray(v);
    default: return n.properties ? typeof v === 'object' && !Array.isArray(v) : true;
  }
}

/**
 * The first value of the wrong JSON type for its field, in document order, worded as Go's
 * encoding/json words it: `json: cannot unmarshal string into Go struct field
 * DeploymentSpec.spec.replicas of type int32` (the path without indices, the struct the field is in).
 */
export function typeError(value: unknown, node: SchemaNode | undefined, path: string[] = [], struct = ''): string | undefined {
  const n = resolve(node);
  if (!n || n['x-kubernetes-preserve-unknown-fields']) return undefined;
  if (Array.isArray(value)) {
    if (!n.items) return undefined;
    for (const item of value) {
      const e = check(item, n.items, path, struct);
      if (e) return e;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const structName = n.properties ? structOf(node) ?? struct : struct;
  for (const [k, v] of Object.entries(value)) {
    const field = n.properties ? n.properties[k] : typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined;
    if (!field) continue;
    // A map's keys are not fields: Go names the map.
    const e = check(v, field, n.properties ? [...path, k] : path, structName);
    if (e) return e;
  }
  return undefined;
}

function check(v: unknown, field: SchemaNode, path: string[], struct: string): string | undefined {
  if (!fits(v, field)) {
    const shown = typeof v === 'number' && !Number.isInteger(v) ? `number ${v}` : jsonKind(v);
    return `json: cannot unmarshal ${shown} into Go struct field ${struct}.${path.join('.')} of type ${goTypeName(field)}`;
  }
  return typeError(v, field, path, struct);
}

/** The Go struct a schema node is (its component's last name), when it is a component. */
function structOf(node: SchemaNode | undefined): string | undefined {
  const ref = node?.$ref ?? (node?.allOf?.length === 1 ? node.allOf[0].$ref : undefined);
  if (ref) return ref.slice(PREFIX.length).split('.').pop();
  const name = Object.keys(SCHEMAS).find((k) => SCHEMAS[k] === node);
  return name?.split('.').pop();
}
