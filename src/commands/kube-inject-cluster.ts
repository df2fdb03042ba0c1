// What kube-inject asks the cluster (kept out of src/core/, which does no I/O): its pod and service ranges (`--includeIPRanges=auto`) and the
// mesh config ConfigMap (`--meshConfigMapName`). Written against a minimal request interface (the
// one src/cluster/client.ts's ClusterClient has), so this module never imports the cluster client
// and is tested with a fake.
import { CommandError } from '../core/errors.ts';
import { formatCidr, mergeCidrs, parseCidr, type Cidr } from '../core/cidr.ts';

export interface RequestClient {
  request(method: string, path: string, opts?: { query?: Record<string, string>; body?: unknown; contentType?: string }): Promise<{ status: number; body: any }>;
}

export interface ClusterRanges {
  pods: string[];
  services: string[];
  /** How each was found, for the message on stderr. */
  podSource: string;
  serviceSource: string;
}

function statusMessage(r: { status: number; body: any }): string {
  const b = r.body;
  if (b && typeof b === 'object' && typeof b.message === 'string') return `${b.reason ? `(${b.reason}) ` : ''}${b.message}`;
  return `HTTP ${r.status}`;
}

function ipv4(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.filter((x): x is string => typeof x === 'string' && !x.includes(':'));
}

/** Pages of nodes read at most (500 nodes each): far beyond any cluster. */
const MAX_PAGES = 10_000;

/** Every node's spec.podCIDRs (or the older spec.podCIDR), IPv4 only. */
async function podRanges(c: RequestClient): Promise<{ ranges: string[]; source: string }> {
  const out: string[] = [];
  let cont: string | undefined;
  const seen = new Set<string>();
  do {
    const r = await c.request('GET', '/api/v1/nodes', { query: { limit: '500', ...(cont ? { continue: cont } : {}) } });
    if (r.status !== 200) throw new CommandError(`cannot list nodes for their pod ranges: ${statusMessage(r)}`);
    for (const n of r.body?.items ?? []) {
      const spec = n?.spec ?? {};
      const cidrs = ipv4(spec.podCIDRs);
      out.push(...(cidrs.length ? cidrs : ipv4(spec.podCIDR ? [spec.podCIDR] : [])));
    }
    cont = r.body?.metadata?.continue || undefined;
    // A server that hands back a token it gave before would have us list forever.
    if (cont !== undefined && (seen.has(cont) || seen.size >= MAX_PAGES)) throw new CommandError('cannot list nodes for their pod ranges: the server repeats its continue token (a broken server or proxy?)');
    if (cont !== undefined) seen.add(cont);
  } while (cont);
  return { ranges: out, source: 'nodes\' spec.podCIDRs' };
}

/** networking.k8s.io ServiceCIDR objects (Kubernetes 1.29+), if the API has them. */
async function serviceCidrObjects(c: RequestClient): Promise<string[] | undefined> {
  for (const version of ['v1', 'v1beta1']) {
    const r = await c.request('GET', `/apis/networking.k8s.io/${version}/servicecidrs`);
    if (r.status === 404) continue;
    if (r.status !== 200) return undefined;
    const out: string[] = [];
    for (const s of r.body?.items ?? []) out.push(...ipv4(s?.spec?.cidrs));
    return out.length ? out : undefined;
  }
  return undefined;
}

// "Service \"x\" is invalid: spec.clusterIPs: Invalid value: []string{\"0.0.0.0\"}: failed to
// allocate IP 0.0.0.0: provided IP (0.0.0.0) is not in the valid range. The range of valid IPs is 10.96.0.0/12"
const VALID_RANGE = /range of valid IPs is ([0-9./, ]+)/;

/**
 * The service range the API server reports when asked, with dryRun=All (nothing is created), for a
 * Service whose clusterIP is out of any range.
 */
async function serviceRangeProbe(c: RequestClient, namespace: string): Promise<string[]> {
  const body = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'egressctl-service-range-probe', namespace },
    spec: { clusterIP: '0.0.0.0', ports: [{ port: 443 }] },
  };
  const r = await c.request('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/services`, { query: { dryRun: 'All' }, body });
  const msg = typeof r.body?.message === 'string' ? r.body.message : '';
  const m = VALID_RANGE.exec(msg);
  if (!m) {
    throw new CommandError(`cannot find the cluster's service range: the API server did not report it (${r.status >= 200 && r.status < 300 ? 'it accepted clusterIP 0.0.0.0' : statusMessage(r)}); give --includeIPRanges explicitly`);
  }
  return ipv4(m[1].split(/[ ,]+/).filter(Boolean));
}

/** Asks the cluster for the ranges that `auto` stands for. */
export async function discoverClusterRanges(c: RequestClient, namespace: string): Promise<ClusterRanges> {
  const pods = await podRanges(c);
  let services = await serviceCidrObjects(c);
  let serviceSource = 'ServiceCIDR objects';
  if (!services) {
    services = await serviceRangeProbe(c, namespace);
    serviceSource = 'the API server (dry-run Service probe)';
  }
  if (pods.ranges.length === 0) {
    throw new CommandError('cannot find the cluster\'s pod ranges: no node has spec.podCIDRs (the network plugin may allocate them itself); give --includeIPRanges explicitly');
  }
  return { pods: normalise(pods.ranges), services: normalise(services), podSource: pods.source, serviceSource };
}

function normalise(list: string[]): string[] {
  const cidrs: Cidr[] = [];
  for (const s of list) {
    const r = parseCidr(s.trim());
    if (!r.ok) throw new CommandError(`the cluster reported a range egressctl cannot use: ${r.error}`);
    cidrs.push(r.cidr);
  }
  return mergeCidrs(cidrs).map(formatCidr);
}

/** The `mesh` key of ConfigMap NAME in NAMESPACE. */
export async function readMeshConfigMap(c: RequestClient, namespace: string, name: string): Promise<{ text: string; source: string }> {
  const source = `configmap ${namespace}/${name}`;
  const r = await c.request('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`);
  if (r.status === 404) throw new CommandError(`could not read valid configmap "${name}" from namespace "${namespace}": not found (is Istio installed there? see -i/--istioNamespace)`);
  if (r.status !== 200) throw new CommandError(`could not read configmap "${name}" from namespace "${namespace}": ${statusMessage(r)}`);
  const text = r.body?.data?.mesh;
  if (typeof text !== 'string') throw new CommandError(`missing configuration map key "mesh" in "${name}" (namespace ${namespace})`);
  return { text, source };
}
