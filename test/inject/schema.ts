// Schema check of injected workloads against the Kubernetes OpenAPI definitions, through the
// validators of kubernetes-models (4.x: runs on Node 20). The pod template of every workload is
// checked as a v1 Pod; the whole object too wherever the package has its apiVersion (apps/v1,
// apps/v1beta1, extensions/v1beta1, batch/v1, batch/v1beta1, v1...).
import { Pod } from 'kubernetes-models/v1/Pod';

type Obj = Record<string, any>;
type Model = new (data: Obj) => { validate(): void };

const cache = new Map<string, Model | null>();

async function modelOf(apiVersion: string, kind: string): Promise<Model | null> {
  const key = `${apiVersion}/${kind}`;
  if (cache.has(key)) return cache.get(key)!;
  let model: Model | null = null;
  try {
    const mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
    model = mod[kind] ?? null;
  } catch {
    model = null;
  }
  cache.set(key, model);
  return model;
}

const TEMPLATE: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface SchemaResult {
  problems: string[];
  /** Pod templates checked, and whole objects checked with their own apiVersion's schema. */
  templates: number;
  objects: number;
}

function message(e: unknown): string {
  return (e as Error).message.split('\n')[0];
}

/** Checks one workload (or every workload item of a List). */
export async function checkWorkload(o: Obj, into: SchemaResult = { problems: [], templates: 0, objects: 0 }): Promise<SchemaResult> {
  if (typeof o?.kind === 'string' && /List$/.test(o.kind) && Array.isArray(o.items)) {
    for (const item of o.items) await checkWorkload(item, into);
    return into;
  }
  const path = TEMPLATE[o?.kind];
  if (!path) return into;
  const name = `${o.kind}/${o.metadata?.name}`;
  let t: Obj = o;
  for (const k of path) t = t?.[k];
  try {
    new Pod({ apiVersion: 'v1', kind: 'Pod', metadata: t?.metadata ?? {}, spec: t?.spec } as any).validate();
  } catch (e) {
    into.problems.push(`${name}: pod template: ${message(e)}`);
  }
  into.templates++;
  const model = await modelOf(o.apiVersion, o.kind);
  if (model) {
    try {
      new model(o).validate();
    } catch (e) {
      into.problems.push(`${name} (${o.apiVersion}): ${message(e)}`);
    }
    into.objects++;
  }
  return into;
}
