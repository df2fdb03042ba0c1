// What the API server does to every object it is sent: decoding checks (apiVersion, kind,
// namespace, name), ObjectMeta normalisation, unknown-field handling (fieldValidation), and the
// server-set metadata (uid, creationTimestamp, generation).
import { randomUUID } from 'node:crypto';
import { errors, type Cause } from './status.ts';
import { BUILTIN_GROUPS, groupVersion, type ResourceType } from './resources.ts';
import type { Obj } from './store.ts';
import { SCHEMAS, typeError, unknownFields, type SchemaNode } from './schema.ts';
import { dns1035LabelProblems, dns1123LabelProblems, dns1123SubdomainProblems } from '../core/names.ts';

const META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

function pruneUnknownMetadata(obj: Obj): string[] {
  const unknown: string[] = [];
  for (const k of Object.keys(obj.metadata)) {
    if (!META_FIELDS.has(k)) {
      unknown.push(`metadata.${k}`);
      delete obj.metadata[k];
    }
  }
  return unknown;
}

/** Removes the fields the schema does not know; their paths, in document order. */
function pruneUnknownFields(obj: Obj, schema: SchemaNode): string[] {
  const paths = unknownFields(obj, schema);
  for (const p of paths) {
    const parts = p.match(/[^.[\]]+|\[\d+\]/g) ?? [];
    let cur: any = obj;
    for (const part of parts.slice(0, -1)) cur = part.startsWith('[') ? cur?.[Number(part.slice(1, -1))] : cur?.[part];
    if (cur && typeof cur === 'object') delete cur[parts[parts.length - 1]];
  }
  return paths;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The options object a verb's query parameters are (their errors name it). */
export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

export function fieldValidation(q: URLSearchParams, options: OptionsKind = 'CreateOptions'): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.invalid(options, 'meta.k8s.io', '', [{ field: 'fieldValidation', message: `Unsupported value: ${JSON.stringify(v)}: supported values: "", "Ignore", "Strict", "Warn"`, reason: 'FieldValueNotSupported' }]);
}

/** Go's %#v of a []string: `[]string{"a", "b"}`. */
export function goStrings(values: string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

export function isDryRun(q: URLSearchParams, options: OptionsKind = 'CreateOptions'): boolean {
  return checkDryRun(q.getAll('dryRun'), options);
}

export function checkDryRun(values: string[], options: OptionsKind): boolean {
  if (values.length === 0) return false;
  if (values.some((v) => v !== 'All')) {
    throw errors.invalid(options, 'meta.k8s.io', '', [{ field: 'dryRun', message: `Unsupported value: ${goStrings(values)}: supported values: "All"`, reason: 'FieldValueNotSupported' }]);
  }
  return true;
}

/** kube-apiserver's summary of a body it cannot decode: the first 30 bytes, as text when it starts with `{`, in hex otherwise. */
export function summarizeData(raw: Buffer | undefined): string {
  if (!raw || raw.length === 0) return '<empty>';
  const head = raw.subarray(0, 30);
  const more = raw.length > 30 ? ' ...' : '';
  return raw[0] === 0x7b ? `${head.toString('utf8')}${more}` : `${head.toString('hex')}${more}`;
}

export function nameProblems(t: ResourceType, name: string): string[] {
  if (t.kind === 'Namespace') return dns1123LabelProblems(name);
  if (t.kind === 'Service') return dns1035LabelProblems(name);
  return dns1123SubdomainProblems(name);
}

export function nameCauses(t: ResourceType, name: string): Cause[] {
  return nameProblems(t, name).map((p) => ({ field: 'metadata.name', message: `Invalid value: "${name}": ${p}`, reason: 'FieldValueInvalid' }));
}


let nowSecond = -1;
let nowText = '';

/** The time in RFC 3339 to the second, as the API server writes it; made once a second (every create asks). */
export function now(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== nowSecond) {
    nowSecond = second;
    nowText = new Date(second * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  }
  return nowText;
}

export interface Decoded {
  obj: Obj;
  warnings: string[];
}

/**
 * Checks a decoded request body against the URL and normalises it as kube-apiserver's decoder
 * does. Unknown fields: Strict → 400, Warn → warnings, Ignore → dropped silently.
 */
export function decodeObject(t: ResourceType, body: unknown, urlNs: string | undefined, mode: FieldValidation, raw?: Buffer): Decoded {
  const gv = groupVersion(t);
  const unrecognized = (why: string) => errors.badRequest(`the object provided is unrecognized (must be of type ${t.kind}): ${why} (${summarizeData(raw ?? Buffer.from(JSON.stringify(body)))})`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const what = Array.isArray(body) ? 'array' : body === null ? 'null' : typeof body === 'number' ? 'number' : typeof body;
    throw unrecognized(`couldn't get version/kind; json parse error: json: cannot unmarshal ${what} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  }
  const obj = body as Obj;
  // Only for the message about a kind that is not a string: not made for every request (it was a
  // second JSON.stringify of each body). Taken before the defaults below are filled in.
  const excerpt = typeof obj.kind === 'string' ? '' : JSON.stringify(obj).slice(0, 30);
  if (t.custom) {
    if (!obj.kind) throw unrecognized(`Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
    if (!obj.apiVersion) throw unrecognized(`Object 'apiVersion' is missing in '${JSON.stringify(obj)}'`);
  } else {
    obj.kind ??= t.kind;
    obj.apiVersion ??= gv;
  }
  if (!t.custom && (obj.apiVersion !== gv || obj.kind !== t.kind) && typeof obj.kind === 'string') throw wrongBuiltinKind(t, String(obj.apiVersion), obj.kind);
  if (obj.apiVersion !== gv) throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`);
  if (typeof obj.kind !== 'string') throw errors.badRequest(`the object provided is unrecognized (must be of type ${t.kind}): kind must be a string (${excerpt})`);
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) {
    throw errors.badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: json: cannot unmarshal ${Array.isArray(obj.metadata) ? 'array' : typeof obj.metadata} into Go struct field ObjectMeta.metadata of type v1.ObjectMeta`);
  }
  // Built-in kinds: every field their schema does not know is dropped (strict decoding names its
  // path); custom resources keep everything but unknown metadata (preserve-unknown-fields).
  if (t.schema && SCHEMAS[t.schema]) {
    const wrongType = typeError(obj, SCHEMAS[t.schema]);
    if (wrongType) throw errors.badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: ${wrongType}`);
  }
  const unknown = t.schema && SCHEMAS[t.schema] ? pruneUnknownFields(obj, SCHEMAS[t.schema]) : pruneUnknownMetadata(obj);
  if (obj.kind !== t.kind) {
    throw errors.invalid(obj.kind, t.group, obj.metadata.name ?? '', [{ field: 'kind', message: `Invalid value: "${obj.kind}": must be ${t.kind}`, reason: 'FieldValueInvalid' }]);
  }
  const warnings: string[] = [];
  if (unknown.length > 0) {
    if (mode === 'Strict') {
      throw errors.badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`);
    }
    if (mode === 'Warn') for (const u of unknown) warnings.push(`unknown field "${u}"`);
  }
  const meta = obj.metadata;
  if (t.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== '' && urlNs !== undefined && meta.namespace !== urlNs) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (urlNs !== undefined) meta.namespace = urlNs;
  } else {
    delete meta.namespace;
  }
  for (const k of ['labels', 'annotations'] as const) {
    if (meta[k] !== undefined && (typeof meta[k] !== 'object' || meta[k] === null || Array.isArray(meta[k]))) {
      throw errors.badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: json: cannot unmarshal ${typeof meta[k]} into Go struct field ObjectMeta.metadata.${k} of type map[string]string`);
    }
    if (meta[k] && Object.keys(meta[k]).length === 0) delete meta[k];
  }
  delete meta.selfLink;
  delete meta.managedFields;
  return { obj, warnings };
}

/**
 * A built-in endpoint sent another kind: kube's decoder converts whatever kind its scheme knows and
 * fails on the conversion, or does not know the kind at all.
 */
function wrongBuiltinKind(t: ResourceType, apiVersion: string, kind: string): Error {
  const version = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
  const head = `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${t.kind}`;
  const registered = BUILTIN_GROUPS.some((g) => groupVersion(g) === apiVersion && g.types.some((x) => x.kind === kind && !x.custom));
  if (!registered) return errors.badRequest(`${head}: no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "pkg/runtime/scheme.go:110"`);
  const internal = t.group === '' ? 'core' : t.group.split('.')[0];
  return errors.badRequest(`${head}: converting (${version}.${kind}) to (${internal}.${t.kind}): unknown conversion`);
}

const GENERATE = 'bcdfghjklmnpqrstvwxz2456789';

/** Validation common to create and update: the name. */
export function validateMeta(t: ResourceType, obj: Obj): void {
  const meta = obj.metadata;
  if (!meta.name && meta.generateName) {
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += GENERATE[Math.floor(Math.random() * GENERATE.length)];
    meta.name = `${meta.generateName}${suffix}`;
  }
  if (!meta.name) {
    throw errors.invalid(t.kind, t.group, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' }]);
  }
  if (typeof meta.name !== 'string') throw errors.badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: json: cannot unmarshal ${typeof meta.name} into Go struct field ObjectMeta.metadata.name of type string`);
  const causes = nameCauses(t, meta.name);
  if (causes.length) throw errors.invalid(t.kind, t.group, meta.name, causes);
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    if (typeof v !== 'string') throw errors.badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: json: cannot unmarshal ${typeof v} into Go struct field ObjectMeta.metadata.labels of type string`);
    if (v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      throw errors.invalid(t.kind, t.group, meta.name, [{ field: `metadata.labels`, message: `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`, reason: 'FieldValueInvalid' }]);
    }
    void k;
  }
}

/** Server-set metadata on create; `generation`: whether the kind carries one. */
export function stampNew(obj: Obj, generation: boolean): void {
  const meta = obj.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = now();
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (generation) meta.generation = 1;
  else delete meta.generation;
}

/** Keeps what an update may not change; `newGeneration`: whether the update bumps the generation (undefined: the kind has none). */
export function carryOver(obj: Obj, old: Obj, newGeneration: boolean | undefined): void {
  const meta = obj.metadata;
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  if (newGeneration !== undefined && old.metadata.generation !== undefined) meta.generation = old.metadata.generation + (newGeneration ? 1 : 0);
  else delete meta.generation;
  delete meta.deletionTimestamp;
}

