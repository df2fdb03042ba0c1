// Cross-kind analysis of Istio 0.x routing: what RouteRules, DestinationPolicies and EgressRules
// together would silently get wrong. Pure, and index-based (maps keyed by host), so 100,000 objects
// take a fraction of a second.
//
// - A RouteRule whose destination, route backend or mirror is an external host (an IstioService
//   `service` outside the cluster domain) that no EgressRule opens: the sidecar refuses the
//   traffic. EgressRules apply mesh-wide in 0.x (istio/istio #4026), whatever their namespace.
// - Two RouteRules for one destination with the same precedence: Pilot orders them arbitrarily.
// - A RouteRule after (lower precedence than) a rule for the same destination that matches every
//   request: it is never used.
// - A route entry with weight 0 beside others: that backend gets no traffic.
// - A DestinationPolicy with labels (a version) that no RouteRule routes to: traffic without a
//   RouteRule goes to the whole service, so the policy never applies.

import type { Problem, Place } from './errors.ts';
import type { IstioService } from './kinds/istio-service.ts';
import type { RouteRuleSpec } from './kinds/routerule.ts';
import type { DestinationPolicySpec } from './kinds/destinationpolicy.ts';
import type { EgressRuleSpec } from './kinds/egressrule.ts';

/** One validated object for the analysis: its kind, where it lives and comes from, and its spec as sent. */
export interface AnalysisObject {
  kind: string;
  namespace: string;
  name: string;
  spec: unknown;
  place: Place;
}

const CLUSTER_DOMAIN = 'cluster.local';

/** The host an IstioService names: `service` as written, else `name.namespace.svc.domain`. */
export function istioServiceHost(s: IstioService, namespace: string): string {
  if (s.service) return s.service.toLowerCase();
  return `${s.name ?? ''}.${s.namespace || namespace}.svc.${s.domain || CLUSTER_DOMAIN}`;
}

/** Whether a host (from a `service`) is outside the mesh: not in the cluster's domain, not a CIDR. */
function isExternal(s: IstioService): boolean {
  if (!s.service) return false;
  const h = s.service.toLowerCase();
  return !h.includes('/') && !h.endsWith(`.svc.${CLUSTER_DOMAIN}`) && !h.endsWith(`.${CLUSTER_DOMAIN}`) && h.includes('.');
}

/** The domains EgressRules open: exact names, and the suffixes their wildcards match. */
class EgressIndex {
  private exact = new Set<string>();
  private suffixes = new Set<string>();
  private all = false;

  add(service: string): void {
    const s = service.toLowerCase();
    if (s === '*') this.all = true;
    else if (s.startsWith('*')) this.suffixes.add(s.slice(1)); // `*.foo.com` -> `.foo.com`, `*foo.com` -> `foo.com`
    else this.exact.add(s);
  }

  /** Istio 0.4's wildcard match: `*.foo.com` matches `a.foo.com`; `*foo.com` matches `foo.com` and `afoo.com`. */
  opens(host: string): boolean {
    if (this.all || this.exact.has(host)) return true;
    for (let i = 0; i <= host.length; i++) if (this.suffixes.has(host.slice(i))) return true;
    return false;
  }
}

function describe(o: AnalysisObject): string {
  return `${o.namespace}/${o.name}`;
}

function where(p: Place): string {
  if (p.document === undefined) return p.source;
  return `${p.source} document ${p.document}${p.item ? ` item ${p.item}` : ''}`;
}

function labelsKey(labels: Record<string, string> | undefined): string {
  return Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels![k]}`)
    .join(',');
}

/** Whether a RouteRule matches every request to its destination (no match condition at all). */
function matchesAll(spec: RouteRuleSpec): boolean {
  const m = spec.match;
  return !m || (!m.source && !m.tcp && !m.udp && !(m.request?.headers && Object.keys(m.request.headers).length > 0));
}

export function analyzeRouting(objects: readonly AnalysisObject[]): Problem[] {
  const warnings: Problem[] = [];
  const egress = new EgressIndex();
  const rules: Array<AnalysisObject & { spec: RouteRuleSpec; host: string }> = [];
  const policies: Array<AnalysisObject & { spec: DestinationPolicySpec }> = [];
  for (const o of objects) {
    if (o.kind === 'EgressRule') egress.add((o.spec as EgressRuleSpec).destination.service);
    else if (o.kind === 'RouteRule') {
      const spec = o.spec as RouteRuleSpec;
      if (spec.destination) rules.push({ ...o, spec, host: istioServiceHost(spec.destination, o.namespace) });
    } else if (o.kind === 'DestinationPolicy') policies.push(o as AnalysisObject & { spec: DestinationPolicySpec });
  }

  // External hosts no EgressRule opens.
  for (const r of rules) {
    const refs: Array<[string, IstioService | undefined]> = [
      ['destination', r.spec.destination],
      ...(r.spec.route ?? []).map((w, i) => [`route[${i}].destination`, w.destination] as [string, IstioService | undefined]),
      ['mirror', r.spec.mirror],
    ];
    const seen = new Set<string>();
    for (const [field, svc] of refs) {
      if (!svc || !isExternal(svc)) continue;
      const host = istioServiceHost(svc, r.namespace);
      if (seen.has(host) || egress.opens(host)) continue;
      seen.add(host);
      warnings.push({
        place: r.place,
        message: `RouteRule ${describe(r)} sends traffic to the external host "${host}" (spec.${field}), but no EgressRule opens it: the sidecar refuses that traffic (add an EgressRule for ${host})`,
      });
    }
  }

  // Per destination, in precedence order (highest first, as Pilot applies them; ties by key).
  const byHost = new Map<string, typeof rules>();
  for (const r of rules) {
    const list = byHost.get(r.host);
    if (list) list.push(r);
    else byHost.set(r.host, [r]);
  }
  const routedTo = new Set<string>();
  for (const [host, list] of byHost) {
    const key = (r: (typeof rules)[number]) => `route-rule/${r.namespace}/${r.name}`;
    list.sort((a, b) => (b.spec.precedence ?? 0) - (a.spec.precedence ?? 0) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    let catchAll: (typeof rules)[number] | undefined;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      const p = r.spec.precedence ?? 0;
      const prev = list[i - 1];
      if (prev && (prev.spec.precedence ?? 0) === p) {
        warnings.push({
          place: r.place,
          message: `RouteRules ${describe(prev)} (${where(prev.place)}) and ${describe(r)} both route "${host}" with precedence ${p}: Pilot applies them in no defined order (give them different precedences)`,
        });
      }
      if (catchAll && (catchAll.spec.precedence ?? 0) > p) {
        warnings.push({
          place: r.place,
          message: `RouteRule ${describe(r)} is never used: ${describe(catchAll)} (${where(catchAll.place)}) routes every request to "${host}" with a higher precedence (${catchAll.spec.precedence ?? 0} > ${p})`,
        });
      }
      if (!catchAll && matchesAll(r.spec) && !r.spec.redirect) catchAll = r;
      // Backends: each labelled route entry is a version something routes to.
      const route = r.spec.route ?? [];
      for (const [i2, w] of route.entries()) {
        const backendHost = w.destination ? istioServiceHost(w.destination, r.namespace) : host;
        if (!(w.weight === 0 && route.length > 1)) routedTo.add(`${backendHost}|${labelsKey(w.labels)}`);
        if (w.weight === 0 && route.length > 1) {
          warnings.push({
            place: r.place,
            message: `RouteRule ${describe(r)} gives spec.route[${i2}] (${backendHost}${w.labels ? ` ${labelsKey(w.labels)}` : ''}) weight 0: that backend gets no traffic from this rule`,
          });
        }
      }
    }
  }

  // Versioned policies nothing routes to.
  for (const p of policies) {
    const d = p.spec.destination;
    if (!d?.labels || Object.keys(d.labels).length === 0) continue;
    const host = istioServiceHost(d, p.namespace);
    if (routedTo.has(`${host}|${labelsKey(d.labels)}`)) continue;
    warnings.push({
      place: p.place,
      message: `DestinationPolicy ${describe(p)} applies to "${host}" with labels ${labelsKey(d.labels)}, but no RouteRule routes to those labels: traffic without a RouteRule goes to the whole service, so this policy never applies`,
    });
  }
  return warnings;
}
