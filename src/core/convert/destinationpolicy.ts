// DestinationPolicy -> its part of the DestinationRule of its host (destinationrule.ts). Pure.
//
// `source` is dropped with a warning: a DestinationRule's workloadSelector picks client workloads
// by label in its own namespace only, which is not what a 0.x source service meant.
import type { Build } from './build.ts';
import type { DestinationRules } from './destinationrule.ts';
import { hostOf } from './hosts.ts';
import type { LegacyObject } from './input.ts';
import { describe } from './notes.ts';
import { trafficPolicyOf } from './trafficpolicy.ts';

type DestinationPolicy = Extract<LegacyObject, { kind: 'DestinationPolicy' }>;

export function convertDestinationPolicy(p: DestinationPolicy, b: Build, drs: DestinationRules): void {
  const who = describe(p.kind, p.namespace, p.name);
  const dest = p.spec.destination!;
  const host = hostOf(dest, p.namespace, b.domain)!;
  if (p.spec.source) {
    b.notes.warn(p.doc, who, 'spec.source', `a policy for the requests of one source service has no equivalent today: the policy now applies to requests from every workload`);
  }
  const policy = trafficPolicyOf(p.spec, { notes: b.notes, doc: p.doc, who });
  const labels = dest.labels && Object.keys(dest.labels).length > 0 ? dest.labels : undefined;
  if (!policy && !labels) b.notes.warn(p.doc, who, 'spec', 'sets nothing that today\'s Istio has (no load balancing, no circuit breaker): no DestinationRule for it');
  drs.get(p.namespace, host).setPolicy(b, labels, policy, p.doc, who);
  if (p.labels || p.annotations) b.notes.warn(p.doc, who, 'metadata', 'labels and annotations are not carried over: the DestinationRule of a host gathers several sources');
}
