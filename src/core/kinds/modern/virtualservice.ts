// VirtualService (networking.istio.io/v1) as today's Istio validates it: the CRD's schema
// (virtualservice-schema.ts), then ValidateVirtualService (istio/istio@1.30.3
// pkg/config/validation/validation.go): delegate rules, gateways, JWT-claim routing, hosts and
// their overlaps, HTTP/TLS/TCP routes, exportTo, and the unreachable-rule warnings. Pure.
//
// Not modelled: Gateway API semantics (Istio's internal annotation for converted routes).

import { at, dnsPreconditions, exportToProblems, hostSubsetOf, hostsMatch, ipSubnetProblem, isValidIPAddress, labelProblems, portProblem, push, wildcardDomainProblem, type Findings, type ModernCheck, type ModernContext } from './common.ts';
import { runChecker } from './checker.ts';
import { checkGatewayNames, checkRouteDestinations } from './destination.ts';
import { isJwtClaimRoute } from './headers.ts';
import { checkHTTPRoute } from './httproute.ts';
import { goList, goQuote } from './text.ts';
import { analyzeHTTPRules, analyzeL4Rules } from './unreachable.ts';
import { virtualServiceSchema, type L4MatchAttributes, type TCPRoute, type TLSMatchAttributes, type TLSRoute, type VirtualServiceSpec } from './virtualservice-schema.ts';
import { dig, listCell, stringCell, type KindDescriptor } from '../descriptor.ts';

export type * from './virtualservice-schema.ts';

const MESH = 'mesh';
const OUTBOUND_FORMAT = 'outbound_.<PORT>_._.<HOSTNAME>';

/** isGateway: true unless `mesh` is among the gateways (so also when there are none, as in Istio). */
function boundToGateway(vs: VirtualServiceSpec): boolean {
  return !(vs.gateways ?? []).includes(MESH);
}

function hasSniHosts(vs: VirtualServiceSpec): boolean {
  return (vs.tls ?? []).some((t) => t !== null && (t.match ?? []).some((m) => m !== null && (m.sniHosts ?? []).length > 0));
}

/** agent.ValidateWildcardDomainForVirtualServiceBoundToGateway: also allows `outbound_.PORT_._.HOST` SNI names. */
function gatewayHostProblem(sni: boolean, domain: string): string | undefined {
  const pre = dnsPreconditions(domain);
  if (pre !== undefined) return pre;
  if (!(sni && domain.startsWith('outbound_'))) return wildcardDomainProblem(domain);
  const parts = domain.split('_');
  if (parts.length < 4) return `domain name ${domain} invalid, should follow '${OUTBOUND_FORMAT}' format`;
  const port = parts[1]!.replace(/^\.+|\.+$/g, '');
  const host = parts[3]!.replace(/^\.+|\.+$/g, '');
  if (parts[0] !== 'outbound') return `domain name ${goQuote(domain)} invalid (label ${goQuote(parts[0]!)} invalid)`;
  if (!/[0-9]/.test(port)) return `domain name ${goQuote(domain)} invalid (label ${goQuote(port)} invalid). should follow ${OUTBOUND_FORMAT} format`;
  if (!/[a-zA-Z]/.test(host)) return `domain name ${goQuote(domain)} invalid (label ${goQuote(host)} invalid). should follow ${OUTBOUND_FORMAT} format`;
  return undefined;
}

function checkDelegate(vs: VirtualServiceSpec, f: Findings): void {
  if ((vs.hosts ?? []).length !== 0 || f.bad.has('spec.hosts')) return;
  if ((vs.gateways ?? []).length !== 0) f.problems.push('delegate virtual service must have no gateways specified');
  if ((vs.tls ?? []).length !== 0) f.problems.push('delegate virtual service must have no tls route specified');
  if ((vs.tcp ?? []).length !== 0) f.problems.push('delegate virtual service must have no tcp route specified');
}

/** JWT claim routing needs a gateway. */
function checkJwtClaims(vs: VirtualServiceSpec, f: Findings): void {
  for (const h of vs.http ?? []) {
    for (const m of h?.match ?? []) {
      for (const key of [...Object.keys(m?.headers ?? {}), ...Object.keys(m?.withoutHeaders ?? {})]) {
        if (isJwtClaimRoute(key)) f.problems.push(`JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: ${goList(vs.gateways ?? [])}`);
      }
    }
  }
}

function checkHosts(vs: VirtualServiceSpec, appliesToGateway: boolean, f: Findings): void {
  const hosts = vs.hosts ?? [];
  const sni = hasSniHosts(vs);
  let allValid = true;
  // Loops over lists skip holes, as forEach did.
  for (let i = 0; i < hosts.length; i++) {
    if (!(i in hosts)) continue;
    const h = hosts[i]!;
    if (h === null) continue;
    const e = appliesToGateway ? gatewayHostProblem(sni, h) : wildcardDomainProblem(h);
    if (e !== undefined) {
      if (!isValidIPAddress(h)) {
        push(f.problems, e, h === '' ? `spec.hosts[${i}]` : undefined);
        allValid = false;
      }
    } else if (!appliesToGateway && h === '*') {
      f.problems.push('wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allValid = false;
    }
  }
  if (!allValid) return;
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      if (hosts[i] !== null && hosts[j] !== null && hostsMatch(hosts[i]!, hosts[j]!)) f.problems.push(`duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`);
    }
  }
}

/** validateSniHost. */
function checkSniHost(sni: string, vs: VirtualServiceSpec, path: string, f: Findings): void {
  const e = boundToGateway(vs) ? gatewayHostProblem(true, sni) : wildcardDomainProblem(sni);
  if (e !== undefined) {
    if (isValidIPAddress(sni)) f.warnings.push(`using an IP address (${goQuote(sni)}) goes against SNI spec and most clients do not support this`);
    else push(f.problems, e, sni === '' ? path : undefined);
    return;
  }
  if ((vs.hosts ?? []).some((h) => h !== null && hostSubsetOf(sni, h))) return;
  f.problems.push(`SNI host ${goQuote(sni)} is not a compatible subset of any of the virtual service hosts: [${(vs.hosts ?? []).join(', ')}]`);
}

/** The parts of TLS and TCP matches they share: subnets, port, source labels, gateways. */
function checkL4Match(m: L4MatchAttributes | TLSMatchAttributes, path: string, f: Findings): void {
  (m.destinationSubnets ?? []).forEach((s, i) => s !== null && push(f.problems, ipSubnetProblem(s), s === '' ? `${path}.destinationSubnets[${i}]` : undefined));
  if (m.port) push(f.problems, portProblem(m.port), `${path}.port`);
  f.problems.push(...labelProblems(m.sourceLabels));
  checkGatewayNames(m.gateways, `${path}.gateways`, f);
}

/** validateTLSRoute. */
function checkTLSRoute(t: TLSRoute, vs: VirtualServiceSpec, path: string, f: Findings): void {
  if ((t.match ?? []).length === 0 && !f.bad.has(`${path}.match`)) f.problems.push(at('TLS route must have at least one match condition', path));
  (t.match ?? []).forEach((m, i) => {
    if (m === null) return;
    const p = `${path}.match[${i}]`;
    if ((m.sniHosts ?? []).length === 0) {
      if (!f.bad.has(`${p}.sniHosts`)) f.problems.push(at('TLS match must have at least one SNI host', p));
    } else {
      m.sniHosts.forEach((sni, j) => sni !== null && checkSniHost(sni, vs, `${p}.sniHosts[${j}]`, f));
    }
    checkL4Match(m, p, f);
  });
  if ((t.route ?? []).length === 0 && !f.bad.has(`${path}.route`)) f.problems.push(at('TLS route is required', path));
  checkRouteDestinations(t.route, `${path}.route`, f);
}

/** validateTCPRoute. */
function checkTCPRoute(t: TCPRoute, path: string, f: Findings): void {
  (t.match ?? []).forEach((m, i) => m !== null && checkL4Match(m, `${path}.match[${i}]`, f));
  if ((t.route ?? []).length === 0 && !f.bad.has(`${path}.route`)) f.problems.push(at('TCP route is required', path));
  checkRouteDestinations(t.route, `${path}.route`, f);
}

function checkRoutes(vs: VirtualServiceSpec, f: Findings): void {
  const none = (k: 'http' | 'tcp' | 'tls') => (vs[k] ?? []).length === 0 && !f.bad.has(`spec.${k}`);
  if (none('http') && none('tcp') && none('tls')) f.problems.push('http, tcp or tls must be provided in virtual service');
  const delegate = (vs.hosts ?? []).length === 0;
  const http = vs.http ?? [];
  for (let i = 0; i < http.length; i++) if (i in http && http[i] !== null) checkHTTPRoute(http[i]!, delegate, `spec.http[${i}]`, f);
  (vs.tls ?? []).forEach((t, i) => t !== null && checkTLSRoute(t, vs, `spec.tls[${i}]`, f));
  (vs.tcp ?? []).forEach((t, i) => t !== null && checkTCPRoute(t, `spec.tcp[${i}]`, f));
}

function unreachableWarnings(vs: VirtualServiceSpec, f: Findings): void {
  const unused = (rule: string, reason: string) => f.warnings.push(`virtualService rule ${rule} not used (${reason})`);
  const ineffective = (rule: string, match: string, dup: string) => f.warnings.push(`virtualService rule ${rule} match ${match} is not used (duplicate/overlapping match in rule ${dup})`);
  analyzeHTTPRules(vs.http ?? [], unused, ineffective);
  analyzeL4Rules(vs.tcp ?? [], unused, ineffective);
  analyzeL4Rules(vs.tls ?? [], unused, ineffective);
}

/** Istio's ValidateVirtualService on a decoded spec. */
export function istioVirtualService(vs: VirtualServiceSpec, ctx: ModernContext, f: Findings): void {
  checkDelegate(vs, f);
  const appliesToGateway = (vs.gateways ?? []).length > 0 && boundToGateway(vs);
  if ((vs.gateways ?? []).length > 0) checkGatewayNames(vs.gateways, 'spec.gateways', f);
  if (!appliesToGateway) checkJwtClaims(vs, f);
  checkHosts(vs, appliesToGateway, f);
  checkRoutes(vs, f);
  f.problems.push(...exportToProblems(ctx.namespace, vs.exportTo, false, false));
  unreachableWarnings(vs, f);
}

/** Validates a VirtualService spec as the API server and Istio 1.30 would, every problem at once. */
export function checkVirtualServiceSpec(spec: unknown, ctx: ModernContext = {}): ModernCheck<VirtualServiceSpec> {
  return runChecker<VirtualServiceSpec>(spec, { schema: virtualServiceSchema(), specRequired: false, istio: (vs, f) => istioVirtualService(vs, ctx, f) });
}

export const VIRTUAL_SERVICE: KindDescriptor<VirtualServiceSpec> = {
  group: 'networking.istio.io',
  version: 'v1',
  readVersions: ['v1beta1', 'v1alpha3'],
  kind: 'VirtualService',
  plural: 'virtualservices',
  singular: 'virtualservice',
  shortNames: ['vs'],
  configType: 'virtual-service',
  era: 'today',
  installedBy: 'Istio installs it',
  checkSpec: (spec, ctx) => checkVirtualServiceSpec(spec, ctx),
  wideColumns: [
    { header: 'GATEWAYS', cell: (spec) => listCell(dig(spec, 'gateways')) },
    { header: 'HOSTS', cell: (spec) => listCell(dig(spec, 'hosts')) },
  ],
};
