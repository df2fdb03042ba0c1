// RouteRules -> one VirtualService per destination host and namespace. Pure.
//
// - The routes are the rules in precedence order, highest first (first match wins today, as the
//   highest precedence did in 0.x); equal precedences are ordered by metadata.name, then
//   metadata.namespace (code-unit order), then input order, with a warning, since 0.x left their
//   order unspecified.
// - When every route has a match, a last route without one sends the rest to the host: 0.x always
//   routed unmatched requests to the service, where today's VirtualService would answer 404.
// - A rule for a CIDR block is dropped with a warning: 0.x route rules acted on HTTP only, and CIDR
//   egress rules carried TCP only.
import { isCidrService } from '../kinds/egressrule.ts';
import type { IstioService } from '../kinds/istio-service.ts';
import type { Build } from './build.ts';
import type { DestinationRules } from './destinationrule.ts';
import { hostOf, isShortName } from './hosts.ts';
import { httpRouteOf, routeEntryHost, type RouteContext } from './httproute.ts';
import type { LegacyObject } from './input.ts';
import { hostObjectName, labelsKey } from './names.ts';
import { describe } from './notes.ts';

type RouteRule = Extract<LegacyObject, { kind: 'RouteRule' }>;

interface Planned {
  rule: RouteRule;
  host: string;
  who: string;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Precedence descending, then name, then namespace, then input order. */
export function byPrecedence(order: (r: RouteRule) => number) {
  return (a: RouteRule, b: RouteRule): number =>
    (b.spec.precedence ?? 0) - (a.spec.precedence ?? 0) || cmp(a.name, b.name) || cmp(a.namespace, b.namespace) || order(a) - order(b);
}

/** The name of the last route that sends the rest to the host: `default`, unless a rule has it. */
function fallbackName(rules: readonly Planned[]): string {
  const taken = new Set(rules.map((p) => p.rule.name));
  let name = 'default';
  for (let i = 2; taken.has(name); i++) name = `default-${i}`;
  return name;
}

export class VirtualServices {
  private readonly groups = new Map<string, Planned[]>();

  constructor(private readonly b: Build, private readonly drs: DestinationRules) {}

  private hostOf(svc: IstioService, namespace: string): string | undefined {
    return hostOf(svc, namespace, this.b.domain);
  }

  /** First pass: the rule's host, and the subsets its routes and mirror need. */
  plan(r: RouteRule): void {
    const who = describe(r.kind, r.namespace, r.name);
    const dest = r.spec.destination!;
    const host = this.hostOf(dest, r.namespace)!;
    if (dest.service && isCidrService(dest.service)) {
      this.b.notes.warn(r.doc, who, 'spec.destination.service', `${dest.service} is a CIDR block: Istio 0.x applied route rules to HTTP traffic only and CIDR egress rules carried TCP only, so this rule had no effect; not converted`);
      return;
    }
    if (dest.service && isShortName(dest.service)) {
      this.b.notes.warn(r.doc, who, 'spec.destination.service', `"${dest.service}" has no dot: today's Istio reads a short host as ${dest.service}.${r.namespace}.svc.${this.b.domain}`);
    }
    (r.spec.route ?? []).forEach((dw, i) => {
      const h = routeEntryHost(dw, { host, hostOf: (s) => this.hostOf(s, r.namespace) });
      if (h === undefined) this.b.notes.problem(r.doc, who, `spec.route[${i}].destination`, 'names no service (neither name nor service)');
      else if (dw.labels && Object.keys(dw.labels).length > 0) this.drs.get(r.namespace, h).needSubset(dw.labels, r.doc);
    });
    const mirror = r.spec.mirror;
    if (mirror?.labels && Object.keys(mirror.labels).length > 0) this.drs.get(r.namespace, this.hostOf(mirror, r.namespace)!).needSubset(mirror.labels, r.doc);
    const key = `${r.namespace}\u0000${host}`;
    const list = this.groups.get(key) ?? [];
    list.push({ rule: r, host, who });
    this.groups.set(key, list);
  }

  /** Second pass (subset names settled): one VirtualService per group. */
  emit(): void {
    const order = (r: RouteRule) => this.b.order(r.doc);
    for (const group of this.groups.values()) {
      const sorted = [...group].sort((x, y) => byPrecedence(order)(x.rule, y.rule));
      this.warnTies(sorted);
      const { host } = sorted[0]!;
      const namespace = sorted[0]!.rule.namespace;
      const http = sorted.map((p) => httpRouteOf(p.rule.spec, this.context(p)));
      if (http.every((h) => h.match !== undefined)) http.push({ name: fallbackName(sorted), route: [{ destination: { host } }] });
      for (const p of sorted) this.warnMetadata(p);
      this.b.add({
        kind: 'VirtualService',
        namespace,
        baseName: hostObjectName(host, namespace, this.b.domain),
        nameKey: host,
        spec: { hosts: [host], http },
        sources: this.b.inOrder(sorted.map((p) => p.rule.doc)),
        partSources: new Map(sorted.map((p, i) => [`spec.http[${i}]`, p.rule.doc])),
      });
    }
  }

  private context(p: Planned): RouteContext {
    const r = p.rule;
    return {
      notes: this.b.notes,
      doc: r.doc,
      who: p.who,
      name: r.name,
      namespace: r.namespace,
      host: p.host,
      hostOf: (s) => this.hostOf(s, r.namespace),
      subset: (host, labels) => {
        return this.drs.get(r.namespace, host).subsetName(labelsKey(labels));
      },
    };
  }

  private warnTies(sorted: readonly Planned[]): void {
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      const pa = a.rule.spec.precedence ?? 0;
      if (pa !== (b.rule.spec.precedence ?? 0)) continue;
      this.b.notes.warn(b.rule.doc, b.who, 'spec.precedence', `${a.who} has the same precedence (${pa}) for ${b.host}: Istio 0.x applied them in no defined order; today ${a.rule.name} is tried first (ties are ordered by name, then namespace)`);
    }
  }

  private warnMetadata(p: Planned): void {
    const r = p.rule;
    if (r.labels || r.annotations) {
      this.b.notes.warn(r.doc, p.who, 'metadata', 'labels and annotations are not carried over: the VirtualService and DestinationRule of a host gather several rules');
    }
  }
}
