// The EgressRule kind: its spec, its normalisation and validation, and its descriptor. Pure.
//
// The rules and messages are Istio 0.4's (pilot/model/validation.go), every problem collected.
// Added here: strict IPv4 parsing, type checks, and unknown fields named. (Metadata is checked
// for every kind alike, in core/objects.ts.)

import { parseIPv4 } from '../cidr.ts';
import { checkServiceName04, isCidrService } from './istio-service.ts';
import { isObject, readFields, readStringMap, show } from '../fields.ts';
import type { ConfigObject } from '../objects.ts';
import { dig, objectFieldCell, type KindDescriptor } from './descriptor.ts';


export interface EgressRulePort {
  port: number;
  protocol: string;
}

export interface EgressRuleSpec {
  destination: { service: string };
  ports: EgressRulePort[];
  useEgressProxy?: boolean;
}

/** An EgressRule as sent to the API server: lowerCamel names, defaults left out. */
export type EgressRuleObject = ConfigObject<EgressRuleSpec>;

/** Protocols of Istio 0.4's egress rules, in a fixed order (the original's was random). */
export const HTTP_PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'GRPC'] as const;
export const TCP_PROTOCOLS = ['TCP', 'MONGO'] as const;
export const EGRESS_PROTOCOLS: readonly string[] = [...HTTP_PROTOCOLS, ...TCP_PROTOCOLS];

export function protocolGroup(protocol: string): 'HTTP' | 'TCP' | undefined {
  const p = protocol.toUpperCase();
  if ((HTTP_PROTOCOLS as readonly string[]).includes(p)) return 'HTTP';
  if ((TCP_PROTOCOLS as readonly string[]).includes(p)) return 'TCP';
  return undefined;
}

export { isCidrService } from './istio-service.ts';

const SPEC_FIELDS = { destination: 'destination', ports: 'ports', use_egress_proxy: 'useEgressProxy', useEgressProxy: 'useEgressProxy' };
const DESTINATION_FIELDS = { name: 'name', namespace: 'namespace', domain: 'domain', service: 'service', labels: 'labels' };
const PORT_FIELDS = { port: 'port', protocol: 'protocol' };

/** Validates the spec of an EgressRule (Istio 0.4 rules) and returns it normalised. */
export function checkEgressRuleSpec(spec: unknown): { spec?: EgressRuleSpec; problems: string[] } {
  const problems: string[] = [];
  if (spec === undefined || spec === null) return { problems: ['spec is required'] };
  if (!isObject(spec)) return { problems: [`spec: expected an object, got ${show(spec)}`] };
  const f = readFields(spec, SPEC_FIELDS, 'spec.', problems);

  // 1. destination
  let service = '';
  const destination = f.get('destination');
  if (destination === undefined || destination === null) {
    problems.push('destination of egress rule must have destination field');
  } else if (!isObject(destination)) {
    problems.push(`spec.destination: expected an object, got ${show(destination)}`);
  } else {
    const d = readFields(destination, DESTINATION_FIELDS, 'spec.destination.', problems);
    for (const field of ['name', 'namespace', 'domain'] as const) {
      const v = d.get(field);
      if (v === undefined || v === null || v === '') continue;
      if (typeof v !== 'string') problems.push(`spec.destination.${field}: expected a string, got ${show(v)}`);
      problems.push(`destination of egress rule must not have ${field} field`);
    }
    const labels = d.get('labels');
    if (labels !== undefined && labels !== null) {
      readStringMap(labels, 'spec.destination.labels', problems);
      if (!isObject(labels) || Object.keys(labels).length > 0) problems.push('destination of egress rule must not have labels field');
    }
    const s = d.get('service');
    if (s !== undefined && s !== null && typeof s !== 'string') problems.push(`spec.destination.service: expected a string, got ${show(s)}`);
    else service = s ?? '';
  }

  // 2. service: a CIDR block when it has exactly one '/', otherwise a domain.
  const cidrService = isCidrService(service);
  if (destination !== undefined && destination !== null && isObject(destination)) problems.push(...checkServiceName04(service));

  // 3-5. ports
  const ports: EgressRulePort[] = [];
  const rawPorts = f.get('ports');
  if (rawPorts !== undefined && rawPorts !== null && !Array.isArray(rawPorts)) {
    problems.push(`spec.ports: expected a list, got ${show(rawPorts)}`);
  } else if (!rawPorts || rawPorts.length === 0) {
    problems.push('egress rule must have a ports list');
  } else {
    const seen = new Set<number>();
    // Holes skipped, as forEach skips them.
    for (let i = 0; i < rawPorts.length; i++) {
      if (!(i in rawPorts)) continue;
      const item: unknown = rawPorts[i];
      const path = `spec.ports[${i}]`;
      if (!isObject(item)) {
        problems.push(`${path}: expected an object, got ${show(item)}`);
        continue;
      }
      const p = readFields(item, PORT_FIELDS, `${path}.`, problems);
      // Absent is proto3's default (port 0, protocol ""), worded as Istio words it; an explicit null
      // is a value of the wrong type, not a port 0.
      const port = p.has('port') && p.get('port') === null ? null : (p.get('port') ?? 0);
      const protocol = p.has('protocol') && p.get('protocol') === null ? null : (p.get('protocol') ?? '');
      if (typeof port !== 'number' || !Number.isInteger(port)) {
        problems.push(`${path}.port: expected an integer, got ${show(port)}`);
        continue;
      }
      if (typeof protocol !== 'string') {
        problems.push(`${path}.protocol: expected a string, got ${show(protocol)}`);
        continue;
      }
      if (seen.has(port)) problems.push(`duplicate port: ${port}`);
      seen.add(port);
      if (port < 1 || port > 65535) problems.push(`port number ${port} must be in the range 1..65535`);
      const group = protocolGroup(protocol);
      if (group === undefined) {
        problems.push(`egress rule support is available only for the following protocols: ${EGRESS_PROTOCOLS.join(',')}`);
      }
      if (cidrService && group !== 'TCP') {
        problems.push(`Only the following protocols can be defined for CIDR destination service notation: ${TCP_PROTOCOLS.join(',')}. This rule - port: ${port} protocol: ${protocol} destination.service: ${service}`);
      }
      ports.push({ port, protocol });
    }
  }

  // 6. egress proxy
  const useProxy = f.get('useEgressProxy');
  if (useProxy !== undefined && useProxy !== null && typeof useProxy !== 'boolean') {
    problems.push(`spec.use_egress_proxy: expected a boolean, got ${show(useProxy)}`);
  } else if (useProxy === true) {
    problems.push('directing traffic through egress proxy is not implemented yet');
  }

  if (problems.length > 0) return { problems };
  return { spec: { destination: { service }, ports }, problems };
}

/** Whether `service` is a bare IPv4 address (which, as a domain, never matches). */
export function isBareIPv4(service: string): boolean {
  return parseIPv4(service) !== undefined;
}

function portsCell(spec: unknown): string {
  const p = dig(spec, 'ports');
  if (p === undefined || p === null || (Array.isArray(p) && p.length === 0)) return '<none>';
  if (!Array.isArray(p)) return '<invalid>';
  return p
    .map((x: unknown) => {
      const port = dig(x, 'port');
      const protocol = dig(x, 'protocol');
      return Number.isInteger(port) && typeof protocol === 'string' ? `${port}/${protocol.toUpperCase()}` : '<invalid>';
    })
    .join(',');
}

export const EGRESS_RULE: KindDescriptor<EgressRuleSpec> = {
  group: 'config.istio.io',
  version: 'v1alpha2',
  kind: 'EgressRule',
  plural: 'egressrules',
  singular: 'egressrule',
  configType: 'egress-rule',
  istioctlTypes: ['egressrule', 'egressrules'],
  era: '0.x',
  installedBy: 'Istio 0.2-0.7 installs it',
  checkSpec: (spec) => checkEgressRuleSpec(spec),
  wideColumns: [
    { header: 'DESTINATION', cell: (spec) => objectFieldCell(dig(spec, 'destination'), 'service') },
    { header: 'PORTS', cell: portsCell },
  ],
};
