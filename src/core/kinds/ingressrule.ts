// The IngressRule spec of Istio 0.4 (istio.routing.v1alpha1.IngressRule): reading it as istioctl
// 0.4 did, and ValidateIngressRule's rules and messages. Pure.
//
// 0.4 checked only the destination ("TODO: complete validation for ingress"); port, tlsSecret,
// match and the destination port are read and type-checked here but not validated, as in 0.4.
// IngressRule had no CRD: istioctl 0.4 validated it and then failed to write it (unrecognized type
// "ingress-rule"). Proto: istio/api@7eada332 routing/v1alpha1/ingress_rule.proto.

import { fieldTable, isObject, show } from '../fields.ts';
import { checkIstioService, readIstioService, SpecReader, type Broken, type IstioService } from './istio-service.ts';
import { readMatchCondition, type MatchCondition } from './routerule.ts';
import { dig, istioServiceCell, type KindDescriptor } from './descriptor.ts';

/** An IngressRule spec as sent: lowerCamel names, in proto order, defaults left out. */
export interface IngressRuleSpec {
  port?: number;
  tlsSecret?: string;
  precedence?: number;
  match?: MatchCondition;
  destination?: IstioService;
  destinationPort?: number;
  destinationPortName?: string;
}

const SPEC_FIELDS = fieldTable('port', 'tls_secret', 'precedence', 'match', 'destination', 'destination_port', 'destination_port_name');

function readIngressRule(r: SpecReader, spec: Record<string, unknown>): IngressRuleSpec {
  const f = r.message(spec, SPEC_FIELDS, 'spec')!;
  const out: IngressRuleSpec = {};
  const port = r.int32(f.get('port'), 'spec.port');
  const tlsSecret = r.string(f.get('tlsSecret'), 'spec.tlsSecret');
  const precedence = r.int32(f.get('precedence'), 'spec.precedence');
  const match = readMatchCondition(r, f.get('match'), 'spec.match');
  const destination = readIstioService(r, f.get('destination'), 'spec.destination');
  const member = r.oneof(f, 'spec', 'destination_service_port', ['destinationPort', 'destinationPortName']);
  if (port !== undefined) out.port = port;
  if (tlsSecret !== undefined) out.tlsSecret = tlsSecret;
  if (precedence !== undefined) out.precedence = precedence;
  if (match) out.match = match;
  if (destination) out.destination = destination;
  // A oneof member keeps a zero value: jsonpb sends `destinationPort: 0` when it was given.
  if (member === 'destinationPort') {
    const n = r.int32(f.get(member), `spec.${member}`, true);
    if (n !== undefined) out.destinationPort = n;
  } else if (member === 'destinationPortName') {
    const s = r.string(f.get(member), `spec.${member}`, true);
    if (s !== undefined) out.destinationPortName = s;
  }
  return out;
}

/** ValidateIngressRule on a spec as read. */
function checkIngressRule(spec: IngressRuleSpec, broken: Broken): string[] {
  const out: string[] = [];
  if (spec.destination) {
    out.push(...checkIstioService(spec.destination, 'spec.destination', broken));
    if (spec.destination.labels) out.push('ingress rule destination labels must be empty');
  } else if (!broken.has('spec.destination')) out.push('ingress rule must have a destination service');
  return out;
}

/** Reads and validates an IngressRule spec (Istio 0.4 rules); the spec is returned only when valid. */
export function checkIngressRuleSpec(spec: unknown): { spec?: IngressRuleSpec; problems: string[] } {
  if (spec === undefined || spec === null) return { problems: ['spec is required'] };
  if (!isObject(spec)) return { problems: [`spec: expected an object, got ${show(spec)}`] };
  const r = new SpecReader();
  const read = readIngressRule(r, spec);
  const problems = [...r.problems, ...checkIngressRule(read, r)];
  return problems.length > 0 ? { problems } : { spec: read, problems };
}

export const INGRESS_RULE: KindDescriptor<IngressRuleSpec> = {
  group: 'config.istio.io',
  version: 'v1alpha2',
  kind: 'IngressRule',
  plural: 'ingressrules',
  singular: 'ingressrule',
  configType: 'ingress-rule',
  era: '0.x',
  installedBy: 'no Istio release installs it',
  refusal:
    'no Istio 0.x cluster stores IngressRule objects (0.2-0.4 install no ingressrules CRD, and istioctl 0.4 failed with "unrecognized type ingress-rule"): ' +
    'Pilot builds its ingress rules from Kubernetes Ingress objects, so write an Ingress instead (egressctl validate checks IngressRules offline)',
  checkSpec: (spec) => checkIngressRuleSpec(spec),
  wideColumns: [{ header: 'DESTINATION', cell: (spec) => istioServiceCell(dig(spec, 'destination')) }],
};
