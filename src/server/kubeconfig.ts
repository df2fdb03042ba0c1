// The kubeconfig `serve` writes: one cluster, user and context named egressctl-local, namespace
// default, merged into the file when it already holds others (as `kind` does).
import { accessSync, closeSync, constants, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import yaml from 'js-yaml';
import { fsProblem } from '../io/fs-errors.ts';

export interface KubeconfigInput {
  server: string;
  ca?: Buffer;
  token?: string;
  insecureSkipTlsVerify?: boolean;
}

export const CONTEXT = 'egressctl-local';

function ourEntries(k: KubeconfigInput): { cluster: Record<string, unknown>; user: Record<string, unknown>; context: Record<string, unknown> } {
  const cluster: Record<string, unknown> = { server: k.server };
  if (k.ca) cluster['certificate-authority-data'] = k.ca.toString('base64');
  if (k.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  const user: Record<string, unknown> = k.token ? { token: k.token } : {};
  return { cluster: { name: CONTEXT, cluster }, user: { name: CONTEXT, user }, context: { name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT, namespace: 'default' } } };
}

export function kubeconfigText(k: KubeconfigInput): string {
  return mergeKubeconfig('', k);
}

/** Thrown when a file that exists is not a kubeconfig serve could merge into. */
export class NotAKubeconfig extends Error {
  override name = 'NotAKubeconfig';
}

const LISTS = ['clusters', 'users', 'contexts'] as const;

/** The kubeconfig in `text` (blank: none), checked enough that merging into it loses nothing. */
export function parseKubeconfig(text: string): Record<string, any> | undefined {
  if (!text.trim()) return undefined;
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (e) {
    throw new NotAKubeconfig(`it is not YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new NotAKubeconfig('it is not a kubeconfig (a mapping with clusters, users and contexts)');
  const kc = doc as Record<string, any>;
  if (kc.kind !== undefined && kc.kind !== 'Config') throw new NotAKubeconfig(`it is not a kubeconfig (kind ${JSON.stringify(kc.kind)}, not Config)`);
  for (const k of LISTS) {
    if (kc[k] === undefined || kc[k] === null) continue;
    if (!Array.isArray(kc[k]) || kc[k].some((e: unknown) => typeof e !== 'object' || e === null || typeof (e as any).name !== 'string')) {
      throw new NotAKubeconfig(`it is not a kubeconfig (${k} is not a list of named entries)`);
    }
  }
  return kc;
}

/**
 * Our cluster, user and context merged into an existing kubeconfig as `kind` does: every other
 * entry and key kept, ours replaced in place by name (appended when absent), current-context ours.
 */
export function mergeKubeconfig(existing: string, k: KubeconfigInput): string {
  const kc = parseKubeconfig(existing) ?? { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [], 'current-context': '', preferences: {} };
  const ours = ourEntries(k);
  const entry = { clusters: ours.cluster, users: ours.user, contexts: ours.context };
  for (const key of LISTS) {
    const list: Array<Record<string, unknown>> = Array.isArray(kc[key]) ? kc[key] : (kc[key] = []);
    const i = list.findIndex((e) => e.name === CONTEXT);
    if (i >= 0) list[i] = entry[key];
    else list.push(entry[key]);
  }
  kc['current-context'] = CONTEXT;
  kc.apiVersion ??= 'v1';
  kc.kind ??= 'Config';
  return yaml.dump(kc, { lineWidth: -1 });
}

/** The text of the kubeconfig at `file`, or '' when there is none. */
export function readExisting(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** Written whole (temporary file, fsync, rename) with mode 0600: it holds the token. No temporary file is left on failure. */
export function writeKubeconfig(path: string, text: string): void {
  // Through a symbolic link (~/.kube/config kept elsewhere), the file it points to is replaced.
  let file = path;
  try {
    file = realpathSync(path);
  } catch {}
  const tmp = `${file}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {}
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Why `file` cannot be written as a kubeconfig, in words, or undefined when it looks writable.
 * Checked before the server starts, so a bad --kubeconfig-out fails before anything listens.
 */
export function kubeconfigTargetProblem(file: string): string | undefined {
  const dir = dirname(file);
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `the directory ${dir} does not exist`;
    return `${dir}: ${fsProblem(e)}`;
  }
  try {
    if (statSync(file).isDirectory()) return 'is a directory';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return fsProblem(e);
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    return `cannot write in ${dir}: ${fsProblem(e)}`;
  }
  try {
    parseKubeconfig(readExisting(file));
  } catch (e) {
    if (e instanceof NotAKubeconfig) return `${e.message}: not overwritten (serve merges its context into an existing kubeconfig); give another file, or fix or remove this one`;
    return fsProblem(e);
  }
  return undefined;
}
