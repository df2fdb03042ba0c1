// Finding and reading the kubeconfig as kubectl does, without @kubernetes/client-node.
//
// Why: importing client-node costs about 0.1 s even bundled, more than everything else a
// five-object create does. Most kubeconfigs carry static credentials (a token, a token file, a
// client certificate, basic auth) that need nothing of it. Only what needs its authenticators or
// agents (exec and auth-provider users, proxy-url clusters, the in-cluster service account) is
// handed to client-node (kubeconfig.ts), loaded then and only then.
//
// Order, as client-go's loading rules: --kubeconfig FILE (it must exist); else $KUBECONFIG when
// set and not empty (several files, merged: the first to name a cluster, user or context wins;
// missing files skipped; when every file is missing kubectl warns "Config not found" and falls to
// the in-cluster service account, never to ~/.kube/config); else ~/.kube/config; else the
// in-cluster service account. Finding nothing is an error naming every place looked at, never a
// silent http://localhost:8080.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { KubeconfigError, NoKubeconfigError } from './errors.ts';
import { isDNS1123Label } from '../core/names.ts';

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The parts of a cluster entry egressctl uses (file paths made absolute). */
export interface LiteCluster {
  name: string;
  server: string;
  caFile?: string;
  caData?: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface LiteUser {
  name: string;
  token?: string;
  tokenFile?: string;
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  username?: string;
  password?: string;
  impersonate?: string;
  /** exec or auth-provider: client-node's authenticators are needed. */
  plugin: boolean;
}

export type LiteKubeconfig =
  | {
      kind: 'files';
      sources: string[];
      contextName: string;
      namespace?: string;
      cluster: LiteCluster;
      user?: LiteUser;
      /** The chosen entries as written (file paths made absolute), for client-node's authenticators. */
      entries: { cluster: Record<string, unknown>; user?: Record<string, unknown>; context: Record<string, unknown> };
    }
  | { kind: 'in-cluster'; sources: string[] };

const SERVICEACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

interface RawFile {
  path: string;
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  users: Array<{ name: string; user: Record<string, unknown> }>;
  contexts: Array<{ name: string; context: Record<string, unknown> }>;
  current?: string;
}

function named(list: unknown, key: string, path: string): Array<{ name: string } & Record<string, any>> {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KubeconfigError(`kubeconfig "${path}": ${key} must be a list`);
  return list.filter((x) => x && typeof x === 'object' && typeof x.name === 'string') as Array<{ name: string } & Record<string, any>>;
}

/**
 * Files read in this process, by path, while they are unchanged (same size, time and inode): a
 * writing command reads the kubeconfig for the input's namespaces and again to connect.
 */
const rawFiles = new Map<string, { stamp: string; raw: RawFile }>();

function readRaw(path: string): RawFile {
  let stamp: string | undefined;
  try {
    const st = statSync(path);
    stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    stamp = undefined; // reported by the read below
  }
  const known = rawFiles.get(path);
  if (known && stamp !== undefined && known.stamp === stamp) return known.raw;
  const raw = readRawUncached(path);
  if (stamp !== undefined) rawFiles.set(path, { stamp, raw });
  return raw;
}

function readRawUncached(path: string): RawFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new KubeconfigError(`kubeconfig "${path}" not found`);
    if (err.code === 'EACCES') throw new KubeconfigError(`kubeconfig "${path}": permission denied`);
    if (err.code === 'EISDIR') throw new KubeconfigError(`kubeconfig "${path}" is a directory`);
    throw new KubeconfigError(`kubeconfig "${path}" cannot be read: ${err.message}`);
  }
  let doc: any;
  try {
    doc = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (e) {
    throw new KubeconfigError(`kubeconfig "${path}" is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`kubeconfig "${path}" is not a kubeconfig (expected a mapping)`);
  return {
    path,
    clusters: named(doc.clusters, 'clusters', path).map((c) => ({ name: c.name, cluster: c.cluster ?? {} })),
    users: named(doc.users, 'users', path).map((u) => ({ name: u.name, user: u.user ?? {} })),
    contexts: named(doc.contexts, 'contexts', path).map((c) => ({ name: c.name, context: c.context ?? {} })),
    current: typeof doc['current-context'] === 'string' && doc['current-context'] ? doc['current-context'] : undefined,
  };
}

function abs(base: string, p: unknown): string | undefined {
  if (typeof p !== 'string' || p === '') return undefined;
  return isAbsolute(p) ? p : join(dirname(base), p);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Where the kubeconfig is: files, or the in-cluster service account; and a warning to print, if any. */
export type KubeconfigLocation = ({ files: string[] } | { inCluster: true }) & { warning?: string };

/** Where the kubeconfig is: files, or the in-cluster service account. */
export function findKubeconfig(opts: KubeconfigOptions): KubeconfigLocation {
  const { env } = opts;
  if (opts.kubeconfig) {
    const file = resolve(opts.cwd, opts.kubeconfig);
    // kubectl: "stat FILE: no such file or directory"; a file named on the command line must exist.
    if (!existsSync(file)) throw new KubeconfigError(`the kubeconfig file "${opts.kubeconfig}" given with --kubeconfig does not exist`);
    return { files: [file] };
  }
  const looked: string[] = [];
  const root = (env.EGRESSCTL_INCLUSTER_ROOT ?? '') + SERVICEACCOUNT;
  const inCluster = !!env.KUBERNETES_SERVICE_HOST && !!env.KUBERNETES_SERVICE_PORT && existsSync(`${root}/token`);
  const inClusterLooked = `the in-cluster service account (${env.KUBERNETES_SERVICE_HOST ? `${root}/token: no such file` : '$KUBERNETES_SERVICE_HOST unset'})`;
  if (env.KUBECONFIG) {
    // Set: only its files count. ~/.kube/config is not read, even when none of them exists.
    const named = [...new Set(env.KUBECONFIG.split(delimiter).filter((f) => f !== ''))];
    const existing = named.map((f) => resolve(opts.cwd, f)).filter((f) => existsSync(f));
    if (existing.length > 0) return { files: existing };
    const missing = named.join(', ');
    if (inCluster) return { inCluster: true, warning: `Config not found: ${missing}` };
    throw new KubeconfigError(
      `Config not found: ${missing} ($KUBECONFIG names no file that exists; ~/.kube/config is not read while $KUBECONFIG is set); ` +
        `looked at ${inClusterLooked} too. Fix $KUBECONFIG, unset it, or run \`egressctl serve --kubeconfig-out FILE\` for a local API server`,
    );
  }
  looked.push('$KUBECONFIG (unset)');
  const home = env.HOME || env.USERPROFILE;
  const path = home ? join(home, '.kube', 'config') : undefined;
  if (path && existsSync(path)) return { files: [path] };
  looked.push(path ? `${path} (no such file)` : '~/.kube/config ($HOME unset)');
  if (inCluster) return { inCluster: true };
  looked.push(inClusterLooked);
  throw new NoKubeconfigError(
    `no kubeconfig found; looked at ${looked.join(', ')}. ` +
      'Point --kubeconfig (or $KUBECONFIG) at one, or run `egressctl serve --kubeconfig-out FILE` for a local API server',
  );
}

export function loadLiteKubeconfig(opts: KubeconfigOptions & { warn?: (message: string) => void }): LiteKubeconfig {
  const where = findKubeconfig(opts);
  if (where.warning) opts.warn?.(where.warning);
  if ('inCluster' in where) return { kind: 'in-cluster', sources: ['in-cluster service account'] };
  const files = where.files.map(readRaw);
  const sources = where.files;
  // Merge: the first file to define a name wins; the first current-context wins.
  const clusters = new Map<string, { file: string; cluster: Record<string, unknown> }>();
  const users = new Map<string, { file: string; user: Record<string, unknown> }>();
  const contexts = new Map<string, Record<string, unknown>>();
  let current: string | undefined;
  for (const f of files) {
    for (const c of f.clusters) if (!clusters.has(c.name)) clusters.set(c.name, { file: f.path, cluster: c.cluster });
    for (const u of f.users) if (!users.has(u.name)) users.set(u.name, { file: f.path, user: u.user });
    for (const c of f.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c.context);
    if (!current && f.current) current = f.current;
  }
  const where2 = sources.join(delimiter);
  const contextNames = [...contexts.keys()];
  let contextName = opts.context ?? current;
  if (opts.context) {
    if (!contexts.has(opts.context)) throw new KubeconfigError(`context "${opts.context}" not found in the kubeconfig (${where2}); contexts: ${contextNames.join(', ') || 'none'}`);
  } else if (!contextName) {
    if (contextNames.length === 1) contextName = contextNames[0]!;
    else throw new KubeconfigError(`the kubeconfig (${where2}) has no current-context; choose one with --context${contextNames.length ? ` (contexts: ${contextNames.join(', ')})` : ''}`);
  } else if (!contexts.has(contextName)) {
    throw new KubeconfigError(`the current-context "${contextName}" of the kubeconfig (${where2}) is not defined in it`);
  }
  const context = contexts.get(contextName!)!;
  const namespace = str(context.namespace);
  if (namespace !== undefined && !isDNS1123Label(namespace)) {
    throw new KubeconfigError(`the namespace ${JSON.stringify(namespace)} of context "${contextName}" is not a valid namespace (a lowercase RFC 1123 label)`);
  }
  const clusterName = str(context.cluster);
  const c = clusterName ? clusters.get(clusterName) : undefined;
  if (!c) throw new KubeconfigError(`context "${contextName}" names cluster "${clusterName ?? ''}", which the kubeconfig does not define`);
  const server = str(c.cluster.server);
  if (!server) throw new KubeconfigError(`cluster "${clusterName}" of the kubeconfig has no server`);
  const cluster: LiteCluster = {
    name: clusterName!,
    server,
    caFile: abs(c.file, c.cluster['certificate-authority']),
    caData: str(c.cluster['certificate-authority-data']),
    skipTLSVerify: c.cluster['insecure-skip-tls-verify'] === true || c.cluster['insecure-skip-tls-verify'] === 'true',
    tlsServerName: str(c.cluster['tls-server-name']),
    proxyUrl: str(c.cluster['proxy-url']),
  };
  const userName = str(context.user);
  let user: LiteUser | undefined;
  let rawUser: Record<string, unknown> | undefined;
  if (userName) {
    const u = users.get(userName);
    if (!u) throw new KubeconfigError(`context "${contextName}" names user "${userName}", which the kubeconfig does not define`);
    const x = u.user;
    rawUser = withAbsolutePaths(u.file, x, ['client-certificate', 'client-key', 'tokenFile', 'token-file']);
    user = {
      name: userName,
      token: str(x.token),
      tokenFile: abs(u.file, x.tokenFile ?? x['token-file']),
      certFile: abs(u.file, x['client-certificate']),
      certData: str(x['client-certificate-data']),
      keyFile: abs(u.file, x['client-key']),
      keyData: str(x['client-key-data']),
      username: str(x.username),
      password: typeof x.password === 'string' ? x.password : undefined,
      impersonate: str(x.as),
      plugin: !!(x.exec || x['auth-provider']),
    };
  }
  return {
    kind: 'files',
    sources,
    contextName: contextName!,
    namespace,
    cluster,
    user,
    entries: { cluster: withAbsolutePaths(c.file, c.cluster, ['certificate-authority']), user: rawUser, context },
  };
}

/** An entry with its file paths made absolute (relative ones are relative to the file naming them). */
function withAbsolutePaths(file: string, entry: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out = { ...entry };
  for (const k of keys) if (abs(file, out[k])) out[k] = abs(file, out[k]);
  return out;
}

/** Whether client-node's authenticators or proxy agents are needed for this kubeconfig. */
export function needsClientNode(k: LiteKubeconfig): boolean {
  return k.kind === 'in-cluster' || !!k.user?.plugin || !!k.cluster.proxyUrl;
}

function fileOrData(file: string | undefined, data: string | undefined, what: string): Buffer | undefined {
  if (file) {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new KubeconfigError(`the ${what} file named by the kubeconfig cannot be read: ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return data ? Buffer.from(data, 'base64') : undefined;
}

export interface Credentials {
  headers: Record<string, string>;
  ca?: Buffer;
  /** What `ca` is, for the message when it holds no usable certificate. */
  caWhat?: string;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** Static credentials and TLS material of a kubeconfig that needs no plugin. */
export function staticCredentials(k: Extract<LiteKubeconfig, { kind: 'files' }>): Credentials {
  const { cluster, user } = k;
  const out: Credentials = { headers: {} };
  out.ca = fileOrData(cluster.caFile, cluster.caData, 'certificate-authority');
  // That it holds certificates is checked by the client (tls-verify.ts: readCaBundle), which
  // loads node:crypto anyway; validate reads this file too and should not.
  if (out.ca) out.caWhat = `the certificate authority of cluster "${cluster.name}" (${cluster.caFile ?? 'certificate-authority-data'})`;
  if (cluster.skipTLSVerify) out.rejectUnauthorized = false;
  if (cluster.tlsServerName) out.servername = cluster.tlsServerName;
  if (user) {
    out.cert = fileOrData(user.certFile, user.certData, 'client-certificate');
    out.key = fileOrData(user.keyFile, user.keyData, 'client-key');
    let token = user.token;
    if (!token && user.tokenFile) {
      try {
        token = readFileSync(user.tokenFile, 'utf8').trim();
      } catch (e) {
        throw new KubeconfigError(`the token file named by the kubeconfig cannot be read: ${user.tokenFile} (${(e as NodeJS.ErrnoException).code ?? ''})`);
      }
    }
    if (token) out.headers.Authorization = `Bearer ${token}`;
    else if (user.username) out.headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
    if (user.impersonate) out.headers['Impersonate-User'] = user.impersonate;
  }
  return out;
}

/**
 * The namespace that objects naming none go to, as far as it can be known without a cluster: the
 * context's, or the in-cluster account's; undefined when none is named or the kubeconfig cannot be
 * read (a command that talks to the cluster reports that itself). For checks made before anything
 * is sent, such as duplicate names.
 */
export function offlineDefaultNamespace(opts: KubeconfigOptions): string | undefined {
  try {
    const lite = loadLiteKubeconfig(opts);
    if (lite.kind === 'files') return lite.namespace;
    const root = (opts.env.EGRESSCTL_INCLUSTER_ROOT ?? '') + SERVICEACCOUNT;
    const ns = readFileSync(`${root}/namespace`, 'utf8').trim();
    return isDNS1123Label(ns) ? ns : undefined;
  } catch {
    return undefined;
  }
}
