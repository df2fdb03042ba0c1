// Starts the real Kubernetes API server (test/kube-apiserver, built and cached by
// scripts/kube-apiserver.mjs) for end-to-end tests, registers the Istio 0.x CRDs in it and waits
// until they are Established and discovered. The object it returns has the fields of TestServer
// (test/helpers/server.ts) that make sense for a server we did not write: url, kubeconfig, token,
// dir, stop(), get(path). Tests skip with kubeApiserverSkipReason() when it cannot be had.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ensureBuilt, type BuildResult } from '../../scripts/kube-apiserver.mjs';
import { ROOT, request, type RunResult } from './server.ts';

export interface KubeApiserver {
  url: string;
  kubeconfig: string;
  token: string;
  /** A temporary directory owned by this server (kubeconfig, kubectl cache, the server's log); removed by stop(). */
  dir: string;
  /** The server's log (its stderr), for failure messages. */
  logFile: string;
  /** SIGTERM, then waits for the exit (SIGKILL after 30 s); removes dir. */
  stop(): Promise<void>;
  /** Authenticated GET, parsed JSON (throws on a non-2xx answer, with the status and body). */
  get(path: string): Promise<any>;
}

export interface KubeApiserverOptions {
  /** CustomResourceDefinitions (apiextensions.k8s.io/v1 objects) to create and wait for; default ISTIO_0X_CRDS. */
  crds?: object[];
  /** --service-cluster-ip-range; default the program's (10.96.0.0/12). */
  serviceClusterIpRange?: string;
  /** More flags for the program (any kube-apiserver flag). */
  args?: string[];
}

export interface IstioKind {
  plural: string;
  singular: string;
  kind: string;
}

/** The Istio 0.x config kinds egressctl manages, as Istio 0.2-0.8 registered them. */
export const ISTIO_0X_KINDS: IstioKind[] = [
  { plural: 'destinationpolicies', singular: 'destinationpolicy', kind: 'DestinationPolicy' },
  { plural: 'egressrules', singular: 'egressrule', kind: 'EgressRule' },
  { plural: 'routerules', singular: 'routerule', kind: 'RouteRule' },
];

/**
 * The CRD of one Istio 0.x kind in config.istio.io/v1alpha2. Istio's own 0.x CRDs had no schema;
 * apiextensions.k8s.io/v1 requires one, so spec keeps every field (x-kubernetes-preserve-unknown-fields).
 */
export function istioCrd(k: IstioKind, group = 'config.istio.io', version = 'v1alpha2'): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${group}`, labels: { istio: 'core' } },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: k.plural, singular: k.singular, kind: k.kind, listKind: `${k.kind}List`, categories: ['istio-io', 'config-istio-io'] },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
        },
      ],
    },
  };
}

export const ISTIO_0X_CRDS: object[] = ISTIO_0X_KINDS.map((k) => istioCrd(k));

let build: BuildResult | undefined;
function built(): BuildResult {
  // Progress only ("building", "built"): a reason to skip is printed once, by kubeApiserverSkipReason.
  build ??= ensureBuilt({ quiet: true, log: (line: string) => /^kube-apiserver: buil(ding|t) /.test(line) && process.stderr.write(`# ${line}\n`) });
  return build;
}

/** Why the real API server cannot be started here (Go absent, build failed), or false. Builds it when it is not cached yet. */
export function kubeApiserverSkipReason(): string | false {
  const r = built();
  if (r.status === 'cached' || r.status === 'built') return false;
  const reason = r.reason ?? `kube-apiserver: ${r.status}`;
  process.stderr.write(`# SKIP ${reason}\n`);
  return reason;
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startKubeApiserver(opts: KubeApiserverOptions = {}): Promise<KubeApiserver> {
  const b = built();
  if (b.status !== 'cached' && b.status !== 'built') throw new Error(`the real kube-apiserver is not available: ${b.reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'egressctl-kube-apiserver-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const logFile = join(dir, 'kube-apiserver.log');
  const args = ['--kubeconfig-out', kubeconfig];
  if (opts.serviceClusterIpRange) args.push('--service-cluster-ip-range', opts.serviceClusterIpRange);
  args.push(...(opts.args ?? []));
  const logFd = openSync(logFile, 'w');
  const child = spawn(b.path, args, { cwd: ROOT, stdio: ['ignore', 'pipe', logFd] });
  closeSync(logFd);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // A test process that dies must not leave the server (and its etcd) running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let url: string;
  try {
    url = await new Promise<string>((resolvePromise, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('no "Serving on" line within 120 s')), 120_000);
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /^Serving on (\S+)\nKubeconfig: (.+)\n/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolvePromise(m[1]);
        } else if (out.split('\n').length > 2) {
          clearTimeout(timer);
          reject(new Error(`unexpected output: ${JSON.stringify(out)}`));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code ?? signal}) before serving`));
      });
    });
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    process.off('exit', killOnExit);
    const log = tail(logFile);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`kube-apiserver ${(e as Error).message}\n${log}`);
  }
  child.stdout!.resume();
  const kc = yaml.load(readFileSync(kubeconfig, 'utf8')) as any;
  const token: string = kc?.users?.[0]?.user?.token ?? '';

  let ending: Promise<void> | undefined;
  const server: KubeApiserver = {
    url,
    kubeconfig,
    token,
    dir,
    logFile,
    stop() {
      ending ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
        process.off('exit', killOnExit);
        rmSync(dir, { recursive: true, force: true });
      })();
      return ending;
    },
    async get(path) {
      const r = await request(server, 'GET', path);
      if (r.status < 200 || r.status >= 300) throw new Error(`GET ${path}: ${r.status} ${r.body}`);
      return r.json();
    },
  };
  try {
    await registerCrds(server, opts.crds ?? ISTIO_0X_CRDS);
  } catch (e) {
    const log = tail(logFile);
    await server.stop();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return server;
}

/**
 * Creates the CRDs, then waits until each is Established and its group/version's discovery
 * document lists it (clients that discover before they act see it too).
 */
export async function registerCrds(server: KubeApiserver, crds: object[], timeoutMs = 60_000): Promise<void> {
  const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  for (const crd of crds) {
    const r = await request(server, 'POST', base, { body: crd });
    if (r.status !== 201) throw new Error(`POST ${base} (${(crd as any)?.metadata?.name}): ${r.status} ${r.body}`);
  }
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds as any[]) {
    const name: string = crd.metadata.name;
    const version = crd.spec.versions.find((v: any) => v.served)?.name;
    const discovery = `/apis/${crd.spec.group}/${version}`;
    for (;;) {
      const got = await request(server, 'GET', `${base}/${name}`);
      const established = got.status === 200 && (got.json().status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True');
      const d = established ? await request(server, 'GET', discovery) : undefined;
      if (d?.status === 200 && d.json().resources?.some((res: any) => res.name === crd.spec.names.plural)) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established and discovered within ${timeoutMs} ms (last: ${got.status} ${got.body.slice(0, 500)})`);
      await sleep(100);
    }
  }
}

/** The real kubectl against the server, with a cache directory and HOME of its own (discovery caches would leak between servers). */
export function kubectl(server: Pick<KubeApiserver, 'kubeconfig' | 'dir'>, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('kubectl', ['--kubeconfig', server.kubeconfig, '--cache-dir', join(server.dir, 'kubectl-cache'), ...args], {
      cwd: ROOT,
      env: { ...process.env, HOME: server.dir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}
