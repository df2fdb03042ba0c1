// What create, replace, apply, delete and get share: the TYPE argument, flag parsing, reading and
// validating the input, opening the cluster (a dynamic import: the cluster client and
// @kubernetes/client-node load only here, when a command runs), and running many requests with
// bounded concurrency while printing results in input order.

import { Option, type Command } from 'commander';
import type { ClusterClient } from '../cluster/client.ts';
import { BadAnswerError, ConnectionError, describeError, isClusterError, KubeconfigError, NoKubeconfigError, UnsafePathError, shortReason, wantsErrorPrefix } from '../cluster/errors.ts';
import { requestTimeoutProblem } from '../cluster/duration.ts';
import { CommandError, InputError, UsageError } from '../core/errors.ts';
import { checkName, isDNS1123Label } from '../core/names.ts';
import { validateDocuments, type EgressRuleObject, type ValidatedRule } from '../core/egressrule.ts';
import { STDIN_NAME, readAllDocuments } from '../io/input.ts';
import { Progress } from '../print/progress.ts';
import { escapeControl } from '../print/escape.ts';
import type { Context } from './common.ts';

/** The names TYPE accepts, case-insensitively. */
export const TYPE_NAMES = ['egressrule', 'egressrules', 'egress-rule', 'egress-rules', 'EgressRule', 'egressrules.config.istio.io'] as const;
const TYPE_SET = new Set(TYPE_NAMES.map((t) => t.toLowerCase()).concat(['egressrule.config.istio.io']));

/** The help paragraph about TYPE, for get and delete. */
export const TYPE_HELP = `TYPE is one of ${TYPE_NAMES.join(', ')} (any case).`;

export function isEgressRuleType(typed: string): boolean {
  return TYPE_SET.has(typed.toLowerCase());
}

export function checkType(typed: string): void {
  if (!isEgressRuleType(typed)) {
    throw new UsageError(`configuration type ${typed} not found, the types are ${TYPE_NAMES.join(', ')}`);
  }
}

/** What kubectl (apimachinery's path segment check) says about a NAME that cannot be a URL path segment. */
function pathSegmentProblem(name: string): string | undefined {
  if (name === '.' || name === '..') return `may not be '${name}'`;
  if (name.includes('/')) return "may not contain '/'";
  if (name.includes('%')) return "may not contain '%'";
  return undefined;
}

/**
 * A NAME argument must be a DNS-1123 subdomain (as every EgressRule name is). Checked before any
 * I/O: `delete egressrule .` must never reach a URL (`/egressrules/.` is the collection). Exit 1,
 * as kubectl: `error: invalid resource name "..": [may not be '..']`.
 */
export function checkObjectName(name: string): void {
  const segment = pathSegmentProblem(name);
  if (name === '') throw new CommandError('invalid resource name "": a resource name may not be empty');
  if (segment) throw new CommandError(`invalid resource name ${JSON.stringify(name)}: [${segment}]`);
  if (checkName(name).length > 0) {
    throw new CommandError(
      `invalid resource name ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain of at most 253 characters must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')`,
    );
  }
}

/** An explicit -n must be a DNS-1123 label (exit 1, like a bad NAME). */
export function checkNamespaceFlag(namespace: string | undefined): void {
  if (namespace === undefined || isDNS1123Label(namespace)) return;
  const segment = pathSegmentProblem(namespace);
  throw new CommandError(
    `invalid namespace ${JSON.stringify(namespace)}: ${segment ? `[${segment}]` : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', must start and end with an alphanumeric character and be at most 63 characters (e.g. 'my-name')"}`,
  );
}

/** -n as given; `-n ""` means not given (kubectl: the context's namespace). */
export function namespaceFlag(raw: Record<string, unknown>): string | undefined {
  const v = raw.namespace as string | undefined;
  return v === '' ? undefined : v;
}

export const DEFAULT_CONCURRENCY = 16;

export type DryRun = 'none' | 'client' | 'server';

export function parseDryRun(value: string | boolean | undefined): DryRun {
  if (value === undefined || value === false || value === 'none') return 'none';
  if (value === true || value === 'client') return 'client';
  if (value === 'server') return 'server';
  throw new UsageError(`invalid --dry-run value "${value}": use none, client or server`);
}

export function checkConcurrency(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--concurrency must be between 1 and 256, got ${n}`);
}

export function checkRequestTimeout(v: string | undefined): void {
  const problem = v === undefined ? undefined : requestTimeoutProblem(v);
  if (problem) throw new UsageError(`invalid --request-timeout "${v}": ${problem}`);
}

/** The options every writing command takes. */
export function addWriteOptions(cmd: Command, verb: string): Command {
  return cmd
    .option('-f, --filename <file>', `file, directory or - (standard input) with the objects to ${verb}; may be repeated`, (v: string, p: string[] = []) => [...p, v])
    .addOption(new Option('--dry-run [strategy]', 'client: print what would be sent; server: send with dryRun=All (nothing stored)').preset('client'))
    .option('--concurrency <n>', CONCURRENCY_HELP, parseConcurrency);
}

export const CONCURRENCY_HELP = `requests in flight at most (default ${DEFAULT_CONCURRENCY})`;

/** --concurrency's argument parser (the range is checked by checkConcurrency). */
export function parseConcurrency(v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`invalid value "${v}" for --concurrency: not a positive integer`);
  return Number(v);
}

/**
 * Where objects naming no namespace will go, known before anything is sent (for the checks across
 * documents): -n, else the context's namespace read offline, else `default`.
 */
export async function offlineNamespace(ctx: Context, explicit: string | undefined): Promise<string> {
  if (explicit !== undefined) return explicit;
  const { offlineDefaultNamespace } = await import('../cluster/kubeconfig-lite.ts');
  return offlineDefaultNamespace({ kubeconfig: ctx.global.kubeconfig, context: ctx.global.context, env: ctx.io.env, cwd: ctx.io.cwd }) ?? 'default';
}

/** Reads every input and validates every document; nothing is sent if anything is wrong. */
export async function readRules(ctx: Context, files: string[], explicitNamespace: string | undefined, verb: string): Promise<ValidatedRule[]> {
  const { documents, problems } = await readAllDocuments(files, ctx.io);
  const v = validateDocuments(documents, { namespace: explicitNamespace, defaultNamespace: await offlineNamespace(ctx, explicitNamespace) });
  const all = [...problems, ...v.problems];
  if (all.length > 0) throw new InputError(all);
  if (v.rules.length === 0) {
    const source = files.map((f) => (f === '-' ? STDIN_NAME : f)).join(', ');
    throw new InputError([{ place: { source }, message: `no objects passed to ${verb}` }]);
  }
  return v.rules;
}

/** -n > metadata.namespace > the context's namespace > default. */
export function withNamespace(object: EgressRuleObject, explicit: string | undefined, fallback: string): EgressRuleObject {
  const namespace = explicit ?? object.metadata.namespace ?? fallback;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/** Loads the cluster client (and with it @kubernetes/client-node) and reads the kubeconfig. */
export async function openCluster(ctx: Context, concurrency = DEFAULT_CONCURRENCY): Promise<ClusterClient> {
  const { connect } = await import('../cluster/client.ts');
  try {
    return await connect(ctx, { concurrency });
  } catch (e) {
    if (e instanceof KubeconfigError) throw new CommandError(e.message);
    throw e;
  }
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
    if (e instanceof KubeconfigError && !(e instanceof NoKubeconfigError)) throw new CommandError(e.message);
    if (!(e instanceof NoKubeconfigError)) throw e;
    ctx.log(2, `--dry-run=client: ${e.message}; using the namespace "default"`);
    return 'default';
  }
  try {
    const lite = loadLiteKubeconfig(kopts);
    if (lite.kind === 'files') return lite.namespace ?? 'default';
  } catch (e) {
    if (e instanceof KubeconfigError) throw new CommandError(e.message);
    throw e;
  }
  // In-cluster: the service account's namespace, as the client reads it.
  const client = await openCluster(ctx, 1);
  client.close();
  return client.defaultNamespace;
}

/** One line for an error, as kubectl prints it. */
export function errorLine(ctx: Context, e: unknown): string {
  const text = escapeControl(describeError(e));
  return wantsErrorPrefix(e) ? `${ctx.colors.error('error:')} ${text}\n` : `${text}\n`;
}

/** Turns an error that ends a command (a fatal cluster error) into a CommandError after printing it. */
export function failWith(ctx: Context, e: unknown): never {
  if (isClusterError(e)) {
    ctx.io.stderr.write(errorLine(ctx, e));
    throw new CommandError('', 1);
  }
  throw e;
}

/** A write whose answer was lost and whose outcome no check could learn. */
function isUnknown(e: unknown): e is ConnectionError | BadAnswerError {
  return (e instanceof ConnectionError || e instanceof BadAnswerError) && e.outcome === 'unknown';
}

function isFatal(e: unknown): boolean {
  return isClusterError(e) && (e as { fatal: boolean }).fatal;
}

export interface BatchOptions<T> {
  items: T[];
  concurrency: number;
  /** For progress and the summary: `created`, `replaced`, ... */
  verb: string;
  nameOf(item: T): string;
  /** Does one item; resolves to its stdout text. Throws to report a failure. */
  work(item: T): Promise<string>;
}

/**
 * Runs `work` on every item, at most `concurrency` at a time; prints each result (stdout) or error
 * (stderr) in input order as soon as everything before it is done; goes on past failures. A
 * failure that concerns the connection rather than the object (refused, TLS, 401, missing CRD)
 * stops sending: it is said once, and the objects not sent are named. Ends with
 * `error: K of N objects were not VERB: name (Reason), ...` and exit 1 if anything failed.
 */
export async function runBatch<T>(ctx: Context, o: BatchOptions<T>): Promise<void> {
  const { io } = ctx;
  const n = o.items.length;
  const results: Array<{ ok: true; out: string } | { ok: false; error: unknown } | undefined> = new Array(n);
  let fatal: unknown;
  let nextToStart = 0;
  let nextToPrint = 0;
  let done = 0;
  const progress = new Progress(io.stderr, o.verb, n, io.env);
  // A server error names the object; a lost connection does not, so the line says which.
  const failureLine = (i: number, e: unknown) =>
    e instanceof ConnectionError ? `${ctx.colors.error('error:')} ${escapeControl(`${o.nameOf(o.items[i]!)}: not ${o.verb}: ${describeError(e)}`)}\n` : errorLine(ctx, e);

  const flush = () => {
    let cleared = false;
    while (nextToPrint < n && results[nextToPrint] !== undefined) {
      if (!cleared) {
        progress.clear();
        cleared = true;
      }
      const r = results[nextToPrint]!;
      if (r.ok) io.stdout.write(r.out);
      else if (!isFatal(r.error)) io.stderr.write(failureLine(nextToPrint, r.error));
      nextToPrint++;
    }
    progress.update(done);
  };

  const worker = async () => {
    while (fatal === undefined && nextToStart < n) {
      const i = nextToStart++;
      try {
        results[i] = { ok: true, out: await o.work(o.items[i]!) };
      } catch (e) {
        if (e instanceof UnsafePathError) throw new CommandError(e.message);
        if (!isClusterError(e)) throw e;
        results[i] = { ok: false, error: e };
        if (isFatal(e) && fatal === undefined) fatal = e;
      }
      done++;
      if (fatal === undefined) flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, n) }, worker));
  // After a fatal error, print what finished (in order), skipping what was never sent; a write
  // whose answer was lost and could not be checked is said per object: it may have been done.
  for (; nextToPrint < n; nextToPrint++) {
    const r = results[nextToPrint];
    if (r?.ok) io.stdout.write(r.out);
    else if (r && !isFatal(r.error)) io.stderr.write(failureLine(nextToPrint, r.error));
    else if (r && isUnknown(r.error)) {
      io.stderr.write(`${ctx.colors.error('error:')} ${escapeControl(`${o.nameOf(o.items[nextToPrint]!)}: unknown, ${r.error.lostAnswer}; it may have been ${o.verb}`)}\n`);
    }
  }
  progress.clear();

  // What failed for certain, and what may or may not have been done (its answer was lost and the
  // check got none either): said apart, so an object that was written is never called not written.
  const failed: string[] = [];
  const unknown: string[] = [];
  let succeeded = 0;
  let otherFailures = 0;
  for (let i = 0; i < n; i++) {
    const r = results[i];
    if (r?.ok) succeeded++;
    else if (r && isUnknown(r.error)) unknown.push(`${o.nameOf(o.items[i]!)} (${r.error.shortCause})`);
    else {
      if (r && !isFatal(r.error)) otherFailures++;
      failed.push(`${o.nameOf(o.items[i]!)} (${r ? shortReason(r.error) : 'not sent'})`);
    }
  }
  if (fatal !== undefined) io.stderr.write(errorLine(ctx, fatal));
  if (failed.length === 0 && unknown.length === 0) return;
  // Nothing written and nothing in doubt: the one line about the connection says it all.
  if (fatal !== undefined && succeeded === 0 && otherFailures === 0 && unknown.length === 0) throw new CommandError('', 1);
  const list = (xs: string[]) => (xs.length > 20 ? [...xs.slice(0, 20), `and ${xs.length - 20} more`] : xs).join(', ');
  const parts: string[] = [];
  if (failed.length > 0) parts.push(`${failed.length} of ${n} objects were not ${o.verb}: ${list(failed)}`);
  if (unknown.length > 0) {
    const which = failed.length > 0 ? `${unknown.length} more` : `${unknown.length} of ${n} objects`;
    parts.push(`whether ${which} ${unknown.length === 1 && failed.length > 0 ? 'was' : 'were'} ${o.verb} is unknown (the answer was lost and could not be checked; they may have been ${o.verb}): ${list(unknown)}`);
  }
  throw new CommandError(parts.join('; '));
}
