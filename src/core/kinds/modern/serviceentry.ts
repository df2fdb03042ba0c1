// ServiceEntry (networking.istio.io/v1) as today's Istio validates it: the CRD's schema and CEL
// rules (istio/api@v1.30.3), then ValidateServiceEntry (istio/istio@1.30.3
// pkg/config/validation/validation.go) with validateWorkloadEntry and validateExportTo. Pure.
//
// Assumed, as in a default install: PILOT_ENABLE_IP_AUTOALLOCATE is on, so the "addresses are
// required" warning shows only for resolution NONE, or when the object's labels opt out with
// networking.istio.io/enable-autoallocate-ip=false (pass them in ctx.labels).

import { at, exportToProblems, fqdnProblem, ipSubnetProblem, isHTTP, isTCP, isTLS, isValidIPAddress, isWildcarded, labelProblems, parseProtocol, partialWildcardProblem, portNameProblem, portProblem, protocolProblem, push, selectorFindings, unixAddressProblem, wildcardDomainProblem, type Findings, type ModernCheck, type ModernContext } from './common.ts';
import { runChecker } from './checker.ts';
import { enumOf, has, list, map, obj, PORT_RULE, str, stringMap, strings, uint32, type CelRule, lazy } from './schema.ts';
import { goQuote } from './text.ts';
import { dig, listCell, stringCell, type KindDescriptor } from '../descriptor.ts';

export type Resolution = 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN' | 'DYNAMIC_DNS';
export type Location = 'MESH_EXTERNAL' | 'MESH_INTERNAL';

export interface ServicePort {
  number: number;
  name: string;
  protocol?: string;
  targetPort?: number;
}

/** A WorkloadEntry as a ServiceEntry endpoint. */
export interface WorkloadEntry {
  address?: string;
  ports?: Record<string, number>;
  labels?: Record<string, string>;
  network?: string;
  locality?: string;
  weight?: number;
  serviceAccount?: string;
}

export interface ServiceEntrySpec {
  hosts: string[];
  addresses?: string[];
  ports?: ServicePort[];
  location?: Location;
  resolution?: Resolution;
  endpoints?: WorkloadEntry[];
  workloadSelector?: { labels?: Record<string, string> };
  exportTo?: string[];
  subjectAltNames?: string[];
}

export const RESOLUTIONS: readonly Resolution[] = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'];
export const LOCATIONS: readonly Location[] = ['MESH_EXTERNAL', 'MESH_INTERNAL'];

const UNIX = 'unix://';
const ENDPOINT_PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const resolutionOf = (s: Record<string, any>): string => s.resolution ?? 'NONE';

const workloadEntry = lazy(() => obj(
  {
    address: str({
      maxLength: 256,
      rules: [
        { message: 'UDS must be an absolute path or abstract socket', ok: (a: string) => !a.startsWith(UNIX) || a[7] === '/' || a[7] === '@' },
        { message: 'UDS may not be a dir', ok: (a: string) => !a.startsWith(UNIX) || !a.endsWith('/') },
      ],
    }),
    labels: stringMap({ maxProperties: 256 }),
    locality: str({ maxLength: 2048 }),
    network: str({ maxLength: 2048 }),
    ports: map(uint32({ rules: [PORT_RULE] }), {
      maxProperties: 128,
      rules: [{ message: 'port name must be valid', ok: (m: Record<string, number>) => Object.keys(m).every((k) => k.length < 63 && ENDPOINT_PORT_NAME.test(k)) }],
    }),
    serviceAccount: str({ maxLength: 253 }),
    weight: uint32(),
  },
  {
    rules: [
      { message: 'Address is required', ok: (e) => has(e, 'address') || has(e, 'network') },
      { message: 'UDS may not include ports', ok: (e) => !(e.address ?? '').startsWith(UNIX) || !has(e, 'ports') },
    ],
  },
));

const SPEC_RULES: CelRule[] = [
  { message: 'only one of WorkloadSelector or Endpoints can be set', ok: (s) => (has(s, 'workloadSelector') ? 1 : 0) + (has(s, 'endpoints') ? 1 : 0) <= 1 },
  {
    message: 'CIDR addresses are allowed only for NONE/STATIC resolution types',
    ok: (s) => !((s.addresses ?? []).some((a: string | null) => a?.includes('/')) && !['STATIC', 'NONE'].includes(resolutionOf(s))),
  },
  { message: 'NONE mode cannot set endpoints', ok: (s) => resolutionOf(s) !== 'NONE' || !has(s, 'endpoints') },
  { message: 'DNS_ROUND_ROBIN mode cannot have multiple endpoints', ok: (s) => s.resolution !== 'DNS_ROUND_ROBIN' || (s.endpoints ?? []).length <= 1 },
];

export const serviceEntrySchema = lazy(() => obj(
  {
    hosts: list(str({ rules: [{ message: 'hostname cannot be wildcard', ok: (h: string) => h !== '*' }] }), { minItems: 1, maxItems: 256 }),
    addresses: list(str({ maxLength: 64 }), { maxItems: 256 }),
    ports: list(
      obj(
        {
          number: uint32({ rules: [PORT_RULE] }),
          protocol: str({ maxLength: 256 }),
          name: str({ maxLength: 256 }),
          targetPort: uint32({ rules: [PORT_RULE] }),
        },
        { required: ['number', 'name'] },
      ),
      {
        maxItems: 256,
        mapKeys: ['name'],
        rules: [{ message: 'port number cannot be duplicated', ok: (ps: ({ number?: number } | null)[]) => ps.every((a) => !a || ps.filter((b) => b && b.number === a.number).length === 1) }],
      },
    ),
    location: enumOf(...LOCATIONS),
    resolution: enumOf(...RESOLUTIONS),
    endpoints: list(workloadEntry(), { maxItems: 4096 }),
    workloadSelector: obj({
      labels: map(str({ maxLength: 63, rules: [{ message: 'wildcard is not supported in selector', ok: (v: string) => !v.includes('*') }] }), { maxProperties: 256 }),
    }),
    exportTo: strings(),
    subjectAltNames: strings(),
  },
  { required: ['hosts'], rules: SPEC_RULES },
));

/** Adds the place when the quoted value is empty (the message then shows nothing). */
function named(message: string | undefined, value: string, path: string): string | undefined {
  return message === undefined || value !== '' ? message : at(message, path);
}

/** validateWorkloadEntry for a STATIC endpoint (addresses must be IPs or unix sockets). */
function checkStaticEndpoint(we: WorkloadEntry, servicePorts: Set<string>, path: string, f: Findings): void {
  const addr = we.address ?? '';
  if (addr === '') {
    if (!we.network) {
      f.problems.push(at('address is required', `${path}.address`));
      return;
    }
    f.warnings.push(`address is unset with network ${goQuote(we.network)}`);
  }
  const unix = addr.startsWith(UNIX);
  if (unix) {
    push(f.problems, named(unixAddressProblem(addr.slice(UNIX.length)), addr.slice(UNIX.length), `${path}.address`));
    if (Object.keys(we.ports ?? {}).length !== 0) f.problems.push(`unix endpoint ${addr} must not include ports`);
  } else if (addr !== '' && !isValidIPAddress(addr)) {
    f.problems.push(`endpoint address ${goQuote(addr)} is not a valid IP address`);
  }
  checkEndpointPorts(we, servicePorts, path, f);
  f.problems.push(...labelProblems(we.labels));
  if (unix && servicePorts.size !== 1) f.problems.push(at('exactly 1 service port required for unix endpoints', path));
}

function checkEndpointPorts(we: WorkloadEntry, servicePorts: Set<string>, path: string, f: Findings): void {
  for (const [name, port] of Object.entries(we.ports ?? {})) {
    const p = `${path}.ports[${name}]`;
    if (!servicePorts.has(name)) f.problems.push(at(`endpoint port ${port} is not defined by the service entry`, p));
    push(f.problems, named(portNameProblem(name), name, p));
    push(f.problems, portProblem(port), p);
  }
}

/** The endpoint checks of the DNS and DNS_ROUND_ROBIN resolutions (addresses may be FQDNs). */
function checkDNSEndpoint(we: WorkloadEntry, servicePorts: Set<string>, path: string, f: Findings): void {
  const addr = we.address ?? '';
  if (!isValidIPAddress(addr) && fqdnProblem(addr) !== undefined) {
    push(f.problems, named(`endpoint address ${goQuote(addr)} is not a valid FQDN or an IP address`, addr, `${path}.address`));
  }
  f.problems.push(...labelProblems(we.labels));
  checkEndpointPorts(we, servicePorts, path, f);
}

function autoAllocates(se: ServiceEntrySpec, labels: Record<string, string> | undefined): boolean {
  if ((se.resolution ?? 'NONE') === 'NONE') return false;
  if ((labels?.['networking.istio.io/enable-autoallocate-ip'] ?? '').toLowerCase() === 'false') return false;
  return (se.addresses ?? []).length === 0;
}

function usesWaypoint(labels: Record<string, string> | undefined): boolean {
  const v = labels?.['istio.io/use-waypoint'];
  return v !== undefined && v !== '' && v.toLowerCase() !== 'none';
}

function checkSelectorAndHosts(se: ServiceEntrySpec, f: Findings): void {
  if (se.workloadSelector !== undefined) {
    const s = selectorFindings(se.workloadSelector.labels);
    f.problems.push(...s.problems);
    for (const w of s.warnings) f.warnings.push(`service entry: ${w}, will be applied to all services in namespace`);
    if (se.endpoints !== undefined) f.problems.push('only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  }
  const hosts = se.hosts ?? [];
  if (hosts.length === 0 && !f.bad.has('spec.hosts')) f.problems.push('service entry must have at least one host');
  // Loops over lists skip holes, as forEach did.
  for (let i = 0; i < hosts.length; i++) {
    if (!(i in hosts)) continue;
    const h = hosts[i]!;
    if (h === null) continue;
    if (h === '*') {
      f.problems.push(`invalid host ${h}`);
      continue;
    }
    push(f.problems, named(wildcardDomainProblem(h), h, `spec.hosts[${i}]`));
    if (se.resolution !== 'DYNAMIC_DNS') push(f.warnings, partialWildcardProblem(h));
  }
}

function checkAddresses(se: ServiceEntrySpec, f: Findings): void {
  let cidr = false;
  const addresses = se.addresses ?? [];
  for (let i = 0; i < addresses.length; i++) {
    if (!(i in addresses)) continue;
    const a = addresses[i]!;
    if (a === null) continue;
    cidr ||= a.includes('/');
    push(f.problems, named(ipSubnetProblem(a), a, `spec.addresses[${i}]`));
  }
  if (cidr && !['NONE', 'STATIC'].includes(se.resolution ?? 'NONE')) f.problems.push('CIDR addresses are allowed only for NONE/STATIC resolution types');
}

/** The ports loop; returns the set of port names the endpoints may use. */
function checkPorts(se: ServiceEntrySpec, ctx: ModernContext, f: Findings): Set<string> {
  const names = new Set<string>();
  const numbers = new Set<number>();
  const auto = autoAllocates(se, ctx.labels);
  const ports = se.ports ?? [];
  for (let i = 0; i < ports.length; i++) {
    if (!(i in ports)) continue;
    const port = ports[i]!;
    if (port === null) continue;
    const path = `spec.ports[${i}]`;
    const name = port.name ?? '';
    const number = port.number ?? 0;
    const protocol = port.protocol ?? '';
    if (names.has(name)) f.problems.push(`service entry port name ${goQuote(name)} already defined`);
    names.add(name);
    if (numbers.has(number)) f.problems.push(at(`service entry port ${number} already defined`, `${path}.number`));
    numbers.add(number);
    if (port.targetPort) push(f.problems, portProblem(port.targetPort), `${path}.targetPort`);
    if ((se.addresses ?? []).length === 0 && !auto && (protocol === '' || protocol === 'TCP')) {
      f.warnings.push(at('addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled', path));
    }
    if (!f.bad.has(`${path}.name`)) push(f.problems, named(portNameProblem(name), name, `${path}.name`));
    push(f.problems, protocolProblem(protocol));
    if (!f.bad.has(`${path}.number`)) push(f.problems, portProblem(number), `${path}.number`);
  }
  return names;
}

function checkDNS(se: ServiceEntrySpec, resolution: Resolution, servicePorts: Set<string>, f: Findings): void {
  const endpoints = se.endpoints ?? [];
  if (endpoints.length === 0) {
    for (const h of se.hosts ?? []) {
      const e = h === null ? undefined : fqdnProblem(h);
      if (e !== undefined) {
        f.problems.push(`hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}, ${e}`);
        break;
      }
    }
  }
  if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) f.problems.push(`there must only be 0 or 1 endpoint for resolution mode ${resolution}`);
  endpoints.forEach((we, i) => we !== null && checkDNSEndpoint(we, servicePorts, `spec.endpoints[${i}]`, f));
  if ((se.addresses ?? []).length > 0) {
    const tcp = (se.ports ?? []).find((p) => p !== null && isTCP(parseProtocol(p.protocol ?? '')));
    if (tcp && (se.hosts ?? []).length > 1) f.warnings.push('service entry can not have more than one host specified simultaneously with address and tcp port');
  }
}

function checkDynamicDNS(se: ServiceEntrySpec, ctx: ModernContext, f: Findings): void {
  const r = 'DYNAMIC_DNS';
  const hosts = se.hosts ?? [];
  if (hosts.length === 0) f.problems.push(`at least one wildcard host must be provided for resolution type ${r}`);
  hosts.forEach((h, i) => {
    if (h !== null && !isWildcarded(h)) f.problems.push(at(`host must be wildcarded for resolution mode ${r}`, `spec.hosts[${i}]`));
  });
  if ((se.addresses ?? []).length !== 0) f.problems.push(`addresses cannot be set for resolution type ${r}. HTTP route domains will only be generatedfrom the hosts field values`);
  if ((se.endpoints ?? []).length !== 0) f.problems.push(`endpoints cannot be set for resolution type ${r}. Destination IP address determined from hostsfield values`);
  (se.ports ?? []).forEach((p, i) => {
    if (p === null) return;
    const proto = parseProtocol(p.protocol ?? '');
    if (!['HTTP', 'TLS', 'GRPC', 'HTTP2'].includes(proto)) f.problems.push(at(`only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type ${r}`, `spec.ports[${i}].protocol`));
  });
  if (se.location === 'MESH_INTERNAL' && usesWaypoint(ctx.labels)) f.problems.push(`location MESH_INTERNAL with resolution type ${r} is not supported when using waypoints`);
}

function checkResolution(se: ServiceEntrySpec, ctx: ModernContext, servicePorts: Set<string>, f: Findings): void {
  const resolution = se.resolution ?? 'NONE';
  switch (resolution) {
    case 'NONE':
      if ((se.endpoints ?? []).length !== 0) f.problems.push('no endpoints should be provided for resolution type none');
      if (se.workloadSelector !== undefined) f.warnings.push('workloadSelector should not be set when resolution mode is NONE');
      return;
    case 'STATIC':
      (se.endpoints ?? []).forEach((we, i) => we !== null && checkStaticEndpoint(we, servicePorts, `spec.endpoints[${i}]`, f));
      return;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      checkDNS(se, resolution, servicePorts, f);
      return;
    case 'DYNAMIC_DNS':
      checkDynamicDNS(se, ctx, f);
      return;
    default:
      // An unknown resolution is already a problem of the CRD's enum; Istio could not decode it.
      return;
  }
}

function checkMultipleHosts(se: ServiceEntrySpec, f: Findings): void {
  if ((se.resolution ?? 'NONE') === 'NONE' || (se.hosts ?? []).length <= 1) return;
  const plain = (se.ports ?? []).some((p) => {
    if (p === null) return false;
    const proto = parseProtocol(p.protocol ?? '');
    return !isHTTP(proto) && !isTLS(proto);
  });
  if (plain) f.problems.push('multiple hosts provided with non-HTTP, non-TLS ports');
}

/** Istio's ValidateServiceEntry on a decoded spec. */
export function istioServiceEntry(se: ServiceEntrySpec, ctx: ModernContext, f: Findings): void {
  checkSelectorAndHosts(se, f);
  checkAddresses(se, f);
  const servicePorts = checkPorts(se, ctx, f);
  if (!f.bad.has('spec.resolution')) {
    checkResolution(se, ctx, servicePorts, f);
    checkMultipleHosts(se, f);
  }
  f.problems.push(...exportToProblems(ctx.namespace, se.exportTo, true, false));
}

/** Validates a ServiceEntry spec as the API server and Istio 1.30 would, every problem at once. */
export function checkServiceEntrySpec(spec: unknown, ctx: ModernContext = {}): ModernCheck<ServiceEntrySpec> {
  return runChecker<ServiceEntrySpec>(spec, {
    schema: serviceEntrySchema(),
    specRequired: true,
    istio: (se, f) => istioServiceEntry(se, ctx, f),
  });
}

export const SERVICE_ENTRY: KindDescriptor<ServiceEntrySpec> = {
  group: 'networking.istio.io',
  version: 'v1',
  readVersions: ['v1beta1', 'v1alpha3'],
  kind: 'ServiceEntry',
  plural: 'serviceentries',
  singular: 'serviceentry',
  shortNames: ['se'],
  configType: 'service-entry',
  era: 'today',
  installedBy: 'Istio installs it',
  checkSpec: (spec, ctx) => checkServiceEntrySpec(spec, ctx),
  wideColumns: [
    { header: 'HOSTS', cell: (spec) => listCell(dig(spec, 'hosts')) },
    { header: 'LOCATION', cell: (spec) => stringCell(dig(spec, 'location')) },
    { header: 'RESOLUTION', cell: (spec) => stringCell(dig(spec, 'resolution')) },
  ],
};
