// Shared pieces of today's Istio validation (istio/istio@1.30.3: pkg/config/validation/validation.go,
// pkg/config/validation/agent/validation.go, pkg/config/labels/instance.go, pkg/config/host,
// pkg/config/protocol, pkg/config/visibility): hosts, ports, protocols, durations, labels,
// exportTo and workload selectors, plus the result type of every modern kind's checker. Pure.
//
// How a checker reports (the same for ServiceEntry, VirtualService, DestinationRule and Gateway):
//
// 1. Shape and CRD rules first, as the API server would report them before Istio's webhook runs
//    (schema.ts): unknown fields and wrong types named by path, then the CRD's own keywords and CEL
//    rules in the API server's form, `PATH: Invalid value: "TYPE": MESSAGE`.
// 2. Then Istio's rules, in the order Istio's Validate function runs them, every one (where Istio
//    returns at its first error only because of how it collects errors, we go on, so that every
//    problem is seen at once). Messages are Istio's format strings, filled as Go fills them (%q is
//    Go-quoted, %v of a list is `[a b]`, %f has six decimals).
//
// The suffix convention: when Istio's message does not itself show which value is wrong, we add
// the path of the field or list element it concerns, after one space, in parentheses:
//     `weight -1 < 0 (spec.http[0].route[1].weight)`
//     `subset name cannot be empty (spec.subsets[2].name)`
//     `service entry port 80 already defined (spec.ports[1].number)`
// A message is left as Istio prints it when it quotes the user's own text (a host, name, address,
// protocol, header, key or regex: `invalid host *`, `unsupported protocol: QUIC`), or when it is
// about something a spec has only once (`service entry must have at least one host`,
// `http, tcp or tls must be provided in virtual service`, the exportTo rules). A message that
// quotes only a number, or an empty value, gets the suffix. API-server messages (schema.ts) begin
// with their path instead, as the API server prints them.
//
// Order within Go map loops (labels, headers, endpoint ports) is Go's random order in Istio; here it
// is the order in which the keys were written.

import { parseGoDuration, durationProblem } from './duration.ts';
import { isValidIP, parseAddr, parsePrefix } from './netip.ts';
import { byteLength, goQuote } from './text.ts';

/** What a modern kind's checker returns. `spec` is given only when there are no problems. */
export interface ModernCheck<T> {
  spec?: T;
  problems: string[];
  warnings: string[];
}

/** What a checker knows of the object around the spec. */
export interface ModernContext {
  /** The object's namespace: resolves short hosts, `.` in exportTo, configmap:// credentials. */
  namespace?: string;
  /** The object's labels (ServiceEntry: IP auto-allocation opt-out, use-waypoint). */
  labels?: Record<string, string>;
}

/** Where problems and warnings are collected, in order. */
export interface Findings {
  problems: string[];
  warnings: string[];
  /** Paths whose values had the wrong type: Istio could not decode them, so its rules skip them. */
  bad: Set<string>;
}

export function findings(): Findings {
  return { problems: [], warnings: [], bad: new Set() };
}

/** Appends the place to a message that does not show it (see the convention above). */
export function at(message: string, path: string): string {
  return `${message} (${path})`;
}

/** Pushes a message when there is one. */
export function push(list: string[], message: string | undefined, path?: string): void {
  if (message !== undefined) list.push(path === undefined ? message : at(message, path));
}

// ---- hosts ------------------------------------------------------------------------------------

const LABEL_FMT = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';
const DNS1123_LABEL = new RegExp(`^${LABEL_FMT}$`);
const WILDCARD_LABEL = new RegExp(`^(\\*|(\\*|\\*-)?${LABEL_FMT})$`);


/** labels.IsDNS1123Label: upper case is allowed, at most 63 bytes. */
export function isDNS1123Label(s: string): boolean {
  return byteLength(s) <= 63 && DNS1123_LABEL.test(s);
}

/** labels.IsWildcardDNS1123Label: `*`, `*foo`, `*-foo` or a label. */
export function isWildcardDNS1123Label(s: string): boolean {
  return byteLength(s) <= 63 && WILDCARD_LABEL.test(s);
}

/** strconv.Atoi succeeds: optional sign, decimal digits, within int64. */
function atoiOK(s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(1n << 63n) && n < 1n << 63n;
}

/** agent.CheckDNS1123Preconditions. */
export function dnsPreconditions(name: string): string | undefined {
  if (byteLength(name) > 255) return `domain name ${goQuote(name)} too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

/** agent.ValidateDNS1123Labels: an all-numeric last label is refused; a final empty label is allowed. */
export function dns1123LabelsProblem(domain: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1]!;
  if (atoiOK(tld)) return `domain name ${goQuote(domain)} invalid (top level domain ${goQuote(tld)} cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i]!;
    if (i === parts.length - 1 && label === '') return undefined;
    if (!isDNS1123Label(label)) return `domain name ${goQuote(domain)} invalid (label ${goQuote(label)} invalid)`;
  }
  return undefined;
}

/** agent.ValidateFQDN. Short names (one label) pass: Istio accepts them today. */
export function fqdnProblem(fqdn: string): string | undefined {
  return dnsPreconditions(fqdn) ?? dns1123LabelsProblem(fqdn);
}

/**
 * agent.ValidateWildcardDomain: a wildcard only in the first label. As in Istio, an error in a later
 * label names the rest of the host, not the whole (`*.a_b.com` -> `domain name "a_b.com" invalid`).
 */
export function wildcardDomainProblem(domain: string): string | undefined {
  const pre = dnsPreconditions(domain);
  if (pre !== undefined) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardDNS1123Label(first)) return `domain name ${goQuote(domain)} invalid (label ${goQuote(first)} invalid)`;
  return dot < 0 ? undefined : dns1123LabelsProblem(domain.slice(dot + 1));
}

/** agent.ValidatePartialWildCard. */
export function partialWildcardProblem(host: string): string | undefined {
  if (host.includes('*') && host.length !== 1 && !host.startsWith('*.')) return `partial wildcard ${goQuote(host)} not allowed`;
  return undefined;
}

/** host.Name.IsWildCarded. */
export function isWildcarded(host: string): boolean {
  return host.startsWith('*');
}

/** host.Name.Matches: the two hosts overlap. */
export function hostsMatch(a: string, b: string): boolean {
  const aw = isWildcarded(a);
  const bw = isWildcarded(b);
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** host.Name.SubsetOf: every name `a` matches is matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  const aw = isWildcarded(a);
  const bw = isWildcarded(b);
  if (aw && bw) return a.length >= b.length && a.slice(1).endsWith(b.slice(1));
  if (aw) return false;
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * A host as Istio resolves it for matching (pilot/pkg/model ResolveShortnameToFQDN): `*` and IP
 * addresses stay as they are, a name with a dot is taken as fully qualified, and a short name
 * becomes NAME.NAMESPACE.svc.DOMAIN.
 */
export function fqdn(host: string, namespace: string | undefined, domain = 'cluster.local'): string {
  if (host === '' || host === '*' || isValidIP(host) || host.includes('.')) return host;
  let out = host;
  if (namespace) out += `.${namespace}`;
  if (domain) out += `.svc.${domain}`;
  return out;
}

// ---- addresses ----------------------------------------------------------------------------------

/** netutil.IsValidIPAddress: netip.ParseAddr accepts it (IPv4, IPv6, IPv6 with a zone). */
export function isValidIPAddress(s: string): boolean {
  return isValidIP(s);
}

/** agent.ValidateIPAddress. */
export function ipAddressProblem(addr: string): string | undefined {
  return parseAddr(addr).ok ? undefined : `${addr} is not a valid IP`;
}

/** agent.ValidateIPSubnet: one `/` makes it a CIDR block (IPv4 or IPv6), otherwise an address. */
export function ipSubnetProblem(subnet: string): string | undefined {
  if (subnet.split('/').length - 1 === 1) return parsePrefix(subnet).ok ? undefined : `${subnet} is not a valid CIDR block`;
  return ipAddressProblem(subnet);
}

/** validation.ValidateUnixAddress. */
export function unixAddressProblem(addr: string): string | undefined {
  if (addr.length === 0) return 'unix address must not be empty';
  if (addr.startsWith('@')) return undefined;
  if (!addr.startsWith('/') || addr.endsWith('/')) return `${addr} is not an absolute path to a file`;
  return undefined;
}

// ---- ports and protocols --------------------------------------------------------------------------

/** agent.ValidatePort. */
export function portProblem(port: number): string | undefined {
  return port >= 1 && port <= 65535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

/** validation.ValidatePortName. */
export function portNameProblem(name: string): string | undefined {
  return isDNS1123Label(name) ? undefined : `invalid port name: ${name}`;
}

export type Protocol = 'TCP' | 'UDP' | 'GRPC' | 'GRPC-Web' | 'HTTP' | 'HTTP_PROXY' | 'HTTP2' | 'HTTPS' | 'TLS' | 'Mongo' | 'Redis' | 'MySQL' | 'UnsupportedProtocol';

const PROTOCOLS: Record<string, Protocol> = {
  tcp: 'TCP',
  udp: 'UDP',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-Web',
  http: 'HTTP',
  http_proxy: 'HTTP_PROXY',
  http2: 'HTTP2',
  https: 'HTTPS',
  tls: 'TLS',
  mongo: 'Mongo',
  redis: 'Redis',
  mysql: 'MySQL',
};

/** protocol.Parse: case-insensitive; anything else (the empty string too) is unsupported. */
export function parseProtocol(s: string): Protocol {
  return PROTOCOLS[s.toLowerCase()] ?? 'UnsupportedProtocol';
}

export function isHTTP(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}

export function isTCP(p: Protocol): boolean {
  return p === 'TCP' || p === 'HTTPS' || p === 'TLS' || p === 'Mongo' || p === 'Redis' || p === 'MySQL';
}

export function isTLS(p: Protocol): boolean {
  return p === 'HTTPS' || p === 'TLS';
}

/** validation.ValidateProtocol: empty is allowed (protocol sniffing). */
export function protocolProblem(protocol: string): string | undefined {
  if (protocol !== '' && parseProtocol(protocol) === 'UnsupportedProtocol') return `unsupported protocol: ${protocol}`;
  return undefined;
}

// ---- durations ------------------------------------------------------------------------------------

/** The duration a decoded field holds, in nanoseconds (undefined when it does not parse). */
export function nanosOf(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  const d = parseGoDuration(text);
  return d.ok ? d.nanos : undefined;
}

/** agent.ValidateDuration on a decoded field, with its path as suffix. */
export function checkDuration(text: string | undefined, path: string, out: string[]): void {
  const n = nanosOf(text);
  if (n !== undefined) push(out, durationProblem(n), path);
}

// ---- labels ---------------------------------------------------------------------------------------

const QUALIFIED_NAME_FMT = '(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const TAG_KEY = new RegExp(`^(${LABEL_FMT}(?:\\.${LABEL_FMT})*/)?(${QUALIFIED_NAME_FMT})$`);
const TAG_VALUE = new RegExp(`^(${QUALIFIED_NAME_FMT})?$`);

/** labels.Instance.Validate: every key and value (Istio's texts, not the API server's). */
export function labelProblems(labels: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    const m = TAG_KEY.exec(k);
    if (!m) out.push(`invalid tag key: ${goQuote(k)}`);
    else if (m[1] && byteLength(m[1]) - 1 > 253) out.push(`invalid tag key: ${goQuote(k)} (DNS prefix is too long)`);
    else if (byteLength(m[2]!) > 63) out.push(`invalid tag key: ${goQuote(k)} (name is too long)`);
    if (!TAG_VALUE.test(v)) out.push(`invalid tag value: ${goQuote(v)}`);
  }
  return out;
}

// ---- exportTo --------------------------------------------------------------------------------------

/** visibility.Instance.Validate. */
function visibilityProblem(v: string): string | undefined {
  if (v === '.' || v === '*') return undefined;
  if (v === '~') return 'exportTo ~ (none) is not allowed for Istio configuration objects';
  if (!isDNS1123Label(v)) return 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry';
  return undefined;
}

/**
 * validation.validateExportTo. `.` stands for the object's namespace; when the namespace is not
 * known, `.` is kept as itself (Istio would compare it with the empty namespace).
 */
export function exportToProblems(namespace: string | undefined, exportTo: readonly string[] | undefined, isServiceEntry: boolean, isDestinationRuleWithSelector: boolean): string[] {
  const out: string[] = [];
  if (!exportTo || exportTo.length === 0) return out;
  const set = new Set<string>();
  for (const e of exportTo) {
    const key = e === '.' && namespace !== undefined ? namespace : e;
    if (set.has(key)) {
      out.push(key !== e ? `duplicate entries in exportTo: . and current namespace ${namespace}` : `duplicate entries in exportTo for entry ${e}`);
    } else if (isServiceEntry && e === '~') {
      set.add(key);
    } else {
      const p = visibilityProblem(key);
      if (p !== undefined) out.push(p);
      else set.add(key);
    }
  }
  if (isDestinationRuleWithSelector && set.size > 0) {
    const own = namespace ?? '.';
    if (set.has(own)) {
      if (set.size > 1) out.push('destination rule with workload selector cannot have multiple entries in exportTo');
    } else {
      out.push('destination rule with workload selector cannot have exportTo beyond current namespace');
    }
  }
  if (set.has('*') && exportTo.length > 1) out.push('cannot have both public (*) and non-public exportTo values for a resource');
  if (set.has('~') && exportTo.length > 1) out.push('cannot export service entry to no one (~) and someone');
  return out;
}

// ---- workload selectors -----------------------------------------------------------------------------

/**
 * The label checks of ValidateAlphaWorkloadSelector (ServiceEntry, Sidecar: `labels`) and
 * validateWorkloadSelector (DestinationRule: `matchLabels`): errors, and the warning for no labels.
 */
export function selectorFindings(labels: Record<string, string> | undefined): Findings {
  const f = findings();
  for (const [k, v] of Object.entries(labels ?? {})) {
    const kv = goQuote(`${k}=${v}`);
    if (k === '') f.problems.push(`empty key is not supported in selector: ${kv}`);
    if (k.includes('*') || v.includes('*')) f.problems.push(`wildcard is not supported in selector: ${kv}`);
  }
  if (Object.keys(labels ?? {}).length === 0) f.warnings.push('workload selector specified without labels');
  return f;
}
