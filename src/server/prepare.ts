// What each kind's registry strategy does on create and update, beyond what every object gets
// (objects.ts): Services (services.ts), Namespaces, workloads (workloads.ts); and which kinds carry
// metadata.generation and what bumps it.
import { randomUUID } from 'node:crypto';
import { canonicalEqual } from '../core/compare.ts';
import { now } from './objects.ts';
import type { ClusterNetwork } from './builtins.ts';
import { prepareService } from './services.ts';
import { WORKLOAD_KINDS, prepareWorkload } from './workloads.ts';
import type { ResourceType } from './resources.ts';
import type { Obj, Store } from './store.ts';

export interface PrepareContext {
  store: Store;
  net: ClusterNetwork;
}

const SERVICE_ACCOUNTS_KEY = '/serviceaccounts';

/** Defaults and checks the kind's registry applies; `old` is the stored object on update. Throws ApiErrors. */
export function prepareObject(ctx: PrepareContext, t: ResourceType, obj: Obj, old?: Obj): void {
  if (t.custom) return;
  if (t.kind === 'Service') prepareService(ctx.store, ctx.net, obj, old);
  else if (t.kind === 'Namespace') {
    if (!old) newNamespace(obj);
    else {
      obj.spec = old.spec;
      obj.status = old.status;
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    }
  } else if (WORKLOAD_KINDS.has(t.kind)) {
    prepareWorkload(t, obj, old, {
      v1beta1: t.group === 'extensions',
      serviceAccountExists: (ns, name) => !!ctx.store.peek(SERVICE_ACCOUNTS_KEY, ns, name),
    });
  }
}

/** Kinds whose objects carry metadata.generation (custom resources and CRDs too). */
const GENERATION_KINDS = new Set(['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet', 'Job', 'CronJob', 'Pod', 'ReplicationController', 'CustomResourceDefinition']);

export function hasGeneration(t: ResourceType): boolean {
  return t.custom || GENERATION_KINDS.has(t.kind);
}

/**
 * Whether an update is a new generation: for custom resources anything outside metadata (no status
 * subresource), for Deployments the spec or the annotations, for the others the spec.
 */
export function newGeneration(t: ResourceType, obj: Obj, old: Obj): boolean {
  if (t.custom) return !canonicalEqual({ ...obj, metadata: undefined }, { ...old, metadata: undefined });
  if (t.kind === 'Deployment' && !canonicalEqual(obj.metadata.annotations ?? {}, old.metadata.annotations ?? {})) return true;
  return !canonicalEqual(obj.spec, old.spec);
}

/** A DaemonSet whose template changed is a new template generation (kept in an annotation in apps/v1). */
export function bumpTemplateGeneration(t: ResourceType, obj: Obj, old: Obj): void {
  if (t.kind !== 'DaemonSet') return;
  const key = 'deprecated.daemonset.template.generation';
  const was = Number(old.metadata.annotations?.[key] ?? '1') || 1;
  const next = canonicalEqual(obj.spec?.template, old.spec?.template) ? was : was + 1;
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [key]: String(next) };
}

/** What the controllers of a cluster do at once after a create: a new namespace gets its `default` ServiceAccount. */
export function afterCreate(ctx: PrepareContext, t: ResourceType, obj: Obj): void {
  if (t.kind === 'Namespace' && !t.custom) ensureDefaultServiceAccount(ctx.store, obj.metadata.name);
}

export function ensureDefaultServiceAccount(store: Store, ns: string): void {
  if (store.peek(SERVICE_ACCOUNTS_KEY, ns, 'default')) return;
  store.put(SERVICE_ACCOUNTS_KEY, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns, uid: randomUUID(), creationTimestamp: now() } });
}

/** A new Namespace: its name label, the kubernetes finalizer, Active. */
function newNamespace(obj: Obj): void {
  const name = obj.metadata.name;
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
  obj.spec = { finalizers: ['kubernetes'] };
  obj.status = { phase: 'Active' };
}
