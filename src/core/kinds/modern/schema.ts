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

/** A value built on its first use: the kinds' schemas, so that a command that checks no object of a kind does not build its schema at start-up. */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

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
  if (v === undefined || v === null) return undefined;
  return decoderOf(s)(v, path, ROOT, '', out);
}

// Each schema is compiled once into a decoder function (decoderOf). A decoder gets the path of its
// value in three parts, the path of the value around it, how the value is reached from there and
// its key, and writes the whole path out (pathOf) only when it has a problem to report or values
// inside to decode: most values are scalars without problems, and most paths were never read.

/** How a value is reached from the one around it: itself (the root), `.key`, or `[key]`. */
const ROOT = 0;
const FIELD = 1;
const ITEM = 2;
type Step = typeof ROOT | typeof FIELD | typeof ITEM;

function pathOf(base: string, step: Step, key: string | number): string {
  return step === ROOT ? base : step === FIELD ? `${base}.${key}` : `${base}[${key}]`;
}

/** Decodes a present value (not undefined or null) at the path `pathOf(base, step, key)`. */
type Decoder = (v: unknown, base: string, step: Step, key: string | number, out: DecodeOut) => unknown;

const DECODERS = new WeakMap<object, Decoder>();

function decoderOf(s: Schema): Decoder {
  let d = DECODERS.get(s);
  if (d === undefined) {
    d = withRules(s, compile(s));
    DECODERS.set(s, d);
  }
  return d;
}

/** The schema's CEL rules, checked on the decoded value. */
function withRules(s: Schema, d: Decoder): Decoder {
  const rules = s.rules;
  if (rules === undefined || rules.length === 0) return d;
  return (v, base, step, key, out) => {
    const value = d(v, base, step, key, out);
    if (value === undefined) return undefined;
    for (const r of rules) if (!r.ok(value)) out.problems.push(celProblem(pathOf(base, step, key), s, r.message));
    return value;
  };
}

function compile(s: Schema): Decoder {
  switch (s.kind) {
    case 'string':
      return compileString(s as StringSchema);
    case 'duration':
      return compileDuration(s as DurationSchema);
    case 'int':
      return compileInt(s as IntSchema);
    case 'number':
      return compileNumber(s as NumberSchema);
    case 'bool':
      return (v, base, step, key, out) => (typeof v === 'boolean' ? v : fail(base, step, key, s, v, out));
    case 'list':
      return compileList(s as ListSchema);
    case 'map':
      return compileMap(s as MapSchema);
    case 'object':
      return compileObject(s as ObjectSchema);
  }
}

function fail(base: string, step: Step, key: string | number, s: Schema, v: unknown, out: DecodeOut): undefined {
  const path = pathOf(base, step, key);
  out.problems.push(typeProblem(path, s, v));
  out.bad.add(path);
  return undefined;
}

function compileString(s: StringSchema): Decoder {
  const { enum: values, maxLength } = s;
  return (v, base, step, key, out) => {
    if (typeof v !== 'string') return fail(base, step, key, s, v, out);
    if (values && !values.includes(v)) {
      out.problems.push(`${pathOf(base, step, key)}: Unsupported value: ${JSON.stringify(v)}: supported values: ${values.map((e) => JSON.stringify(e)).join(', ')}`);
    }
    // Code points: never more than the UTF-16 length.
    if (maxLength !== undefined && v.length > maxLength && [...v].length > maxLength) {
      out.problems.push(`${pathOf(base, step, key)}: Too long: may not be more than ${maxLength} bytes`);
    }
    return v;
  };
}

function compileDuration(s: DurationSchema): Decoder {
  return (v, base, step, key, out) => {
    if (typeof v !== 'string') return fail(base, step, key, s, v, out);
    const d = parseGoDuration(v);
    if (s.atLeast1ms) {
      if (!d.ok || d.nanos < 1000000n) out.problems.push(celProblem(pathOf(base, step, key), s, 'must be a valid duration greater than 1ms'));
    } else if (!d.ok) {
      out.problems.push(`bad Duration: ${d.error} (${pathOf(base, step, key)})`);
    }
    return v;
  };
}

function bounds(v: number, s: IntSchema | NumberSchema, base: string, step: Step, key: string | number, problems: string[]): void {
  if (s.minimum !== undefined && v < s.minimum) {
    const path = pathOf(base, step, key);
    problems.push(`${path}: Invalid value: ${v}: ${path} in body should be greater than or equal to ${s.minimum}`);
  }
  if (s.maximum !== undefined && v > s.maximum) {
    const path = pathOf(base, step, key);
    problems.push(`${path}: Invalid value: ${v}: ${path} in body should be less than or equal to ${s.maximum}`);
  }
}

function compileInt(s: IntSchema): Decoder {
  return (v, base, step, key, out) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) return fail(base, step, key, s, v, out);
    if (s.int32 && (v < -2147483648 || v > 2147483647)) {
      out.problems.push(`${pathOf(base, step, key)}: expected a 32-bit integer, got ${show(v)}`);
      return undefined;
    }
    bounds(v, s, base, step, key, out.problems);
    return v;
  };
}

function compileNumber(s: NumberSchema): Decoder {
  return (v, base, step, key, out) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(base, step, key, s, v, out);
    bounds(v, s, base, step, key, out.problems);
    return v;
  };
}

function compileList(s: ListSchema): Decoder {
  let items: Decoder | undefined;
  return (v, base, step, key, out) => {
    if (!Array.isArray(v)) return fail(base, step, key, s, v, out);
    const path = pathOf(base, step, key);
    if (s.maxItems !== undefined && v.length > s.maxItems) out.problems.push(`${path}: Too many: ${v.length}: must have at most ${s.maxItems} items`);
    if (s.minItems !== undefined && v.length < s.minItems) out.problems.push(`${path}: Invalid value: ${v.length}: ${path} in body should have at least ${s.minItems} items`);
    const item = (items ??= decoderOf(s.items));
    // As v.map would: a hole stays a hole.
    const decoded: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) continue;
      const x: unknown = v[i];
      decoded[i] = x === null || x === undefined ? (fail(path, ITEM, i, s.items, x, out) ?? null) : (item(x, path, ITEM, i, out) ?? null);
    }
    if (s.mapKeys) duplicateKeys(decoded, s.mapKeys, path, out.problems);
    return decoded;
  };
}

function duplicateKeys(items: unknown[], keys: readonly string[], path: string, problems: string[]): void {
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!(i in items) || !isObject(item)) continue;
    const key: Record<string, unknown> = {};
    for (const k of keys) key[k] = item[k];
    const text = JSON.stringify(key);
    if (seen.has(text)) problems.push(`${path}[${i}]: Duplicate value: ${text}`);
    seen.add(text);
  }
}

function compileMap(s: MapSchema): Decoder {
  let values: Decoder | undefined;
  return (v, base, step, key, out) => {
    if (!isObject(v)) return fail(base, step, key, s, v, out);
    const path = pathOf(base, step, key);
    const keys = Object.keys(v);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties) out.problems.push(`${path}: Too many: ${keys.length}: must have at most ${s.maxProperties} items`);
    const value = (values ??= decoderOf(s.values));
    const result: Record<string, unknown> = {};
    for (const k of keys) {
      const x = v[k];
      const d = x === null || x === undefined ? fail(path, ITEM, k, s.values, x, out) : value(x, path, ITEM, k, out);
      if (d !== undefined) result[k] = d;
    }
    return result;
  };
}

const hasOwn = Object.prototype.hasOwnProperty;

function compileObject(s: ObjectSchema): Decoder {
  // The decoder of each field, by name, made when the field is first seen.
  const decoders: Record<string, Decoder> = Object.create(null);
  return (v, base, step, key, out) => {
    if (!isObject(v)) return fail(base, step, key, s, v, out);
    const path = pathOf(base, step, key);
    const result: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      // Own fields only: `toString` is an unknown field, not Object.prototype's.
      const fs = hasOwn.call(s.fields, k) ? s.fields[k] : undefined;
      if (fs === undefined) {
        out.problems.push(`unknown field "${path}.${k}"`);
        continue;
      }
      const x = v[k];
      if (x === undefined || x === null) continue;
      const d = (decoders[k] ??= decoderOf(fs))(x, path, FIELD, k, out);
      if (d !== undefined) result[k] = d;
    }
    if (s.required) {
      for (const r of s.required) if (v[r] === undefined || v[r] === null) out.problems.push(requiredProblem(`${path}.${r}`));
    }
    if (s.oneOf) {
      for (const group of s.oneOf) {
        const set = group.filter((g) => v[g] !== undefined && v[g] !== null);
        if (set.length > 1) out.problems.push(`${path}: only one of ${group.join(', ')} may be set (given: ${set.join(', ')})`);
      }
    }
    return result;
  };
}

/** True when the key is the CEL `has()`: present and not null. */
export function has(o: Record<string, unknown>, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}
