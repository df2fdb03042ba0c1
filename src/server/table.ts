// Server-side printing (meta.k8s.io/v1 Table), as kubectl get asks for it. Every row carries the
// object's metadata (PartialObjectMetadata) so kubectl can add NAMESPACE and label columns.
import type { ResourceType } from './resources.ts';
import type { Obj } from './store.ts';
import { age as ageOf } from '../print/age.ts';

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell(o: Obj, now: number): unknown;
}

const NAME_DESC = 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DESC = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

const name: Column = { name: 'Name', type: 'string', format: 'name', description: NAME_DESC, priority: 0, cell: (o) => o.metadata.name };
const age: Column = { name: 'Age', type: 'string', format: '', description: AGE_DESC, priority: 0, cell: (o, n) => ageOf(o.metadata.creationTimestamp, n) };

function col(n: string, description: string, cell: Column['cell'], priority = 0, type = 'string'): Column {
  return { name: n, type, format: '', description, priority, cell };
}

function servicePorts(o: Obj): string {
  const ports: Obj[] = o.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function columnsFor(t: ResourceType): Column[] {
  switch (t.kind) {
    case 'CustomResourceDefinition':
      return [name, { name: 'Created At', type: 'date', format: '', description: AGE_DESC, priority: 0, cell: (o) => o.metadata.creationTimestamp }];
    case 'Namespace':
      return [name, col('Status', 'The status of the namespace', (o) => o.status?.phase ?? 'Active'), age];
    case 'Node':
      return [
        name,
        col('Status', 'The status of the node', (o) => (o.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady'),
        col('Roles', 'The roles of the node', (o) => Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).join(',') || '<none>'),
        age,
        col('Version', 'Kubelet Version reported by the node.', (o) => o.status?.nodeInfo?.kubeletVersion ?? ''),
        col('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', (o) => (o.status?.addresses ?? []).find((a: Obj) => a.type === 'InternalIP')?.address ?? '<none>', 1),
      ];
    case 'Service':
      return [
        name,
        col('Type', 'type determines how the Service is exposed.', (o) => o.spec?.type ?? 'ClusterIP'),
        col('Cluster-IP', 'clusterIP is the IP address of the service.', (o) => o.spec?.clusterIP ?? '<none>'),
        col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.', (o) => o.spec?.type === 'ExternalName' ? o.spec.externalName : (o.spec?.externalIPs?.join(',') || '<none>')),
        col('Port(s)', 'The ports exposed by the service.', servicePorts),
        age,
        col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', (o) => Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>', 1),
      ];
    case 'ConfigMap':
      return [name, col('Data', 'Number of data entries', (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, 0, 'integer'), age];
    case 'ServiceCIDR':
      return [name, col('CIDRs', 'The CIDRs of the ServiceCIDR', (o) => (o.spec?.cidrs ?? []).join(',')), age];
    default:
      // Custom resources without additionalPrinterColumns: Name and Age (the Age cell humanised).
      return [name, { ...age, type: 'date', description: 'Custom resource definition column (in JSONPath format): .metadata.creationTimestamp' }];
  }
}

function partial(o: Obj, include: string): Obj | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(t: ResourceType, items: Obj[], listMeta: Obj, include = 'Metadata', withColumns = true): Obj {
  const cols = columnsFor(t);
  const n = Date.now();
  const table: Obj = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta };
  if (withColumns) table.columnDefinitions = cols.map(({ cell: _c, ...rest }) => rest);
  else table.columnDefinitions = null;
  table.rows = items.map((o) => {
    const row: Obj = { cells: cols.map((c) => c.cell(o, n)) };
    const obj = partial(o, include);
    if (obj) row.object = obj;
    return row;
  });
  return table;
}
