// EgressRule -> ServiceEntry (and, for an `https` port kept as TLS origination, a DestinationRule).
// Pure.
//
// - A CIDR block or an IP address keeps its `addresses`, under a synthetic host naming the rule
//   (hosts.ts egressRuleHost); a domain becomes the one host.
// - Ports: `PROTOCOL-PORT` names, today's upper-case protocols (HTTP, HTTPS, HTTP2, GRPC, TCP, MONGO).
// - resolution NONE, for domains too: 0.x sent egress traffic to an ORIGINAL_DST cluster, i.e. to
//   the address the application itself resolved (pilot/proxy/envoy egress.go
//   buildEgressVirtualHost), and NONE is exactly that today. It also accepts wildcard hosts, which
//   DNS resolution refuses.
// - location MESH_EXTERNAL.
// - An EgressRule for `*` (every host) has no ServiceEntry today: it is dropped with a warning.
import type { EgressRulePort } from '../kinds/egressrule.ts';
import { isCidrService, isBareIPv4 } from '../kinds/egressrule.ts';
import type { Build } from './build.ts';
import type { DestinationRules } from './destinationrule.ts';
import { egressRuleHost } from './hosts.ts';
import type { LegacyObject } from './input.ts';
import { describe } from './notes.ts';

type EgressRule = Extract<LegacyObject, { kind: 'EgressRule' }>;

const PROTOCOL: Record<string, string> = { HTTP: 'HTTP', HTTPS: 'HTTPS', HTTP2: 'HTTP2', GRPC: 'GRPC', TCP: 'TCP', MONGO: 'MONGO' };

export const HTTPS_ORIGINATION_WARNING = (port: number, host: string) =>
  `kept as 0.x meant it: the application sends plain HTTP to port ${port} and the sidecar originates TLS (an HTTP port, and a DestinationRule for ${host} with tls mode SIMPLE on port ${port}); ` +
  `today's sidecar also checks the server's certificate, which 0.x did not. Applications that now send TLS themselves need TLS pass-through instead (convert with tlsPassthrough)`;

export const HTTPS_PASSTHROUGH_WARNING = (port: number) =>
  `converted to TLS pass-through (protocol HTTPS): applications must now send TLS themselves; those that still send plain HTTP to port ${port}, as 0.x required, will fail`;

function servicePort(p: EgressRulePort, origination: boolean): { number: number; name: string; protocol: string } {
  const protocol = PROTOCOL[p.protocol.toUpperCase()] ?? p.protocol.toUpperCase();
  if (protocol === 'HTTPS' && origination) return { number: p.port, name: `http-${p.port}`, protocol: 'HTTP' };
  return { number: p.port, name: `${protocol.toLowerCase()}-${p.port}`, protocol };
}

/** Converts one EgressRule; registers its TLS origination ports with the DestinationRules. */
export function convertEgressRule(r: EgressRule, b: Build, drs: DestinationRules): void {
  const who = describe(r.kind, r.namespace, r.name);
  const service = r.spec.destination.service;
  if (service === '*') {
    b.notes.warn(r.doc, who, 'spec.destination.service', '"*" (every external host) has no ServiceEntry today; today\'s Istio lets sidecars reach any external host unless meshConfig.outboundTrafficPolicy.mode is REGISTRY_ONLY: not converted');
    return;
  }
  const ip = isCidrService(service) || isBareIPv4(service);
  const host = ip ? egressRuleHost(r.name, r.namespace) : service;
  const origination = !b.tlsPassthrough;
  const ports = r.spec.ports.map((p, i) => {
    const path = `spec.ports[${i}]`;
    if (p.protocol.toUpperCase() === 'HTTPS') {
      b.notes.warn(r.doc, who, path, `protocol ${p.protocol} on port ${p.port}: ${origination ? HTTPS_ORIGINATION_WARNING(p.port, host) : HTTPS_PASSTHROUGH_WARNING(p.port)}`);
      if (origination) drs.get(r.namespace, host).originateTLS(p.port, r.doc);
    }
    if (!ip && ['TCP', 'MONGO'].includes(p.protocol.toUpperCase())) {
      b.notes.warn(r.doc, who, path, `protocol ${p.protocol} for the domain ${service}: TCP egress to a domain never worked in 0.x (it needed a CIDR block); today this ServiceEntry, having no addresses, admits TCP traffic to port ${p.port} whatever its destination`);
    }
    return servicePort(p, origination);
  });
  b.add({
    kind: 'ServiceEntry',
    namespace: r.namespace,
    baseName: r.name,
    nameKey: `EgressRule/${r.name}`,
    labels: r.labels,
    annotations: r.annotations,
    spec: { hosts: [host], ...(ip ? { addresses: [service] } : {}), ports, location: 'MESH_EXTERNAL', resolution: 'NONE' },
    sources: [r.doc],
  });
}

/**
 * Two EgressRules for the same destination: 0.x Pilot kept the first (by namespace and name) and
 * silently dropped the other; today both ServiceEntries apply.
 */
export function warnDuplicateDestinations(rules: readonly EgressRule[], b: Build): void {
  const seen = new Map<string, EgressRule>();
  const sorted = [...rules].sort((x, y) => cmp(`${x.namespace}/${x.name}`, `${y.namespace}/${y.name}`));
  for (const r of sorted) {
    const first = seen.get(r.spec.destination.service);
    if (!first) {
      seen.set(r.spec.destination.service, r);
      continue;
    }
    b.notes.warn(r.doc, describe(r.kind, r.namespace, r.name), 'spec.destination.service', `${describe(first.kind, first.namespace, first.name)} names the same destination ${r.spec.destination.service}: Istio 0.x applied only that one and ignored this rule; today both ServiceEntries apply`);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
