// Cross-rule analysis: what the mesh would silently get wrong. Pure, and sort-based (no pairwise
// comparison), so 100,000 rules take a fraction of a second.
//
// Pilot 0.4 (pilot/model/egress_rules.go, RejectConflictingEgressRules) keys egress rules by
// `egress-rule/NS/NAME`, sorts them, and for two rules with the same destination.service keeps the
// first and rejects the later one without a word. Then, walking the survivors in key order, a rule
// declaring a port with another protocol than the rules before it (the HTTP protocols count as one;
// TCP and MONGO each as their own) is rejected whole, at its first conflicting port; the ports it
// declared before that one still count for the rules after it. A domain with protocol TCP passes
// validation but never works (Envoy's TCP proxy needs IP addresses), and a bare IPv4 address
// written as a domain never matches a connection.

import { isCidrService, isBareIPv4, protocolGroup, type EgressRulePort, type EgressRuleSpec } from './kinds/egressrule.ts';
import { analyzeRouting, type AnalysisObject } from './analysis-routing.ts';
import { analyzeModern } from './analysis-modern.ts';
import { formatCidr, lastAddress, parseCidr } from './cidr.ts';
import type { Place, Problem } from './errors.ts';

export interface RuleSummary {
  namespace: string;
  name: string;
  service: string;
  ports: readonly EgressRulePort[];
  /** Where the rule comes from: a document of the input, or the cluster. */
  place: Place;
}

/** Pilot's key for a rule, which decides which of two conflicting rules wins. */
export function ruleKey(r: Pick<RuleSummary, 'namespace' | 'name'>): string {
  return `egress-rule/${r.namespace}/${r.name}`;
}

function describe(r: RuleSummary): string {
  return `${r.namespace}/${r.name}`;
}

function where(r: RuleSummary): string {
  const p = r.place;
  if (p.document === undefined) return p.source;
  return `${p.source} document ${p.document}${p.item ? ` item ${p.item}` : ''}`;
}

/** The protocol Pilot compares on a port: every HTTP-group protocol is HTTP; TCP and MONGO are themselves. */
function pilotProtocol(protocol: string): string {
  return protocolGroup(protocol) === 'HTTP' ? 'HTTP' : protocol.toUpperCase();
}

/** Returns every warning, each at the place of the rule it is about. */
export function analyzeRules(rules: readonly RuleSummary[]): Problem[] {
  const warnings: Problem[] = [];
  // One sort, by Pilot's key; everything after walks the rules in that order.
  const keys = rules.map(ruleKey);
  const order = rules.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
  const byKey = order.map((i) => ({ r: rules[i], key: keys[i] }));

  // Same destination: the first rule by key wins, every later one is dropped.
  const winners = new Map<string, RuleSummary>();
  const dropped = new Set<RuleSummary>();
  for (const { r } of byKey) {
    const winner = winners.get(r.service);
    if (!winner) {
      winners.set(r.service, r);
      continue;
    }
    dropped.add(r);
    warnings.push({
      place: r.place,
      message: `egress rule ${describe(r)} has the same destination "${r.service}" as ${describe(winner)} (${where(winner)}); Pilot keeps ${ruleKey(winner)} and silently drops this one`,
    });
  }

  // Per rule: domain destinations with a TCP protocol, and IPv4 addresses written as domains.
  for (const { r } of byKey) {
    if (isCidrService(r.service)) continue;
    if (isBareIPv4(r.service)) {
      warnings.push({ place: r.place, message: `destination "${r.service}" is an IPv4 address written as a domain, which never matches; write ${r.service}/32` });
      continue;
    }
    const tcp = r.ports.filter((p) => protocolGroup(p.protocol) === 'TCP');
    if (tcp.length > 0) {
      warnings.push({
        place: r.place,
        message: `destination "${r.service}" is a domain but port ${tcp[0].port} uses protocol ${tcp[0].protocol}: TCP egress rules need IP addresses or CIDR blocks (Envoy's TCP proxy cannot match a domain), so this rule never works`,
      });
    }
  }

  // Per port, in key order: a protocol other than the one the rules before declared rejects the rule.
  const protocolOnPort = new Map<number, { protocol: string; rules: RuleSummary[] }>();
  for (const { r } of byKey) {
    if (dropped.has(r)) continue;
    for (const p of r.ports) {
      const protocol = pilotProtocol(p.protocol);
      const seen = protocolOnPort.get(p.port);
      if (seen && seen.protocol !== protocol) {
        dropped.add(r);
        const n = seen.rules.length;
        const others = seen.rules.slice(0, 3).map(describe).join(', ') + (n > 3 ? ` and ${n - 3} more` : '');
        warnings.push({
          place: r.place,
          message: `egress rule ${describe(r)} declares port ${p.port} with protocol ${protocol}, but ${others} (${where(seen.rules[0]!)}) declared it with ${seen.protocol} first; Pilot rejects ${ruleKey(r)} with every port of it (protocol ${protocol} vs. protocol ${seen.protocol})`,
        });
        break;
      }
      if (seen) seen.rules.push(r);
      else protocolOnPort.set(p.port, { protocol, rules: [r] });
    }
  }

  // Per port: overlapping CIDR blocks (distinct destinations) among the rules Pilot keeps.
  interface Entry { start: number; end: number; r: RuleSummary; block: string }
  const byPort = new Map<number, { blocks: Entry[] }>();
  for (const { r } of byKey) {
    if (dropped.has(r)) continue;
    const c = isCidrService(r.service) ? parseCidr(r.service) : undefined;
    if (!c || !c.ok) continue;
    for (const p of r.ports) {
      let e = byPort.get(p.port);
      if (!e) byPort.set(p.port, (e = { blocks: [] }));
      e.blocks.push({ start: c.cidr.base, end: lastAddress(c.cidr), r, block: formatCidr(c.cidr) });
    }
  }
  for (const [port, e] of byPort) {
    if (e.blocks.length < 2) continue;
    e.blocks.sort((a, b) => a.start - b.start || b.end - a.end);
    let widest = e.blocks[0];
    for (let i = 1; i < e.blocks.length; i++) {
      const cur = e.blocks[i];
      if (cur.start <= widest.end && cur.r !== widest.r) {
        warnings.push({
          place: cur.r.place,
          message: `CIDR block ${cur.block} of ${describe(cur.r)} overlaps ${widest.block} of ${describe(widest.r)} (${where(widest.r)}) on port ${port}`,
        });
      }
      if (cur.end > widest.end) widest = cur;
    }
  }
  return warnings;
}

export type { AnalysisObject } from './analysis-routing.ts';

/** Every warning across objects of every kind: the EgressRule analysis above, routing across the 0.x kinds, and today's kinds. */
export function analyzeObjects(objects: readonly AnalysisObject[]): Problem[] {
  const rules: RuleSummary[] = [];
  for (const o of objects) {
    if (o.kind !== 'EgressRule') continue;
    const spec = o.spec as EgressRuleSpec;
    rules.push({ namespace: o.namespace, name: o.name, service: spec.destination.service, ports: spec.ports, place: o.place });
  }
  return [...analyzeRules(rules), ...analyzeRouting(objects), ...analyzeModern(objects)];
}
