// Analysis of today's Istio kinds: what ServiceEntries, VirtualServices and DestinationRules
// together would get wrong without a word at apply time. Pure, sort- and index-based.
//
// - ServiceEntry addresses overlapping on one port (IPv4 CIDR blocks and addresses): which entry a
//   connection matches depends on the order Istio happens to merge them in.
// - One host served by two ServiceEntries: Istio merges or picks between them by creation time.
// - A VirtualService routing (route, mirror) to a subset no DestinationRule of that host defines:
//   the request fails (Istio's analyzer reports it as IST0101, "Referenced host+subset in
//   destinationrule not found").
// Hosts are compared fully qualified, resolved in the namespace of the object that names them.

import type { AnalysisObject } from './analysis-routing.ts';
import { formatCidr, lastAddress, parseCidr, parseIPv4 } from './cidr.ts';
import type { Place, Problem } from './errors.ts';
import { fqdn } from './kinds/modern/common.ts';
import type { DestinationRuleSpec } from './kinds/modern/destinationrule.ts';
import type { ServiceEntrySpec } from './kinds/modern/serviceentry.ts';
import type { VirtualServiceSpec } from './kinds/modern/virtualservice.ts';

function describe(o: AnalysisObject): string {
  return `${o.namespace}/${o.name}`;
}

function where(p: Place): string {
  if (p.document === undefined) return p.source;
  return `${p.source} document ${p.document}${p.item ? ` item ${p.item}` : ''}`;
}

function byKey(a: AnalysisObject, b: AnalysisObject): number {
  const ka = `${a.namespace}/${a.name}`;
  const kb = `${b.namespace}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** An IPv4 address or CIDR block as a range; undefined for IPv6 and anything else. */
function ipv4Range(address: string): { start: number; end: number; block: string } | undefined {
  if (address.includes('/')) {
    const c = parseCidr(address);
    return c.ok ? { start: c.cidr.base, end: lastAddress(c.cidr), block: formatCidr(c.cidr) } : undefined;
  }
  const ip = parseIPv4(address);
  return ip === undefined ? undefined : { start: ip, end: ip, block: address };
}

function serviceEntryWarnings(entries: Array<AnalysisObject & { spec: ServiceEntrySpec }>): Problem[] {
  const out: Problem[] = [];
  entries.sort(byKey);
  // One host, two entries.
  const hostOwner = new Map<string, AnalysisObject>();
  for (const e of entries) {
    for (const h of new Set((e.spec.hosts ?? []).map((x) => fqdn(x, e.namespace)))) {
      const first = hostOwner.get(h);
      if (!first) hostOwner.set(h, e);
      else out.push({ place: e.place, message: `ServiceEntry ${describe(e)} serves host "${h}", as ${describe(first)} (${where(first.place)}) does: Istio merges or picks between them, so one of them does not apply as written` });
    }
  }
  // Overlapping addresses per port.
  interface Block { start: number; end: number; block: string; e: AnalysisObject }
  const byPort = new Map<number, Block[]>();
  for (const e of entries) {
    const ranges = (e.spec.addresses ?? []).map(ipv4Range).filter((r): r is NonNullable<typeof r> => r !== undefined);
    for (const p of e.spec.ports ?? []) {
      if (typeof p?.number !== 'number') continue;
      let list = byPort.get(p.number);
      if (!list) byPort.set(p.number, (list = []));
      for (const r of ranges) list.push({ ...r, e });
    }
  }
  for (const [port, blocks] of byPort) {
    blocks.sort((a, b) => a.start - b.start || b.end - a.end);
    let widest = blocks[0];
    for (let i = 1; i < blocks.length; i++) {
      const cur = blocks[i]!;
      if (widest && cur.start <= widest.end && cur.e !== widest.e) {
        out.push({ place: cur.e.place, message: `ServiceEntry ${describe(cur.e)}: address ${cur.block} overlaps ${widest.block} of ${describe(widest.e)} (${where(widest.e.place)}) on port ${port}` });
      }
      if (!widest || cur.end > widest.end) widest = cur;
    }
  }
  return out;
}

/** Every destination of a VirtualService with the path it is at. */
function destinations(spec: VirtualServiceSpec): Array<{ path: string; host: string; subset?: string }> {
  const out: Array<{ path: string; host: string; subset?: string }> = [];
  const add = (path: string, d: { host?: string; subset?: string } | undefined) => {
    if (d && typeof d.host === 'string') out.push({ path, host: d.host, subset: d.subset });
  };
  (spec.http ?? []).forEach((h, i) => {
    (h.route ?? []).forEach((r, j) => add(`spec.http[${i}].route[${j}].destination`, r.destination));
    add(`spec.http[${i}].mirror`, h.mirror);
    (h.mirrors ?? []).forEach((m, j) => add(`spec.http[${i}].mirrors[${j}].destination`, m.destination));
  });
  (spec.tcp ?? []).forEach((t, i) => (t.route ?? []).forEach((r, j) => add(`spec.tcp[${i}].route[${j}].destination`, r.destination)));
  (spec.tls ?? []).forEach((t, i) => (t.route ?? []).forEach((r, j) => add(`spec.tls[${i}].route[${j}].destination`, r.destination)));
  return out;
}

function subsetWarnings(services: Array<AnalysisObject & { spec: VirtualServiceSpec }>, rules: Array<AnalysisObject & { spec: DestinationRuleSpec }>): Problem[] {
  const subsets = new Map<string, Set<string>>();
  for (const r of rules) {
    if (typeof r.spec.host !== 'string') continue;
    const h = fqdn(r.spec.host, r.namespace);
    let s = subsets.get(h);
    if (!s) subsets.set(h, (s = new Set()));
    for (const sub of r.spec.subsets ?? []) if (typeof sub?.name === 'string') s.add(sub.name);
  }
  const out: Problem[] = [];
  for (const vs of services.sort(byKey)) {
    for (const d of destinations(vs.spec)) {
      if (!d.subset) continue;
      const h = fqdn(d.host, vs.namespace);
      if (subsets.get(h)?.has(d.subset)) continue;
      out.push({
        place: vs.place,
        message: `VirtualService ${describe(vs)} routes to subset "${d.subset}" of "${h}" (${d.path}), but no DestinationRule for that host defines it: those requests fail (Istio's IST0101)`,
      });
    }
  }
  return out;
}

export function analyzeModern(objects: readonly AnalysisObject[]): Problem[] {
  const entries = objects.filter((o) => o.kind === 'ServiceEntry') as Array<AnalysisObject & { spec: ServiceEntrySpec }>;
  const services = objects.filter((o) => o.kind === 'VirtualService') as Array<AnalysisObject & { spec: VirtualServiceSpec }>;
  const rules = objects.filter((o) => o.kind === 'DestinationRule') as Array<AnalysisObject & { spec: DestinationRuleSpec }>;
  return [...serviceEntryWarnings(entries), ...subsetWarnings(services, rules)];
}
