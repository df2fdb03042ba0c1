// What the Istio 0.4 kinds (RouteRule, DestinationPolicy, IngressRule) share: reading a spec the way
// istioctl 0.4's decoder did, and the validators of IstioService, labels, durations, percents and
// header names with Istio 0.4's messages. Pure.
//
// Sources: istio/istio@0.4.0 pilot/model/validation.go (the rules and messages), pilot/model/
// conversion.go (ApplyJSON: golang/protobuf jsonpb for the routing.v1alpha1 messages, whose Go types
// are golang/protobuf ones), golang/protobuf@83cd65fc (pinned in pilot/Gopkg.lock) jsonpb.go, and
// Go 1.9's time.ParseDuration (istioctl 0.4 was built with go1.9.2: bin/install-go.sh).
//
// Reading (jsonpb, strict: Unmarshaler{} has AllowUnknownFields false):
// - Field names in proto or lowerCamel form, mixed freely. A field given in both spellings is a
//   problem here (jsonpb silently kept the lowerCamel one). Unknown fields are problems by path.
// - null reads as absent. (jsonpb agrees for messages, lists and scalars; a null oneof member still
//   set the oneof, and a null list entry or header match crashed istioctl: both are problems here.)
// - Durations are strings parsed by Go's time.ParseDuration: "1s", "1.5s", "100ms", "1m30s", "-1s"
//   all decode. The {seconds, nanos} object and bare numbers were decode errors ("invalid syntax")
//   and are problems here. On output they are written as jsonpb writes them: "1.500s", "0.100s".
// - int32 must be a JSON integer in range (a string is an error); int64 may also be a decimal
//   string and is written as a string, as jsonpb does; float fields are float32 ("NaN",
//   "Infinity", "-Infinity" strings accepted) and are written in float32's shortest form.
// - Enums by name (case-sensitive) or by number. jsonpb accepted any int32 and wrote an unknown one
//   back as a bare number; here only the enum's numbers are accepted, and written as names.
// - google.protobuf.Any needs "@type"; jsonpb resolved the message named after the last "/" among
//   the messages compiled into istioctl, and an unknown one was a decode error (unknown message
//   type "x.Y"). Here only the google.protobuf well-known types resolve, written as
//   {"@type": T, "value": V} as jsonpb requires for them; any other type is a problem.
// - Two members of one oneof given together: jsonpb kept one of them at random; a problem here.
// - Output is what jsonpb's Marshaler{} sends: lowerCamel names in proto order, false/0/"" and
//   empty lists and maps left out; a present message stays even when empty (`rewrite: {}` is a
//   value, and an error), a oneof member keeps a zero value (`httpStatus: 0`), and a BoolValue keeps
//   false. An empty `route: []` counts in validation (0.4 said `route weights total 0`).
// These facts were checked by running Istio 0.4.0's validation.go with that jsonpb on the specs of
// the tests (fixtures/istio-0.4/validation-cases.yaml says how its errors were got).
//
// Validation collects every problem, in Istio 0.4's append order; where Go ranged over a map
// (labels, headers, appendHeaders) keys are taken in sorted order. Problems found while reading
// come first, in proto field order; a value that could not be read is not validated further, so
// its absence raises no second message (see Broken). Messages printed with Go's %q use goQuote.
//
// Added context. Istio's message always comes first, unchanged. Where it does not by itself pin
// down which field it is about (the shared IstioService, label, header-name and duration checks,
// list entries, the two fault percents), ` (PATH)` follows, PATH written as `spec.route[1].weight`
// (map keys as `.key`, or `["key"]` when not a plain name). When Istio's text does not already show
// the offending value, the value follows the path as JSON: `weight invalid:  must be in range
// 0..100 (spec.route[1].weight: 120)`.
//
// Differences from 0.4 on purpose: IPv4 addresses and blocks are parsed strictly (four decimal
// parts, no leading zeros, which Go 1.9's net.ParseIP read as decimal; IPv4-mapped IPv6 forms
// refused); a NaN percent is out of range (0.4's comparison let it through).

import ipaddr from 'ipaddr.js';
import { parseCidr, parseIPv4 } from '../cidr.ts';
import { absent, fieldTable, isObject, readFields, show, type FieldValues } from '../fields.ts';
import { isDNS1123Label } from '../names.ts';

/** An IstioService reference as sent: lowerCamel names, empty values left out. */
export interface IstioService {
  name?: string;
  namespace?: string;
  domain?: string;
  service?: string;
  labels?: Record<string, string>;
}

/** A google.protobuf.Any as jsonpb writes a well-known type in it. */
export interface AnyValue {
  '@type': string;
  value: unknown;
}

/** Paths whose values could not be read: checks that depend on them are skipped. */
export interface Broken {
  has(path: string): boolean;
  under(prefix: string): boolean;
}

/** The path of a map entry: `base.key`, or `base["key"]` when the key is not a plain name. */
export function mapPath(base: string, key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/**
 * The added context: ` (PATH)`, or ` (PATH: VALUE)` when Istio's text does not already show the
 * value. Istio shows a value either quoted (`name "x" must be ...`) or, for addresses, first
 * (`x is not a valid IP`).
 */
export function at(message: string, path: string, value?: unknown): string {
  const shown = typeof value === 'string' && value !== '' && (message.includes(goQuote(value)) || message.startsWith(`${value} `));
  if (value === undefined || shown) return `${message} (${path})`;
  return `${message} (${path}: ${JSON.stringify(value)})`;
}

/** Go's %q for a string (strconv.Quote): escapes as Go writes them. */
export function goQuote(s: string): string {
  const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' };
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (named[ch] !== undefined) out += named[ch];
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

// ---------------------------------------------------------------------------------------------
// Reading (jsonpb semantics)

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Reads the values of one spec, collecting problems and the paths that could not be read. */
export class SpecReader implements Broken {
  readonly problems: string[] = [];
  /** Made at the first path that could not be read (most specs have none). */
  private bad: Set<string> | undefined;

  fail(path: string, text: string): undefined {
    this.problems.push(`${path}: ${text}`);
    (this.bad ??= new Set()).add(path);
    return undefined;
  }

  expected(path: string, what: string, v: unknown): undefined {
    return this.fail(path, `expected ${what}, got ${v === null ? 'null' : show(v)}`);
  }

  has(path: string): boolean {
    return this.bad !== undefined && this.bad.has(path);
  }

  under(prefix: string): boolean {
    if (this.bad === undefined) return false;
    for (const p of this.bad) if (p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`)) return true;
    return false;
  }

  /** A message: its fields by lowerCamel name, or undefined when absent or not an object. */
  message(v: unknown, fields: Record<string, string>, path: string): FieldValues | undefined {
    if (absent(v)) return undefined;
    if (!isObject(v)) return this.expected(path, 'an object', v);
    return readFields(v, fields, `${path}.`, this.problems);
  }

  /** A string; '' reads as absent unless `keep` (a oneof member, where presence counts). */
  string(v: unknown, path: string, keep = false): string | undefined {
    if (absent(v)) return undefined;
    if (typeof v !== 'string') return this.expected(path, 'a string', v);
    return v === '' && !keep ? undefined : v;
  }

  bool(v: unknown, path: string): true | undefined {
    if (absent(v)) return undefined;
    if (typeof v !== 'boolean') return this.expected(path, 'a boolean', v);
    return v || undefined;
  }

  int32(v: unknown, path: string, keep = false): number | undefined {
    if (absent(v)) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.expected(path, 'an integer', v);
    if (v < INT32_MIN || v > INT32_MAX) return this.fail(path, `${v} is out of range for int32`);
    return v === 0 && !keep ? undefined : v;
  }

  /** int64: a JSON integer or a decimal string; written back as a string, as jsonpb does. */
  int64(v: unknown, path: string): string | undefined {
    if (absent(v)) return undefined;
    let n: bigint;
    if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
    else if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) n = BigInt(v);
    else return this.expected(path, 'an integer (or a decimal string)', v);
    if (n < -(2n ** 63n) || n >= 2n ** 63n) return this.fail(path, `${v} is out of range for int64`);
    return n === 0n ? undefined : n.toString();
  }

  /** float (float32) or double: a number, or "NaN", "Infinity", "-Infinity". */
  float(v: unknown, path: string, bits: 32 | 64 = 32, keep = false): number | undefined {
    if (absent(v)) return undefined;
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && v in NON_FINITE) n = NON_FINITE[v]!;
    else return this.expected(path, 'a number', v);
    if (bits === 32 && Number.isFinite(n)) {
      if (Math.abs(n) > 3.4028234663852886e38) return this.fail(path, `${v} is out of range for float`);
      n = float32Shortest(n);
    }
    return n === 0 && !keep ? undefined : n;
  }

  duration(v: unknown, path: string): string | undefined {
    if (absent(v)) return undefined;
    if (typeof v !== 'string') return this.expected(path, 'a duration string such as "1.5s" or "100ms"', v);
    const d = parseGoDuration(v);
    if (typeof d === 'string') return this.fail(path, `bad Duration: ${d}`);
    return formatDuration(d);
  }

  /** An enum by name or number; written as its name. `names[i]` is the name of number i. */
  enumName(v: unknown, path: string, enumType: string, names: readonly string[]): string | undefined {
    if (absent(v)) return undefined;
    if (typeof v === 'string') return names.includes(v) ? v : this.fail(path, `unknown value ${JSON.stringify(v)} for enum ${enumType}`);
    if (typeof v === 'number' && Number.isInteger(v)) return names[v] ?? this.fail(path, `unknown value ${v} for enum ${enumType} (${names.join(', ')})`);
    return this.expected(path, `one of ${names.join(', ')}`, v);
  }

  /** A list of strings; a null entry reads as "" (jsonpb). Empty reads as absent. */
  stringList(v: unknown, path: string): string[] | undefined {
    const items = this.list(v, path);
    if (!items) return undefined;
    const out: string[] = [];
    items.forEach((x, i) => {
      if (absent(x)) out.push('');
      else if (typeof x !== 'string') this.expected(`${path}[${i}]`, 'a string', x);
      else out.push(x);
    });
    return out.length > 0 ? out : undefined;
  }

  list(v: unknown, path: string): unknown[] | undefined {
    if (absent(v)) return undefined;
    if (!Array.isArray(v)) return this.expected(path, 'a list', v);
    return v;
  }

  /**
   * A map<string, string>; a null value reads as "" (jsonpb), where fields.ts readStringMap would
   * refuse it, and odd keys are written as `["key"]` in paths. Empty reads as absent.
   */
  stringMap(v: unknown, path: string): Record<string, string> | undefined {
    if (absent(v)) return undefined;
    if (!isObject(v)) return this.expected(path, 'a map of strings', v);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
      if (absent(x)) out[k] = '';
      else if (typeof x !== 'string') this.expected(mapPath(path, k), 'a string', x);
      else out[k] = x;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  /** The one member of a oneof that is given, or undefined; more than one is a problem. */
  oneof(f: FieldValues, path: string, oneofName: string, members: readonly string[]): string | undefined {
    let first: string | undefined;
    let more = false;
    for (const m of members) {
      if (absent(f.get(m))) continue;
      if (first === undefined) first = m;
      else more = true;
    }
    if (!more) return first;
    const given = members.filter((m) => !absent(f.get(m)));
    if (given.length > 1) {
      this.fail(path, `only one of ${given.map((g) => JSON.stringify(g)).join(', ')} may be given (oneof ${oneofName})`);
      for (const g of given) this.bad!.add(`${path}.${g}`);
      return undefined;
    }
    return given[0];
  }

  /** A google.protobuf.Any holding a well-known type. */
  any(v: unknown, path: string): AnyValue | undefined {
    if (absent(v)) return undefined;
    if (!isObject(v)) return this.expected(path, 'an object with "@type"', v);
    const url = v['@type'];
    if (absent(url)) return this.fail(path, `Any JSON doesn't have '@type'`);
    if (typeof url !== 'string') return this.fail(path, `can't unmarshal Any's '@type': ${JSON.stringify(url)}`);
    const name = url.slice(url.lastIndexOf('/') + 1);
    const read = WELL_KNOWN[name];
    if (!read) return this.fail(path, `unknown message type ${JSON.stringify(name)} (only the google.protobuf well-known types can be read in an Any)`);
    for (const k of Object.keys(v)) if (k !== '@type' && k !== 'value') this.problems.push(`unknown field "${path}.${k}"`);
    if (!('value' in v)) return this.fail(path, `Any JSON doesn't have 'value'`);
    const value = read(this, v.value, `${path}.value`);
    return value === undefined ? undefined : { '@type': url, value };
  }
}

type WellKnownReader = (r: SpecReader, v: unknown, path: string) => unknown;

const wrapped = (pick: (r: SpecReader, v: unknown, path: string) => unknown, zero: unknown): WellKnownReader =>
  (r, v, path) => (absent(v) ? r.expected(path, 'a value', v) : pick(r, v, path) ?? (r.has(path) ? undefined : zero));

/** The google.protobuf well-known types an Any can hold, each read from its "value". */
const WELL_KNOWN: Record<string, WellKnownReader> = {
  'google.protobuf.Duration': (r, v, path) => (absent(v) ? r.expected(path, 'a duration string', v) : r.duration(v, path)),
  'google.protobuf.Struct': (r, v, path) => (isObject(v) ? v : r.expected(path, 'an object', v)),
  'google.protobuf.ListValue': (r, v, path) => (Array.isArray(v) ? v : r.expected(path, 'a list', v)),
  'google.protobuf.Value': (r, v, path) => (v === undefined ? r.expected(path, 'a value', v) : v),
  'google.protobuf.BoolValue': wrapped((r, v, p) => (typeof v === 'boolean' ? v : r.expected(p, 'a boolean', v)), false),
  'google.protobuf.StringValue': wrapped((r, v, p) => r.string(v, p, true), ''),
  'google.protobuf.BytesValue': wrapped((r, v, p) => (typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0 ? v : r.expected(p, 'base64 text', v)), ''),
  'google.protobuf.Int32Value': wrapped((r, v, p) => r.int32(v, p, true), 0),
  'google.protobuf.UInt32Value': wrapped((r, v, p) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 4294967295 ? v : r.expected(p, 'an unsigned 32-bit integer', v)), 0),
  'google.protobuf.Int64Value': wrapped((r, v, p) => r.int64(v, p), '0'),
  'google.protobuf.UInt64Value': wrapped((r, v, p) => (/^[0-9]+$/.test(String(v)) && (typeof v === 'number' || typeof v === 'string') && BigInt(v) < 2n ** 64n ? BigInt(v).toString() : r.expected(p, 'an unsigned integer', v)), '0'),
  'google.protobuf.FloatValue': wrapped((r, v, p) => finite(r.float(v, p, 32, true)), 0),
  'google.protobuf.DoubleValue': wrapped((r, v, p) => finite(r.float(v, p, 64, true)), 0),
};

const finite = (n: number | undefined) => (n === undefined ? undefined : jsonNumber(n));

/** The float32 nearest to n, as the shortest decimal that reads back as that float32. */
export function float32Shortest(n: number): number {
  // An integer below 2^24 is a float32 itself, and no shorter decimal reads back as it.
  if (Number.isInteger(n) && Math.abs(n) < 16777216) return Math.fround(n);
  const f = Math.fround(n);
  if (!Number.isFinite(f) || f === 0) return f;
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return s;
  }
  return f;
}

/** Replaces non-finite numbers with the strings jsonpb writes for them. */
export function jsonNumber(n: number): number | string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return n;
}

// ---------------------------------------------------------------------------------------------
// Durations: Go 1.9's time.ParseDuration, and jsonpb's way of writing them

const NS = 1n;
const UNITS: Record<string, bigint> = { ns: NS, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n };
const MAX_INT64 = 2n ** 63n - 1n;

/** Go's leadingInt: the leading digits as an int64, or undefined on overflow. */
function leadingInt(s: string): { x: bigint; rest: string } | undefined {
  let i = 0;
  let x = 0n;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (x > MAX_INT64 / 10n) return undefined;
    x = x * 10n + BigInt(c - 48);
    if (x > MAX_INT64) return undefined;
  }
  return { x, rest: s.slice(i) };
}

/**
 * Remembers a pure function's results by their string argument (durations repeat across a
 * stream: "5s", "100ms"), up to a bound. Results are primitives; thrown errors are not kept.
 */
function memo<K, V>(f: (k: K) => V): (k: K) => V {
  const known = new Map<K, V>();
  return (k) => {
    let v = known.get(k);
    if (v === undefined) {
      v = f(k);
      if (known.size < 10_000) known.set(k, v);
    }
    return v;
  };
}

/** Go 1.9 time.ParseDuration: nanoseconds, or Go's error text. */
export const parseGoDuration: (orig: string) => bigint | string = memo(parseDuration);

function parseDuration(orig: string): bigint | string {
  const invalid = `time: invalid duration ${orig}`;
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return invalid;
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) return invalid;
    const before = leadingInt(s);
    if (!before) return invalid;
    const pre = before.rest.length !== s.length;
    s = before.rest;
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      const after = leadingInt(s);
      if (!after) return invalid;
      for (let n = s.length - after.rest.length; n > 0; n--) scale *= 10;
      post = after.rest.length !== s.length;
      f = after.x;
      s = after.rest;
    }
    if (!pre && !post) return invalid;
    let i = 0;
    while (i < s.length && s[i] !== '.' && !(s[i]! >= '0' && s[i]! <= '9')) i++;
    if (i === 0) return `time: missing unit in duration ${orig}`;
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS[u];
    if (unit === undefined) return `time: unknown unit ${u} in duration ${orig}`;
    if (before.x > MAX_INT64 / unit) return invalid;
    let v = before.x * unit;
    if (f > 0n) {
      // Go: v += int64(float64(f) * (float64(unit) / scale)), in float64 as Go does it.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > MAX_INT64) return invalid;
    }
    d += v;
    if (d > MAX_INT64) return invalid;
  }
  return neg ? -d : d;
}

/** jsonpb's Duration text: `fmt.Sprintf("%.9f", d.Seconds())`, "000" trimmed twice, then "s". */
export const formatDuration: (nanos: bigint) => string = memo(formatNanos);

function formatNanos(nanos: bigint): string {
  const seconds = Number(nanos / 1000000000n) + Number(nanos % 1000000000n) / 1e9;
  let x = seconds.toFixed(9);
  for (let i = 0; i < 2; i++) if (x.endsWith('000')) x = x.slice(0, -3);
  return `${x}s`;
}

/** The nanoseconds of a duration as formatDuration wrote it. */
export const durationNanos: (text: string) => bigint = memo(nanosOfText);

function nanosOfText(text: string): bigint {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?s$/.exec(text);
  if (!m) throw new Error(`not a normalised duration: ${text}`);
  const n = BigInt(m[2]!) * 1000000000n + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] ? -n : n;
}

// ---------------------------------------------------------------------------------------------
// IstioService: reading

const ISTIO_SERVICE_FIELDS = fieldTable('name', 'namespace', 'domain', 'service', 'labels');

export function readIstioService(r: SpecReader, v: unknown, path: string): IstioService | undefined {
  const f = r.message(v, ISTIO_SERVICE_FIELDS, path);
  if (!f) return undefined;
  const svc: IstioService = {};
  for (const k of ['name', 'namespace', 'domain', 'service'] as const) {
    const s = r.string(f.get(k), `${path}.${k}`);
    if (s !== undefined) svc[k] = s;
  }
  const labels = r.stringMap(f.get('labels'), `${path}.labels`);
  if (labels) svc.labels = labels;
  return svc;
}

// ---------------------------------------------------------------------------------------------
// Validators of Istio 0.4 (pilot/model/validation.go)

const TAG = /^[-A-Za-z0-9_./]*$/;

/** Labels.Validate, keys in sorted order. */
export function checkTags(labels: Record<string, string> | undefined, path: string): string[] {
  const out: string[] = [];
  for (const k of Object.keys(labels ?? {}).sort()) {
    if (!TAG.test(k)) out.push(at(`invalid tag key: ${goQuote(k)}`, path));
    if (!TAG.test(labels![k]!)) out.push(at(`invalid tag value: ${goQuote(labels![k]!)}`, mapPath(path, k)));
  }
  return out;
}

/** True when `service` is written as a CIDR block (Istio 0.4: exactly one `/`). */
export function isCidrService(service: string): boolean {
  return service.indexOf('/') >= 0 && service.indexOf('/') === service.lastIndexOf('/');
}

/** ValidateFQDN of 0.4: the length checks and the label check both run (two errors for ""). */
export function checkFQDN04(fqdn: string): string[] {
  const out: string[] = [];
  if (fqdn.length > 255) out.push(`domain name ${goQuote(fqdn)} too long (max 255)`);
  else if (fqdn.length === 0) out.push('empty domain name not allowed');
  let bad: string | undefined;
  for (const label of fqdn.split('.')) {
    if (!isDNS1123Label(label)) {
      bad = label;
      break;
    }
  }
  if (bad !== undefined) out.push(`domain name ${goQuote(fqdn)} invalid (label ${goQuote(bad)} invalid)`);
  return out;
}

/** ValidateEgressRuleService: a CIDR block when it has one `/`, else a domain with a leading wildcard. */
export function checkServiceName04(service: string): string[] {
  if (isCidrService(service)) {
    const r = parseCidr(service);
    return r.ok ? [] : [r.error];
  }
  if (service.length === 0) return ['domain must not be empty string'];
  let d = service;
  if (d[0] === '*') {
    d = d.slice(1);
    if (d.length === 0) return [];
    if (d[0] === '.' || d[0] === '-') d = d.slice(1);
  }
  return checkFQDN04(d);
}

/** ValidateIstioService, with the reference's path added where a message does not show it. */
export function checkIstioService(svc: IstioService, path: string, broken: Broken): string[] {
  const out: string[] = [];
  const { name = '', namespace = '', domain = '', service = '' } = svc;
  if (!broken.has(`${path}.name`) && !broken.has(`${path}.service`)) {
    if (name === '' && service === '') out.push(at('name or service is mandatory for a service reference', path));
    else if (service !== '' && name !== '') out.push(at('specify either name or service, not both', path));
    else if (service !== '') {
      out.push(...checkServiceName04(service).map((m) => at(m, `${path}.service`, service)));
      if (namespace !== '') out.push(at('namespace is not valid when service is provided', `${path}.namespace`, namespace));
      if (domain !== '') out.push(at('domain is not valid when service is provided', `${path}.domain`, domain));
    } else if (!isDNS1123Label(name)) out.push(at(`name ${goQuote(name)} must be a valid label`, `${path}.name`));
  }
  if (namespace !== '' && !isDNS1123Label(namespace)) out.push(at(`namespace ${goQuote(namespace)} must be a valid label`, `${path}.namespace`));
  if (domain !== '') out.push(...checkFQDN04(domain).map((m) => at(m, `${path}.domain`, domain)));
  out.push(...checkTags(svc.labels, `${path}.labels`));
  return out;
}

/** ValidateDuration on a duration as read (jsonpb never makes one out of ptypes' range). */
export function checkDuration(d: string | undefined): string | undefined {
  if (d === undefined) return 'duration: nil Duration';
  const n = durationNanos(d);
  if (n < 1000000n) return 'duration must be greater than 1ms';
  if (n % 1000000n !== 0n) return 'only durations to ms precision is supported';
  return undefined;
}

/** ValidatePercent (int32). */
export function checkPercent(n: number | undefined): string | undefined {
  const v = n ?? 0;
  return v < 0 || v > 100 ? 'must be in range 0..100' : undefined;
}

/** ValidateFloatPercent (float32); NaN is out of range here (0.4 let it through). */
export function checkFloatPercent(n: number | undefined): string | undefined {
  const v = Math.fround(n ?? 0);
  return !(v >= 0 && v <= 100) ? 'must be in range 0..100' : undefined;
}

/** ValidateHTTPHeaderName. */
export function checkHeaderName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.toLowerCase() !== name) return 'must be in lower case';
  return undefined;
}

/** ValidateIPv4Subnet: `a.b.c.d/n` when there is one `/`, else a dotted address. */
export function checkIPv4Subnet(subnet: string): string | undefined {
  if (isCidrService(subnet)) {
    const r = parseCidr(subnet);
    return r.ok ? undefined : r.error;
  }
  if (parseIPv4(subnet) !== undefined) return undefined;
  if (subnet.includes(':') && ipaddr.IPv6.isValid(subnet)) return `${subnet} is not a valid IPv4 address`;
  return `${subnet} is not a valid IP`;
}
