// Decoding of the Kubernetes protobuf encoding for the core kinds kubectl sends that way
// (`kubectl create namespace|configmap|service` post application/vnd.kubernetes.protobuf).
// Answers stay JSON: client-go decodes by the response's Content-Type. Field numbers are those
// of k8s.io/api/core/v1/generated.proto and apimachinery's meta/v1 and runtime generated.proto.
import { errors } from './status.ts';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

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
    } else if (wire === 1) {
      out.push({ num, wire, value: b.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 5) {
      out.push({ num, wire, value: b.subarray(pos, pos + 4) });
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

type Kind = 'string' | 'int' | 'bool' | 'bytes' | { msg: Schema } | { map: 'string' | 'bytes' } | 'intOrString' | 'time';
type Schema = Record<number, { name: string; kind: Kind; repeated?: boolean }>;

const TIME: Schema = {};
const OBJECT_META: Schema = {
  1: { name: 'name', kind: 'string' },
  2: { name: 'generateName', kind: 'string' },
  3: { name: 'namespace', kind: 'string' },
  5: { name: 'uid', kind: 'string' },
  6: { name: 'resourceVersion', kind: 'string' },
  7: { name: 'generation', kind: 'int' },
  11: { name: 'labels', kind: { map: 'string' } },
  12: { name: 'annotations', kind: { map: 'string' } },
  14: { name: 'finalizers', kind: 'string', repeated: true },
};
const SERVICE_PORT: Schema = {
  1: { name: 'name', kind: 'string' },
  2: { name: 'protocol', kind: 'string' },
  3: { name: 'port', kind: 'int' },
  4: { name: 'targetPort', kind: 'intOrString' },
  5: { name: 'nodePort', kind: 'int' },
  6: { name: 'appProtocol', kind: 'string' },
};
const SERVICE_SPEC: Schema = {
  1: { name: 'ports', kind: { msg: SERVICE_PORT }, repeated: true },
  2: { name: 'selector', kind: { map: 'string' } },
  3: { name: 'clusterIP', kind: 'string' },
  4: { name: 'type', kind: 'string' },
  5: { name: 'externalIPs', kind: 'string', repeated: true },
  7: { name: 'sessionAffinity', kind: 'string' },
  8: { name: 'loadBalancerIP', kind: 'string' },
  9: { name: 'loadBalancerSourceRanges', kind: 'string', repeated: true },
  10: { name: 'externalName', kind: 'string' },
  11: { name: 'externalTrafficPolicy', kind: 'string' },
  12: { name: 'healthCheckNodePort', kind: 'int' },
  13: { name: 'publishNotReadyAddresses', kind: 'bool' },
  17: { name: 'ipFamilyPolicy', kind: 'string' },
  18: { name: 'clusterIPs', kind: 'string', repeated: true },
  19: { name: 'ipFamilies', kind: 'string', repeated: true },
  20: { name: 'allocateLoadBalancerNodePorts', kind: 'bool' },
  21: { name: 'loadBalancerClass', kind: 'string' },
  22: { name: 'internalTrafficPolicy', kind: 'string' },
};
const NAMESPACE_SPEC: Schema = { 1: { name: 'finalizers', kind: 'string', repeated: true } };

const KINDS: Record<string, Schema> = {
  Namespace: { 1: { name: 'metadata', kind: { msg: OBJECT_META } }, 2: { name: 'spec', kind: { msg: NAMESPACE_SPEC } } },
  Service: { 1: { name: 'metadata', kind: { msg: OBJECT_META } }, 2: { name: 'spec', kind: { msg: SERVICE_SPEC } } },
  ConfigMap: {
    1: { name: 'metadata', kind: { msg: OBJECT_META } },
    2: { name: 'data', kind: { map: 'string' } },
    3: { name: 'binaryData', kind: { map: 'bytes' } },
    4: { name: 'immutable', kind: 'bool' },
  },
};
void TIME;

function decodeMessage(b: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, any> = {};
  for (const f of fields(b)) {
    const def = schema[f.num];
    if (!def) continue;
    let v: unknown;
    const k = def.kind;
    if (k === 'string') v = (f.value as Buffer).toString('utf8');
    else if (k === 'bytes') v = (f.value as Buffer).toString('base64');
    else if (k === 'int') v = Number(BigInt.asIntN(64, f.value as bigint));
    else if (k === 'bool') v = (f.value as bigint) !== 0n;
    else if (k === 'intOrString') {
      const ios = decodeMessage(f.value as Buffer, { 1: { name: 'type', kind: 'int' }, 2: { name: 'intVal', kind: 'int' }, 3: { name: 'strVal', kind: 'string' } });
      v = ios.type === 1 ? ios.strVal ?? '' : ios.intVal ?? 0;
    } else if (k === 'time') v = undefined;
    else if ('msg' in k) v = decodeMessage(f.value as Buffer, k.msg);
    else {
      const e = decodeMessage(f.value as Buffer, { 1: { name: 'key', kind: 'string' }, 2: { name: 'value', kind: k.map } });
      out[def.name] ??= {};
      out[def.name][String(e.key ?? '')] = e.value ?? '';
      continue;
    }
    if (def.repeated) (out[def.name] ??= []).push(v);
    else out[def.name] = v;
  }
  return out;
}

/** Decodes a `k8s\0`-prefixed runtime.Unknown holding a Namespace, Service or ConfigMap into its JSON form. */
export function decodeProtobuf(body: Buffer, expectedKind: string): Record<string, unknown> {
  const bad = (why: string) => errors.badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): ${why}`);
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw bad('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  let unknown: Record<string, any>;
  try {
    unknown = decodeMessage(body.subarray(4), {
      1: { name: 'typeMeta', kind: { msg: { 1: { name: 'apiVersion', kind: 'string' }, 2: { name: 'kind', kind: 'string' } } } },
      2: { name: 'raw', kind: 'bytes' },
    });
  } catch (e) {
    throw bad((e as Error).message);
  }
  const kind = unknown.typeMeta?.kind ?? expectedKind;
  const schema = KINDS[kind];
  if (!schema) throw errors.unsupportedMediaType(PROTOBUF_CONTENT_TYPE, false);
  let obj: Record<string, unknown>;
  try {
    obj = decodeMessage(Buffer.from(unknown.raw ?? '', 'base64'), schema);
  } catch (e) {
    throw bad((e as Error).message);
  }
  return { apiVersion: unknown.typeMeta?.apiVersion || 'v1', kind, ...obj };
}

export function protobufKindSupported(kind: string): boolean {
  return kind in KINDS;
}
