// The kubeconfig through @kubernetes/client-node, for what needs its authenticators or agents:
// exec and auth-provider users, proxy-url clusters, the in-cluster service account. Finding,
// merging and choosing the context is kubeconfig-lite.ts's (one set of rules and messages for
// every credential); client-node gets just the chosen cluster, user and context.

import yaml from 'js-yaml';
import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import { KubeconfigError } from './errors.ts';
import type { LiteKubeconfig } from './kubeconfig-lite.ts';

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

function oneLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300);
}

/** A client-node KubeConfig for the kubeconfig kubeconfig-lite.ts found and chose. */
export function loadKubeconfig(lite: LiteKubeconfig, env: Record<string, string | undefined>): LoadedKubeconfig {
  const kc = new KubeConfig();
  if (lite.kind === 'in-cluster') {
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
    const contextName = kc.getCurrentContext();
    return { kc, sources: lite.sources, contextName, cluster: kc.getCurrentCluster()!, user: kc.getCurrentUser(), namespace: kc.getContextObject(contextName)?.namespace || undefined };
  }
  const { entries, contextName } = lite;
  const userName = lite.user?.name;
  try {
    kc.loadFromString(
      yaml.dump({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: lite.cluster.name, cluster: entries.cluster }],
        users: userName && entries.user ? [{ name: userName, user: entries.user }] : [],
        contexts: [{ name: contextName, context: entries.context }],
        'current-context': contextName,
      }),
    );
  } catch (e) {
    throw new KubeconfigError(`the kubeconfig (${lite.sources.join(', ')}) cannot be used: ${oneLine((e as Error).message)}`);
  }
  return { kc, sources: lite.sources, contextName, cluster: kc.getCurrentCluster()!, user: kc.getCurrentUser(), namespace: lite.namespace };
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
