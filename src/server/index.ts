// egressctl serve: starts the local Kubernetes-compatible API server (shared/spec/api-server.md).
// Loaded lazily by src/commands/serve.ts, so other commands never pay for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import { CommandError, UsageError } from '../core/errors.ts';
import type { IO } from '../io/streams.ts';
import { makeCatalog } from './resources.ts';
import { Persistence } from './persistence.ts';
import { Store } from './store.ts';
import { EPHEMERAL, parseNetwork, seed } from './builtins.ts';
import { ResourceApi } from './handlers.ts';
import { createApiServer } from './http.ts';
import { ensureCertificates, loadCertificates, type TlsMaterial } from './tls.ts';
import { Faults } from './faults.ts';
import { kubeconfigText, writeKubeconfig } from './kubeconfig.ts';

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
  return listen;
}

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

export async function runServe(o: ServeOptions, io: IO): Promise<void> {
  const listen = validateServeOptions(o);
  const net = parseNetwork(o.serviceCidr, o.podCidrs);
  const log = (level: number, msg: string) => {
    if (o.verbosity >= level) io.stderr.write(`I ${msg}\n`);
  };

  let tempDir: string | undefined;
  const dataDir = o.data ? resolve(io.cwd, o.data) : undefined;
  let tls: TlsMaterial | undefined;
  if (!o.insecureHttp) {
    if (o.tlsCert && o.tlsKey) tls = loadCertificates(resolve(io.cwd, o.tlsCert), resolve(io.cwd, o.tlsKey));
    else {
      const pki = dataDir ? join(dataDir, 'pki') : join((tempDir = mkdtempSync(join(tmpdir(), 'egressctl-serve-'))), 'pki');
      tls = ensureCertificates(pki);
    }
  }
  const token = o.insecureHttp ? undefined : (o.token ?? randomBytes(24).toString('base64url'));

  const catalog = makeCatalog(!o.withoutCrds);
  let store: Store;
  try {
    store = new Store(dataDir ? new Persistence(dataDir) : undefined, EPHEMERAL);
  } catch (e) {
    throw new CommandError(`cannot load the state in ${dataDir}: ${(e as Error).message}`);
  }
  seed(store, net, !o.withoutCrds);
  store.compact();

  const api = new ResourceApi(store, net);
  const faults = o.faultInjection ? new Faults() : undefined;
  const srv = createApiServer({ catalog, api, tls, token, faults, log: (l) => log(2, l) });
  await new Promise<void>((resolveListen, reject) => {
    srv.server.once('error', (e: NodeJS.ErrnoException) => reject(new CommandError(`cannot listen on ${o.listen}: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`)));
    srv.server.listen(listen.port, listen.host, () => resolveListen());
  });
  const addr = srv.server.address() as AddressInfo;
  const url = `${tls ? 'https' : 'http'}://${urlHost(addr.address)}:${addr.port}`;

  if (o.kubeconfigOut) {
    writeKubeconfig(resolve(io.cwd, o.kubeconfigOut), kubeconfigText({ server: url, ca: tls?.ca, token, insecureSkipTlsVerify: !tls }));
  }
  // The first line on stdout, after the kubeconfig is in place: whoever waits for it can use both.
  io.stdout.write(`Serving on ${url}\n`);
  if (faults) log(1, 'fault injection enabled: /_egressctl/faults, /_egressctl/requests');
  log(1, dataDir ? `state in ${dataDir}` : 'state in memory only');

  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(1, `${signal}: finishing in-flight requests`);
      srv.close().then(() => {
        store.close();
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        done();
      });
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}
