// The objects a fresh cluster has (namespaces, the `kubernetes` Service, nodes, the ServiceCIDR,
// the Istio CRDs) and the type-specific rules for Namespaces.
import { isIP } from 'node:net';
import { randomUUID } from 'node:crypto';
import { formatCidr, formatIPv4, parseCidr, type Cidr } from '../core/cidr.ts';
import { SERVICES_KEY } from './services.ts';
import { ensureDefaultServiceAccount } from './prepare.ts';
import { UsageError } from '../core/errors.ts';
import { CRD_TYPE, ISTIO_TYPES, SERVICE_CIDR_TYPE, typeKey, type ResourceType } from './resources.ts';
import { now } from './objects.ts';
import type { Obj, Store } from './store.ts';

export const NAMESPACES_KEY = '/namespaces';
export const NODES_KEY = '/nodes';
export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'istio-system'];
/** Namespaces kube-apiserver refuses to delete. */
export const UNDELETABLE = new Set(['default', 'kube-system', 'kube-public']);

export interface ClusterNetwork {
  serviceCidr: Cidr;
  serviceCidrText: string;
  /** Per node: its pod CIDRs (at most one per IP family). */
  nodePodCidrs: string[][];
}

/** Parses --service-cidr (IPv4) and --pod-cidrs (comma list; each IPv4/IPv6 block goes to its own node, paired by family). */
export function parseNetwork(serviceCidr: string, podCidrs: string | undefined): ClusterNetwork {
  const r = parseCidr(serviceCidr);
  if (!r.ok) throw new UsageError(`invalid value "${serviceCidr}" for --service-cidr: ${r.error}`);
  if (r.cidr.hostBitsSet) throw new UsageError(`invalid value "${serviceCidr}" for --service-cidr: host bits set; did you mean ${formatCidr(r.cidr)}?`);
  if (r.cidr.prefix > 30) throw new UsageError(`invalid value "${serviceCidr}" for --service-cidr: the range is too small (prefix at most /30)`);
  const v4: string[] = [];
  const v6: string[] = [];
  for (const raw of (podCidrs ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [addr, prefix, extra] = raw.split('/');
    const family = isIP(addr ?? '');
    const max = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || !/^\d+$/.test(prefix ?? '') || Number(prefix) > max || (family === 4 && !parseCidr(raw).ok)) {
      throw new UsageError(`invalid value "${raw}" for --pod-cidrs: not a CIDR block (e.g. 10.244.0.0/24)`);
    }
    (family === 4 ? v4 : v6).push(raw);
  }
  const nodes: string[][] = [];
  for (let i = 0; i < Math.max(v4.length, v6.length, 1); i++) nodes.push([v4[i], v6[i]].filter((x): x is string => !!x));
  return { serviceCidr: r.cidr, serviceCidrText: formatCidr(r.cidr), nodePodCidrs: nodes };
}

function namespaceObject(name: string): Obj {
  return {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function meta(name: string, extra: Obj = {}): Obj {
  return { name, uid: randomUUID(), creationTimestamp: now(), ...extra };
}

/** The CustomResourceDefinition serve installs for an Istio kind (test/conformance installs the same on the real server). */
export function crdObject(t: ResourceType, ts: string): Obj {
  const names = { kind: t.kind, listKind: t.listKind, plural: t.plural, singular: t.singular, ...(t.shortNames ? { shortNames: t.shortNames } : {}), categories: t.categories };
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: meta(`${t.plural}.${t.group}`, { generation: 1, creationTimestamp: ts, labels: { istio: 'core' } }),
    spec: {
      group: t.group, names, scope: 'Namespaced',
      versions: [{ name: t.version, served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      conversion: { strategy: 'None' },
    },
    status: {
      acceptedNames: names,
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: ts },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: ts },
      ],
      storedVersions: [t.version],
    },
  };
}

/** Fills a store with what a fresh cluster has; the built-in read-only objects are regenerated at every start. */
export function seed(store: Store, net: ClusterNetwork, withCrds: boolean): void {
  for (const ns of INITIAL_NAMESPACES) {
    if (!store.peek(NAMESPACES_KEY, '', ns)) {
      const o = namespaceObject(ns);
      o.metadata.uid = randomUUID();
      o.metadata.creationTimestamp = now();
      store.put(NAMESPACES_KEY, o);
    }
    ensureDefaultServiceAccount(store, ns);
  }
  if (!store.peek(SERVICES_KEY, 'default', 'kubernetes')) {
    const ip = formatIPv4(net.serviceCidr.base + 1);
    store.put(SERVICES_KEY, {
      apiVersion: 'v1', kind: 'Service',
      metadata: meta('kubernetes', { namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } }),
      spec: {
        clusterIP: ip, clusterIPs: [ip], internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None', type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    });
  }
  const ts = now();
  net.nodePodCidrs.forEach((cidrs, i) => {
    const name = net.nodePodCidrs.length === 1 ? 'egressctl-local' : `egressctl-local-${i + 1}`;
    const spec: Obj = {};
    if (cidrs.length) {
      spec.podCIDR = cidrs[0];
      spec.podCIDRs = cidrs;
    }
    store.put(NODES_KEY, {
      apiVersion: 'v1', kind: 'Node',
      metadata: meta(name, { creationTimestamp: ts, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '' } }),
      spec,
      status: {
        addresses: [{ type: 'InternalIP', address: `127.0.0.${i + 1}` }, { type: 'Hostname', address: name }],
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: ts, lastTransitionTime: ts }],
        nodeInfo: { kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'egressctl://0', osImage: 'egressctl serve', kernelVersion: '', machineID: '', systemUUID: '', bootID: '' },
      },
    });
  });
  store.put(typeKey(SERVICE_CIDR_TYPE), {
    apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR',
    metadata: meta('kubernetes', { creationTimestamp: ts }),
    spec: { cidrs: [net.serviceCidrText] },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: '', message: 'Kubernetes Service CIDR is ready', lastTransitionTime: ts }] },
  });
  if (withCrds) for (const t of ISTIO_TYPES) store.put(typeKey(CRD_TYPE), crdObject(t, ts));
}

/** Ephemeral (regenerated at start, never persisted) type keys. */
export const EPHEMERAL = new Set([NODES_KEY, typeKey(SERVICE_CIDR_TYPE), typeKey(CRD_TYPE)]);
