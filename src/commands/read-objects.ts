// The input of the writing commands: every document read and validated (nothing is sent if
// anything is wrong), each object's namespace resolved, and the cluster opened.

import type { ClusterClient } from '../cluster/client.ts';
import { NoKubeconfigError } from '../cluster/errors.ts';
import { InputError, formatProblem } from '../core/errors.ts';
import { documentPlace } from '../core/stream.ts';
import type { ConfigObject, ValidatedObject } from '../core/objects.ts';
import { validateDocuments } from '../core/objects.ts';
import { STDIN_NAME, readAllDocuments } from '../io/input.ts';
import type { Context } from './common.ts';
import { DEFAULT_CONCURRENCY } from './write-flags.ts';

/**
 * Where objects naming no namespace will go, known before anything is sent (for the checks across
 * documents): -n, else the context's namespace read offline, else `default`.
 */
export async function offlineNamespace(ctx: Context, explicit: string | undefined): Promise<string> {
  if (explicit !== undefined) return explicit;
  const { offlineDefaultNamespace } = await import('../cluster/kubeconfig-lite.ts');
  return offlineDefaultNamespace({ kubeconfig: ctx.global.kubeconfig, context: ctx.global.context, env: ctx.io.env, cwd: ctx.io.cwd }) ?? 'default';
}

/**
 * Reads every input and validates every document, of every kind; nothing is sent if anything is
 * wrong, or if a kind no cluster stores is among them. The kinds' warnings are printed.
 */
export async function readObjects(ctx: Context, files: string[], explicitNamespace: string | undefined, verb: string): Promise<ValidatedObject[]> {
  const { documents, problems } = await readAllDocuments(files, ctx.io);
  const v = validateDocuments(documents, { namespace: explicitNamespace, defaultNamespace: await offlineNamespace(ctx, explicitNamespace) });
  const all = [...problems, ...v.problems];
  for (const o of v.objects) {
    if (o.desc.refusal) all.push({ place: documentPlace(o.document), message: `${o.desc.kind} ${o.object.metadata.name} cannot be ${verb === 'delete' ? 'deleted' : `${verb}d`}: ${o.desc.refusal}` });
  }
  if (all.length > 0) throw new InputError(all);
  for (const w of v.warnings) ctx.warn(formatProblem(w));
  if (v.objects.length === 0) {
    const source = files.map((f) => (f === '-' ? STDIN_NAME : f)).join(', ');
    throw new InputError([{ place: { source }, message: `no objects passed to ${verb}` }]);
  }
  return v.objects;
}

/** -n > metadata.namespace > the context's namespace > default. */
export function withNamespace(object: ConfigObject, explicit: string | undefined, fallback: string): ConfigObject {
  const namespace = explicit ?? object.metadata.namespace ?? fallback;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/** Loads the cluster client (and with it @kubernetes/client-node) and reads the kubeconfig. */
export async function openCluster(ctx: Context, concurrency = DEFAULT_CONCURRENCY): Promise<ClusterClient> {
  const { connect } = await import('../cluster/client.ts');
  return connect(ctx, { concurrency });
}

/**
 * readObjects, with the cluster opened meanwhile: the objects and the client, or the input's
 * problems with nothing sent. The first connection (TCP, TLS and the check of the server's
 * certificate, a round trip or two) is made while the input is read and validated; no request is
 * sent before the input is good, and the kubeconfig's errors are reported after the input's. Only
 * for a kubeconfig with static credentials: an exec or auth-provider plugin (which may prompt), a
 * proxy or an in-cluster account waits for the input to be good, as before.
 */
export async function readObjectsAndOpen(ctx: Context, files: string[], explicitNamespace: string | undefined, verb: string, concurrency: number): Promise<{ objects: ValidatedObject[]; client: ClusterClient }> {
  let opened: Promise<ClusterClient> | undefined;
  const open = () => (opened ??= openCluster(ctx, concurrency));
  const early = (async () => {
    const { loadLiteKubeconfig, needsClientNode } = await import('../cluster/kubeconfig-lite.ts');
    // Its warnings and errors are open()'s to report, after the input's.
    if (needsClientNode(loadLiteKubeconfig({ kubeconfig: ctx.global.kubeconfig, context: ctx.global.context, env: ctx.io.env, cwd: ctx.io.cwd }))) return;
    (await open()).warm();
  })().catch(() => {});
  let objects: ValidatedObject[];
  try {
    objects = await readObjects(ctx, files, explicitNamespace, verb);
  } catch (e) {
    // Nothing was sent: the connection made meanwhile is closed.
    void early.then(() => opened?.then((c) => c.close(), () => {}));
    throw e;
  }
  await early;
  return { objects, client: await open() };
}

/**
 * For --dry-run=client: the namespace objects go to when neither -n nor the object says: the
 * context's, else default. No kubeconfig anywhere is fine (a client dry run needs no cluster):
 * `default`. Any other kubeconfig problem (an unknown --context, an unreadable file) is an error.
 */
export async function contextNamespaceForDryRun(ctx: Context): Promise<string> {
  const { findKubeconfig, loadLiteKubeconfig } = await import('../cluster/kubeconfig-lite.ts');
  const kopts = { kubeconfig: ctx.global.kubeconfig, context: ctx.global.context, env: ctx.io.env, cwd: ctx.io.cwd };
  try {
    findKubeconfig(kopts);
  } catch (e) {
    if (!(e instanceof NoKubeconfigError)) throw e;
    ctx.log(2, `--dry-run=client: ${e.message}; using the namespace "default"`);
    return 'default';
  }
  const lite = loadLiteKubeconfig(kopts);
  if (lite.kind === 'files') return lite.namespace ?? 'default';
  // In-cluster: the service account's namespace, as the client reads it.
  const client = await openCluster(ctx, 1);
  client.close();
  return client.defaultNamespace;
}

