// The API server's half of validation: today's Istio CRDs have structural schemas (OpenAPI v3 plus
// CEL rules, istio/api@v1.30.3 kubernetes/customresourcedefinitions.gen.yaml), and a spec is decoded
// against them before Istio's webhook sees it. This file is a small schema language and its decoder.
// Pure.
//
// decode() walks a value with its schema and returns a clean copy (null fields dropped, as the API
// server prunes them) and every problem, named by path:
// - our own texts for the shape: `unknown field "spec.ports[0].nmae"`,
//   `spec.ports[0].number: expected an integer, got string "x"`;
// - the API server's field.Error texts for the schema's keywords: `spec.hosts: Required value`,
//   `spec.resolution: Unsupported value: "FOO": supported values: "NONE", ...`,
//   `spec.hosts: Too many: 257: must have at most 256 items`,
//   `spec.addresses[0]: Too long: may not be more than 64 bytes`,
//   `spec.ports[0].number: Invalid value: -1: spec.ports[0].number in body should be greater than or equal to 0`,
//   `spec.ports[1]: Duplicate value: {"name":"http"}` (a list-map key given twice);
// - the CRD's CEL rules as the API server prints them: `PATH: Invalid value: "TYPE": MESSAGE`,
//   e.g. `spec.hosts[0]: Invalid value: "string": hostname cannot be wildcard`;
// - for a oneof given twice (the schema's oneOf), our text: `spec.x: only one of a, b may be set`.
// A list item of the wrong type is kept as null, so the indices of the others stay as written.

import { isObject, show } from '../../fields.ts';
import { parseGoDuration } from './duration.ts';

/** A CEL rule of the CRD: its message, and the rule as a predicate over the decoded value. */
export interface CelRule {
  message: string;
  ok: (v: any) => boolean;
}

interface Common {
  rules?: CelRule[];
}
export interface StringSchema extends Common {
  kind: 'string';
  enum?: readonly string[];
  maxLength?: number;
}
/** A google.protobuf.Duration field: a string in Go duration syntax. */
export interface DurationSchema extends Common {
  kind: 'duration';
  /** The CRD's `duration(self) >= duration('1ms')` rule is on this field. */
  atLeast1ms: boolean;
}
export interface IntSchema extends Common {
  kind: 'int';
  /** int32 fields: values outside the range cannot be decoded by Istio. */
  int32?: boolean;
  minimum?: number;
  maximum?: number;
}
export interface NumberSchema extends Common {
  kind: 'number';
  minimum?: number;
  maximum?: number;
}
export interface BoolSchema extends Common {
  kind: 'bool';
}
export interface ListSchema extends Common {
  kind: 'list';
  items: Schema;
  minItems?: number;
  maxItems?: number;
  /** x-kubernetes-list-type: map, keyed on these fields. */
  mapKeys?: readonly string[];
}
export interface MapSchema extends Common {
  kind: 'map';
  values: Schema;
  maxProperties?: number;
}
export interface ObjectSchema extends Common {
  kind: 'object';
  fields: Record<string, Schema>;
  required?: readonly string[];
  /** Groups of fields of which at most one may be set (a proto oneof). */
  oneOf?: readonly (readonly string[])[];
}
export type Schema = StringSchema | DurationSchema | IntSchema | NumberSchema | BoolSchema | ListSchema | MapSchema | ObjectSchema;

// Builders, so schemas read like the CRD.
export const str = (o: Omit<StringSchema, 'kind'> = {}): StringSchema => ({ kind: 'string', ...o });
export const enumOf = (...values: string[]): StringSchema => ({ kind: 'string', enum: values });
export const bool = (): BoolSchema => ({ kind: 'bool' });
export const num = (o: Omit<NumberSchema, 'kind'> = {}): NumberSchema => ({ kind: 'number', ...o });
export const int32 = (o: Omit<IntSchema, 'kind' | 'int32'> = {}): IntSchema => ({ kind: 'int', int32: true, ...o });
export const uint32 = (o: Omit<IntSchema, 'kind'> = {}): IntSchema => ({ kind: 'int', minimum: 0, maximum: 4294967295, ...o });
export const uint64 = (): IntSchema => ({ kind: 'int', minimum: 0 });
export const duration = (): DurationSchema => ({ kind: 'duration', atLeast1ms: true });
export const plainDuration = (): DurationSchema => ({ kind: 'duration', atLeast1ms: false });
export const list = (items: Schema, o: Omit<ListSchema, 'kind' | 'items'> = {}): ListSchema => ({ kind: 'list', items, ...o });
export const map = (values: Schema, o: Omit<MapSchema, 'kind' | 'values'> = {}): MapSchema => ({ kind: 'map', values, ...o });
export const obj = (fields: Record<string, Schema>, o: Omit<ObjectSchema, 'kind' | 'fields'> = {}): ObjectSchema => ({ kind: 'object', fields, ...o });
export const strings = (o: Omit<ListSchema, 'kind' | 'items'> = {}): ListSchema => list(str(), o);
export const stringMap = (o: Omit<MapSchema, 'kind' | 'values'> = {}): MapSchema => map(str(), o);

/** The CRD's rule on port numbers. */
export const PORT_RULE: CelRule = { message: 'port must be between 1-65535', ok: (v: number) => v > 0 && v <= 65535 };

const EXPECTED: Record<Schema['kind'], string> = {
  string: 'a string',
  duration: 'a string (a duration)',
  int: 'an integer',
  number: 'a number',
  bool: 'a boolean',
  list: 'a list',
  map: 'a map',
  object: 'an object',
};

/** The type name the API server prints for a CEL rule's failure. */
const CEL_TYPE: Record<Schema['kind'], string> = {
  string: 'string',
  duration: 'string',
  int: 'integer',
  number: 'number',
  bool: 'boolean',
  list: 'array',
  map: 'object',
  object: 'object',
};

export function celProblem(path: string, s: Schema, message: string): string {
  return `${path}: Invalid value: "${CEL_TYPE[s.kind]}": ${message}`;
}

export function requiredProblem(path: string): string {
  return `${path}: Required value`;
}

function typeProblem(path: string, s: Schema, v: unknown): string {
  return `${path}: expected ${EXPECTED[s.kind]}, got ${show(v)}`;
}

/** Where decoding reports: every problem, and the paths of values of the wrong type. */
export interface DecodeOut {
  problems: string[];
  /** Values that could not be decoded: Istio's rules skip them (Istio could not read them either). */
  bad: Set<string>;
}

/**
 * Decodes `v` against `s`. Returns the clean value, or undefined when `v` is absent (undefined or
 * null) or of the wrong type.
 */
export function decode(v: unknown, s: Schema, path: string, out: DecodeOut): unknown {
  const problems = out.problems;
  if (v === undefined || v === null) return undefined;
  const value = decodeKind(v, s, path, out);
  if (value === undefined) return undefined;
  for (const r of s.rules ?? []) if (!r.ok(value)) problems.push(celProblem(path, s, r.message));
  return value;
}

function decodeKind(v: unknown, s: Schema, path: string, out: DecodeOut): unknown {
  switch (s.kind) {
    case 'string':
      return decodeString(v, s, path, out);
    case 'duration':
      return decodeDuration(v, s, path, out);
    case 'int':
      return decodeInt(v, s, path, out);
    case 'number':
      return decodeNumber(v, s, path, out);
    case 'bool':
      if (typeof v !== 'boolean') return fail(path, s, v, out);
      return v;
    case 'list':
      return decodeList(v, s, path, out);
    case 'map':
      return decodeMap(v, s, path, out);
    case 'object':
      return decodeObject(v, s, path, out);
  }
}

function fail(path: string, s: Schema, v: unknown, out: DecodeOut): undefined {
  out.problems.push(typeProblem(path, s, v));
  out.bad.add(path);
  return undefined;
}

function decodeString(v: unknown, s: StringSchema, path: string, out: DecodeOut): string | undefined {
  if (typeof v !== 'string') return fail(path, s, v, out);
  if (s.enum && !s.enum.includes(v)) {
    out.problems.push(`${path}: Unsupported value: ${JSON.stringify(v)}: supported values: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (s.maxLength !== undefined && [...v].length > s.maxLength) out.problems.push(`${path}: Too long: may not be more than ${s.maxLength} bytes`);
  return v;
}

function decodeDuration(v: unknown, s: DurationSchema, path: string, out: DecodeOut): string | undefined {
  if (typeof v !== 'string') return fail(path, s, v, out);
  const d = parseGoDuration(v);
  if (s.atLeast1ms) {
    if (!d.ok || d.nanos < 1000000n) out.problems.push(celProblem(path, s, 'must be a valid duration greater than 1ms'));
  } else if (!d.ok) {
    out.problems.push(`bad Duration: ${d.error} (${path})`);
  }
  return v;
}

function bounds(v: number, s: IntSchema | NumberSchema, path: string, problems: string[]): void {
  if (s.minimum !== undefined && v < s.minimum) problems.push(`${path}: Invalid value: ${v}: ${path} in body should be greater than or equal to ${s.minimum}`);
  if (s.maximum !== undefined && v > s.maximum) problems.push(`${path}: Invalid value: ${v}: ${path} in body should be less than or equal to ${s.maximum}`);
}

function decodeInt(v: unknown, s: IntSchema, path: string, out: DecodeOut): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail(path, s, v, out);
  if (s.int32 && (v < -2147483648 || v > 2147483647)) {
    out.problems.push(`${path}: expected a 32-bit integer, got ${show(v)}`);
    return undefined;
  }
  bounds(v, s, path, out.problems);
  return v;
}

function decodeNumber(v: unknown, s: NumberSchema, path: string, out: DecodeOut): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail(path, s, v, out);
  bounds(v, s, path, out.problems);
  return v;
}

function decodeList(v: unknown, s: ListSchema, path: string, out: DecodeOut): unknown[] | undefined {
  if (!Array.isArray(v)) return fail(path, s, v, out);
  if (s.maxItems !== undefined && v.length > s.maxItems) out.problems.push(`${path}: Too many: ${v.length}: must have at most ${s.maxItems} items`);
  if (s.minItems !== undefined && v.length < s.minItems) out.problems.push(`${path}: Invalid value: ${v.length}: ${path} in body should have at least ${s.minItems} items`);
  const items = v.map((item, i) => {
    const p = `${path}[${i}]`;
    if (item === null || item === undefined) return fail(p, s.items, item, out) ?? null;
    return decode(item, s.items, p, out) ?? null;
  });
  if (s.mapKeys) duplicateKeys(items, s.mapKeys, path, out.problems);
  return items;
}

function duplicateKeys(items: unknown[], keys: readonly string[], path: string, problems: string[]): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (!isObject(item)) return;
    const key: Record<string, unknown> = {};
    for (const k of keys) key[k] = item[k];
    const text = JSON.stringify(key);
    if (seen.has(text)) problems.push(`${path}[${i}]: Duplicate value: ${text}`);
    seen.add(text);
  });
}

function decodeMap(v: unknown, s: MapSchema, path: string, out: DecodeOut): Record<string, unknown> | undefined {
  if (!isObject(v)) return fail(path, s, v, out);
  const entries = Object.entries(v);
  if (s.maxProperties !== undefined && entries.length > s.maxProperties) out.problems.push(`${path}: Too many: ${entries.length}: must have at most ${s.maxProperties} items`);
  const result: Record<string, unknown> = {};
  for (const [k, x] of entries) {
    const p = `${path}[${k}]`;
    const d = x === null || x === undefined ? fail(p, s.values, x, out) : decode(x, s.values, p, out);
    if (d !== undefined) result[k] = d;
  }
  return result;
}

function decodeObject(v: unknown, s: ObjectSchema, path: string, out: DecodeOut): Record<string, unknown> | undefined {
  if (!isObject(v)) return fail(path, s, v, out);
  const result: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const fs = s.fields[k];
    if (fs === undefined) {
      out.problems.push(`unknown field "${path}.${k}"`);
      continue;
    }
    const d = decode(x, fs, `${path}.${k}`, out);
    if (d !== undefined) result[k] = d;
  }
  for (const r of s.required ?? []) {
    if (v[r] === undefined || v[r] === null) out.problems.push(requiredProblem(`${path}.${r}`));
  }
  for (const group of s.oneOf ?? []) {
    const set = group.filter((g) => v[g] !== undefined && v[g] !== null);
    if (set.length > 1) out.problems.push(`${path}: only one of ${group.join(', ')} may be set (given: ${set.join(', ')})`);
  }
  return result;
}

/** True when the key is the CEL `has()`: present and not null. */
export function has(o: Record<string, unknown>, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}
