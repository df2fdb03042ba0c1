// `convert`: Istio 0.x config and workloads injected by 0.x kube-inject, carried to today's Istio
// (networking.istio.io/v1). The pure core: parsed documents in, the output stream, warnings and
// problems out. Nothing is written when there is a problem. Pure, deterministic.
//
// Steps: classify and validate the inputs (input.ts); convert EgressRules (serviceentry.ts),
// plan RouteRules (their hosts and subsets, virtualservice.ts), convert DestinationPolicies
// (destinationpolicy.ts), name the subsets, emit VirtualServices and DestinationRules, convert
// Ingresses (ingress.ts) and un-inject workloads (workload.ts); settle object names; check every
// object with today's rules (check.ts); write the stream (output.ts).
import type { SourceDocument } from '../stream.ts';
import { Build } from './build.ts';
import { checkObjects } from './check.ts';
import { convertDestinationPolicy } from './destinationpolicy.ts';
import { DestinationRules, warnCrossNamespace } from './destinationrule.ts';
import { convertIngress, isIngress, ServicePorts } from './ingress.ts';
import { legacyKind, validateInput, type LegacyObject } from './input.ts';
import { settleNames, takenKey } from './names.ts';
import { describe, Notes } from './notes.ts';
import { manifest, objectsByPlace, renderStream, type Replacement } from './output.ts';
import { convertEgressRule, warnDuplicateDestinations } from './serviceentry.ts';
import type { ConvertOptions, ConvertResult } from './types.ts';
import { VirtualServices } from './virtualservice.ts';
import { isWorkload, uninject } from './workload.ts';

export type { ConvertOptions, ConvertResult } from './types.ts';
export { subsetName, hostObjectName } from './names.ts';
export { hostOf, egressRuleHost, DEFAULT_DOMAIN } from './hosts.ts';
export { rangesOf, INCLUDE_ANNOTATION, EXCLUDE_ANNOTATION } from './workload.ts';
export { uriMatches } from './ingress.ts';
export { validateInput, legacyKind } from './input.ts';

interface Inputs {
  legacy: LegacyObject[];
  ingresses: SourceDocument[];
  workloads: SourceDocument[];
  services: ServicePorts;
  /** Names of today's kinds that documents of the input already have (takenKey). */
  taken: Set<string>;
}

/** Sorts the documents by what convert does with them, validating the 0.x ones. */
function classify(documents: readonly SourceDocument[], b: Build): Inputs {
  const inputs: Inputs = { legacy: [], ingresses: [], workloads: [], services: new ServicePorts(), taken: new Set() };
  const names = new Map<string, LegacyObject>();
  for (const d of documents) {
    inputs.services.add(d.value, b.opts.defaultNamespace);
    const existing = modernName(d.value, b.opts.defaultNamespace);
    if (existing) inputs.taken.add(existing);
    const kind = legacyKind(d.value);
    if (kind) {
      const r = validateInput(d, kind, b.opts.defaultNamespace);
      for (const p of r.problems) b.notes.problem(d, whoOf(kind, d.value, b.opts.defaultNamespace), '', p);
      if (!r.object) continue;
      const key = `${kind}/${r.object.namespace}/${r.object.name}`;
      const first = names.get(key);
      if (first) b.notes.problem(d, describe(kind, r.object.namespace, r.object.name), 'metadata.name', `duplicate: also defined at ${placeText(first.doc)}`);
      else names.set(key, r.object);
      inputs.legacy.push(r.object);
    } else if (isIngress(d.value)) inputs.ingresses.push(d);
    else if (isWorkload(d.value)) inputs.workloads.push(d);
    else if (isLegacyIngressRule(d.value)) b.notes.warn(d, 'IngressRule', '', 'Istio 0.x never stored IngressRules (they had no CRD; Pilot made them from Kubernetes Ingresses): passed through unchanged');
  }
  return inputs;
}

/** `Kind/namespace/name` of an object that may not be valid (`Kind` alone without a name). */
function whoOf(kind: string, value: unknown, defaultNamespace: string): string {
  const m = (value as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  if (typeof m !== 'object' || m === null || typeof m.name !== 'string' || m.name === '') return kind;
  return describe(kind, typeof m.namespace === 'string' && m.namespace ? m.namespace : defaultNamespace, m.name);
}

/** The takenKey of a document that is already an object of today's Istio networking kinds. */
function modernName(v: unknown, defaultNamespace: string): string | undefined {
  const o = v as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof v !== 'object' || v === null || typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('networking.istio.io/')) return undefined;
  if (typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') return undefined;
  return takenKey(o.kind, typeof o.metadata.namespace === 'string' && o.metadata.namespace ? o.metadata.namespace : defaultNamespace, o.metadata.name);
}

function placeText(d: SourceDocument): string {
  return `${d.source} document ${d.doc.index}${d.item ? ` item ${d.item}` : ''}`;
}

function isLegacyIngressRule(v: unknown): boolean {
  const o = v as Record<string, unknown>;
  return typeof v === 'object' && v !== null && o.kind === 'IngressRule' && (o.apiVersion === undefined || String(o.apiVersion).startsWith('config.istio.io/'));
}

/** The 0.x config: ServiceEntries, VirtualServices and DestinationRules. */
function convertConfig(legacy: readonly LegacyObject[], b: Build): void {
  const drs = new DestinationRules();
  const vss = new VirtualServices(b, drs);
  const egress = legacy.filter((o) => o.kind === 'EgressRule');
  warnDuplicateDestinations(egress, b);
  for (const o of legacy) {
    if (o.kind === 'EgressRule') convertEgressRule(o, b, drs);
    else if (o.kind === 'RouteRule') vss.plan(o);
    else convertDestinationPolicy(o, b, drs);
  }
  drs.nameSubsets();
  vss.emit();
  drs.emit(b);
}

/** Un-injects the workloads: the rewritten values by document. */
function convertWorkloads(workloads: readonly SourceDocument[], b: Build): Map<SourceDocument, unknown> {
  const out = new Map<SourceDocument, unknown>();
  for (const d of workloads) {
    const v = d.value as Record<string, unknown>;
    const meta = (typeof v.metadata === 'object' && v.metadata !== null ? v.metadata : {}) as Record<string, unknown>;
    const who = describe(String(v.kind), typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : b.opts.defaultNamespace, String(meta.name ?? '<unnamed>'));
    const r = uninject(v);
    if (r.kind === 'error') b.notes.problem(d, who, '', r.message);
    if (r.kind === 'not-injected' && r.note) b.notes.warn(d, who, '', r.note);
    if (r.kind !== 'uninjected') continue;
    out.set(d, r.value);
    b.notes.warn(d, who, '', `the Istio 0.x sidecar (${r.status}) is removed: inject today's sidecar again (label the namespace istio-injection=enabled, or run today's istioctl kube-inject)`);
    if (r.ranges.note) b.notes.warn(d, who, '', r.ranges.note);
  }
  return out;
}

function count(counts: Record<string, number>, key: string, n = 1): void {
  if (n > 0) counts[key] = (counts[key] ?? 0) + n;
}

/** What each document becomes: its workload rewritten, the objects written at it, or itself. */
function replacements(inputs: Inputs, ingresses: ReadonlySet<SourceDocument>, workloads: ReadonlyMap<SourceDocument, unknown>, b: Build): (d: SourceDocument) => Replacement {
  const legacyDocs = new Set(inputs.legacy.map((o) => o.doc));
  const placed = objectsByPlace(b.objects);
  return (d) => {
    if (workloads.has(d)) return { objects: [workloads.get(d)] };
    if (legacyDocs.has(d) || ingresses.has(d)) return { objects: (placed.get(d) ?? []).map(manifest) };
    return { raw: true };
  };
}

/** Inputs converted by kind, objects written by kind, and the documents left as they were. */
function countAll(documents: readonly SourceDocument[], inputs: Inputs, ingresses: number, workloads: number, b: Build, replacement: (d: SourceDocument) => Replacement): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of inputs.legacy) count(counts, o.kind);
  count(counts, 'Ingress', ingresses);
  count(counts, 'workload', workloads);
  for (const o of b.objects) count(counts, o.kind);
  count(counts, 'unchanged', documents.filter((d) => 'raw' in replacement(d)).length);
  return counts;
}

/**
 * Converts a parsed stream. The output keeps the input's order (output.ts says how); every object
 * written passes today's checks, or the result has problems and no text.
 */
export function convertDocuments(documents: readonly SourceDocument[], opts: ConvertOptions): ConvertResult {
  const order = new Map(documents.map((d, i) => [d, i]));
  const notes = new Notes((d) => order.get(d) ?? 0);
  const b = new Build(opts, notes, (d) => order.get(d) ?? 0);
  const inputs = classify(documents, b);
  if (notes.problemCount > 0) return { text: '', ...notes.result(), counts: {} };

  convertConfig(inputs.legacy, b);
  const ingresses = new Set(inputs.ingresses.filter((d) => convertIngress(d, b, inputs.services)));
  const workloads = convertWorkloads(inputs.workloads, b);
  for (const o of settleNames(b.objects, inputs.taken)) {
    b.notes.warn(o.sources[0]!, `${o.kind}/${o.namespace}/${o.name}`, 'metadata.name', `${o.baseName} is the name of a ${o.kind} already in the input: named ${o.name}`);
  }
  for (const f of b.afterNaming) f();
  warnCrossNamespace(b, b.objects);
  checkObjects(b.objects, notes);

  const replacement = replacements(inputs, ingresses, workloads, b);
  const counts = countAll(documents, inputs, ingresses.size, workloads.size, b, replacement);
  const result = notes.result();
  if (result.problems.length > 0) return { text: '', ...result, counts };
  return { text: renderStream(documents, replacement), ...result, counts };
}
