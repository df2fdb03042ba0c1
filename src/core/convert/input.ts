// Which input documents `convert` works on, and the validation of its Istio 0.x inputs. Pure.
//
// validateInput() is the one place that validates a 0.x object (kind, metadata and spec with
// Istio 0.4's rules, through the kind checkers that exist). The kind registry's validator will
// take its place; nothing else here depends on how it does it.
import { checkEgressRule, type EgressRuleSpec } from '../egressrule.ts';
import { isObject, readFields, readStringMap, show } from '../fields.ts';
import { checkRouteRuleSpec, type RouteRuleSpec } from '../kinds/routerule.ts';
import { checkDestinationPolicySpec, type DestinationPolicySpec } from '../kinds/destinationpolicy.ts';
import { checkAnnotations, checkLabels, checkName, checkNamespace } from '../names.ts';
import type { SourceDocument } from '../stream.ts';

export const LEGACY_GROUP = 'config.istio.io';
export const LEGACY_KINDS = ['EgressRule', 'RouteRule', 'DestinationPolicy'] as const;
export type LegacyKind = (typeof LEGACY_KINDS)[number];

interface Base {
  doc: SourceDocument;
  name: string;
  /** metadata.namespace, or the default namespace. */
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export type LegacyObject =
  | (Base & { kind: 'EgressRule'; spec: EgressRuleSpec })
  | (Base & { kind: 'RouteRule'; spec: RouteRuleSpec })
  | (Base & { kind: 'DestinationPolicy'; spec: DestinationPolicySpec });

/** The 0.x kind of a document: its kind, with no apiVersion or one of group config.istio.io. */
export function legacyKind(value: unknown): LegacyKind | undefined {
  if (!isObject(value) || typeof value.kind !== 'string') return undefined;
  if (!(LEGACY_KINDS as readonly string[]).includes(value.kind)) return undefined;
  const av = value.apiVersion;
  if (av === undefined || av === null || (typeof av === 'string' && av.split('/')[0] === LEGACY_GROUP)) return value.kind as LegacyKind;
  return undefined;
}

const TOP_FIELDS = { apiVersion: 'apiVersion', kind: 'kind', metadata: 'metadata', spec: 'spec' };
const SERVER_METADATA = ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'finalizers', 'ownerReferences', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName'];
const METADATA_FIELDS = Object.fromEntries(['name', 'namespace', 'labels', 'annotations', ...SERVER_METADATA].map((k) => [k, k]));
const API_VERSION = `${LEGACY_GROUP}/v1alpha2`;

interface Meta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The metadata of a RouteRule or DestinationPolicy, checked as the API server would. */
function readMetadata(m: unknown, problems: string[]): Meta {
  if (m === undefined || m === null) {
    problems.push('metadata.name is required');
    return {};
  }
  if (!isObject(m)) {
    problems.push(`metadata: expected an object, got ${show(m)}`);
    return {};
  }
  const f = readFields(m, METADATA_FIELDS, 'metadata.', problems);
  const out: Meta = {};
  const name = f.get('name');
  if (name === undefined || name === null || name === '') problems.push('metadata.name is required');
  else if (typeof name !== 'string') problems.push(`metadata.name: expected a string, got ${show(name)}`);
  else if (checkName(name).length > 0) problems.push(...checkName(name));
  else out.name = name;
  const ns = f.get('namespace');
  if (typeof ns === 'string' && ns !== '') {
    if (checkNamespace(ns).length > 0) problems.push(...checkNamespace(ns));
    else out.namespace = ns;
  } else if (ns !== undefined && ns !== null && ns !== '') problems.push(`metadata.namespace: expected a string, got ${show(ns)}`);
  out.labels = readStringMap(f.get('labels'), 'metadata.labels', problems);
  out.annotations = readStringMap(f.get('annotations'), 'metadata.annotations', problems);
  if (out.labels) problems.push(...checkLabels(out.labels));
  if (out.annotations) problems.push(...checkAnnotations(out.annotations));
  return out;
}

function checkRouteOrPolicy(kind: 'RouteRule' | 'DestinationPolicy', value: Record<string, unknown>, problems: string[]): { meta: Meta; spec?: RouteRuleSpec | DestinationPolicySpec } {
  const top = readFields(value, TOP_FIELDS, '', problems);
  const av = top.get('apiVersion');
  if (av !== undefined && av !== null && av !== API_VERSION) problems.push(`apiVersion ${JSON.stringify(av)} is not supported for ${kind} (expected ${API_VERSION}, or none)`);
  const meta = readMetadata(top.get('metadata'), problems);
  const r = kind === 'RouteRule' ? checkRouteRuleSpec(top.get('spec')) : checkDestinationPolicySpec(top.get('spec'));
  problems.push(...r.problems);
  return { meta, spec: r.spec };
}

/**
 * Validates one 0.x object (Istio 0.4's rules): the object with its namespace settled, or every
 * problem with it.
 */
export function validateInput(d: SourceDocument, kind: LegacyKind, defaultNamespace: string): { object?: LegacyObject; problems: string[] } {
  const value = d.value as Record<string, unknown>;
  if (kind === 'EgressRule') {
    const r = checkEgressRule(value);
    if (!r.object) return { problems: r.problems };
    const m = r.object.metadata;
    const base = { doc: d, name: m.name, namespace: m.namespace ?? defaultNamespace, labels: m.labels, annotations: m.annotations };
    return { object: { ...base, kind, spec: r.object.spec }, problems: [] };
  }
  const problems: string[] = [];
  const { meta, spec } = checkRouteOrPolicy(kind, value, problems);
  if (problems.length > 0 || !spec || meta.name === undefined) return { problems };
  const base = { doc: d, name: meta.name, namespace: meta.namespace ?? defaultNamespace, labels: meta.labels, annotations: meta.annotations };
  return { object: kind === 'RouteRule' ? { ...base, kind, spec: spec as RouteRuleSpec } : { ...base, kind, spec: spec as DestinationPolicySpec }, problems: [] };
}
