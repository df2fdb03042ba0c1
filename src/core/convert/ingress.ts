// Kubernetes Ingress -> Gateway + VirtualServices, in the Ingress's own namespace (the 0.8
// converter put them in istio-system: bug #5817). Pure.
//
// - Only Ingresses Istio 0.x served are converted: no ingress class, or class `istio`
//   (annotation kubernetes.io/ingress.class or spec.ingressClassName); others pass through.
// - Gateway: named after the Ingress, selector `istio: ingressgateway` (today's ingress gateway;
//   0.x's pods were labelled `istio: ingress`); an HTTP server on port 80 for the Ingress's hosts,
//   and an HTTPS server on 443 per `tls` entry, its certificate from the Secret (credentialName).
// - One VirtualService per host of the rules, bound to that Gateway, so that Ingresses for
//   different hosts never share a VirtualService host: the host's own paths, then the paths of
//   rules without a host, then the default backend, which is how an Ingress serves a host. Rules
//   without a host and the default backend also get a VirtualService for `*`.
// - Paths: pathType Exact -> exact; Prefix -> the path itself exactly or as a `/`-ended prefix
//   (Kubernetes' element-wise prefix); none or ImplementationSpecific -> as Istio 0.x read them:
//   ending in `.*` a prefix (without `.*`), otherwise exact; no path -> prefix `/`.
import { isObject } from '../fields.ts';
import type { SourceDocument } from '../stream.ts';
import type { Build } from './build.ts';
import { serviceHost } from './hosts.ts';
import { hostObjectName, labelName, slug } from './names.ts';
import { describe } from './notes.ts';
import type { OutputObject } from './types.ts';

type Obj = Record<string, unknown>;

export const INGRESS_API_VERSIONS = ['extensions/v1beta1', 'networking.k8s.io/v1beta1', 'networking.k8s.io/v1'];
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const GATEWAY_SELECTOR = { istio: 'ingressgateway' };

export function isIngress(value: unknown): value is Obj {
  return isObject(value) && value.kind === 'Ingress' && typeof value.apiVersion === 'string' && INGRESS_API_VERSIONS.includes(value.apiVersion);
}

/** The port numbers of the Services of the input, to resolve a backend's named port. */
export class ServicePorts {
  private readonly ports = new Map<string, Map<string, number>>();

  add(value: unknown, defaultNamespace: string): void {
    if (!isObject(value) || value.kind !== 'Service' || value.apiVersion !== 'v1' || !isObject(value.metadata) || !isObject(value.spec)) return;
    const m = value.metadata;
    if (typeof m.name !== 'string' || !Array.isArray(value.spec.ports)) return;
    const byName = new Map<string, number>();
    for (const p of value.spec.ports) if (isObject(p) && typeof p.name === 'string' && typeof p.port === 'number') byName.set(p.name, p.port);
    this.ports.set(`${typeof m.namespace === 'string' && m.namespace ? m.namespace : defaultNamespace}/${m.name}`, byName);
  }

  lookup(namespace: string, service: string, port: string): number | undefined {
    return this.ports.get(`${namespace}/${service}`)?.get(port);
  }
}

interface Backend {
  service: string;
  port?: number | string;
}

interface Ctx {
  b: Build;
  doc: SourceDocument;
  who: string;
  namespace: string;
  services: ServicePorts;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A backend of either API: {serviceName, servicePort} or {service: {name, port: {number|name}}}. */
function backendOf(v: unknown, path: string, c: Ctx): Backend | undefined {
  if (!isObject(v)) return undefined;
  if (str(v.serviceName)) {
    const port = v.servicePort;
    return { service: v.serviceName as string, port: typeof port === 'number' || typeof port === 'string' ? port : undefined };
  }
  if (isObject(v.service) && str(v.service.name)) {
    const p = isObject(v.service.port) ? v.service.port : {};
    return { service: v.service.name as string, port: typeof p.number === 'number' ? p.number : str(p.name) };
  }
  c.b.notes.warn(c.doc, c.who, path, isObject(v.resource) ? 'a resource backend has no equivalent in a VirtualService: skipped' : 'names no service: skipped');
  return undefined;
}

function destinationOf(be: Backend, path: string, c: Ctx): Obj {
  const host = serviceHost(be.service, c.namespace, c.b.domain);
  if (typeof be.port === 'number') return { host, port: { number: be.port } };
  if (typeof be.port === 'string') {
    const n = /^[0-9]+$/.test(be.port) ? Number(be.port) : c.services.lookup(c.namespace, be.service, be.port);
    if (n !== undefined) return { host, port: { number: n } };
    c.b.notes.warn(c.doc, c.who, path, `the named port "${be.port}" of Service ${be.service} is not among the input's Services, and a route names a port by number today: port left out (right when the Service has one port)`);
  }
  return { host };
}

/** The uri matches of one Ingress path. */
export function uriMatches(path: string | undefined, pathType: string | undefined): Obj[] {
  if (!path) return [{ uri: { prefix: '/' } }];
  if (pathType === 'Exact') return [{ uri: { exact: path } }];
  if (pathType === 'Prefix') {
    const p = path.replace(/\/+$/, '');
    return p === '' ? [{ uri: { prefix: '/' } }] : [{ uri: { exact: p } }, { uri: { prefix: `${p}/` } }];
  }
  return path.endsWith('.*') ? [{ uri: { prefix: path.slice(0, -2) } }] : [{ uri: { exact: path } }];
}

/** The routes of the Ingress by host (`*` for none), in the order the hosts first appear. */
function routesByHost(spec: Obj, c: Ctx): Map<string, Obj[]> {
  const groups = new Map<string, Obj[]>();
  const add = (host: string, route: Obj) => groups.set(host, [...(groups.get(host) ?? []), route]);
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  rules.forEach((rule: unknown, i: number) => {
    const path = `spec.rules[${i}]`;
    if (!isObject(rule)) return;
    const host = str(rule.host) ?? '*';
    const paths = isObject(rule.http) && Array.isArray(rule.http.paths) ? rule.http.paths : undefined;
    if (!paths) {
      c.b.notes.warn(c.doc, c.who, path, `no http paths for host ${host}: skipped, as Istio 0.x skipped it`);
      return;
    }
    paths.forEach((p: unknown, j: number) => {
      const pp = `${path}.http.paths[${j}]`;
      if (!isObject(p)) return;
      const be = backendOf(p.backend, `${pp}.backend`, c);
      if (be) add(host, { match: uriMatches(str(p.path), str(p.pathType)), route: [{ destination: destinationOf(be, `${pp}.backend`, c) }] });
    });
  });
  const fallback = spec.defaultBackend ?? spec.backend;
  if (fallback !== undefined) {
    const path = spec.defaultBackend !== undefined ? 'spec.defaultBackend' : 'spec.backend';
    const be = backendOf(fallback, path, c);
    if (be) add('*', { route: [{ destination: destinationOf(be, path, c) }] });
  }
  // Rules without a host and the default backend serve every host: each host's own routes come
  // first, then those.
  const any = groups.get('*') ?? [];
  for (const [host, routes] of groups) if (host !== '*') groups.set(host, [...routes, ...any]);
  return groups;
}

function serversOf(spec: Obj, hosts: string[], c: Ctx): Obj[] {
  const servers: Obj[] = [{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: hosts.includes('*') ? ['*'] : hosts }];
  const tls = (Array.isArray(spec.tls) ? spec.tls : []).filter(isObject);
  tls.forEach((t, i) => {
    const path = `spec.tls[${i}]`;
    const secret = str(t.secretName);
    if (!secret) {
      c.b.notes.warn(c.doc, c.who, `${path}.secretName`, 'no Secret: this TLS entry is skipped');
      return;
    }
    const tlsHosts = Array.isArray(t.hosts) && t.hosts.length > 0 ? t.hosts.filter((h): h is string => typeof h === 'string') : ['*'];
    const name = tls.length === 1 ? 'https-443' : `https-443-${i + 1}`;
    servers.push({ port: { number: 443, name, protocol: 'HTTPS' }, hosts: tlsHosts, tls: { mode: 'SIMPLE', credentialName: secret } });
    c.b.notes.warn(c.doc, c.who, `${path}.secretName`, `the HTTPS server reads its certificate from the Secret "${secret}" (credentialName), which today must be in the namespace of the ingress gateway's pods (e.g. istio-system), not in ${c.namespace}; Istio 0.x's ingress used the certificate mounted from istio-system/istio-ingress-certs`);
  });
  return servers;
}

/** The ingress class of an Ingress, if it names one. */
function ingressClass(value: Obj): string | undefined {
  const spec = isObject(value.spec) ? value.spec : {};
  const annotations = isObject(value.metadata) && isObject(value.metadata.annotations) ? value.metadata.annotations : {};
  return str(spec.ingressClassName) ?? str(annotations[CLASS_ANNOTATION]);
}

/**
 * Converts one Ingress. Returns false when it is left as it is (another ingress class, or no name);
 * true when the Gateway and VirtualServices take its place.
 */
export function convertIngress(d: SourceDocument, b: Build, services: ServicePorts): boolean {
  const value = d.value as Obj;
  const meta = isObject(value.metadata) ? value.metadata : {};
  const name = str(meta.name);
  if (!name) return false;
  const namespace = str(meta.namespace) ?? b.opts.defaultNamespace;
  const c: Ctx = { b, doc: d, who: describe('Ingress', namespace, name), namespace, services };
  const cls = ingressClass(value);
  if (cls !== undefined && cls !== 'istio') {
    b.notes.warn(d, c.who, 'metadata', `ingress class "${cls}" is not Istio's: passed through unchanged`);
    return false;
  }
  const spec = isObject(value.spec) ? value.spec : {};
  const groups = routesByHost(spec, c);
  if (groups.size === 0) {
    b.notes.warn(d, c.who, 'spec', 'routes nothing: passed through unchanged');
    return false;
  }
  const hosts = [...groups.keys()];
  const gateway = b.add({
    kind: 'Gateway', namespace, baseName: labelName(name), nameKey: `Ingress/${name}`,
    spec: { selector: { ...GATEWAY_SELECTOR }, servers: serversOf(spec, hosts, c) }, sources: [d],
  });
  b.afterNaming.push(() => b.notes.warn(d, c.who, '', `served by today's ingress gateway (selector istio: ingressgateway) through Gateway ${namespace}/${gateway.name}, where Istio 0.x used its istio-ingress pods (istio: ingress)`));
  for (const [host, http] of groups) {
    const vs = b.add({
      kind: 'VirtualService', namespace,
      baseName: groups.size === 1 ? name : `${name}-${slug(hostObjectName(host, namespace, b.domain))}`,
      nameKey: `Ingress/${name}/${host}`,
      spec: { hosts: [host], gateways: [gateway.baseName], http }, sources: [d],
    });
    b.afterNaming.push(() => bindGateway(vs, gateway));
  }
  return true;
}

function bindGateway(vs: OutputObject, gateway: OutputObject): void {
  vs.spec.gateways = [gateway.name];
}
