// Config objects of every registered kind: one document's value read as an object of its kind
// (apiVersion, kind, metadata, spec), and the checks across a stream (duplicate names, a namespace
// that contradicts -n). What is kind-specific comes from the kind's descriptor. Pure.

import type { Problem } from './errors.ts';
import { isObject, readFields, readStringMap, show } from './fields.ts';
import { apiVersionOf, type KindDescriptor } from './kinds/descriptor.ts';
import { KINDS, kindByName } from './kinds/registry.ts';
import { checkAnnotations, checkLabels, checkName, checkNamespace } from './names.ts';
import { documentPlace, type SourceDocument } from './stream.ts';

export interface ConfigMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
}

/** An object as sent to the API server: its kind's apiVersion, the metadata it may carry, its spec normalised. */
export interface ConfigObject<S = unknown> {
  apiVersion: string;
  kind: string;
  metadata: ConfigMetadata;
  spec: S;
}

const TOP_FIELDS = { apiVersion: 'apiVersion', kind: 'kind', metadata: 'metadata', spec: 'spec' };
// ObjectMeta fields that come back from the server (`get -o yaml`): accepted and not sent.
const SERVER_METADATA = ['uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'finalizers', 'ownerReferences', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName'];
const METADATA_FIELDS: Record<string, string> = Object.fromEntries(
  ['name', 'namespace', 'labels', 'annotations', 'resourceVersion', ...SERVER_METADATA].map((k) => [k, k]),
);

/** The kinds, for messages: `EgressRule, RouteRule, ...`. */
export function knownKinds(): string {
  return KINDS.map((d) => d.kind).join(', ');
}

function kindProblem(kind: unknown): string {
  if (kind === undefined || kind === null || kind === '') return `kind is required (one of ${knownKinds()})`;
  if (typeof kind !== 'string') return `kind: expected a string, got ${show(kind)}`;
  const near = KINDS.find((d) => d.kind.toLowerCase() === kind.toLowerCase());
  return `unknown kind ${JSON.stringify(kind)}: ${near ? `did you mean ${near.kind}? (kinds are case-sensitive)` : `egressctl knows ${knownKinds()}`}`;
}

export interface CheckedObject {
  desc?: KindDescriptor;
  object?: ConfigObject;
  problems: string[];
  warnings: string[];
}

/** Reads metadata: the fields that are sent, checked with the API server's rules. */
function checkMetadata(m: unknown, problems: string[]): ConfigMetadata | undefined {
  if (m === undefined || m === null) {
    problems.push('metadata.name is required');
    return undefined;
  }
  if (!isObject(m)) {
    problems.push(`metadata: expected an object, got ${show(m)}`);
    return undefined;
  }
  const mf = readFields(m, METADATA_FIELDS, 'metadata.', problems);
  const name = mf.get('name');
  const ns = mf.get('namespace');
  const rv = mf.get('resourceVersion');
  if (name === undefined || name === null || name === '') problems.push('metadata.name is required');
  else if (typeof name !== 'string') problems.push(`metadata.name: expected a string, got ${show(name)}`);
  else problems.push(...checkName(name));
  if (ns !== undefined && ns !== null && ns !== '') {
    if (typeof ns !== 'string') problems.push(`metadata.namespace: expected a string, got ${show(ns)}`);
    else problems.push(...checkNamespace(ns));
  }
  if (rv !== undefined && rv !== null && rv !== '' && typeof rv !== 'string') {
    problems.push(`metadata.resourceVersion: expected a string, got ${show(rv)}`);
  }
  const labels = readStringMap(mf.get('labels'), 'metadata.labels', problems);
  const annotations = readStringMap(mf.get('annotations'), 'metadata.annotations', problems);
  if (labels) problems.push(...checkLabels(labels));
  if (annotations) problems.push(...checkAnnotations(annotations));
  if (typeof name !== 'string') return undefined;
  const metadata: ConfigMetadata = { name };
  if (typeof ns === 'string' && ns !== '') metadata.namespace = ns;
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  if (typeof rv === 'string' && rv !== '') metadata.resourceVersion = rv;
  return metadata;
}

const ACCEPTED = new WeakMap<KindDescriptor, readonly string[]>();

/** The apiVersions a kind is read in: its own, then its read versions. */
function acceptedVersions(desc: KindDescriptor): readonly string[] {
  let accepted = ACCEPTED.get(desc);
  if (!accepted) {
    accepted = [desc.version, ...(desc.readVersions ?? [])].map((v) => `${desc.group}/${v}`);
    ACCEPTED.set(desc, accepted);
  }
  return accepted;
}

/**
 * Reads one document's value as an object of a registered kind, ready to send: every problem at
 * once (kind, apiVersion, metadata, the kind's own spec rules), and the kind's warnings.
 */
export function checkObject(value: unknown, ctx: { namespace?: string } = {}): CheckedObject {
  if (!isObject(value)) return { problems: [`expected an object (apiVersion, kind, metadata, spec), got ${show(value)}`], warnings: [] };
  const problems: string[] = [];
  const top = readFields(value, TOP_FIELDS, '', problems);
  const desc = kindByName(top.get('kind'));
  if (!desc) return { problems: [...problems, kindProblem(top.get('kind'))], warnings: [] };
  const apiVersion = top.get('apiVersion');
  const accepted = acceptedVersions(desc);
  if (apiVersion !== undefined && apiVersion !== null && !accepted.includes(apiVersion as string)) {
    problems.push(`apiVersion ${JSON.stringify(apiVersion)} is not supported for ${desc.kind} (expected ${accepted.join(', ')}, or none)`);
  }
  const metadata = checkMetadata(top.get('metadata'), problems);
  const s = desc.checkSpec(top.get('spec'), { namespace: metadata?.namespace ?? ctx.namespace, labels: metadata?.labels });
  problems.push(...s.problems);
  const warnings = s.warnings ?? [];
  if (problems.length > 0 || !metadata || s.spec === undefined) return { desc, problems, warnings };
  return { desc, object: { apiVersion: apiVersionOf(desc), kind: desc.kind, metadata, spec: s.spec }, problems, warnings };
}

/** An object that passed every check, with its kind and the document it came from. */
export interface ValidatedObject {
  desc: KindDescriptor;
  object: ConfigObject;
  document: SourceDocument;
}

export interface ValidateOptions {
  /** An explicit -n: objects naming another namespace are an error. */
  namespace?: string;
  /** Where objects that name no namespace go without -n (the context's, else `default`). */
  defaultNamespace?: string;
}

function conflictMessage(objectNs: string, flagNs: string): string {
  return `the namespace from the provided object "${objectNs}" does not match the namespace "${flagNs}". You must pass '--namespace=${objectNs}' to perform this operation.`;
}

/**
 * Validates documents one at a time, remembering only what the rules across documents need (the
 * names seen), so a stream of any length is checked in memory bounded by its largest document.
 */
export class StreamValidator {
  private names = new Map<string, { index: number; source: string; item?: number }>();
  constructor(private readonly opts: ValidateOptions = {}) {}

  /** Checks one document: the object ready to send, or its problems; warnings either way (each at the document's place). */
  check(document: SourceDocument): { valid?: ValidatedObject; problems: Problem[]; warnings: Problem[] } {
    const place = documentPlace(document);
    const objNsGiven = isObject(document.value) && isObject(document.value.metadata) ? document.value.metadata.namespace : undefined;
    const r = checkObject(document.value, { namespace: typeof objNsGiven === 'string' ? undefined : (this.opts.namespace ?? this.opts.defaultNamespace) });
    const problems: Problem[] = r.problems.map((message) => ({ place, message }));
    const warnings: Problem[] = r.warnings.map((message) => ({ place, message }));
    if (!r.object || !r.desc) return { problems, warnings };
    const objNs = r.object.metadata.namespace;
    if (this.opts.namespace !== undefined && objNs !== undefined && objNs !== this.opts.namespace) {
      return { problems: [{ place, message: conflictMessage(objNs, this.opts.namespace) }], warnings };
    }
    // Each object's namespace resolved first: `namespace: default` and no namespace (in the
    // default namespace) name the same object.
    const ns = objNs ?? this.opts.namespace ?? this.opts.defaultNamespace ?? 'default';
    const key = `${r.desc.kind}/${ns}/${r.object.metadata.name}`;
    const first = this.names.get(key);
    if (first) {
      const at = first.source === place.source ? `document ${first.index}` : `${first.source} document ${first.index}`;
      return { problems: [{ place, message: `duplicate name "${r.object.metadata.name}" in namespace "${ns}": also defined in ${at}${first.item ? ` item ${first.item}` : ''}` }], warnings };
    }
    this.names.set(key, { index: document.doc.index, source: document.source, item: document.item });
    return { valid: { desc: r.desc, object: r.object, document }, problems, warnings };
  }
}

/**
 * Validates every document: each must be a valid object of a registered kind; names must be
 * unique per kind and namespace within the stream; an object's namespace must agree with an
 * explicit -n. Every problem and warning of every document, with its place.
 */
export function validateDocuments(documents: readonly SourceDocument[], opts: ValidateOptions = {}): { objects: ValidatedObject[]; problems: Problem[]; warnings: Problem[] } {
  const v = new StreamValidator(opts);
  const objects: ValidatedObject[] = [];
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  for (const d of documents) {
    const r = v.check(d);
    if (r.valid) objects.push(r.valid);
    problems.push(...r.problems);
    warnings.push(...r.warnings);
  }
  return { objects, problems, warnings };
}
