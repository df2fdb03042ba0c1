// Every config kind egressctl knows, in one list: a new kind is one file (its spec, validator and
// descriptor) and one line here. Pure.

import type { KindDescriptor } from './descriptor.ts';
import { typeSpellings } from './descriptor.ts';
import { EGRESS_RULE } from './egressrule.ts';
import { ROUTE_RULE } from './routerule.ts';
import { DESTINATION_POLICY } from './destinationpolicy.ts';
import { INGRESS_RULE } from './ingressrule.ts';
import { SERVICE_ENTRY } from './modern/serviceentry.ts';
import { VIRTUAL_SERVICE } from './modern/virtualservice.ts';
import { DESTINATION_RULE } from './modern/destinationrule.ts';
import { GATEWAY } from './modern/gateway.ts';

export const KINDS: readonly KindDescriptor[] = [
  EGRESS_RULE as KindDescriptor,
  ROUTE_RULE as KindDescriptor,
  DESTINATION_POLICY as KindDescriptor,
  INGRESS_RULE as KindDescriptor,
  SERVICE_ENTRY as KindDescriptor,
  VIRTUAL_SERVICE as KindDescriptor,
  DESTINATION_RULE as KindDescriptor,
  GATEWAY as KindDescriptor,
];

const BY_KIND = new Map(KINDS.map((d) => [d.kind, d]));
const BY_TYPE = new Map(KINDS.flatMap((d) => typeSpellings(d).map((t) => [t, d] as const)));

/** The kind named exactly (kinds are case-sensitive, as Kubernetes has them). */
export function kindByName(kind: unknown): KindDescriptor | undefined {
  return typeof kind === 'string' ? BY_KIND.get(kind) : undefined;
}

/** The kind a TYPE argument names, in any of its spellings, case-insensitively. */
export function kindForType(typed: string): KindDescriptor | undefined {
  return BY_TYPE.get(typed.toLowerCase());
}

/** The kinds a cluster can hold (IngressRule never could). */
export const STORED_KINDS: readonly KindDescriptor[] = KINDS.filter((d) => !d.refusal);

/** The TYPE names to show (help, completion, errors): each storable kind's singular and plural. */
export const TYPE_NAMES: readonly string[] = STORED_KINDS.flatMap((d) => [d.singular, d.plural]);
