// The protobuf field tables serve decodes request bodies with (src/server/protos.json): kubectl's
// typed commands (create deployment, create serviceaccount, run, expose, auth can-i, auth whoami)
// send built-in kinds as application/vnd.kubernetes.protobuf. Made from the generated.proto files
// of k8s.io/api and k8s.io/apimachinery at the release the real server is built from (in the Go
// module cache once it is built); test/conformance/protos.test.ts checks the file, and
// REFRESH_PROTOS=1 rewrites it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BUILTIN_GROUPS } from '../../src/server/resources.ts';

/**
 * A field: [JSON name, type, 'r' repeated | 'm' map (type is the value's) | '' single, 'o' when a
 * zero value means absent (a Go field that is not a pointer and is omitempty, so Go's JSON leaves
 * it out; the protobuf encoding writes it all the same)].
 */
export type ProtoField = [string, string, 'r' | 'm' | '', 'o' | ''];
export type ProtoMessages = Record<string, Record<string, ProtoField>>;

const SCALARS = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float', 'fixed64', 'fixed32', 'sint32', 'sint64']);

/** The messages of one generated.proto, with their fully qualified names; field types qualified too. */
export function parseProto(text: string): ProtoMessages {
  const pkg = /^package\s+([\w.]+);/m.exec(text)?.[1] ?? '';
  const body = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const out: ProtoMessages = {};
  const qualify = (t: string) => (SCALARS.has(t) ? t : t.startsWith('.') ? t.slice(1) : t.includes('.') ? t : `${pkg}.${t}`);
  for (const m of body.matchAll(/message\s+(\w+)\s*\{([^}]*)\}/g)) {
    const fields: Record<string, ProtoField> = {};
    for (const f of m[2].matchAll(/(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;|map<\s*string\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;/g)) {
      if (f[1]) fields[f[4]] = [f[3], qualify(f[2]), f[1] === 'repeated' ? 'r' : '', ''];
      else fields[f[7]] = [f[6], qualify(f[5]), 'm', ''];
    }
    out[`${pkg}.${m[1]}`] = fields;
  }
  return out;
}

/**
 * The Go structs of the packages' sources: per struct, the protobuf field numbers whose Go field is
 * neither a pointer, a slice nor a map and is tagged omitempty (a zero value there is omitted).
 */
export function omitZeroFields(goSources: string[], pkg: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const text of goSources) {
    for (const m of text.matchAll(/^type (\w+) struct \{([\s\S]*?)^\}/gm)) {
      const set = new Set<number>();
      for (const line of m[2].split('\n')) {
        const f = /^\s+\w+\s+(\S+)\s+`([^`]*)`/.exec(line);
        if (!f) continue;
        const json = /json:"[^"]*,omitempty/.test(f[2]);
        const proto = /protobuf:"\w+,(\d+),/.exec(f[2]);
        if (json && proto && !/^(\*|\[\]|map\[)/.test(f[1])) set.add(Number(proto[1]));
      }
      out.set(`${pkg}.${m[1]}`, set);
    }
  }
  return out;
}

/** Where the .proto files of a release are: the Go module cache the real server was built with. */
export function protoFiles(modCache: string, release: string): string[] {
  const api = join(modCache, 'k8s.io', `api@${release}`);
  const machinery = join(modCache, 'k8s.io', `apimachinery@${release}`);
  return [
    ...['core', 'apps', 'batch', 'authorization', 'authentication', 'events'].map((g) => join(api, g, 'v1', 'generated.proto')),
    ...['apis/meta/v1', 'runtime', 'runtime/schema', 'util/intstr', 'api/resource'].map((p) => join(machinery, 'pkg', p, 'generated.proto')),
  ];
}

/** The proto message of a schema component: io.k8s.api.core.v1.Pod is k8s.io.api.core.v1.Pod. */
export function protoName(schema: string): string {
  return schema.replace(/^io\.k8s\./, 'k8s.io.');
}

/** The messages serve's built-in kinds reach (and runtime.Unknown, the envelope), sorted by name. */
export function protoTable(files: string[]): ProtoMessages {
  const all: ProtoMessages = {};
  for (const f of files) {
    if (!existsSync(f)) throw new Error(`${f} is missing`);
    const messages = parseProto(readFileSync(f, 'utf8'));
    // The Go sources beside the .proto say which zero values mean absent.
    const dir = dirname(f);
    const pkg = /^package\s+([\w.]+);/m.exec(readFileSync(f, 'utf8'))?.[1] ?? '';
    const sources = readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go') && !n.startsWith('zz_generated') && n !== 'generated.pb.go').map((n) => readFileSync(join(dir, n), 'utf8'));
    const omit = omitZeroFields(sources, pkg);
    for (const [name, fields] of Object.entries(messages)) {
      for (const [num, field] of Object.entries(fields)) {
        const scalar = SCALARS.has(field[1]) && field[2] === '';
        if (scalar && omit.get(name)?.has(Number(num))) field[3] = 'o';
      }
    }
    Object.assign(all, messages);
  }
  const roots = ['k8s.io.apimachinery.pkg.runtime.Unknown'];
  for (const gv of BUILTIN_GROUPS) for (const t of gv.types) if (t.schema) roots.push(protoName(t.schema));
  const out: ProtoMessages = {};
  const stack = [...roots];
  while (stack.length) {
    const name = stack.pop()!;
    if (out[name]) continue;
    if (!all[name]) throw new Error(`no message ${name}`);
    out[name] = all[name];
    for (const [, type] of Object.values(all[name])) if (!SCALARS.has(type)) stack.push(type);
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}
