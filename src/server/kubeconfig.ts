// The kubeconfig `serve` writes: one cluster, user and context named egressctl-local, namespace default.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import yaml from 'js-yaml';

export interface KubeconfigInput {
  server: string;
  ca?: Buffer;
  token?: string;
  insecureSkipTlsVerify?: boolean;
}

export const CONTEXT = 'egressctl-local';

export function kubeconfigText(k: KubeconfigInput): string {
  const cluster: Record<string, unknown> = { server: k.server };
  if (k.ca) cluster['certificate-authority-data'] = k.ca.toString('base64');
  if (k.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  const user: Record<string, unknown> = k.token ? { token: k.token } : {};
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT, cluster }],
    users: [{ name: CONTEXT, user }],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT, namespace: 'default' } }],
    'current-context': CONTEXT,
    preferences: {},
  }, { lineWidth: -1 });
}

/** Written whole (temporary file, fsync, rename) with mode 0600: it holds the token. */
export function writeKubeconfig(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  writeSync(fd, text);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}
