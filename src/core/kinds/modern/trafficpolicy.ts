// A DestinationRule traffic policy as Istio 1.30 validates it (validateTrafficPolicy,
// validateOutlierDetection, validateConnectionPool, validateLoadBalancer,
// validatePortTrafficPolicies, validateTunnelSettings in validation.go; agent.ValidateTLS). Pure.

import { at, checkDuration, fqdnProblem, ipAddressProblem, nanosOf, portProblem, push, type Findings } from './common.ts';
import { checkLocality } from './locality.ts';
import { goQuote } from './text.ts';
import type { ClientTLSSettings, ConnectionPoolSettings, LoadBalancerSettings, OutlierDetection, PortTrafficPolicy, TrafficPolicy } from './trafficpolicy-schema.ts';

/** ValidatePercent. */
function percentProblem(v: number | undefined): string | undefined {
  const n = v ?? 0;
  return n < 0 || n > 100 ? `percentage ${n} is not in range 0..100` : undefined;
}

function checkOutlier(o: OutlierDetection | undefined, path: string, f: Findings): void {
  if (o === undefined) return;
  checkDuration(o.baseEjectionTime, `${path}.baseEjectionTime`, f.problems);
  if (o.consecutiveErrors) f.warnings.push(at('outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead', `${path}.consecutiveErrors`));
  if (!o.splitExternalLocalOriginErrors && (o.consecutiveLocalOriginFailures ?? 0) > 0) {
    f.problems.push(at('outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false', path));
  }
  checkDuration(o.interval, `${path}.interval`, f.problems);
  push(f.problems, percentProblem(o.maxEjectionPercent), `${path}.maxEjectionPercent`);
  push(f.problems, percentProblem(o.minHealthPercent), `${path}.minHealthPercent`);
}

function checkConnectionPool(c: ConnectionPoolSettings | undefined, path: string, f: Findings): void {
  if (c === undefined) return;
  if (c.http === undefined && c.tcp === undefined) {
    f.problems.push(at('connection pool must have at least one field', path));
    return;
  }
  const h = c.http;
  if (h !== undefined) {
    const p = `${path}.http`;
    const negative = (v: number | undefined, msg: string, field: string) => (v ?? 0) < 0 && f.problems.push(at(msg, `${p}.${field}`));
    negative(h.http1MaxPendingRequests, 'http1 max pending requests must be non-negative', 'http1MaxPendingRequests');
    negative(h.http2MaxRequests, 'http2 max requests must be non-negative', 'http2MaxRequests');
    negative(h.maxRequestsPerConnection, 'max requests per connection must be non-negative', 'maxRequestsPerConnection');
    negative(h.maxRetries, 'max retries must be non-negative', 'maxRetries');
    checkDuration(h.idleTimeout, `${p}.idleTimeout`, f.problems);
    if (h.h2UpgradePolicy === 'UPGRADE' && h.useClientProtocol) f.problems.push(at('use client protocol must not be true when H2UpgradePolicy is UPGRADE', p));
    negative(h.maxConcurrentStreams, 'max concurrent streams must be non-negative', 'maxConcurrentStreams');
  }
  const t = c.tcp;
  if (t !== undefined) {
    const p = `${path}.tcp`;
    if ((t.maxConnections ?? 0) < 0) f.problems.push(at('max connections must be non-negative', `${p}.maxConnections`));
    checkDuration(t.connectTimeout, `${p}.connectTimeout`, f.problems);
    checkDuration(t.maxConnectionDuration, `${p}.maxConnectionDuration`, f.problems);
    // 0s (under a millisecond, as Istio counts) turns the idle timeout off and is not checked.
    const idle = nanosOf(t.idleTimeout);
    if (idle !== undefined && idle / 1000000n !== 0n) checkDuration(t.idleTimeout, `${p}.idleTimeout`, f.problems);
    checkDuration(t.tcpKeepalive?.time, `${p}.tcpKeepalive.time`, f.problems);
    checkDuration(t.tcpKeepalive?.interval, `${p}.tcpKeepalive.interval`, f.problems);
  }
}

/** Envoy's primality test, as Istio copied it (0 and even numbers above 2 are not prime). */
function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  for (let d = 3; d * d <= x; d += 2) if (x % d === 0) return false;
  return true;
}

function checkConsistentHash(lb: LoadBalancerSettings, path: string, f: Findings): void {
  const ch = lb.consistentHash;
  if (ch === undefined) return;
  const p = `${path}.consistentHash`;
  const cookie = ch.httpCookie;
  if (cookie !== undefined && !cookie.name && !f.bad.has(`${p}.httpCookie.name`)) f.problems.push(at('name required for HttpCookie', `${p}.httpCookie`));
  const names = new Set<string>();
  (cookie?.attributes ?? []).forEach((a, i) => {
    if (a === null) return;
    if (!a.name) f.problems.push(at('cookie attribute name cannot be empty', `${p}.httpCookie.attributes[${i}]`));
    else if (names.has(a.name)) f.problems.push(`duplicate cookie attribute name: ${a.name}`);
    else names.add(a.name);
  });
  if (ch.minimumRingSize) {
    f.warnings.push(at("consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead", `${p}.minimumRingSize`));
    if (ch.ringHash !== undefined || ch.maglev !== undefined) f.problems.push(at('only one of MinimumRingSize or Maglev/Ringhash can be specified', p));
  }
  if (ch.maglev !== undefined) {
    const size = ch.maglev.tableSize ?? 0;
    const mp = `${p}.maglev.tableSize`;
    if (size === 0) f.problems.push(at('tableSize must be set for maglev', mp));
    if (size >= 5000011) f.problems.push(at('tableSize must be less than 5000011 for maglev', mp));
    if (!isPrime(size)) f.problems.push(at('tableSize must be a prime number for maglev', mp));
  }
}

function checkLoadBalancer(lb: LoadBalancerSettings | undefined, outlier: OutlierDetection | undefined, path: string, f: Findings): void {
  if (lb === undefined) return;
  checkConsistentHash(lb, path, f);
  checkLocality(lb.localityLbSetting, outlier !== undefined, `${path}.localityLbSetting`, f);
  const w = lb.warmup;
  if (w !== undefined) {
    if (w.duration === undefined) {
      if (!f.bad.has(`${path}.warmup.duration`)) f.problems.push(at('duration is required', `${path}.warmup.duration`));
    } else {
      checkDuration(w.duration, `${path}.warmup.duration`, f.problems);
    }
    if ((w.minimumPercent ?? 0) > 100) f.problems.push(at('minimumPercent value should be less than or equal to 100', `${path}.warmup.minimumPercent`));
    if (w.aggression !== undefined && w.aggression < 1) f.problems.push(at('aggression should be greater than or equal to 1', `${path}.warmup.aggression`));
  }
}

/** agent.ValidateTLS for a client (DestinationRule) TLS setting. */
export function checkClientTLS(namespace: string | undefined, tls: ClientTLSSettings | undefined, path: string, f: Findings): void {
  if (tls === undefined) return;
  const out = (m: string) => f.problems.push(at(m, path));
  const cred = tls.credentialName ?? '';
  if (cred.startsWith('configmap://')) {
    const [ns, name] = cred.slice('configmap://'.length).split('/');
    if (name === undefined) out(`invalid configmap:// credentialName: invalid resource name ${goQuote(cred)}. Expected namespace and name`);
    else if (ns === '') out(`invalid configmap:// credentialName: invalid resource name ${goQuote(cred)}. Expected namespace`);
    else if (name === '') out(`invalid configmap:// credentialName: invalid resource name ${goQuote(cred)}. Expected name`);
    else if (namespace !== undefined && (ns !== namespace || namespace === '')) out(`invalid configmap:// credentialName: namespace must match the configuration namespace ${goQuote(namespace)}`);
  }
  const mode = tls.mode ?? 'DISABLE';
  if (tls.insecureSkipVerify) {
    if (mode === 'SIMPLE' && (tls.caCertificates || cred || tls.subjectAltNames !== undefined)) out('cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true');
    if (mode === 'MUTUAL' && (tls.caCertificates || tls.subjectAltNames !== undefined)) out('cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true');
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && cred) {
    if (tls.clientCertificate || tls.caCertificates || tls.privateKey || tls.caCrl) out('cannot specify client certificates or CA certificate or CA CRL If credentialName is set');
    return;
  }
  if (mode === 'MUTUAL') {
    if (!tls.clientCertificate) out('client certificate required for mutual tls');
    if (!tls.privateKey) out('private key required for mutual tls');
  }
}

function checkPortLevel(namespace: string | undefined, pls: PortTrafficPolicy[] | undefined, path: string, f: Findings): void {
  (pls ?? []).forEach((t, i) => {
    if (t === null) return;
    const p = `${path}[${i}]`;
    if (t.port === undefined) f.problems.push(at('portTrafficPolicy must have valid port', p));
    if (t.outlierDetection === undefined && t.connectionPool === undefined && t.loadBalancer === undefined && t.tls === undefined) {
      f.problems.push(at('port traffic policy must have at least one field', p));
      return;
    }
    checkOutlier(t.outlierDetection, `${p}.outlierDetection`, f);
    checkConnectionPool(t.connectionPool, `${p}.connectionPool`, f);
    checkLoadBalancer(t.loadBalancer, t.outlierDetection, `${p}.loadBalancer`, f);
    checkClientTLS(namespace, t.tls, `${p}.tls`, f);
  });
}

/** validateTunnelSettings. */
function checkTunnel(t: TrafficPolicy['tunnel'], path: string, f: Findings): void {
  if (t === undefined) return;
  if (t.protocol && t.protocol !== 'CONNECT' && t.protocol !== 'POST') f.problems.push(at('tunnel protocol must be "CONNECT" or "POST"', `${path}.protocol`));
  const host = t.targetHost ?? '';
  const fq = fqdnProblem(host);
  const ip = ipAddressProblem(host);
  if (fq !== undefined && ip !== undefined && !f.bad.has(`${path}.targetHost`)) f.problems.push(`tunnel target host must be valid FQDN or IP address: ${fq}; ${ip}`);
  const port = portProblem(t.targetPort ?? 0);
  if (port !== undefined && !f.bad.has(`${path}.targetPort`)) f.problems.push(at(`tunnel target port is invalid: ${port}`, `${path}.targetPort`));
}

/** validateTrafficPolicy. */
export function checkTrafficPolicy(namespace: string | undefined, tp: TrafficPolicy | undefined, path: string, f: Findings): void {
  if (tp === undefined) return;
  const fields = ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls', 'portLevelSettings', 'tunnel', 'proxyProtocol', 'retryBudget'] as const;
  if (fields.every((k) => tp[k] === undefined)) {
    if (!fields.some((k) => f.bad.has(`${path}.${k}`))) f.problems.push(at('traffic policy must have at least one field', path));
    return;
  }
  if (tp.tunnel !== undefined && tp.proxyProtocol !== undefined) f.problems.push(at('tunnel and proxyProtocol must not be set together', path));
  checkOutlier(tp.outlierDetection, `${path}.outlierDetection`, f);
  checkConnectionPool(tp.connectionPool, `${path}.connectionPool`, f);
  checkLoadBalancer(tp.loadBalancer, tp.outlierDetection, `${path}.loadBalancer`, f);
  checkClientTLS(namespace, tp.tls, `${path}.tls`, f);
  checkPortLevel(namespace, tp.portLevelSettings, `${path}.portLevelSettings`, f);
  checkTunnel(tp.tunnel, `${path}.tunnel`, f);
  // proxyProtocol.version: the CRD's enum (V1, V2) already allows only what Istio accepts.
}
