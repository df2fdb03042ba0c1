// Decoding of the Kubernetes protobuf encoding for the built-in kinds kubectl's typed commands send
// that way (`kubectl create namespace|configmap|service|deployment|serviceaccount|job`, `run`,
// `expose`, `auth can-i`, `auth whoami` post application/vnd.kubernetes.protobuf). The field
// tables (protos.json) are made from the generated.proto files of k8s.io/api and apimachinery at
// the real server's release (test/conformance/protos.test.ts). Answers stay JSON: client-go decodes
// by the response's Content-Type.
import { errors } from './status.ts';
import data from './protos.json' with { type: 'json' };

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

/** [JSON name, type, 'r' repeated | 'm' map of that type | '' single, 'o' when a zero value means absent]. */
type ProtoField = [string, string, string, string];
const MESSAGES = (data as unknown as { messages: Record<string, Record<string, ProtoField>> }).messages;

type Field = { num: number; wire: number; value: bigint | Buffer };

function readVarint(b: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= b.length) throw new Error('truncated varint');
    const byte = b[pos++];
    result |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [result, pos];
    shift += 7n;
  }
}

function fields(b: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < b.length) {
    const [key, p1] = readVarint(b, pos);
    pos = p1;
    const num = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(b, pos);
      out.push({ num, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(b, pos);
      const end = p2 + Number(len);
      if (end > b.length) throw new Error('truncated field');
      out.push({ num, wire, value: b.subarray(p2, end) });
      pos = end;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (pos + size > b.length) throw new Error('truncated field');
      out.push({ num, wire, value: b.subarray(pos, pos + size) });
      pos += size;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

function rfc3339(seconds: bigint, nanos: number, micro: boolean): string {
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return micro ? `${iso.slice(0, 19)}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso.slice(0, 19)}Z`;
}

function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let n = neg ? -ns : ns;
  const h = n / 3_600_000_000_000n;
  n %= 3_600_000_000_000n;
  const m = n / 60_000_000_000n;
  n %= 60_000_000_000n;
  const s = Number(n) / 1e9;
  const out = `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
  return neg ? `-${out}` : out;
}

/** The JSON form of the well-known apimachinery messages (Time, IntOrString, Quantity, raw JSON). */
function special(type: string, b: Buffer): { value: unknown } | undefined {
  const num = (f: Field | undefined) => (f ? (f.value as bigint) : 0n);
  switch (type) {
    case `${META}.Time`:
    case `${META}.MicroTime`: {
      const fs = fields(b);
      const seconds = num(fs.find((f) => f.num === 1));
      const nanos = Number(num(fs.find((f) => f.num === 2)));
      // Go's zero Time is JSON null.
      return { value: seconds === 0n && nanos === 0 ? null : rfc3339(seconds, nanos, type.endsWith('MicroTime')) };
    }
    case `${META}.Duration`:
      return { value: goDuration(BigInt.asIntN(64, num(fields(b).find((f) => f.num === 1)))) };
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString': {
      const fs = fields(b);
      const kind = num(fs.find((f) => f.num === 1));
      if (kind === 1n) return { value: (fs.find((f) => f.num === 3)?.value as Buffer | undefined)?.toString('utf8') ?? '' };
      return { value: Number(BigInt.asIntN(32, num(fs.find((f) => f.num === 2)))) };
    }
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { value: (fields(b).find((f) => f.num === 1)?.value as Buffer | undefined)?.toString('utf8') ?? '0' };
    case `${META}.FieldsV1`:
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension': {
      const raw = fields(b).find((f) => f.num === 1)?.value as Buffer | undefined;
      return { value: raw && raw.length ? JSON.parse(raw.toString('utf8')) : {} };
    }
    default:
      return undefined;
  }
}

function scalar(type: string, f: Field): unknown {
  const v = f.value;
  switch (type) {
    case 'string':
      return (v as Buffer).toString('utf8');
    case 'bytes':
      return (v as Buffer).toString('base64');
    case 'bool':
      return (v as bigint) !== 0n;
    case 'int32':
    case 'int64':
      return Number(BigInt.asIntN(64, v as bigint));
    case 'uint32':
    case 'uint64':
      return Number(v as bigint);
    case 'sint32':
    case 'sint64': {
      const n = v as bigint;
      return Number((n >> 1n) ^ -(n & 1n));
    }
    case 'double':
    case 'fixed64':
      return (v as Buffer).readDoubleLE(0);
    case 'float':
    case 'fixed32':
      return (v as Buffer).readFloatLE(0);
    default:
      throw new Error(`unsupported field type ${type}`);
  }
}

function value(type: string, f: Field): unknown {
  if (!MESSAGES[type]) return scalar(type, f);
  const b = f.value as Buffer;
  const s = special(type, b);
  return s ? s.value : decodeMessage(b, type);
}

function decodeMessage(b: Buffer, type: string): Record<string, unknown> {
  const table = MESSAGES[type];
  const out: Record<string, any> = {};
  for (const f of fields(b)) {
    const def = table?.[f.num];
    if (!def) continue;
    const [name, ftype, label, omitZero] = def;
    if (label === 'm') {
      const entry = fields(f.value as Buffer);
      const k = entry.find((e) => e.num === 1);
      const v = entry.find((e) => e.num === 2);
      out[name] ??= {};
      out[name][k ? (k.value as Buffer).toString('utf8') : ''] = v ? value(ftype, v) : MESSAGES[ftype] ? {} : ftype === 'string' ? '' : 0;
    } else if (label === 'r') {
      // Packed scalars (one length-delimited field holding many varints) are read too.
      if (f.wire === 2 && !MESSAGES[ftype] && ftype !== 'string' && ftype !== 'bytes') {
        const buf = f.value as Buffer;
        let pos = 0;
        while (pos < buf.length) {
          const [n, p] = readVarint(buf, pos);
          (out[name] ??= []).push(scalar(ftype, { num: f.num, wire: 0, value: n }));
          pos = p;
        }
      } else (out[name] ??= []).push(value(ftype, f));
    } else {
      const v = value(ftype, f);
      // The encoding writes every non-pointer field; Go's JSON leaves an omitempty one out when zero.
      if (omitZero === 'o' && (v === '' || v === 0 || v === false)) continue;
      out[name] = v;
    }
  }
  return out;
}

/** The message of a built-in kind: apiVersion apps/v1 kind Deployment is k8s.io.api.apps.v1.Deployment. */
function messageOf(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/\./g, '');
  const name = `k8s.io.api.${pkg}.${version}.${kind}`;
  return MESSAGES[name] ? name : undefined;
}

/** Decodes a `k8s\0`-prefixed runtime.Unknown holding a built-in kind into its JSON form. */
export function decodeProtobuf(body: Buffer, expectedKind: string): Record<string, unknown> {
  const bad = (why: string) => errors.badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): ${why}`);
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw bad('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  let unknown: Record<string, any>;
  try {
    unknown = decodeMessage(body.subarray(4), 'k8s.io.apimachinery.pkg.runtime.Unknown');
  } catch (e) {
    throw bad((e as Error).message);
  }
  const apiVersion: string = unknown.typeMeta?.apiVersion || 'v1';
  const kind: string = unknown.typeMeta?.kind ?? expectedKind;
  const message = messageOf(apiVersion, kind);
  if (!message) throw errors.unsupportedMediaType(PROTOBUF_CONTENT_TYPE, false);
  let obj: Record<string, unknown>;
  try {
    obj = decodeMessage(Buffer.from(unknown.raw ?? '', 'base64'), message);
  } catch (e) {
    throw bad((e as Error).message);
  }
  return { apiVersion, kind, ...obj };
}

/** Whether a kind (of a group-version) can come as protobuf: the built-in ones serve holds. */
export function protobufKindSupported(kind: string, apiVersion = 'v1'): boolean {
  return messageOf(apiVersion, kind) !== undefined;
}
