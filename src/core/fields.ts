// Reading untyped YAML/JSON values into config specs: type names for messages, maps of strings,
// and protobuf-style field tables (proto and lowerCamel names). Pure; shared by every kind.

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** How a value is named in a message: `string "x"`, `number 3`, `list`, `object`. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  return typeof v === 'string' ? `string "${v}"` : `${typeName(v)}${typeof v === 'object' && v !== null ? '' : ` ${String(v)}`}`;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Absent in the protobuf sense: not given, or null. */
export function absent(v: unknown): v is undefined | null {
  return v === undefined || v === null;
}

/**
 * A field table: each accepted input name -> its lowerCamel name. `fieldTable('use_egress_proxy')`
 * accepts `use_egress_proxy` and `useEgressProxy`, both read as `useEgressProxy`.
 */
export function fieldTable(...protoNames: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of protoNames) {
    const camel = p.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    out[p] = camel;
    out[camel] = camel;
  }
  return out;
}

/** The fields read from one message, by lowerCamel name. */
export interface FieldValues {
  get(name: string): unknown;
  has(name: string): boolean;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The values in a plain object, not two Maps per message (validation reads a dozen messages per object). */
class Values implements FieldValues {
  constructor(private readonly values: Record<string, unknown>) {}

  get(name: string): unknown {
    return hasOwn.call(this.values, name) ? this.values[name] : undefined;
  }

  has(name: string): boolean {
    return hasOwn.call(this.values, name);
  }
}

/**
 * Reads the fields of a message given in proto or lowerCamel names. `fields` maps each accepted
 * input name to its lowerCamel name (its own keys only: `toString` is an unknown field). Unknown
 * names and a field given twice are problems, named by path (`path` ends with `.` or is empty).
 */
export function readFields(obj: Record<string, unknown>, fields: Record<string, string>, path: string, problems: string[]): FieldValues {
  const values: Record<string, unknown> = {};
  const keys = Object.keys(obj);
  for (const key of keys) {
    const name = hasOwn.call(fields, key) ? fields[key] : undefined;
    if (name === undefined) {
      problems.push(`unknown field "${path}${key}"`);
      continue;
    }
    if (hasOwn.call(values, name)) {
      // The first key that gave this name.
      const other = keys.find((k) => hasOwn.call(fields, k) && fields[k] === name)!;
      problems.push(`field "${path}${key}" given twice (also as "${path}${other}")`);
      continue;
    }
    values[name] = obj[key];
  }
  return new Values(values);
}

/** A map of strings (labels, annotations); undefined when absent or empty. */
export function readStringMap(v: unknown, path: string, problems: string[]): Record<string, string> | undefined {
  if (absent(v)) return undefined;
  if (!isObject(v)) {
    problems.push(`${path}: expected a map of strings, got ${show(v)}`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') problems.push(`${path}.${k}: expected a string, got ${show(x)}`);
    else out[k] = x;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
