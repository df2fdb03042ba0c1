// Services as the registry defaults and checks them (kube-apiserver 1.33, observed): the type,
// targetPort = port for every type, a cluster IP from the service range, nodePorts from
// 30000-32767 for NodePort and LoadBalancer (kept on update, released when the type no longer
// needs them), externalTrafficPolicy and allocateLoadBalancerNodePorts. Errors are 422s with
// kube-apiserver's messages.
import { formatIPv4, lastAddress, parseIPv4 } from '../core/cidr.ts';
import { errors, type Cause } from './status.ts';
import type { ClusterNetwork } from './builtins.ts';
import type { Obj, Store } from './store.ts';

export const SERVICES_KEY = '/services';
const NODE_PORTS = { first: 30000, last: 32767 };
const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

function ipString(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const needsNodePorts = (type: string | undefined) => type === 'NodePort' || type === 'LoadBalancer';

function invalid(name: string, cause: Cause): never {
  throw errors.invalid('Service', '', name, [cause]);
}

/** Other Services (not this one): their cluster IPs and node ports are taken. */
function others(store: Store, svc: Obj): Obj[] {
  return store.list(SERVICES_KEY).filter((o) => !(o.metadata.namespace === svc.metadata.namespace && o.metadata.name === svc.metadata.name));
}

/**
 * What a type change leaves behind is dropped when the client did not change it (kube's
 * dropTypeDependentFields): a NodePort made ClusterIP loses the nodePorts it still carries.
 */
function dropTypeDependentFields(spec: Obj, old: Obj | undefined): void {
  const was = old?.spec;
  if (!was || was.type === spec.type) return;
  const ports: Obj[] = Array.isArray(spec.ports) ? spec.ports : [];
  if (!needsNodePorts(spec.type)) {
    for (const p of ports) {
      const before = (was.ports ?? []).find((q: Obj) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (p.nodePort !== undefined && before?.nodePort === p.nodePort) delete p.nodePort;
    }
    if (spec.externalTrafficPolicy === was.externalTrafficPolicy) delete spec.externalTrafficPolicy;
    if (spec.healthCheckNodePort === was.healthCheckNodePort) delete spec.healthCheckNodePort;
  }
  if (spec.type !== 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === was.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
}

function assignNodePorts(store: Store, svc: Obj, ports: Obj[], old: Obj | undefined): void {
  const name = svc.metadata.name;
  const spec = svc.spec;
  if (!needsNodePorts(spec.type)) {
    const i = ports.findIndex((p) => p.nodePort !== undefined && p.nodePort !== 0);
    if (i >= 0) invalid(name, { field: `spec.ports[${i}].nodePort`, reason: 'FieldValueForbidden', message: `Forbidden: may not be used when \`type\` is '${spec.type}'` });
    for (const p of ports) delete p.nodePort;
    return;
  }
  const used = new Set<number>(others(store, svc).flatMap((o) => (o.spec?.ports ?? []).map((p: Obj) => p.nodePort)).filter((n: unknown) => typeof n === 'number'));
  // An update that leaves a port's nodePort out keeps the one it had.
  if (needsNodePorts(old?.spec?.type)) {
    for (const p of ports) {
      if (p.nodePort) continue;
      const before = (old!.spec.ports ?? []).find((q: Obj) => q.port === p.port && (q.protocol ?? 'TCP') === p.protocol);
      if (before?.nodePort) p.nodePort = before.nodePort;
    }
  }
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    if (p.nodePort < NODE_PORTS.first || p.nodePort > NODE_PORTS.last) {
      invalid(name, { field: `spec.ports[${i}].nodePort`, reason: 'FieldValueInvalid', message: `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${NODE_PORTS.first}-${NODE_PORTS.last}` });
    }
    if (used.has(p.nodePort)) invalid(name, { field: `spec.ports[${i}].nodePort`, reason: 'FieldValueInvalid', message: `Invalid value: ${p.nodePort}: provided port is already allocated` });
    used.add(p.nodePort);
  });
  const size = NODE_PORTS.last - NODE_PORTS.first + 1;
  for (const p of ports) {
    if (p.nodePort) continue;
    // Like the kube allocator, start somewhere in the range rather than always at the bottom.
    const start = Math.floor(Math.random() * size);
    let found: number | undefined;
    for (let k = 0; k < size && found === undefined; k++) {
      const n = NODE_PORTS.first + ((start + k) % size);
      if (!used.has(n)) found = n;
    }
    if (found === undefined) throw errors.internal(`failed to allocate a nodePort: range is full`);
    p.nodePort = found;
    used.add(found);
  }
  spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

/**
 * Defaults and validates a Service as the registry does, allocating a cluster IP from the service
 * range and node ports. Out of range: 422 with kube-apiserver's message naming the valid range.
 */
export function prepareService(store: Store, net: ClusterNetwork, svc: Obj, old?: Obj): void {
  const name = svc.metadata.name;
  const spec: Obj = svc.spec && typeof svc.spec === 'object' ? svc.spec : (svc.spec = {});
  spec.type ??= 'ClusterIP';
  if (!TYPES.includes(spec.type)) {
    invalid(name, { field: 'spec.type', reason: 'FieldValueNotSupported', message: `Unsupported value: "${spec.type}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"` });
  }
  dropTypeDependentFields(spec, old);
  spec.sessionAffinity ??= 'None';
  const ports: Obj[] = Array.isArray(spec.ports) ? spec.ports : [];
  for (const p of ports) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  svc.status ??= { loadBalancer: {} };
  assignNodePorts(store, svc, ports, old);
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) invalid(name, { field: 'spec.externalName', reason: 'FieldValueRequired', message: 'Required value' });
    if (spec.clusterIP && spec.clusterIP !== 'None' && spec.clusterIP !== '') {
      invalid(name, { field: 'spec.clusterIPs', reason: 'FieldValueForbidden', message: 'Forbidden: may not be set for ExternalName services' });
    }
    delete spec.clusterIP;
    delete spec.clusterIPs;
    return;
  }
  if (ports.length === 0) invalid(name, { field: 'spec.ports', reason: 'FieldValueRequired', message: 'Required value' });
  spec.internalTrafficPolicy ??= 'Cluster';
  assignClusterIP(store, net, svc, old);
  // A headless Service without a selector gets every family (kube's RequireDualStack default for it).
  const headlessNoSelector = spec.clusterIP === 'None' && !(spec.selector && Object.keys(spec.selector).length);
  spec.ipFamilyPolicy ??= headlessNoSelector ? 'RequireDualStack' : 'SingleStack';
  spec.ipFamilies = spec.ipFamilyPolicy === 'RequireDualStack' ? ['IPv4', 'IPv6'] : ['IPv4'];
}

function assignClusterIP(store: Store, net: ClusterNetwork, svc: Obj, old: Obj | undefined): void {
  const name = svc.metadata.name;
  const spec = svc.spec;
  if (old?.spec?.clusterIP) {
    if (spec.clusterIP !== undefined && spec.clusterIP !== old.spec.clusterIP && spec.clusterIP !== '') {
      invalid(name, { field: 'spec.clusterIPs[0]', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify([spec.clusterIP]).replace(/^\[/, '[]string{').replace(/\]$/, '}')}: may not change once set` });
    }
    spec.clusterIP = old.spec.clusterIP;
    spec.clusterIPs = [old.spec.clusterIP];
    return;
  }
  if (spec.clusterIP === 'None') {
    spec.clusterIPs = ['None'];
    return;
  }
  const wanted: string | undefined = spec.clusterIP || (Array.isArray(spec.clusterIPs) ? spec.clusterIPs[0] : undefined);
  const list = `[]string{${JSON.stringify(wanted ?? '')}}`;
  if (wanted) {
    const n = parseIPv4(String(wanted));
    if (n === undefined) {
      invalid(name, { field: 'spec.clusterIPs[0]', reason: 'FieldValueInvalid', message: `Invalid value: "${ipString(wanted)}": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)` });
    }
    const inRange = n >= net.serviceCidr.base && n <= lastAddress(net.serviceCidr);
    if (!inRange) {
      invalid(name, { field: 'spec.clusterIPs', reason: 'FieldValueInvalid', message: `Invalid value: ${list}: failed to allocate IP ${wanted}: the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${net.serviceCidrText}` });
    }
    if (usedIPs(store).has(String(wanted))) {
      invalid(name, { field: 'spec.clusterIPs', reason: 'FieldValueInvalid', message: `Invalid value: ${list}: failed to allocate IP ${wanted}: provided IP is already allocated` });
    }
    spec.clusterIP = String(wanted);
  } else {
    spec.clusterIP = allocateIP(store, net);
  }
  spec.clusterIPs = [spec.clusterIP];
}

function usedIPs(store: Store): Set<string> {
  return new Set(store.list(SERVICES_KEY).map((s) => s.spec?.clusterIP).filter(Boolean));
}

function allocateIP(store: Store, net: ClusterNetwork): string {
  const used = usedIPs(store);
  const first = net.serviceCidr.base + 1;
  const last = lastAddress(net.serviceCidr) - 1;
  // Like the kube allocator, start somewhere in the range rather than always at the bottom.
  const size = last - first + 1;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const ip = formatIPv4(first + ((start + i) % size));
    if (!used.has(ip)) return ip;
  }
  throw errors.internal(`range is full: ${net.serviceCidrText}`);
}
