// Starts `egressctl serve` (the built CLI) for end-to-end tests, and runs kubectl and egressctl
// against it. Every test that starts a server stops it (t.after / after).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import http from 'node:http';
import yaml from 'js-yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'bin', 'egressctl.js');

export interface TestServer {
  url: string;
  kubeconfig: string;
  token: string;
  dataDir: string;
  /** A temporary directory owned by this server (kubeconfig, kubectl cache); removed by stop(). */
  dir: string;
  stop(): Promise<void>;
  /** SIGKILL; the data directory stays (for restart tests); dir is removed unless dataDir is inside it and was passed in. */
  kill(): Promise<void>;
  faults(spec: object): Promise<void>;
  clearFaults(): Promise<void>;
  requests(): Promise<Array<{ method: string; path: string; query: string }>>;
  clearRequests(): Promise<void>;
  /** Authenticated GET, parsed JSON (throws on a non-2xx answer, with the status and body). */
  get(path: string): Promise<any>;
}

export interface StartOptions {
  args?: string[];
  insecureHttp?: boolean;
  withoutCrds?: boolean;
  dataDir?: string;
  podCidrs?: string;
  serviceCidr?: string;
  /** Default true. */
  faultInjection?: boolean;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json(): any;
}

/** One request to the server with its token (unless `token: null`) and CA; resolves with any status. */
export function request(server: Pick<TestServer, 'url' | 'token' | 'kubeconfig'>, method: string, path: string, opts: { body?: string | object; contentType?: string; headers?: Record<string, string>; token?: string | null } = {}): Promise<RawResponse> {
  const u = new URL(path, server.url);
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? server.token : opts.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    headers['Content-Type'] = opts.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  const ca = caOf(server.kubeconfig);
  return new Promise((resolvePromise, reject) => {
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, { method, headers, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function caOf(kubeconfig: string): Buffer | undefined {
  try {
    const kc = yaml.load(readFileSync(kubeconfig, 'utf8')) as any;
    const data = kc?.clusters?.[0]?.cluster?.['certificate-authority-data'];
    return data ? Buffer.from(data, 'base64') : undefined;
  } catch {
    return undefined;
  }
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    let err = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        const m = /^Serving on (\S+)$/.exec(line);
        child.stdout!.off('data', onData);
        if (m) resolvePromise(m[1]);
        else reject(new Error(`unexpected first line from egressctl serve: ${line}`));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.once('exit', (code, signal) => reject(new Error(`egressctl serve exited (${code ?? signal}) before serving:\n${err}`)));
  });
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'egressctl-test-'));
  const dataDir = opts.dataDir ?? join(dir, 'data');
  const kubeconfig = join(dir, 'kubeconfig');
  const args = [CLI, 'serve', '--listen', '127.0.0.1:0', '--data', dataDir, '--kubeconfig-out', kubeconfig];
  if (opts.insecureHttp) args.push('--insecure-http');
  if (opts.withoutCrds) args.push('--without-crds');
  if (opts.podCidrs) args.push('--pod-cidrs', opts.podCidrs);
  if (opts.serviceCidr) args.push('--service-cidr', opts.serviceCidr);
  if (opts.faultInjection !== false) args.push('--fault-injection');
  args.push(...(opts.args ?? []));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let url: string;
  try {
    url = await waitForUrl(child);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  // Keep draining the pipes so a chatty server never blocks.
  child.stdout!.resume();
  child.stderr!.resume();
  const kc = yaml.load(readFileSync(kubeconfig, 'utf8')) as any;
  const token: string = kc?.users?.[0]?.user?.token ?? '';
  const cleanup = () => {
    // The data directory survives when the caller owns it (restart tests).
    rmSync(dir, { recursive: true, force: true });
  };
  let ending: Promise<void> | undefined;
  const server: TestServer = {
    url,
    kubeconfig,
    token,
    dataDir,
    dir,
    stop() {
      ending ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        cleanup();
      })();
      return ending;
    },
    kill() {
      ending ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
        if (opts.dataDir === undefined) {
          // Keep the data (it is inside dir) for a restart on server.dataDir: only the rest goes.
          for (const f of ['kubeconfig', 'kubectl-cache']) rmSync(join(dir, f), { recursive: true, force: true });
        } else cleanup();
      })();
      return ending;
    },
    async faults(spec) {
      const r = await request(server, 'POST', '/_egressctl/faults', { body: spec });
      if (r.status >= 300) throw new Error(`POST /_egressctl/faults: ${r.status} ${r.body}`);
    },
    async clearFaults() {
      const r = await request(server, 'DELETE', '/_egressctl/faults');
      if (r.status >= 300) throw new Error(`DELETE /_egressctl/faults: ${r.status} ${r.body}`);
    },
    async requests() {
      const r = await request(server, 'GET', '/_egressctl/requests');
      if (r.status !== 200) throw new Error(`GET /_egressctl/requests: ${r.status} ${r.body}`);
      return r.json();
    },
    async clearRequests() {
      const r = await request(server, 'DELETE', '/_egressctl/requests');
      if (r.status >= 300) throw new Error(`DELETE /_egressctl/requests: ${r.status} ${r.body}`);
    },
    async get(path) {
      const r = await request(server, 'GET', path);
      if (r.status < 200 || r.status >= 300) throw new Error(`GET ${path}: ${r.status} ${r.body}`);
      return r.json();
    },
  };
  return server;
}


/** Whether the real kubectl can be run here. */
/** kubectl's client minor version, or undefined when there is no kubectl. */
let kubectlMinor: number | undefined | null = null;
function kubectlClientMinor(): number | undefined {
  if (kubectlMinor === null) {
    const r = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 20_000 });
    try {
      kubectlMinor = r.status === 0 ? parseInt(JSON.parse(r.stdout).clientVersion.minor, 10) : undefined;
    } catch {
      kubectlMinor = undefined;
    }
  }
  return kubectlMinor;
}

/** The kubectl tests assert the output of kubectl 1.32 (the machines'); older clients differ. */
const MIN_KUBECTL_MINOR = 27;

export function hasKubectl(): boolean {
  const minor = kubectlClientMinor();
  return minor !== undefined && minor >= MIN_KUBECTL_MINOR;
}

export function kubectlSkipReason(): string | false {
  if (hasKubectl()) return false;
  const minor = kubectlClientMinor();
  const reason =
    minor === undefined
      ? "kubectl is not installed (scripts/ensure-tools.sh installs Debian's kubernetes-client where it can); skipping the kubectl tests"
      : `kubectl 1.${minor} is older than 1.${MIN_KUBECTL_MINOR} (Debian's kubernetes-client is 1.20); the kubectl tests assert 1.32's output, so they are skipped`;
  process.stderr.write(`# SKIP ${reason}\n`);
  return reason;
}

export type { RunResult } from './run.ts';
import type { RunResult } from './run.ts';

/**
 * What every spawned CLI gets, so that tests write nothing outside the tree and their temporary
 * directories: the V8 code cache in .cache/test-code-cache instead of ~/.cache/egressctl (kept
 * across runs; scripts/test.mjs sets the same). A test's own env wins (process.test.ts sets '').
 */
export const HERMETIC_ENV: Record<string, string> = { EGRESSCTL_CACHE_DIR: process.env.EGRESSCTL_CACHE_DIR || join(ROOT, '.cache', 'test-code-cache') };

function run(cmd: string, args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...HERMETIC_ENV, ...(opts.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    // A command that never ends (kubectl waiting for a namespace no controller removes) fails its
    // test after a minute instead of hanging the run.
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr: signal === 'SIGKILL' ? `${stderr}\n(killed after ${RUN_TIMEOUT_MS / 1000} s)` : stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

const RUN_TIMEOUT_MS = 60_000;

/**
 * For kubectl in tests: no Go garbage collection (GOGC=off) in a run that lasts ~0.1 s, with a 1 GiB
 * limit that turns it back on if a run ever grows (GOMEMLIMIT). A third less CPU per kubectl (70 ->
 * 49 ms measured on serve), ~350 runs a test run. kubectl's behaviour is unchanged.
 */
export const KUBECTL_ENV: Record<string, string> = { GOGC: 'off', GOMEMLIMIT: '1GiB' };

/**
 * kubectl with the server's kubeconfig, and a cache directory and HOME of the server's (discovery
 * caches would leak between servers); for serve and the real kube-apiserver alike.
 */
export function kubectl(server: Pick<TestServer, 'kubeconfig' | 'dir'>, args: string[], input?: string): Promise<RunResult> {
  return run('kubectl', ['--kubeconfig', server.kubeconfig, '--cache-dir', join(server.dir, 'kubectl-cache'), ...args], { input, env: { ...KUBECTL_ENV, HOME: server.dir } });
}

/** Set to `process` to run every egressctl of the tests as a process of its own (CI does, after npm test). */
export const CLI_MODE_ENV = 'EGRESSCTL_TEST_CLI';

export interface EgressctlOptions {
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Run the built CLI as a process (`node bin/egressctl.js ARGS`): for tests of what only a process
   * has (the bundle and its launcher, exit codes through process.exit, exec plugins that client-node
   * starts with the process's own environment). Default: in this process, see egressctl().
   */
  process?: boolean;
}

/**
 * egressctl ARGS with this input and environment (added to the test process's, as a spawned CLI
 * inherits it). By default the CLI's main() runs in the test's own process on buffers, over real
 * HTTP to the server: the same program as the built one, without a Node start, bundle load and TLS
 * set-up per run (~0.1 s of CPU each, 670 runs a test run). `process: true`, or
 * EGRESSCTL_TEST_CLI=process for every run, starts the built CLI instead (run `npm run build` first).
 */
export function egressctl(args: string[], opts: EgressctlOptions = {}): Promise<RunResult> {
  // serve always: a server that started in the test's process could not be stopped (it would hold
  // the process's signals, and main() has no way to be cancelled).
  if (opts.process || args[0] === 'serve' || process.env[CLI_MODE_ENV] === 'process') return run(process.execPath, [CLI, ...args], opts);
  return runInProcess(args, opts);
}

let inProcess: Promise<typeof import('./run.ts')> | undefined;

async function runInProcess(args: string[], opts: EgressctlOptions): Promise<RunResult> {
  // Loaded on first use: a test process that runs no egressctl does not compile the CLI.
  inProcess ??= import('./run.ts');
  const { runCli } = await inProcess;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`egressctl ${args.join(' ')}: still running after ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([runCli(args, { stdin: opts.input ?? '', env: { ...process.env, ...HERMETIC_ENV, ...(opts.env ?? {}) }, cwd: opts.cwd ?? ROOT }), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
