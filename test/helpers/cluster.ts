// One end-to-end setup for every test that needs a cluster. A test file says which suites need a
// server; this module starts it (`egressctl serve`, or the REAL kube-apiserver of
// test/kube-apiserver), gives the suite its environment and runners bound to it, clears it between
// tests when asked, and stops it.
//
//   forEachServer('the seed walkthrough', (c) => {
//     test('...', async () => {
//       const r = await c.egressctl(['get', 'egressrules']);
//       ...
//     });
//   });
//
// registers the suite once per server chosen for the run (EGRESSCTL_TEST_SERVER, see
// chosenServers()), named "the seed walkthrough [serve]" and "... [kube-apiserver]". onServe()
// registers a suite on serve only, for tests that need serve's test-only features (fault injection,
// SIGKILL and restarts on --data): c.serve is then the TestServer of test/helpers/server.ts.
//
// Servers: every serve suite gets its own `egressctl serve` (it starts in ~0.2 s). The real server
// takes ~3.5 s to start and ~280 MB, so it is shared: scripts/test.mjs starts a few for the whole
// run (test/helpers/shared-kube-apiserver.ts) and each suite holds one while it runs (a lock per
// server; a suite starts from the server's initial state, see reset()). A file run on its own
// (node --test FILE) starts one real server for the file instead.
import { after, before, describe } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { STORED_KINDS } from '../../src/core/kinds/registry.ts';
import { egressctl as runEgressctl, type EgressctlOptions, kubectl as runKubectl, request as rawRequest, startServer, type RawResponse, type RunResult, type StartOptions, type TestServer } from './server.ts';
import { BASELINE_RESOURCES, baselineOf, kindCrd, kubeApiserverSkipReason, restoreCrds, readAuditLog, startKubeApiserver, type KubeApiserver, type LoggedRequest } from './kube-apiserver.ts';

export type ServerKind = 'serve' | 'kube-apiserver';

/** The environment variable that chooses the servers: serve, kube-apiserver or both. */
export const SERVER_ENV = 'EGRESSCTL_TEST_SERVER';
/** Set by scripts/test.mjs: the files that describe the run's shared kube-apiservers (shared-kube-apiserver.ts), ':'-separated. */
export const SHARED_ENV = 'EGRESSCTL_TEST_KUBE_APISERVER';

/**
 * Retries without real waits: the CLI's backoff starts at 10 ms instead of 200 ms (README,
 * Development). For tests that make the CLI retry; the transport's unit test checks the real backoff.
 */
export const FAST_RETRIES: Record<string, string> = { EGRESSCTL_RETRY_BASE_DELAY: '10ms' };

let choice: { kinds: ServerKind[]; reason?: string } | undefined;

/**
 * The servers of this run. EGRESSCTL_TEST_SERVER=serve|kube-apiserver|both; unset, both when the
 * real server can be had (Go is installed and it builds) and serve otherwise, with the reason
 * printed once (scripts/test.mjs resolves this once for the whole run and passes it on).
 */
export function chosenServers(): ServerKind[] {
  if (!choice) {
    const v = process.env[SERVER_ENV];
    // scripts/test.mjs says why it chose serve alone (it printed the reason once).
    if (v === 'serve') choice = { kinds: ['serve'], reason: process.env.EGRESSCTL_TEST_SERVER_REASON };
    else if (v === 'kube-apiserver') choice = { kinds: ['kube-apiserver'] };
    else if (v === 'both') choice = { kinds: ['serve', 'kube-apiserver'] };
    else if (v === undefined || v === '') {
      const reason = kubeApiserverSkipReason();
      choice = reason ? { kinds: ['serve'], reason } : { kinds: ['serve', 'kube-apiserver'] };
    } else throw new Error(`${SERVER_ENV}=${v}: expected serve, kube-apiserver or both`);
  }
  return choice.kinds;
}

/**
 * Why a test that starts its own real kube-apiserver (the conformance suite: flags of its own) is
 * skipped in this run, or false: the run left the real server out (EGRESSCTL_TEST_SERVER=serve, or
 * it cannot be had here; the reason was printed once).
 */
export function realServerSkipReason(): string | false {
  return chosenServers().includes('kube-apiserver') ? false : (choice?.reason ?? `${SERVER_ENV}=${process.env[SERVER_ENV]}`);
}

export interface ClusterOptions {
  /** serve's own options (faults are on by default; podCidrs and serviceCidr: use the fields below). */
  serve?: Omit<StartOptions, 'podCidrs' | 'withoutCrds'>;
  /**
   * Nodes with these pod ranges, as serve's --pod-cidrs (comma list; each IPv4 block with the IPv6
   * block of the same index makes one node). serve makes them at start; on the real server they are
   * created through the API (it has no nodes of its own: no kubelet registers).
   */
  podCidrs?: string;
  /** More environment for every egressctl run of the suite. */
  env?: Record<string, string>;
  /**
   * A cluster without the CRDs of the Istio kinds: serve --without-crds; on the real server, one of
   * the suite's own (the run's shared one has them), so this costs a server start.
   */
  withoutCrds?: boolean;
  /** Skip the suite with this reason (e.g. kubectlSkipReason()); no server is started. */
  skip?: string | false;
  /**
   * Every egressctl of the suite as a process of its own (the built CLI), as a user runs it; by
   * default they run in the test's process (server.ts, egressctl()).
   */
  process?: boolean;
}

/** What a suite's tests use. Filled in by the suite's before() hook: use it inside tests and hooks only. */
export class Cluster {
  url = '';
  kubeconfig = '';
  token = '';
  /** A temporary directory of the server's (kubeconfig, kubectl's cache); removed with it. */
  dir = '';
  /** The environment for egressctl: KUBECONFIG, NO_COLOR=1 and the suite's own. */
  env: Record<string, string> = {};
  #serve: TestServer | undefined;
  #tmp: string | undefined;
  #real: KubeApiserver | undefined;
  #baseline = new Set<string>();

  constructor(readonly kind: ServerKind, private readonly opts: ClusterOptions = {}) {}

  /**
   * The service IP range: serve's --service-cidr (the suite's, default 10.96.0.0/12), or the real
   * server's --service-cluster-ip-range (the program's default, the same).
   */
  get serviceCidr(): string {
    return (this.kind === 'serve' && this.opts.serve?.serviceCidr) || '10.96.0.0/12';
  }

  /** serve's test-only features (faults, the request log's admin calls, kill and restart). Only in onServe() suites and `kind === 'serve'`. */
  get serve(): TestServer {
    if (!this.#serve) throw new Error(`c.serve: this suite runs on ${this.kind}, which has no test-only features`);
    return this.#serve;
  }

  /** egressctl with the suite's environment (opts.env is added to it); in this process unless opts.process (server.ts, egressctl()). */
  egressctl(args: string[], opts: EgressctlOptions = {}): Promise<RunResult> {
    return runEgressctl(args, { process: this.opts.process, ...opts, env: { ...this.env, ...(opts.env ?? {}) } });
  }

  /** The real kubectl against the server (its kubeconfig, a discovery cache and HOME of the server's). */
  kubectl(args: string[], input?: string): Promise<RunResult> {
    return runKubectl(this.#serve ?? this.#real!, args, input);
  }

  /** One request with the server's token (unless `token: null`) and CA; resolves with any status. */
  request(method: string, path: string, opts: { body?: string | object; contentType?: string; headers?: Record<string, string>; token?: string | null } = {}): Promise<RawResponse> {
    return rawRequest(this, method, path, opts);
  }

  /** Authenticated GET, parsed JSON (throws on a non-2xx answer, with the status and body). */
  async get(path: string): Promise<any> {
    const r = await this.request('GET', path);
    if (r.status < 200 || r.status >= 300) throw new Error(`GET ${path}: ${r.status} ${r.body}`);
    return r.json();
  }

  /** The names of the objects at a collection path, sorted. */
  async names(path: string): Promise<string[]> {
    return (await this.get(path)).items.map((o: any) => o.metadata.name).sort();
  }

  /**
   * The requests the server received since clearRequests(): serve's request log, the real server's
   * audit log (requests with the test token: egressctl's, kubectl's and the test's own).
   */
  requests(): Promise<LoggedRequest[]> {
    return this.#serve ? this.#serve.requests() : this.#real!.requests();
  }

  clearRequests(): Promise<void> {
    return this.#serve ? this.#serve.clearRequests() : this.#real!.clearRequests();
  }

  /**
   * Back to the state the suite started from: every object of every kind egressctl can store is
   * deleted, in every namespace, and so are the namespaces, nodes, ConfigMaps and Services that were
   * not there at the start (a namespace is finalized at once: the real server has no namespace
   * controller to do it). A CRD a test deleted is made again; so are the nodes of `podCidrs`.
   */
  async reset(): Promise<void> {
    // A CRD a test deleted (the real server lets one be deleted) comes back.
    const crds = new Map<string, any>((await this.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).items.map((c: any) => [c.metadata.name, c]));
    const lost = this.kind === 'kube-apiserver' && !this.opts.withoutCrds ? STORED_KINDS.filter((k) => !crds.get(`${k.plural}.${k.group}`) || crds.get(`${k.plural}.${k.group}`).metadata.deletionTimestamp) : [];
    for (const k of STORED_KINDS) {
      if (lost.includes(k)) continue;
      const r = await this.request('GET', `/apis/${k.group}/${k.version}/${k.plural}`);
      if (r.status === 404) continue; // a withoutCrds server
      if (r.status !== 200) throw new Error(`GET /apis/${k.group}/${k.version}/${k.plural}: ${r.status} ${r.body}`);
      for (const ns of new Set<string>(r.json().items.map((o: any) => o.metadata.namespace))) {
        await this.must('DELETE', `/apis/${k.group}/${k.version}/namespaces/${ns}/${k.plural}`);
      }
    }
    for (const plural of BASELINE_RESOURCES) {
      for (const o of (await this.get(`/api/v1/${plural}`)).items) {
        if (this.#baseline.has(o.metadata.uid)) continue;
        const path = `/api/v1/${o.metadata.namespace ? `namespaces/${o.metadata.namespace}/` : ''}${plural}/${o.metadata.name}`;
        await this.must('DELETE', path);
        if (plural === 'namespaces') await this.finalizeNamespace(o.metadata.name);
      }
    }
    if (lost.length) await restoreCrds(this.#real!, lost.map(kindCrd));
    if (this.kind === 'kube-apiserver') await this.createNodes();
  }

  private async finalizeNamespace(name: string): Promise<void> {
    const r = await this.request('GET', `/api/v1/namespaces/${name}`);
    if (r.status === 404) return;
    const ns = r.json();
    ns.spec = { ...ns.spec, finalizers: [] };
    await this.must('PUT', `/api/v1/namespaces/${name}/finalize`, ns);
  }

  private async must(method: string, path: string, body?: object): Promise<RawResponse> {
    const r = await this.request(method, path, body === undefined ? {} : { body });
    if (r.status >= 300 && !(method === 'DELETE' && r.status === 404)) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
    return r;
  }

  /** The nodes of opts.podCidrs, named as serve names them. */
  private async createNodes(): Promise<void> {
    const v4: string[] = [];
    const v6: string[] = [];
    for (const c of (this.opts.podCidrs ?? '').split(',').map((s) => s.trim()).filter(Boolean)) (c.includes(':') ? v6 : v4).push(c);
    const n = Math.max(v4.length, v6.length);
    for (let i = 0; i < n; i++) {
      const cidrs = [v4[i], v6[i]].filter((x): x is string => !!x);
      const name = n === 1 ? 'egressctl-local' : `egressctl-local-${i + 1}`;
      await this.must('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { podCIDR: cidrs[0], podCIDRs: cidrs } });
    }
  }


  /** Starts or takes the server; the suite's before(). */
  async open(): Promise<void> {
    if (this.kind === 'serve') {
      const s = await startServer({ ...this.opts.serve, podCidrs: this.opts.podCidrs, withoutCrds: this.opts.withoutCrds });
      this.#serve = s;
      this.fill(s);
      this.#baseline = await baselineOf(s);
      return;
    }
    if (this.opts.withoutCrds) {
      const server = await startKubeApiserver({ crds: [] });
      this.#real = server;
      this.#release = () => server.stop();
      this.fill(server);
      this.#baseline = await baselineOf(server);
      await this.createNodes();
      return;
    }
    const { server, baseline, release } = await takeKubeApiserver();
    this.#real = server;
    this.#release = release;
    this.fill(server);
    this.#baseline = baseline;
    // The previous suite's objects go; then this suite's nodes.
    await this.reset();
    await server.clearRequests();
  }

  #release: (() => void | Promise<void>) | undefined;

  /** A temporary directory of the suite's (made on first use, removed after the suite). */
  tempDir(): string {
    this.#tmp ??= mkdtempSync(join(tmpdir(), 'egressctl-suite-'));
    return this.#tmp;
  }

  /** Stops or gives back the server; the suite's after(). */
  async close(): Promise<void> {
    if (this.#tmp) rmSync(this.#tmp, { recursive: true, force: true });
    this.#tmp = undefined;
    if (this.#serve) await this.#serve.stop();
    await this.#release?.();
    this.#release = undefined;
  }

  private fill(s: { url: string; kubeconfig: string; token: string; dir: string }): void {
    this.url = s.url;
    this.kubeconfig = s.kubeconfig;
    this.token = s.token;
    this.dir = s.dir;
    this.env = { KUBECONFIG: s.kubeconfig, NO_COLOR: '1', ...(this.opts.env ?? {}) };
  }
}

/**
 * Registers `describe(name [server])` for each server of the run (chosenServers()). `fn` gets the
 * suite's Cluster; its fields are set once the suite's before() hook has run.
 */
export function forEachServer(name: string, fn: (c: Cluster) => void, opts: ClusterOptions = {}): void {
  for (const kind of chosenServers()) suite(kind, name, fn, opts);
}

/** A suite on serve only; `c.serve` has serve's test-only features. Say in the file why it cannot run on the real server. */
export function onServe(name: string, fn: (c: Cluster) => void, opts: ClusterOptions = {}): void {
  suite('serve', name, fn, opts);
}

/** A suite on the real kube-apiserver only, when the run has it (checks of the real server itself). */
export function onKubeApiserver(name: string, fn: (c: Cluster) => void, opts: ClusterOptions = {}): void {
  if (chosenServers().includes('kube-apiserver')) suite('kube-apiserver', name, fn, opts);
  else describe(`${name} [kube-apiserver]`, { skip: choice?.reason ?? `${SERVER_ENV}=${process.env[SERVER_ENV]}` }, () => {});
}

function suite(kind: ServerKind, name: string, fn: (c: Cluster) => void, opts: ClusterOptions): void {
  describe(`${name} [${kind}]`, { skip: opts.skip }, () => {
    const c = new Cluster(kind, opts);
    before(() => c.open());
    after(() => c.close());
    fn(c);
  });
  if (kind === 'kube-apiserver') stopOwnServerAfterFile();
}

// ---- the real server: shared by the run, or one for the file ----------------------------------

interface SharedInfo {
  error?: string;
  url: string;
  kubeconfig: string;
  token: string;
  dir: string;
  logFile: string;
  auditLog: string;
  baseline: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let own: Promise<{ server: KubeApiserver; baseline: Set<string> }> | undefined;
let stopRegistered = false;

/** A file that starts its own real server stops it when all its tests are done. */
function stopOwnServerAfterFile(): void {
  if (stopRegistered || process.env[SHARED_ENV]) return;
  stopRegistered = true;
  after(async () => {
    const o = own;
    own = undefined;
    if (o) await (await o).server.stop();
  });
}

async function takeKubeApiserver(): Promise<{ server: KubeApiserver; baseline: Set<string>; release: () => void }> {
  const infoFile = process.env[SHARED_ENV];
  if (!infoFile) {
    own ??= (async () => {
      const server = await startKubeApiserver();
      return { server, baseline: await baselineOf(server) };
    })();
    const o = await own;
    return { ...o, release: () => {} };
  }
  const { info, release } = await takeShared(infoFile.split(delimiter));
  let auditOffset = 0;
  const server: KubeApiserver = {
    url: info.url,
    kubeconfig: info.kubeconfig,
    token: info.token,
    dir: info.dir,
    logFile: info.logFile,
    auditLog: info.auditLog,
    stop: async () => {
      throw new Error('the shared kube-apiserver is stopped by scripts/test.mjs');
    },
    get: async (path) => {
      const r = await rawRequest(info, 'GET', path);
      if (r.status < 200 || r.status >= 300) throw new Error(`GET ${path}: ${r.status} ${r.body}`);
      return r.json();
    },
    requests: async () => readAuditLog(info.auditLog, auditOffset),
    clearRequests: async () => {
      auditOffset = statSync(info.auditLog, { throwIfNoEntry: false })?.size ?? 0;
    },
  };
  return { server, baseline: new Set(info.baseline), release };
}

/**
 * Takes the first of the run's servers that is up and free, waiting for one. Each server's
 * description is written once it is up (or with the error that stopped it); a server is held
 * through a lock beside its description.
 */
async function takeShared(files: string[]): Promise<{ info: SharedInfo; release: () => void }> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const errors: string[] = [];
    for (const file of files) {
      let info: SharedInfo;
      try {
        info = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // still starting
        throw e;
      }
      if (info.error) {
        errors.push(info.error);
        continue;
      }
      const release = tryLock(`${file}.lock`);
      if (release) return { info, release };
    }
    if (errors.length === files.length) throw new Error(`the run's kube-apiserver did not start: ${errors[0]}`);
    if (Date.now() > deadline) throw new Error(`no kube-apiserver of the run was free within 600 s (${files.join(', ')})`);
    await sleep(25);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock between the run's test processes: a directory holding the owner's pid, or
 * undefined when another process holds it. A lock whose owner died is taken over; a process that
 * exits gives back the lock it holds.
 */
function tryLock(path: string): (() => void) | undefined {
  try {
    mkdirSync(path);
    writeFileSync(join(path, 'pid'), String(process.pid));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    let owner: number | undefined;
    try {
      owner = Number(readFileSync(join(path, 'pid'), 'utf8')) || undefined;
    } catch {
      // Being taken right now: the pid is written just after the directory.
    }
    // No pid for a while: its owner died between the two steps.
    const orphan = owner === undefined && Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 10_000;
    if ((owner && !alive(owner)) || orphan) rmSync(path, { recursive: true, force: true });
    return undefined;
  }
  const release = () => {
    process.off('exit', release);
    rmSync(path, { recursive: true, force: true });
  };
  process.on('exit', release);
  return release;
}
