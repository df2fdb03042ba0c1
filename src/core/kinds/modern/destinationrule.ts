// DestinationRule (networking.istio.io/v1) as today's Istio validates it: the CRD's schema, then
// ValidateDestinationRule (istio/istio@1.30.3 pkg/config/validation/validation.go): host, traffic
// policy, subsets (unique DNS-1123 names, labels, their own policies), exportTo and the workload
// selector. Pure.

import { exportToProblems, labelProblems, push, selectorFindings, wildcardDomainProblem, type Findings, type ModernCheck, type ModernContext } from './common.ts';
import { runChecker } from './checker.ts';
import { subsetNameProblem } from './destination.ts';
import { list, obj, str, stringMap, strings, lazy } from './schema.ts';
import { checkTrafficPolicy } from './trafficpolicy.ts';
import { trafficPolicySchema, workloadSelectorSchema, type TrafficPolicy } from './trafficpolicy-schema.ts';
import { dig, listCell, stringCell, type KindDescriptor } from '../descriptor.ts';

export type * from './trafficpolicy-schema.ts';

export interface Subset {
  name: string;
  labels?: Record<string, string>;
  trafficPolicy?: TrafficPolicy;
}

export interface DestinationRuleSpec {
  host: string;
  trafficPolicy?: TrafficPolicy;
  subsets?: Subset[];
  exportTo?: string[];
  workloadSelector?: { matchLabels?: Record<string, string> };
}

export const destinationRuleSchema = lazy(() => obj(
  {
    exportTo: strings(),
    host: str(),
    subsets: list(obj({ labels: stringMap(), name: str(), trafficPolicy: trafficPolicySchema() }, { required: ['name'] })),
    trafficPolicy: trafficPolicySchema(),
    workloadSelector: workloadSelectorSchema(),
  },
  { required: ['host'] },
));

function checkSubsets(dr: DestinationRuleSpec, ctx: ModernContext, f: Findings): void {
  const names = new Set<string>();
  const subsets = dr.subsets ?? [];
  for (let i = 0; i < subsets.length; i++) {
    if (!(i in subsets)) continue; // a hole, skipped as forEach skips it
    const s = subsets[i]!;
    if (s === null) continue;
    const path = `spec.subsets[${i}]`;
    const name = s.name ?? '';
    if (names.has(name)) push(f.problems, `duplicate subset names: ${name}`, name === '' ? `${path}.name` : undefined);
    names.add(name);
    if (!f.bad.has(`${path}.name`)) push(f.problems, subsetNameProblem(name), name === '' ? `${path}.name` : undefined);
    f.problems.push(...labelProblems(s.labels));
    checkTrafficPolicy(ctx.namespace, s.trafficPolicy, `${path}.trafficPolicy`, f);
  }
}

/** Istio's ValidateDestinationRule on a decoded spec. */
export function istioDestinationRule(dr: DestinationRuleSpec, ctx: ModernContext, f: Findings): void {
  const host = dr.host ?? '';
  if (!f.bad.has('spec.host')) push(f.problems, wildcardDomainProblem(host), host === '' ? 'spec.host' : undefined);
  checkTrafficPolicy(ctx.namespace, dr.trafficPolicy, 'spec.trafficPolicy', f);
  checkSubsets(dr, ctx, f);
  f.problems.push(...exportToProblems(ctx.namespace, dr.exportTo, false, dr.workloadSelector !== undefined));
  if (dr.workloadSelector !== undefined) {
    const s = selectorFindings(dr.workloadSelector.matchLabels);
    f.problems.push(...s.problems);
    f.warnings.push(...s.warnings);
  }
}

/** Validates a DestinationRule spec as the API server and Istio 1.30 would, every problem at once. */
export function checkDestinationRuleSpec(spec: unknown, ctx: ModernContext = {}): ModernCheck<DestinationRuleSpec> {
  return runChecker<DestinationRuleSpec>(spec, { schema: destinationRuleSchema(), specRequired: false, istio: (dr, f) => istioDestinationRule(dr, ctx, f) });
}

export const DESTINATION_RULE: KindDescriptor<DestinationRuleSpec> = {
  group: 'networking.istio.io',
  version: 'v1',
  readVersions: ['v1beta1', 'v1alpha3'],
  kind: 'DestinationRule',
  plural: 'destinationrules',
  singular: 'destinationrule',
  shortNames: ['dr'],
  configType: 'destination-rule',
  era: 'today',
  installedBy: 'Istio installs it',
  checkSpec: (spec, ctx) => checkDestinationRuleSpec(spec, ctx),
  wideColumns: [{ header: 'HOST', cell: (spec) => stringCell(dig(spec, 'host')) }],
};
