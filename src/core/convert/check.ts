// Every object `convert` writes, checked with today's rules before anything is returned: a problem
// (at the input place that produced the object) means nothing is written. Pure.
import { dns1123LabelProblems, dns1123SubdomainProblems } from '../names.ts';
import { checkDestinationRuleSpec, checkGatewaySpec, checkServiceEntrySpec, checkVirtualServiceSpec, type ModernCheck, type ModernContext } from '../kinds/modern/index.ts';
import type { SourceDocument } from '../stream.ts';
import type { Notes } from './notes.ts';
import type { ModernKind, OutputObject } from './types.ts';

const CHECKERS: Record<ModernKind, (spec: unknown, ctx: ModernContext) => ModernCheck<unknown>> = {
  ServiceEntry: checkServiceEntrySpec,
  VirtualService: checkVirtualServiceSpec,
  DestinationRule: checkDestinationRuleSpec,
  Gateway: checkGatewaySpec,
};

/** The problems and warnings of one object as today's API server and Istio would give them. */
export function checkObject(o: OutputObject): { problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  // Istio requires a Gateway's name to be a DNS-1123 label (it becomes part of route names).
  const nameProblems = o.kind === 'Gateway' ? dns1123LabelProblems(o.name) : dns1123SubdomainProblems(o.name);
  problems.push(...nameProblems.map((p) => `metadata.name: Invalid value: "${o.name}": ${p}`));
  problems.push(...dns1123LabelProblems(o.namespace).map((p) => `metadata.namespace: Invalid value: "${o.namespace}": ${p}`));
  const r = CHECKERS[o.kind](o.spec, { namespace: o.namespace, labels: o.labels });
  return { problems: [...problems, ...r.problems], warnings: r.warnings };
}

/** The source of the part of an object a message names (`... (spec.http[2].timeout)`), else its first. */
function sourceOf(o: OutputObject, message: string): SourceDocument {
  for (const [part, d] of o.partSources ?? []) {
    if (message.includes(`${part}.`) || message.includes(`${part})`)) return d;
  }
  return o.sources[0]!;
}

/** Checks every object; each problem and warning goes to the notes at the object's first source. */
export function checkObjects(objects: readonly OutputObject[], notes: Notes): void {
  for (const o of objects) {
    const r = checkObject(o);
    const who = `${o.kind}/${o.namespace}/${o.name}`;
    for (const p of r.problems) notes.problem(sourceOf(o, p), who, '', `would not pass today's validation: ${p}`);
    for (const w of r.warnings) notes.warn(sourceOf(o, w), who, '', `today's Istio warns: ${w}`);
  }
}
