// DestinationRules: one per host and namespace, gathering what every source needs of it. Pure.
//
// - A DestinationPolicy without labels gives the host-wide `trafficPolicy` (a 0.x policy without
//   labels applied to the whole service; the 0.8 converter made it a subset named `default` that no
//   route used).
// - A DestinationPolicy with labels gives the subset of those labels, with its traffic policy.
// - Route labels (RouteRule `route[].labels`, `mirror.labels`) give subsets without a policy.
// - An EgressRule `https` port, kept as TLS origination, gives a port-level `tls: {mode: SIMPLE}`.
// Subsets are named after their labels (names.ts), sorted by name.
import type { SourceDocument } from '../stream.ts';
import type { OutputObject } from './types.ts';
import type { Build } from './build.ts';
import { hostObjectName, labelsKey, uniqueSubsetNames } from './names.ts';
import { mergePolicy } from './trafficpolicy.ts';

type Policy = Record<string, unknown>;

interface SubsetEntry {
  labels: Record<string, string>;
  trafficPolicy?: Policy;
  /** The policy that set trafficPolicy, for the warning when a second one does. */
  policyFrom?: string;
}

export class DestinationRuleBuilder {
  readonly sources: SourceDocument[] = [];
  private trafficPolicy?: Policy;
  private policyFrom?: string;
  private readonly tlsPorts = new Set<number>();
  private readonly subsets = new Map<string, SubsetEntry>();
  private names?: Map<string, string>;

  constructor(readonly namespace: string, readonly host: string) {}

  /** Registers the labels of a route destination: the subset's key. */
  needSubset(labels: Record<string, string>, d: SourceDocument): string {
    const key = labelsKey(labels);
    if (!this.subsets.has(key)) this.subsets.set(key, { labels: { ...labels } });
    this.sources.push(d);
    return key;
  }

  /** A DestinationPolicy's traffic policy, for the labels it selects (none: the whole host). */
  setPolicy(b: Build, labels: Record<string, string> | undefined, policy: Policy | undefined, d: SourceDocument, who: string): void {
    this.sources.push(d);
    if (labels && Object.keys(labels).length > 0) {
      const entry = this.subsets.get(this.needSubset(labels, d))!;
      if (!policy) return;
      if (entry.policyFrom) b.notes.warn(d, who, 'spec.destination', `${entry.policyFrom} sets a policy for the same destination and labels: merged, this one winning where both set a field (0.x gave no order between them)`);
      entry.trafficPolicy = mergePolicy(entry.trafficPolicy, policy);
      entry.policyFrom = who;
      return;
    }
    if (!policy) return;
    if (this.policyFrom) b.notes.warn(d, who, 'spec.destination', `${this.policyFrom} sets a policy for the same destination: merged, this one winning where both set a field (0.x gave no order between them)`);
    this.trafficPolicy = mergePolicy(this.trafficPolicy, policy);
    this.policyFrom = who;
  }

  /** TLS origination on a port (an EgressRule `https` port kept as 0.x meant it). */
  originateTLS(port: number, d: SourceDocument): void {
    this.tlsPorts.add(port);
    this.sources.push(d);
  }

  /** Settles the subset names (after every subset is registered). */
  nameSubsets(): void {
    this.names = uniqueSubsetNames(new Map([...this.subsets].map(([k, v]) => [k, v.labels])));
  }

  /** The subset name for a key returned by needSubset(). */
  subsetName(key: string): string {
    if (!this.names) throw new Error('subset names are not settled yet');
    return this.names.get(key)!;
  }

  /** The spec to write, or undefined when nothing needs a DestinationRule. */
  spec(): Record<string, unknown> | undefined {
    const tls = [...this.tlsPorts].sort((a, b) => a - b).map((number) => ({ port: { number }, tls: { mode: 'SIMPLE' } }));
    let policy = this.trafficPolicy;
    if (tls.length > 0) policy = mergePolicy(policy, { portLevelSettings: tls });
    const subsets = [...this.subsets].map(([key, s]) => ({ name: this.subsetName(key), labels: sortedLabels(s.labels), ...(s.trafficPolicy ? { trafficPolicy: s.trafficPolicy } : {}) }));
    subsets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (!policy && subsets.length === 0) return undefined;
    return { host: this.host, ...(policy ? { trafficPolicy: policy } : {}), ...(subsets.length > 0 ? { subsets } : {}) };
  }
}

function sortedLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]!]));
}

/** The DestinationRules of one conversion, by namespace and host. */
export class DestinationRules {
  private readonly byKey = new Map<string, DestinationRuleBuilder>();

  get(namespace: string, host: string): DestinationRuleBuilder {
    const key = `${namespace}\u0000${host}`;
    let dr = this.byKey.get(key);
    if (!dr) {
      dr = new DestinationRuleBuilder(namespace, host);
      this.byKey.set(key, dr);
    }
    return dr;
  }

  nameSubsets(): void {
    for (const dr of this.byKey.values()) dr.nameSubsets();
  }

  /** Adds every DestinationRule that has something to say to the build. */
  emit(b: Build): void {
    for (const dr of this.byKey.values()) {
      const spec = dr.spec();
      if (!spec) continue;
      b.add({
        kind: 'DestinationRule',
        namespace: dr.namespace,
        baseName: hostObjectName(dr.host, dr.namespace, b.domain),
        nameKey: dr.host,
        spec,
        sources: b.inOrder(dr.sources),
      });
    }
  }
}


/**
 * A DestinationRule in another namespace than its service's applies today only to the clients of
 * its own namespace (Istio looks one up in the client's namespace, then the service's), where a
 * 0.x policy or route applied to every client: a warning at its first source.
 */
export function warnCrossNamespace(b: Build, objects: readonly OutputObject[]): void {
  for (const o of objects) {
    if (o.kind !== 'DestinationRule') continue;
    const host = String(o.spec.host);
    const m = new RegExp(`^[^.]+\\.([^.]+)\\.svc\\.${b.domain.replace(/[.]/g, '\\.')}$`).exec(host);
    if (!m || m[1] === o.namespace) continue;
    b.notes.warn(o.sources[0]!, `DestinationRule/${o.namespace}/${o.name}`, 'spec.host', `${host} is a service of namespace ${m[1]}: a DestinationRule in ${o.namespace} applies only to clients in ${o.namespace} today (Istio looks in the client's namespace, then the service's), where Istio 0.x applied it to every client; routes to its subsets from other namespaces would fail`);
  }
}
