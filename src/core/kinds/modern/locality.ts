// Locality load balancing settings, as Istio 1.30 checks them (agent.ValidateLocalityLbSetting and
// validateLocalities in pkg/config/validation/agent/validation.go). Istio returns at the first
// problem of these settings; so do we, since later checks build on earlier ones. Pure.

import type { Findings } from './common.ts';
import type { LocalityLoadBalancerSetting } from './trafficpolicy-schema.ts';

const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

type Tree = Map<string, Map<string, Set<string>>>;

/** validateLocalities: each `region[/zone[/subzone]]`, `*` only at the end, no overlaps. */
function localitiesProblem(localities: string[]): string | undefined {
  const tree: Tree = new Map();
  for (const loc of localities) {
    const stars = loc.split('*').length - 1;
    if (stars > 0 && (stars > 1 || !loc.endsWith('*'))) return `locality ${loc} wildcard '*' number can not exceed 1 and must be in the end`;
    if (tree.has('*')) return `locality ${loc} overlap with previous specified ones`;
    const items = loc.split('/');
    const parts = items.length > 3 ? [...items.slice(0, 2), items.slice(2).join('/')] : items;
    if (parts.some((p) => p === '')) return `locality ${loc} must not contain empty region/zone/subzone info`;
    const [region, zone, sub] = parts as [string, string?, string?];
    const r = tree.get(region);
    if (zone === undefined) {
      if (r) return `locality ${loc} overlap with previous specified ones`;
      tree.set(region, new Map([['*', new Set(['*'])]]));
    } else if (sub === undefined) {
      if (r && (r.has('*') || r.has(zone))) return `locality ${loc} overlap with previous specified ones`;
      if (r) r.set(zone, new Set(['*']));
      else tree.set(region, new Map([[zone, new Set(['*'])]]));
    } else if (r) {
      if (r.has('*')) return `locality ${loc} overlap with previous specified ones`;
      const z = r.get(zone);
      if (z && (z.has('*') || z.has(sub))) return `locality ${loc} overlap with previous specified ones`;
      if (z) z.add(sub);
      else r.set(zone, new Set([sub]));
    } else {
      tree.set(region, new Map([[zone, new Set([sub])]]));
    }
  }
  return undefined;
}

/** agent.ValidateLocalityLbSetting. `hasOutlier`: the policy has outlier detection. */
export function checkLocality(lb: LocalityLoadBalancerSetting | undefined, hasOutlier: boolean, path: string, f: Findings): void {
  if (lb === undefined) return;
  const at = (m: string) => `${m} (${path})`;
  const distribute = lb.distribute ?? [];
  const failover = lb.failover ?? [];
  const priority = lb.failoverPriority ?? [];
  if (distribute.length > 0 && failover.length > 0) {
    f.problems.push(at("can not simultaneously specify 'distribute' and 'failover'"));
    return;
  }
  if (failover.length > 0) {
    const topo = priority.find((l) => TOPOLOGY_LABELS.has(l));
    if (topo !== undefined) {
      f.problems.push(`can not simultaneously set 'failover' and topology label '${topo}' in 'failover_priority'`);
      return;
    }
  }
  const sources: string[] = [];
  for (const d of distribute) {
    if (d === null) continue;
    sources.push(d.from ?? '');
    let total = 0;
    for (const w of Object.values(d.to ?? {})) {
      if (w <= 0 || w > 100) {
        f.problems.push(at('locality weight must be in range [1, 100]'));
        return;
      }
      total += w;
    }
    if (total !== 100) {
      f.problems.push(at(`total locality weight ${total} != 100`));
      return;
    }
    const e = localitiesProblem(Object.keys(d.to ?? {}));
    if (e !== undefined) f.problems.push(e);
  }
  const e = localitiesProblem(sources);
  if (e !== undefined) f.problems.push(e);
  if ((failover.length > 0 || priority.length > 0) && !hasOutlier) f.warnings.push(at('outlier detection policy must be provided for failover'));
  for (const fo of failover) {
    if (fo === null) continue;
    const from = fo.from ?? '';
    const to = fo.to ?? '';
    if (from === to) f.problems.push(at('locality lb failover settings must specify different regions'));
    if (from.includes('/') || to.includes('/')) f.problems.push(at('locality lb failover only specify region'));
    if (from.includes('*') || to.includes('*')) f.problems.push(at("locality lb failover region should not contain '*' wildcard"));
  }
}
