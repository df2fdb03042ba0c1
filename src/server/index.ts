// egressctl serve: starts the local Kubernetes-compatible API server (shared/spec/api-server.md).
// Loaded lazily by src/commands/serve.ts, so other commands never pay for it.
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import { CommandError, UsageError } from '../core/errors.ts';
import type { IO } from '../io/streams.ts';
import { makeCatalog } from './resources.ts';
import { DamagedState, Persistence, describeDamage, type Recovery } from './persistence.ts';
import { Store } from './store.ts';
import { EPHEMERAL, parseNetwork, seed } from './builtins.ts';
import { ResourceApi } from './handlers.ts';
import { createApiServer, type ApiServer } from './http.ts';
import { ensureCertificates, loadCertificates, type TlsMaterial } from './tls.ts';
import { Faults } from './faults.ts';
import { kubeconfigTargetProblem, mergeKubeconfig, readExisting, writeKubeconfig } from './kubeconfig.ts';
import { fsError, fsProblem, isFsError } from '../io/fs-errors.ts';

export interface ServeOptions {
  listen: string;
  data?: string;
  kubeconfigOut?: string;
  tlsCert?: string;
  tlsKey?: string;
  token?: string;
  insecureHttp: boolean;
  podCidrs?: string;
  serviceCidr: string;
  withoutCrds: boolean;
  faultInjection: boolean;
  /** Start even when part of --data cannot be read: keep a copy, drop what cannot be read. */
  recoverData?: boolean;
  verbosity: number;
}

export interface Listen {
  host: string;
  port: number;
}

/** `HOST:PORT`, `[V6]:PORT`, or `:PORT` (loopback). */
export function parseListen(s: string): Listen {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s);
  if (!m) throw new UsageError(`invalid value "${s}" for --listen: expected HOST:PORT, e.g. 127.0.0.1:0 or [::1]:8443`);
  const host = m[1] ?? (m[2] || '127.0.0.1');
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`invalid value "${s}" for --listen: port ${port} is out of range`);
  if (m[1] && isIP(m[1]) !== 6) throw new UsageError(`invalid value "${s}" for --listen: ${m[1]} is not an IPv6 address`);
  return { host, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Checks flag combinations with no I/O. */
export function validateServeOptions(o: ServeOptions): Listen {
  const listen = parseListen(o.listen);
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (o.insecureHttp && o.tlsCert) throw new UsageError('--insecure-http serves plain HTTP; it cannot be combined with --tls-cert/--tls-key');
  if (o.insecureHttp && o.token) throw new UsageError('--insecure-http serves without authentication (kubectl sends no credentials over http); drop --token or serve HTTPS');
  if (o.insecureHttp && !isLoopback(listen.host)) {
    throw new UsageError(`refusing to serve plain HTTP without authentication on ${listen.host}: --insecure-http is for loopback addresses only (127.0.0.1, ::1, localhost)`);
  }
  if (o.token !== undefined && !/^[\x21-\x7e]+$/.test(o.token)) throw new UsageError('--token must be printable ASCII without spaces');
  if (o.recoverData && !o.data) throw new UsageError('--recover-data needs --data DIR (the state to recover)');
  return listen;
}

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** `--data DIR`: an existing directory we can write in, or one we create (mode 0700). */
function prepareDataDir(dir: string, shown: string): void {
  let isDir: boolean | undefined;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError('--data', shown, e);
  }
  if (isDir === false) throw new CommandError(`--data ${shown}: not a directory`);
  if (isDir === undefined) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw fsError('--data', shown, e, 'cannot create it');
    }
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw fsError('--data', shown, e, 'cannot write in it');
  }
}

/** Turns a filesystem error from inside --data into the flag's one-line error; anything else is rethrown. */
function dataError(shown: string, what: string, e: unknown): unknown {
  return isFsError(e) ? fsError('--data', shown, e, what) : e;
}

/** The refusal to start on a damaged --data: what, where, that nothing changed, and the way out. */
function damagedStateError(shown: string, e: DamagedState): CommandError {
  const n = e.damage.length;
  return new CommandError(
    `--data ${shown}: cannot read the state: ${e.message}. Nothing was changed. Starting without ${n === 1 ? 'it' : 'them'} could bring back deleted ` +
      `objects or lose written ones; to start anyway, run again with --recover-data: it keeps a copy of each damaged file ` +
      '(FILE.damaged-TIME) and drops what cannot be read.',
  );
}

/** What --recover-data dropped and where the copies are, one line each (printed whatever -v). */
function recoveryReport(r: Recovery | undefined): string[] {
  if (!r) return [];
  return [
    ...r.dropped.map((d) => `--recover-data: dropped ${describeDamage(d)}: ${d.why}`),
    ...r.copies.map((c) => `--recover-data: a copy of ${c.replace(/\.damaged-.*$/, '')} before recovery is in ${c}`),
  ];
}

export async function runServe(o: ServeOptions, io: IO): Promise<void> {
  const listen = validateServeOptions(o);
  const net = parseNetwork(o.serviceCidr, o.podCidrs);
  const log = (level: number, msg: string) => {
    if (o.verbosity >= level) io.stderr.write(`I ${msg}\n`);
  };

  // The paths first: a bad one fails here, before anything is made or listens.
  const dataDir = o.data ? resolve(io.cwd, o.data) : undefined;
  if (o.kubeconfigOut !== undefined) {
    const problem = kubeconfigTargetProblem(resolve(io.cwd, o.kubeconfigOut));
    if (problem) throw new CommandError(`--kubeconfig-out ${o.kubeconfigOut}: ${problem}`);
  }
  if (dataDir) {
    prepareDataDir(dataDir, o.data!);
    if (o.kubeconfigOut === undefined) {
      const problem = kubeconfigTargetProblem(join(dataDir, 'kubeconfig'));
      if (problem) throw new CommandError(`--data ${o.data}: cannot write ${join(o.data!, 'kubeconfig')}: ${problem}`);
    }
  }

  // A private temporary directory (mode 0700) for what has no other place: the certificates
  // without --data, and the kubeconfig without --kubeconfig-out or --data. Removed on exit.
  let tempDir: string | undefined;
  const makeTempDir = (): string => {
    if (tempDir) return tempDir;
    try {
      return (tempDir = mkdtempSync(join(tmpdir(), 'egressctl-serve-')));
    } catch (e) {
      throw new CommandError(`cannot create a temporary directory in ${tmpdir()}: ${fsProblem(e)}`);
    }
  };
  let store: Store | undefined;
  let srv: ApiServer | undefined;
  const release = async () => {
    if (srv) await srv.close();
    store?.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };

  let url: string;
  let kubeconfigFile: string;
  let faults: Faults | undefined;
  try {
    let tls: TlsMaterial | undefined;
    if (!o.insecureHttp) {
      if (o.tlsCert && o.tlsKey) tls = loadCertificates(resolve(io.cwd, o.tlsCert), resolve(io.cwd, o.tlsKey), { cert: o.tlsCert, key: o.tlsKey });
      else if (dataDir) {
        try {
          tls = ensureCertificates(join(dataDir, 'pki'));
        } catch (e) {
          throw dataError(o.data!, `cannot keep the certificates in ${join(o.data!, 'pki')}`, e);
        }
      } else {
        const pki = join(makeTempDir(), 'pki');
        try {
          tls = ensureCertificates(pki);
        } catch (e) {
          throw isFsError(e) ? new CommandError(`cannot make the certificates in ${pki}: ${fsProblem(e)}`) : e;
        }
      }
    }
    const token = o.insecureHttp ? undefined : (o.token ?? randomBytes(24).toString('base64url'));

    const catalog = makeCatalog(!o.withoutCrds);
    const persistence = dataDir ? new Persistence(dataDir, o.recoverData) : undefined;
    try {
      store = new Store(persistence, EPHEMERAL);
    } catch (e) {
      if (isFsError(e)) throw fsError('--data', o.data!, e, 'cannot read the state');
      if (e instanceof DamagedState) throw damagedStateError(o.data!, e);
      throw new CommandError(`cannot load the state in ${dataDir}: ${(e as Error).message}`);
    }
    for (const line of recoveryReport(persistence?.recovery)) io.stderr.write(`W ${line}\n`);
    seed(store, net, !o.withoutCrds);
    try {
      store.compact();
    } catch (e) {
      throw dataError(o.data ?? '', 'cannot write the state', e);
    }

    const api = new ResourceApi(store, net);
    faults = o.faultInjection ? new Faults() : undefined;
    try {
      srv = createApiServer({ catalog, api, tls, token, faults, log: (l) => log(2, l) });
    } catch (e) {
      // Node reads the PEM here: a file that is not a certificate and its key.
      if (o.tlsCert) throw new CommandError(`--tls-cert ${o.tlsCert}, --tls-key ${o.tlsKey}: not a usable certificate and key: ${(e as Error).message}`);
      throw e;
    }
    const server = srv.server;
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new CommandError(`cannot listen on ${o.listen}: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`)));
      server.listen(listen.port, listen.host, () => resolveListen());
    });
    const addr = server.address() as AddressInfo;
    url = `${tls ? 'https' : 'http'}://${urlHost(addr.address)}:${addr.port}`;

    // The kubeconfig is written before the URL is announced; if it cannot be, the server closes.
    kubeconfigFile = o.kubeconfigOut !== undefined ? resolve(io.cwd, o.kubeconfigOut) : dataDir ? join(dataDir, 'kubeconfig') : join(makeTempDir(), 'kubeconfig');
    try {
      writeKubeconfig(kubeconfigFile, mergeKubeconfig(readExisting(kubeconfigFile), { server: url, ca: tls?.ca, token, insecureSkipTlsVerify: !tls }));
    } catch (e) {
      const words = { ENOENT: `the directory ${dirname(kubeconfigFile)} does not exist` };
      if (o.kubeconfigOut !== undefined) throw fsError('--kubeconfig-out', o.kubeconfigOut, e, undefined, words);
      if (o.data) throw fsError('--data', o.data, e, `cannot write ${join(o.data, 'kubeconfig')}`, words);
      throw new CommandError(`cannot write the kubeconfig ${kubeconfigFile}: ${fsProblem(e, words)}`);
    }
  } catch (e) {
    await release();
    throw e;
  }

  // The signal handlers first: writes to a pipe are synchronous on Linux, so whoever waits for the
  // first line may send SIGTERM before the next statement runs.
  let onTerm = () => {};
  let onInt = () => {};
  const stopped = new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(1, `${signal}: finishing in-flight requests`);
      release().then(() => {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        done();
      });
    };
    onTerm = () => stop('SIGTERM');
    onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });

  // The first line on stdout, after the kubeconfig is in place: whoever waits for it can use both.
  // The second names the kubeconfig (never the token itself).
  io.stdout.write(`Serving on ${url}\nKubeconfig: ${kubeconfigFile}\n`);
  if (faults) log(1, 'fault injection enabled: /_egressctl/faults, /_egressctl/requests');
  log(1, dataDir ? `state in ${dataDir}` : 'state in memory only');
  await stopped;
}
