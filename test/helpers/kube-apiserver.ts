// Starts the real Kubernetes API server (test/kube-apiserver, built and cached by
// scripts/kube-apiserver.mjs) for end-to-end tests, registers the CRDs of every kind egressctl can
// store (the kind registry) in it and waits
// until they are Established and discovered. The object it returns has the fields of TestServer
// (test/helpers/server.ts) that make sense for a server we did not write: url, kubeconfig, token,
// dir, stop(), get(path). Tests skip with kubeApiserverSkipReason() when it cannot be had.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ensureBuilt, kindCrd, registerCrds as registerCrdsWith, type BuildResult } from '../../scripts/kube-apiserver.mjs';

export { kindCrd };
import { ROOT, request, type RunResult } from './server.ts';
import { STORED_KINDS } from '../../src/core/kinds/registry.ts';

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
  /** The server's audit log (one JSON event per request of the token's user, written before the request is served). */
  auditLog: string;
  /** The requests of the token's user since the last clearRequests(), from the audit log, in the form of serve's request log. */
  requests(): Promise<LoggedRequest[]>;
  clearRequests(): Promise<void>;
}

/** A request as `egressctl serve`'s request log (/_egressctl/requests) records it. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
}

/** The user of the token the program makes (test/kube-apiserver/main.go). */
export const ADMIN_USER = 'kube-apiserver-local-admin';

/**
 * The audit policy: every request of the admin user (the tests, egressctl, kubectl) at level
 * Metadata, at stage RequestReceived only, so each request is one line and is written before the
 * server handles it (the log backend's default mode is blocking); nothing of the server's own.
 */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["ResponseStarted", "ResponseComplete", "Panic"]
rules:
- level: Metadata
  users: ["${ADMIN_USER}"]
- level: None
`;

const VERB_METHODS: Record<string, string> = { get: 'GET', list: 'GET', watch: 'GET', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE', deletecollection: 'DELETE' };

/** The audit events from byte `offset` on, as serve's request log has them. */
export function readAuditLog(file: string, offset: number): LoggedRequest[] {
  let text: string;
  try {
    text = readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return [];
  }
  const out: LoggedRequest[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line);
    if (e.user?.username !== ADMIN_USER) continue;
    const u = new URL(e.requestURI, 'https://x');
    // Resource requests carry the API verb; other paths (discovery, /version) the HTTP method in lower case.
    const method = VERB_METHODS[e.verb] ?? String(e.verb).toUpperCase();
    out.push({ method, path: u.pathname, query: u.search.replace(/^\?/, '') });
  }
  return out;
}

export interface KubeApiserverOptions {
  /** CustomResourceDefinitions (apiextensions.k8s.io/v1 objects) to create and wait for; default STORED_KIND_CRDS. */
  crds?: object[];
  /** --service-cluster-ip-range; default the program's (10.96.0.0/12). */
  serviceClusterIpRange?: string;
  /** More flags for the program (any kube-apiserver flag). */
  args?: string[];
}

/** The CRDs of every kind egressctl can store (the kind registry's STORED_KINDS). */
export const STORED_KIND_CRDS: object[] = STORED_KINDS.map(kindCrd);

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
  const auditLog = join(dir, 'audit.log');
  writeFileSync(join(dir, 'audit-policy.yaml'), AUDIT_POLICY);
  const args = ['--kubeconfig-out', kubeconfig, '--audit-policy-file', join(dir, 'audit-policy.yaml'), '--audit-log-path', auditLog];
  if (opts.serviceClusterIpRange) args.push('--service-cluster-ip-range', opts.serviceClusterIpRange);
  args.push(...(opts.args ?? []));
  const logFd = openSync(logFile, 'w');
  // GOGC=400: a quarter of the garbage collections of the default (the server lives for a test run
  // and has memory to spare: ~400 MB instead of ~280 MB); GOGC in the environment wins.
  const child = spawn(b.path, args, { cwd: ROOT, env: { GOGC: '400', ...process.env }, stdio: ['ignore', 'pipe', logFd] });
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
  let auditOffset = 0;
  const server: KubeApiserver = {
    url,
    kubeconfig,
    token,
    dir,
    logFile,
    auditLog,
    async requests() {
      return readAuditLog(auditLog, auditOffset);
    },
    async clearRequests() {
      auditOffset = statSync(auditLog, { throwIfNoEntry: false })?.size ?? 0;
    },
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
    const crds = opts.crds ?? STORED_KIND_CRDS;
    await registerCrds(server, crds);
    await warmUp(server, crds);
    await server.clearRequests();
  } catch (e) {
    const log = tail(logFile);
    await server.stop();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return server;
}

/** The objects a reset() (test/helpers/cluster.ts) keeps: the uids of the namespaces, nodes, ConfigMaps and Services there are now. */
export async function baselineOf(server: { get(path: string): Promise<any> }): Promise<Set<string>> {
  const uids = new Set<string>();
  for (const plural of BASELINE_RESOURCES) for (const o of (await server.get(`/api/v1/${plural}`)).items) uids.add(o.metadata.uid);
  return uids;
}

/** Core resources tests create (kube-inject's ConfigMap and nodes, namespaces) that reset() (test/helpers/cluster.ts) removes; namespaces last. */
export const BASELINE_RESOURCES = ['configmaps', 'services', 'nodes', 'namespaces'];

/** Creates CRDs again that were deleted: waits until the old ones are gone (their objects removed), then registerCrds. */
export async function restoreCrds(server: KubeApiserver, crds: object[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds as any[]) {
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`;
    while ((await request(server, 'GET', path)).status !== 404) {
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} still being deleted after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
  await registerCrds(server, crds, timeoutMs);
}

/**
 * The first write of a custom resource after start takes about 2 s (measured: every kind, once; the
 * server's first write of a ConfigMap does not), so one dry-run create is sent here and tests see
 * the server's usual speed.
 */
async function warmUp(server: KubeApiserver, crds: object[]): Promise<void> {
  const crd = crds[0] as any;
  if (!crd) return;
  const version = crd.spec.versions.find((v: any) => v.storage).name;
  const path = `/apis/${crd.spec.group}/${version}/namespaces/default/${crd.spec.names.plural}?dryRun=All`;
  const r = await request(server, 'POST', path, { body: { apiVersion: `${crd.spec.group}/${version}`, kind: crd.spec.names.kind, metadata: { name: 'warm-up' }, spec: {} } });
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.body}`);
}

/**
 * Creates the CRDs, then waits until each is Established, discovered and listable
 * (scripts/kube-apiserver.mjs, which `npm run demo -- --server kube-apiserver` uses too).
 */
export function registerCrds(server: KubeApiserver, crds: object[], timeoutMs = 60_000): Promise<void> {
  return registerCrdsWith((method, path, body) => request(server, method, path, body === undefined ? {} : { body }), crds, timeoutMs);
}

