// The kubeconfig `serve` writes: one cluster, user and context named egressctl-local, namespace default.
import { accessSync, closeSync, constants, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
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

/** Written whole (temporary file, fsync, rename) with mode 0600: it holds the token. No temporary file is left on failure. */
export function writeKubeconfig(file: string, text: string): void {
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
  return undefined;
}
