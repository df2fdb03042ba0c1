// The common frame of a modern kind's checker: decode the spec against the CRD schema, then run
// Istio's rules on what was decoded. Pure.

import { show } from '../../fields.ts';
import { findings, type Findings, type ModernCheck } from './common.ts';
import { decode, requiredProblem, type ObjectSchema } from './schema.ts';

export interface KindRules<T> {
  schema: ObjectSchema;
  /** The CRD makes `spec` required (ServiceEntry); otherwise a missing spec reads as `{}`. */
  specRequired: boolean;
  /** Istio's rules, in Istio's order, on the decoded spec. */
  istio: (spec: T, f: Findings) => void;
}

export function runChecker<T>(spec: unknown, rules: KindRules<T>): ModernCheck<T> {
  const f = findings();
  if (spec === undefined || spec === null) {
    if (rules.specRequired) return { problems: [requiredProblem('spec')], warnings: [] };
    spec = {};
  }
  const decoded = decode(spec, rules.schema, 'spec', f);
  if (decoded === undefined) return { problems: f.problems.length ? f.problems : [`spec: expected an object, got ${show(spec)}`], warnings: [] };
  rules.istio(decoded as T, f);
  if (f.problems.length > 0) return { problems: f.problems, warnings: f.warnings };
  return { spec: decoded as T, problems: [], warnings: f.warnings };
}
