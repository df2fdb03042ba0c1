// The output stream: every input document in input order, as it came or replaced by what it was
// converted to. Pure.
//
// - A document nothing touched is written as its raw text, byte for byte.
// - A converted document is replaced by the objects written at its place: its own (a
//   ServiceEntry, a rewritten workload, an Ingress's Gateway and VirtualServices) and the merged
//   VirtualServices and DestinationRules whose first source (in input order) it is; by kind
//   (ServiceEntry, Gateway, VirtualService, DestinationRule), then in the order they were made.
//   Comment lines before the document's content stay above the first of them.
// - A List whose items were all left alone is written raw; otherwise it is written again with each
//   item replaced by what it became.
// - Documents are separated by `---\n`.
import { parseDocument, type RawDocument, type SourceDocument } from '../stream.ts';
import { KIND_ORDER, type OutputObject } from './types.ts';
import { dumpYaml } from './yaml.ts';

export const API_VERSION = 'networking.istio.io/v1';

/** What one input document becomes: itself, or a list of objects (possibly none). */
export type Replacement = { raw: true } | { objects: unknown[] };

/** An object of today's Istio as written: apiVersion, kind, metadata, spec. */
export function manifest(o: OutputObject): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: o.name, namespace: o.namespace };
  if (o.labels) metadata.labels = o.labels;
  if (o.annotations) metadata.annotations = o.annotations;
  return { apiVersion: API_VERSION, kind: o.kind, metadata, spec: o.spec };
}

/** The objects to write at each document, in their order there. */
export function objectsByPlace(objects: readonly OutputObject[]): Map<SourceDocument, OutputObject[]> {
  const out = new Map<SourceDocument, OutputObject[]>();
  for (const o of objects) {
    const at = o.sources[0]!;
    out.set(at, [...(out.get(at) ?? []), o]);
  }
  for (const list of out.values()) list.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.seq - b.seq);
  return out;
}

/** The comment and blank lines before a document's first content line. */
export function leadingComments(raw: string): string {
  const lines = raw.split(/(?<=\n)/);
  let out = '';
  for (const line of lines) {
    const t = line.trim();
    if (t !== '' && !t.startsWith('#')) break;
    out += line;
  }
  return out.replace(/\r\n/g, '\n');
}

function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

/** The List around items, parsed again from its text (the items themselves are replaced). */
function listShell(d: SourceDocument): Record<string, unknown> {
  const r = parseDocument(d.source, d.doc);
  return r.ok && typeof r.value === 'object' && r.value !== null ? { ...(r.value as Record<string, unknown>) } : { apiVersion: 'v1', kind: 'List' };
}

/** Groups documents by the text document they came from (the items of a List share one). */
function byRawDocument(documents: readonly SourceDocument[]): Array<{ raw: RawDocument; docs: SourceDocument[] }> {
  const out: Array<{ raw: RawDocument; docs: SourceDocument[] }> = [];
  for (const d of documents) {
    const last = out[out.length - 1];
    if (last && last.raw === d.doc) last.docs.push(d);
    else out.push({ raw: d.doc, docs: [d] });
  }
  return out;
}

/** The whole output stream. */
export function renderStream(documents: readonly SourceDocument[], replacement: (d: SourceDocument) => Replacement): string {
  const out: string[] = [];
  for (const { raw, docs } of byRawDocument(documents)) {
    const reps = docs.map(replacement);
    if (reps.every((r) => 'raw' in r)) {
      out.push(withNewline(raw.raw));
      continue;
    }
    if (docs[0]!.item !== undefined) {
      const list = listShell(docs[0]!);
      list.items = docs.flatMap((d, i) => ('raw' in reps[i]! ? [d.value] : (reps[i] as { objects: unknown[] }).objects));
      out.push(leadingComments(raw.raw) + dumpYaml(list));
      continue;
    }
    const objects = (reps[0] as { objects: unknown[] }).objects;
    objects.forEach((o, i) => out.push((i === 0 ? leadingComments(raw.raw) : '') + dumpYaml(o)));
  }
  return out.join('---\n');
}
