// Gateway (networking.istio.io/v1) as today's Istio validates it: the CRD's schema and CEL rules,
// then ValidateGateway (istio/istio@1.30.3 pkg/config/validation/validation.go): servers, their
// `namespace/host` hosts, ports, binds and TLS settings, and unique port names. Pure.
//
// Not here: the check of the Gateway's own name (`invalid gateway name`, a DNS-1123 label), which
// belongs to the object's metadata; Gateway API semantics (converted gateways). The selector is a
// map of strings; Istio does not check it further.

import { at, isHTTP, isTLS, ipAddressProblem, isDNS1123Label, parseProtocol, partialWildcardProblem, portProblem, push, unixAddressProblem, wildcardDomainProblem, isValidIPAddress, type Findings, type ModernCheck, type ModernContext } from './common.ts';
import { runChecker } from './checker.ts';
import { bool, enumOf, has, list, obj, str, stringMap, strings, uint32, lazy } from './schema.ts';
import { goList, goQuote } from './text.ts';
import { dig, listCell, stringCell, type KindDescriptor } from '../descriptor.ts';

export type ServerTLSMode = 'PASSTHROUGH' | 'SIMPLE' | 'MUTUAL' | 'AUTO_PASSTHROUGH' | 'ISTIO_MUTUAL' | 'OPTIONAL_MUTUAL';
export type TLSProtocol = 'TLS_AUTO' | 'TLSV1_0' | 'TLSV1_1' | 'TLSV1_2' | 'TLSV1_3';

export interface ServerTLSSettings {
  httpsRedirect?: boolean;
  mode?: ServerTLSMode;
  serverCertificate?: string;
  privateKey?: string;
  caCertificates?: string;
  caCrl?: string;
  credentialName?: string;
  credentialNames?: string[];
  caCertCredentialName?: string;
  tlsCertificates?: { serverCertificate?: string; privateKey?: string; caCertificates?: string }[];
  subjectAltNames?: string[];
  verifyCertificateSpki?: string[];
  verifyCertificateHash?: string[];
  minProtocolVersion?: TLSProtocol;
  maxProtocolVersion?: TLSProtocol;
  cipherSuites?: string[];
}
export interface GatewayPort {
  number: number;
  protocol: string;
  name: string;
  targetPort?: number;
}
export interface Server {
  port: GatewayPort;
  bind?: string;
  hosts: string[];
  tls?: ServerTLSSettings;
  defaultEndpoint?: string;
  name?: string;
}
export interface GatewaySpec {
  servers?: Server[];
  selector?: Record<string, string>;
}

export const SERVER_TLS_MODES: readonly ServerTLSMode[] = ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'];
const TLS_PROTOCOLS: readonly TLSProtocol[] = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'];
const UNIX = 'unix://';

const count = (t: Record<string, unknown>, ...keys: string[]) => keys.filter((k) => has(t, k)).length;

const serverTLS = lazy(() => obj(
  {
    caCertCredentialName: str(),
    caCertificates: str(),
    caCrl: str(),
    cipherSuites: strings(),
    credentialName: str(),
    credentialNames: strings({ minItems: 1, maxItems: 2 }),
    httpsRedirect: bool(),
    maxProtocolVersion: enumOf(...TLS_PROTOCOLS),
    minProtocolVersion: enumOf(...TLS_PROTOCOLS),
    mode: enumOf(...SERVER_TLS_MODES),
    privateKey: str(),
    serverCertificate: str(),
    subjectAltNames: strings(),
    tlsCertificates: list(obj({ caCertificates: str(), privateKey: str(), serverCertificate: str() }), { minItems: 1, maxItems: 2 }),
    verifyCertificateHash: strings(),
    verifyCertificateSpki: strings(),
  },
  {
    rules: [
      { message: 'only one of credentialNames or tlsCertificates can be set', ok: (t) => count(t, 'tlsCertificates', 'credentialNames') <= 1 },
      { message: 'only one of credentialName or credentialNames can be set', ok: (t) => count(t, 'credentialName', 'credentialNames') <= 1 },
      // The CRD's third rule says credentialName but tests credentialNames, as here.
      { message: 'only one of credentialName or tlsCertificates can be set', ok: (t) => count(t, 'credentialNames', 'tlsCertificates') <= 1 },
    ],
  },
));

export const gatewaySchema = lazy(() => obj({
  selector: stringMap(),
  servers: list(
    obj(
      {
        bind: str(),
        defaultEndpoint: str(),
        hosts: strings(),
        name: str(),
        port: obj({ name: str(), number: uint32(), protocol: str(), targetPort: uint32() }, { required: ['number', 'protocol', 'name'] }),
        tls: serverTLS(),
      },
      { required: ['port', 'hosts'] },
    ),
  ),
}));

/** Envoy's cipher suites that Istio knows (security.ValidCipherSuites). */
const CIPHERS = new Set(['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA']);

/** security.IsValidCipherSuite: operators like `-X` and `+X` pass unchecked. */
function isValidCipher(cs: string): boolean {
  if (cs === '' || cs === 'ALL') return true;
  if (!/^[\p{L}\p{N}]/u.test(cs)) return true;
  return CIPHERS.has(cs);
}

/** The `host` part of a server host (validateSidecarOrGatewayHostnamePart for a gateway). */
function checkHostPart(host: string, path: string, f: Findings): void {
  if (host !== '*' && !host.includes('.')) f.problems.push(at('short names (non FQDN) are not allowed', path));
  const e = wildcardDomainProblem(host);
  if (e !== undefined && !isValidIPAddress(host)) push(f.problems, e, host === '' ? path : undefined);
  push(f.problems, partialWildcardProblem(host));
}

/** agent.ValidateNamespaceSlashWildcardHostname for a gateway: `[namespace/]host`. */
function checkServerHost(h: string, path: string, f: Findings): void {
  const slash = h.indexOf('/');
  if (slash < 0) {
    checkHostPart(h, path, f);
    return;
  }
  const ns = h.slice(0, slash);
  const host = h.slice(slash + 1);
  if (ns === '' || host === '') f.problems.push(at('config namespace and dnsName in host entry cannot be empty', path));
  if (ns !== '*' && ns !== '.' && !isDNS1123Label(ns)) f.problems.push(`invalid namespace value ${goQuote(ns)} in gateway`);
  checkHostPart(host, path, f);
}

/** validateServerPort; returns whether the port is free of problems. */
function checkServerPort(port: GatewayPort | undefined, bind: string, path: string, f: Findings): boolean {
  const before = f.problems.length;
  if (port === undefined) {
    if (!f.bad.has(path)) f.problems.push(at('port is required', path));
    return f.problems.length === before && !f.bad.has(path);
  }
  const protocol = port.protocol ?? '';
  if (parseProtocol(protocol) === 'UnsupportedProtocol' && !f.bad.has(`${path}.protocol`)) {
    f.problems.push(`invalid protocol ${goQuote(protocol)}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
  }
  const number = port.number ?? 0;
  if ((number > 0 || !bind.startsWith(UNIX)) && !f.bad.has(`${path}.number`)) push(f.problems, portProblem(number), `${path}.number`);
  if (port.targetPort) f.problems.push(at('targetPort has no impact on Gateways', `${path}.targetPort`));
  if (!port.name && !f.bad.has(`${path}.name`)) f.problems.push(at('port name must be set', path));
  return f.problems.length === before && ![...f.bad].some((b) => b.startsWith(path));
}

/** validateServerBind. */
function checkBind(port: GatewayPort | undefined, bind: string, path: string, f: Findings): void {
  if (bind.startsWith(UNIX)) {
    const addr = bind.slice(UNIX.length);
    push(f.problems, unixAddressProblem(addr), addr === '' ? `${path}.bind` : undefined);
    if (port !== undefined && (port.number ?? 0) !== 0) f.problems.push(at('port number must be 0 for unix domain socket', `${path}.port`));
  } else if (bind !== '') {
    push(f.problems, ipAddressProblem(bind));
  }
}

function checkCiphers(tls: ServerTLSSettings, f: Findings): void {
  const invalid = new Set<string>();
  const valid = new Set<string>();
  const duplicate = new Set<string>();
  for (const cs of tls.cipherSuites ?? []) {
    if (cs === null) continue;
    if (!isValidCipher(cs)) invalid.add(cs);
    else if (valid.has(cs)) duplicate.add(cs);
    else valid.add(cs);
  }
  if (invalid.size > 0) f.warnings.push(`ignoring invalid cipher suites: ${goList([...invalid].sort())}`);
  if (duplicate.size > 0) f.warnings.push(`ignoring duplicate cipher suites: ${goList([...duplicate].sort())}`);
}

function checkIstioMutual(tls: ServerTLSSettings, out: (m: string) => void): void {
  if (tls.serverCertificate) out('ISTIO_MUTUAL TLS cannot have associated server certificate');
  if (tls.privateKey) out('ISTIO_MUTUAL TLS cannot have associated private key');
  if (tls.caCertificates) out('ISTIO_MUTUAL TLS cannot have associated CA bundle');
  if ((tls.tlsCertificates ?? []).length > 0) out('ISTIO_MUTUAL TLS cannot have associated tlsCertificates');
  if (tls.credentialName) out('ISTIO_MUTUAL TLS cannot have associated credentialName');
  if ((tls.credentialNames ?? []).length > 0) out('ISTIO_MUTUAL TLS cannot have associated credentialNames');
}

/** The certificate rules of SIMPLE, MUTUAL and OPTIONAL_MUTUAL without a credential name. */
function checkCertificates(tls: ServerTLSSettings, mode: ServerTLSMode, path: string, f: Findings): void {
  const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
  if (mode !== 'SIMPLE' && !tls.caCertificates) f.problems.push(at(`${prefix} requires a client CA bundle`, path));
  const certs = tls.tlsCertificates ?? [];
  if (certs.length > 2) f.warnings.push(at(`${prefix} can support up to 2 server certificates`, path));
  const toVerify = certs.length > 0 ? certs : [{ serverCertificate: tls.serverCertificate, privateKey: tls.privateKey }];
  toVerify.forEach((c, i) => {
    if (c === null) return;
    const p = certs.length > 0 ? `${path}.tlsCertificates[${i}]` : path;
    if (!c.serverCertificate) f.problems.push(at(`${prefix} requires a server certificate`, p));
    if (!c.privateKey) f.problems.push(at(`${prefix} requires a private key`, p));
  });
}

/** validateTLSOptions. */
export function checkServerTLS(tls: ServerTLSSettings | undefined, path: string, f: Findings): void {
  if (tls === undefined) return;
  const out = (m: string) => f.problems.push(at(m, path));
  const mode = tls.mode ?? 'PASSTHROUGH';
  if ((tls.minProtocolVersion === 'TLSV1_0' || tls.minProtocolVersion === 'TLSV1_1') && (tls.cipherSuites ?? []).length === 0) {
    f.warnings.push(at('TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.', path));
  }
  checkCiphers(tls, f);
  if (mode === 'ISTIO_MUTUAL') {
    checkIstioMutual(tls, out);
    return;
  }
  const credNames = (tls.credentialNames ?? []).length > 0;
  const certList = (tls.tlsCertificates ?? []).length > 0;
  if (mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') {
    if (tls.caCrl || tls.serverCertificate || tls.privateKey || tls.caCertificates || certList || tls.credentialName || credNames) {
      f.warnings.push(at(`${mode} mode does not use certificates, they will be ignored`, path));
    }
  }
  const sources = [Boolean(tls.serverCertificate && tls.privateKey), Boolean(tls.credentialName), credNames, certList].filter(Boolean).length;
  if (sources > 1) out('only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified');
  const terminating = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (terminating && (tls.credentialName || credNames)) return;
  if (terminating) checkCertificates(tls, mode, path, f);
  if (tls.caCrl) {
    if (tls.credentialName) out('CRL is not supported with credentialName. CRL has to be specified in the credential');
    if (mode === 'SIMPLE') out('CRL is not supported with SIMPLE TLS');
  }
}

/** validateServer. */
function checkServer(s: Server, path: string, f: Findings): void {
  const hosts = s.hosts ?? [];
  if (hosts.length === 0) {
    if (!f.bad.has(`${path}.hosts`)) f.problems.push(at('server config must contain at least one host', path));
  } else {
    hosts.forEach((h, i) => h !== null && checkServerHost(h, `${path}.hosts[${i}]`, f));
  }
  const bind = s.bind ?? '';
  const portOK = checkServerPort(s.port, bind, `${path}.port`, f);
  checkBind(s.port, bind, path, f);
  checkServerTLS(s.tls, `${path}.tls`, f);
  if (!portOK) return;
  const p = parseProtocol(s.port.protocol ?? '');
  if (isTLS(p) && s.tls === undefined) {
    f.problems.push(at('server must have TLS settings for HTTPS/TLS protocols', path));
  } else if (!isTLS(p) && s.tls !== undefined) {
    const mode = s.tls.mode ?? 'PASSTHROUGH';
    const passthrough = mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH';
    if (!isHTTP(p)) f.problems.push(at('server cannot have TLS settings for non HTTPS/TLS ports', path));
    else if (!passthrough || s.tls.caCertificates || s.tls.privateKey || s.tls.serverCertificate) f.problems.push(at('server cannot have TLS settings for plain text HTTP ports', path));
  }
}

/** Istio's ValidateGateway on a decoded spec (the name check left to the metadata). */
export function istioGateway(gw: GatewaySpec, f: Findings): void {
  const servers = gw.servers ?? [];
  if (servers.length === 0) {
    if (!f.bad.has('spec.servers')) f.problems.push('gateway must have at least one server');
  } else {
    servers.forEach((s, i) => s !== null && checkServer(s, `spec.servers[${i}]`, f));
  }
  const names = new Set<string>();
  servers.forEach((s, i) => {
    if (s === null || s.port === undefined) return;
    const name = s.port.name ?? '';
    if (names.has(name)) push(f.problems, `port names in servers must be unique: duplicate name ${name}`, name === '' ? `spec.servers[${i}].port.name` : undefined);
    names.add(name);
    if (!isHTTP(parseProtocol(s.port.protocol ?? '')) && s.tls?.httpsRedirect) f.warnings.push(at('tls.httpsRedirect should only be used with http servers', `spec.servers[${i}]`));
  });
}

/** Validates a Gateway spec as the API server and Istio 1.30 would, every problem at once. */
export function checkGatewaySpec(spec: unknown, _ctx: ModernContext = {}): ModernCheck<GatewaySpec> {
  return runChecker<GatewaySpec>(spec, { schema: gatewaySchema(), specRequired: false, istio: istioGateway });
}

export const GATEWAY: KindDescriptor<GatewaySpec> = {
  group: 'networking.istio.io',
  version: 'v1',
  readVersions: ['v1beta1', 'v1alpha3'],
  kind: 'Gateway',
  plural: 'gateways',
  singular: 'gateway',
  shortNames: ['gw'],
  configType: 'gateway',
  era: 'today',
  installedBy: 'Istio installs it',
  checkSpec: (spec, ctx) => checkGatewaySpec(spec, ctx),
  wideColumns: [{ header: 'SERVERS', cell: (spec) => { const s = dig(spec, 'servers'); return Array.isArray(s) ? String(s.length) : stringCell(s); } }],
};
