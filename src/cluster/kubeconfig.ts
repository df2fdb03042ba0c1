// Finding and reading the kubeconfig as kubectl does, with client-node's KubeConfig doing the
// parsing and the authentication (token, client certificate, basic, exec, OIDC, ...).
//
// Order: --kubeconfig FILE; else $KUBECONFIG (several files, merged, the first to name a cluster,
// user or context wins, missing files skipped, as kubectl); else ~/.kube/config; else the in-cluster
// service account. Unlike client-node's loadFromDefault, finding nothing is an error naming every
// place looked at, never a silent http://localhost:8080.

import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { KubeConfig, type Cluster, type Context as KubeContext, type User } from '@kubernetes/client-node';
import { KubeconfigError } from './errors.ts';

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface LoadedKubeconfig {
  kc: KubeConfig;
  /** Where it came from, for -v logs: file paths or `in-cluster`. */
  sources: string[];
  contextName: string;
  cluster: Cluster;
  user: User | null;
  /** The context's namespace, if it names one. */
  namespace?: string;
}

const SERVICEACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

function readFile(path: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new KubeconfigError(`kubeconfig "${path}" not found`);
    if (err.code === 'EACCES') throw new KubeconfigError(`kubeconfig "${path}": permission denied`);
    if (err.code === 'EISDIR') throw new KubeconfigError(`kubeconfig "${path}" is a directory`);
    throw new KubeconfigError(`kubeconfig "${path}" cannot be read: ${oneLine(err.message)}`);
  }
  return kc;
}

function oneLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300);
}

/** Merges kubeconfig files as kubectl does: for each name the first file to define it wins. */
function merge(configs: KubeConfig[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, KubeContext>();
  let current: string | undefined;
  for (const c of configs) {
    for (const x of c.getClusters() ?? []) if (!clusters.has(x.name)) clusters.set(x.name, x);
    for (const x of c.getUsers() ?? []) if (!users.has(x.name)) users.set(x.name, x);
    for (const x of c.getContexts() ?? []) if (!contexts.has(x.name)) contexts.set(x.name, x);
    if (!current && c.getCurrentContext()) current = c.getCurrentContext();
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext: current as string });
  return kc;
}

export function loadKubeconfig(opts: KubeconfigOptions): LoadedKubeconfig {
  const { env } = opts;
  let kc: KubeConfig | undefined;
  let sources: string[] = [];
  if (opts.kubeconfig) {
    const path = resolve(opts.cwd, opts.kubeconfig);
    kc = readFile(path);
    sources = [path];
  } else {
    const looked: string[] = [];
    if (env.KUBECONFIG) {
      const files = env.KUBECONFIG.split(delimiter).filter((f) => f !== '');
      const existing = files.map((f) => resolve(opts.cwd, f)).filter((f) => existsSync(f));
      if (existing.length > 0) {
        kc = merge(existing.map(readFile));
        sources = existing;
      } else {
        looked.push(`$KUBECONFIG (${files.join(delimiter)}: no such file)`);
      }
    } else {
      looked.push('$KUBECONFIG (unset)');
    }
    if (!kc) {
      const home = env.HOME || env.USERPROFILE;
      const path = home ? join(home, '.kube', 'config') : undefined;
      if (path && existsSync(path)) {
        kc = readFile(path);
        sources = [path];
      } else {
        looked.push(path ? `${path} (no such file)` : '~/.kube/config ($HOME unset)');
      }
    }
    if (!kc) {
      const root = (env.EGRESSCTL_INCLUSTER_ROOT ?? '') + SERVICEACCOUNT;
      if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && existsSync(`${root}/token`)) {
        kc = new KubeConfig();
        const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
        // client-node reads these from process.env; use the environment we were given.
        process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
        process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT;
        try {
          kc.loadFromCluster(env.EGRESSCTL_INCLUSTER_ROOT ?? '');
        } finally {
          if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
          else process.env.KUBERNETES_SERVICE_HOST = saved.host;
          if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
          else process.env.KUBERNETES_SERVICE_PORT = saved.port;
        }
        sources = ['in-cluster service account'];
      } else {
        looked.push(`the in-cluster service account (${env.KUBERNETES_SERVICE_HOST ? `${root}/token: no such file` : '$KUBERNETES_SERVICE_HOST unset'})`);
      }
    }
    if (!kc) {
      throw new KubeconfigError(
        `no kubeconfig found; looked at ${looked.join(', ')}. ` +
          'Point --kubeconfig (or $KUBECONFIG) at one, or run `egressctl serve --kubeconfig-out FILE` for a local API server',
      );
    }
  }

  const contexts = kc.getContexts() ?? [];
  let contextName = opts.context ?? kc.getCurrentContext();
  if (opts.context) {
    if (!contexts.some((c) => c.name === opts.context)) {
      throw new KubeconfigError(`context "${opts.context}" not found in the kubeconfig (${sources.join(delimiter)}); contexts: ${contexts.map((c) => c.name).join(', ') || 'none'}`);
    }
  } else if (!contextName) {
    if (contexts.length === 1) contextName = contexts[0]!.name;
    else {
      throw new KubeconfigError(
        `the kubeconfig (${sources.join(delimiter)}) has no current-context; choose one with --context${contexts.length ? ` (contexts: ${contexts.map((c) => c.name).join(', ')})` : ''}`,
      );
    }
  } else if (!contexts.some((c) => c.name === contextName)) {
    throw new KubeconfigError(`the current-context "${contextName}" of the kubeconfig (${sources.join(delimiter)}) is not defined in it`);
  }
  kc.setCurrentContext(contextName);
  const context = kc.getContextObject(contextName)!;
  const cluster = kc.getCluster(context.cluster);
  if (!cluster) throw new KubeconfigError(`context "${contextName}" names cluster "${context.cluster}", which the kubeconfig does not define`);
  if (!cluster.server) throw new KubeconfigError(`cluster "${cluster.name}" of the kubeconfig has no server`);
  const user = context.user ? kc.getUser(context.user) : null;
  if (context.user && !user) throw new KubeconfigError(`context "${contextName}" names user "${context.user}", which the kubeconfig does not define`);
  return { kc, sources, contextName, cluster, user, namespace: context.namespace || undefined };
}

/** Credentials and TLS material from client-node's authenticators (exec, OIDC, token files, ...). */
export async function pluginCredentials(loaded: LoadedKubeconfig): Promise<{ headers: Record<string, string>; ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean; servername?: string }> {
  const { kc, user } = loaded;
  const applied: { headers?: Record<string, string>; ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean; servername?: string } = { headers: {} };
  try {
    await (kc as unknown as { applyOptions(o: unknown): Promise<void> }).applyOptions(applied);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new KubeconfigError(`a file named by the kubeconfig does not exist: ${err.path ?? ''}`.trim());
    const why = String(err?.message ?? '').split('\n')[0]!.trim();
    const how = user?.exec ? `the exec plugin "${(user.exec as { command?: string }).command ?? ''}" failed` : 'the auth provider failed';
    throw new KubeconfigError(`cannot get the credentials of user "${user?.name ?? ''}": ${why || how}`);
  }
  const headers: Record<string, string> = { ...(applied.headers ?? {}) };
  if (user?.username && !headers.Authorization) {
    headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
  }
  return { ...applied, headers };
}

/** client-node's agent for a cluster reached through a proxy (HTTP(S) or SOCKS), kept alive. */
export function proxyAgent(loaded: LoadedKubeconfig, options: Record<string, unknown>): import('node:http').Agent {
  return (loaded.kc as unknown as { createAgent(c: unknown, o: unknown): import('node:http').Agent }).createAgent(loaded.cluster, { keepAlive: true, ...options });
}
