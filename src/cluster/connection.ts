// Connections to the API server: opened when the first request needs one, TLS verified before any
// byte of a request (or a credential in it) is written, and HTTP/2 when the server offers it (ALPN
// `h2`, as kube-apiserver does): one connection carrying up to `concurrency` streams. A server that
// only speaks HTTP/1.1 gets keep-alive connections, at most `concurrency`, opened as requests wait.
//
// How the server's certificate is verified:
// - the kubeconfig names a CA: the connection is made with an empty trust store (no root store
//   built: ~24 ms saved on Node 20) and the chain the server sent is checked by tls-verify.ts
//   against that CA, the host name or IP by tls.checkServerIdentity, as Node does. Only if all of
//   that passes is the socket handed to HTTP. Any chain that check does not accept is retried the
//   ordinary way: a new connection with the CA as Node's `ca`, OpenSSL's verification and errors.
// - insecure-skip-tls-verify: nothing is verified (as kubectl), and no store is built for nothing.
// - no CA named: Node's bundled root store, Node's verification, as before.
//
// Every attempt resolves with the server's answer or rejects with an error carrying
// `requestSent: false` when the server cannot have seen the request (no connection, or a stream
// the server refused), so that the transport can tell a lost answer from a request never sent.

import type http from 'node:http';
import type https from 'node:https';
import type http2 from 'node:http2';
import tls from 'node:tls';
import { isIP } from 'node:net';
import { parseAnchors, verifyChain, type ParsedCertificate } from './tls-verify.ts';
import { nodeHttp, nodeHttp2, nodeHttps } from './builtins.ts';

export interface Exchange {
  status: number;
  statusMessage?: string;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Sends one request (one attempt); see the module comment for what a rejection carries. */
export interface Dispatcher {
  /** `target`: the path and query. */
  exchange(method: string, target: string, headers: Record<string, string>, payload: Buffer | undefined, timeoutMs: number, timeoutError: () => Error): Promise<Exchange>;
  /** `h2`, `http/1.1`, or undefined before the first connection. */
  readonly protocol: string | undefined;
  /**
   * Starts the first connection (TCP, TLS, the server's certificate checked; no request, no
   * credential but a client certificate in the handshake) so that it is ready when the first
   * request comes. A failure is not reported here: the first request connects again and reports it.
   */
  warm?(): void;
  close(): void;
}

export interface TlsSettings {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** false: insecure-skip-tls-verify. */
  rejectUnauthorized?: boolean;
  /** tls-server-name: the name sent (SNI) and checked instead of the URL's host. */
  servername?: string;
  /** `ca` as the quick check reads it, when the caller has read it already (else read here). */
  anchors?: ParsedCertificate[];
}

export interface ConnectionOptions {
  server: URL;
  tls: TlsSettings;
  /** Requests in flight at most: HTTP/2 streams, or HTTP/1.1 connections. */
  concurrency: number;
  /** Offer HTTP/2 (default true). */
  http2?: boolean;
  log(level: number, message: string): void;
}

// RFC 9113 error codes (http2.constants), here so that nothing loads http2 to read them.
const NGHTTP2_REFUSED_STREAM = 7;
const NGHTTP2_CANCEL = 8;

const sent = (e: Error, requestSent: boolean) => Object.assign(e, { requestSent });

/** An error worded and coded as a reset connection: how a lost HTTP/2 stream is reported, as on HTTP/1.1. */
function resetError(detail: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`socket hang up (${detail})`), { code: 'ECONNRESET' });
}

const lowered = new Map<string, string>();
/** A header name as HTTP/2 writes it (the few names used, lowered once). */
function lowerCase(name: string): string {
  let l = lowered.get(name);
  if (l === undefined) lowered.set(name, (l = name.toLowerCase()));
  return l;
}

/** Opens TLS connections to the server, verified as the module comment says. */
export class Connector {
  readonly host: string;
  readonly port: number;
  private readonly checkedName: string;
  private readonly anchors: ParsedCertificate[] | undefined;
  private readonly verify: boolean;
  private fastContext: tls.SecureContext | undefined;
  /** Set once a chain went to OpenSSL: later connections go there directly. */
  private ordinary = false;
  readonly sockets = new Set<tls.TLSSocket>();

  constructor(private readonly o: ConnectionOptions, private readonly alpn: string[]) {
    this.host = o.server.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(o.server.port || 443);
    this.checkedName = o.tls.servername ?? this.host;
    this.verify = o.tls.rejectUnauthorized !== false;
    this.anchors = this.verify && o.tls.ca ? (o.tls.anchors ?? parseAnchors(o.tls.ca)) : undefined;
    if (this.anchors?.length === 0) this.ordinary = true;
  }

  /** A connected, verified socket; nothing has been written on it. */
  connect(): Promise<tls.TLSSocket> {
    if (!this.verify) return this.open(this.emptyStore(), false);
    if (!this.o.tls.ca || this.ordinary) return this.open(undefined, true);
    return this.open(this.emptyStore(), false).then((socket) => {
      const why = this.problem(socket);
      if (why === undefined) return socket;
      socket.destroy();
      this.ordinary = true;
      this.o.log(4, `the server's certificate chain is not one the quick check knows (${why}); verifying it with OpenSSL`);
      return this.open(undefined, true);
    });
  }

  /** Why the server's chain is not accepted by the quick check, or undefined when it is. */
  private problem(socket: tls.TLSSocket): string | undefined {
    const peer = socket.getPeerCertificate(true);
    if (!peer || !peer.raw) return 'no certificate';
    const identity = tls.checkServerIdentity(this.checkedName, peer);
    if (identity) return identity.message;
    const chain: Buffer[] = [];
    for (let c: tls.DetailedPeerCertificate | undefined = peer; c && c.raw && !chain.some((d) => d.equals(c!.raw)); c = c.issuerCertificate) chain.push(c.raw);
    const v = verifyChain(chain, this.anchors!);
    return v.ok ? undefined : v.why;
  }

  /** A context with no trust store (`ca: []` adds none, and keeps Node from building its roots). */
  private emptyStore(): tls.SecureContext {
    this.fastContext ??= tls.createSecureContext({ ca: [], cert: this.o.tls.cert, key: this.o.tls.key });
    return this.fastContext;
  }

  private open(secureContext: tls.SecureContext | undefined, ordinary: boolean): Promise<tls.TLSSocket> {
    const { tls: t } = this.o;
    const opts: tls.ConnectionOptions = {
      host: this.host,
      port: this.port,
      ALPNProtocols: this.alpn,
      servername: t.servername ?? (isIP(this.host) ? undefined : this.host),
    };
    if (ordinary) Object.assign(opts, { ca: t.ca, cert: t.cert, key: t.key, rejectUnauthorized: true });
    else Object.assign(opts, { secureContext, rejectUnauthorized: false });
    // On the ordinary path Node checks the name itself (the servername, else the host), as
    // problem() does on ours.
    return new Promise((resolve, reject) => {
      const socket = tls.connect(opts);
      // Once the ClientHello is out, the wait for the server's answer (a round trip) is spent
      // loading http2 (~5 ms), which the connection will most likely speak.
      if (this.alpn[0] === 'h2') socket.once('connect', () => setImmediate(nodeHttp2));
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.setNoDelay(true);
      const onError = (e: Error) => reject(e);
      socket.once('error', onError);
      socket.once('secureConnect', () => {
        socket.off('error', onError);
        resolve(socket);
      });
    });
  }

  destroy(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}

/** HTTP over an http.Agent: plain http, or a proxy's agent (client-node's). HTTP/1.1 only. */
export class AgentDispatcher implements Dispatcher {
  readonly protocol = 'http/1.1';
  constructor(private readonly agent: http.Agent, private readonly server: URL) {}

  exchange(method: string, target: string, headers: Record<string, string>, payload: Buffer | undefined, timeoutMs: number, timeoutError: () => Error): Promise<Exchange> {
    const url = new URL(this.server.origin + target);
    const isTls = url.protocol === 'https:';
    return h1Exchange(isTls ? nodeHttps().request : nodeHttp().request, url, isTls, this.agent, method, headers, payload, timeoutMs, timeoutError, true);
  }

  close(): void {
    this.agent.destroy();
  }
}

function h1Exchange(
  request: typeof http.request,
  where: URL | http.RequestOptions,
  isTls: boolean,
  agent: http.Agent,
  method: string,
  headers: Record<string, string>,
  payload: Buffer | undefined,
  timeoutMs: number,
  timeoutError: () => Error,
  watchConnect: boolean,
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let connected = false;
    const fail = (e: Error) => {
      if (timer) clearTimeout(timer);
      reject(sent(e, connected));
    };
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (timer) clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    };
    const req = where instanceof URL ? request(where, { method, headers, agent }, onResponse) : request({ ...where, method, headers, agent }, onResponse);
    req.on('socket', (socket) => {
      if (!watchConnect) {
        connected = true; // our agent hands out sockets already connected and verified
        return;
      }
      // A kept-alive socket is connected already; a new one is once its (TLS) connection is up.
      if (!socket.connecting && (!isTls || (socket as tls.TLSSocket).encrypted)) connected = true;
      else socket.once(isTls ? 'secureConnect' : 'connect', () => (connected = true));
    });
    req.on('error', fail);
    if (timeoutMs > 0) timer = setTimeout(() => req.destroy(timeoutError()), timeoutMs);
    req.end(payload);
  });
}

/**
 * HTTPS to the server: the first request opens a connection and learns from ALPN whether the
 * server speaks HTTP/2; every later request goes the same way.
 */
export class ServerDispatcher implements Dispatcher {
  protocol: string | undefined;
  private readonly connector: Connector;
  private probe: Promise<void> | undefined;
  private session: http2.ClientHttp2Session | undefined;
  private sessionPending: Promise<http2.ClientHttp2Session> | undefined;
  private readonly sessions = new Set<http2.ClientHttp2Session>();
  private agent: https.Agent | undefined;
  /** The first connection, when it turned out to be HTTP/1.1: the agent's first socket. */
  private spare: tls.TLSSocket | undefined;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(private readonly o: ConnectionOptions) {
    this.connector = new Connector(o, o.http2 === false ? ['http/1.1'] : ['h2', 'http/1.1']);
  }

  async exchange(method: string, target: string, headers: Record<string, string>, payload: Buffer | undefined, timeoutMs: number, timeoutError: () => Error): Promise<Exchange> {
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : 0;
    if (this.protocol === undefined) await this.withDeadline(this.learnProtocol(), deadline, timeoutError);
    if (this.protocol === 'h2') return this.h2Exchange(method, target, headers, payload, deadline, timeoutError);
    const left = deadline ? Math.max(1, deadline - Date.now()) : 0;
    const where: http.RequestOptions = { host: this.connector.host, port: this.connector.port, path: target };
    return h1Exchange(nodeHttps().request, where, true, this.agent!, method, headers, payload, left, timeoutError, false);
  }

  /** Bounds a wait before anything was sent: past the deadline, the request fails as never sent. */
  private withDeadline<T>(p: Promise<T>, deadline: number, timeoutError: () => Error): Promise<T> {
    if (!deadline) return p.catch((e) => Promise.reject(sent(e, false)));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(sent(timeoutError(), false)), Math.max(1, deadline - Date.now()));
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          clearTimeout(timer);
          reject(sent(e, false));
        },
      );
    });
  }

  warm(): void {
    if (this.protocol === undefined && !this.closed) this.learnProtocol().catch(() => {});
  }

  private learnProtocol(): Promise<void> {
    this.probe ??= this.connector.connect().then(
      (socket) => {
        if (this.closed) {
          socket.destroy();
          throw resetError('client closed');
        }
        this.protocol = socket.alpnProtocol === 'h2' ? 'h2' : 'http/1.1';
        this.o.log(6, `connected to ${this.o.server.host} (${this.protocol === 'h2' ? 'HTTP/2' : 'HTTP/1.1'})`);
        if (this.protocol === 'h2') this.sessionPending = Promise.resolve(this.startSession(socket));
        else {
          this.spare = socket;
          this.agent = this.makeAgent();
        }
      },
      (e) => {
        this.probe = undefined; // the next request tries again
        throw e;
      },
    );
    return this.probe;
  }

  private makeAgent(): https.Agent {
    const agent = new (nodeHttps().Agent)({ keepAlive: true, maxSockets: this.o.concurrency });
    (agent as unknown as { createConnection: unknown }).createConnection = (_opts: unknown, cb: (e: Error | null, s?: tls.TLSSocket) => void) => {
      const s = this.spare;
      if (s && !s.destroyed) {
        this.spare = undefined;
        cb(null, s);
        return undefined;
      }
      this.connector.connect().then((socket) => cb(null, socket), (e) => cb(e));
      return undefined;
    };
    return agent;
  }

  private startSession(socket: tls.TLSSocket): http2.ClientHttp2Session {
    const session = nodeHttp2().connect(this.o.server.origin, {
      createConnection: () => socket,
      // Large windows: a 500-object page must not wait for WINDOW_UPDATEs across a long round trip.
      settings: { enablePush: false, initialWindowSize: 4 << 20 },
    });
    session.setLocalWindowSize?.(64 << 20);
    this.sessions.add(session);
    const forget = () => {
      this.sessions.delete(session);
      if (this.session === session) {
        this.session = undefined;
        this.sessionPending = undefined;
      }
    };
    session.on('error', forget);
    session.on('goaway', forget);
    session.on('close', forget);
    this.session = session;
    return session;
  }

  private getSession(): Promise<http2.ClientHttp2Session> {
    if (this.session && !this.session.closed && !this.session.destroyed) return Promise.resolve(this.session);
    this.sessionPending ??= this.connector.connect().then(
      (socket) => this.startSession(socket),
      (e) => {
        this.sessionPending = undefined;
        throw e;
      },
    );
    return this.sessionPending;
  }

  /** A stream slot when all are taken (h2Exchange takes a free one itself): waits for release(). */
  private acquire(): Promise<void> {
    return new Promise<void>((r) => this.waiting.push(r));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  private async h2Exchange(method: string, target: string, headers: Record<string, string>, payload: Buffer | undefined, deadline: number, timeoutError: () => Error): Promise<Exchange> {
    // The common case, a free stream on an open session, without waiting (or timers) at all.
    if (this.active < this.o.concurrency) this.active++;
    else {
      const slot = this.acquire();
      try {
        await this.withDeadline(slot, deadline, timeoutError);
      } catch (e) {
        // Timed out waiting for a stream: the slot, when it comes, is given back.
        void slot.then(() => this.release());
        throw e;
      }
    }
    try {
      const open = this.session && !this.session.closed && !this.session.destroyed ? this.session : undefined;
      const session = open ?? (await this.withDeadline(this.getSession(), deadline, timeoutError));
      const left = deadline ? Math.max(1, deadline - Date.now()) : 0;
      return await this.stream(session, method, target, headers, payload, left, timeoutError);
    } finally {
      this.release();
    }
  }

  private stream(session: http2.ClientHttp2Session, method: string, target: string, headers: Record<string, string>, payload: Buffer | undefined, timeoutMs: number, timeoutError: () => Error): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      const h: http2.OutgoingHttpHeaders = { ':method': method, ':path': target };
      for (const k in headers) h[lowerCase(k)] = headers[k];
      let req: http2.ClientHttp2Stream;
      try {
        req = session.request(h, { endStream: payload === undefined });
      } catch (e) {
        // The session went away between getSession and here: nothing was sent.
        reject(sent(resetError((e as NodeJS.ErrnoException).code ?? 'session closed'), false));
        return;
      }
      let status = 0;
      let responseHeaders: http.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (e?: Error) => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        if (e) reject(e);
        else resolve({ status, headers: responseHeaders, text: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8') });
      };
      req.on('response', (rh) => {
        status = Number(rh[':status']);
        const out: Record<string, string | string[] | undefined> = {};
        for (const k in rh) if (k[0] !== ':') out[k] = rh[k] as string | string[];
        responseHeaders = out as http.IncomingHttpHeaders;
      });
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => finish());
      req.on('error', () => {
        // Reported on close, with the stream's code.
      });
      req.on('close', () => {
        if (done) return;
        // A stream the server refused (or a GOAWAY before it) was not processed: safe to send again.
        if (req.rstCode === NGHTTP2_REFUSED_STREAM) finish(sent(resetError('refused stream'), false));
        else finish(sent(resetError(`stream closed with code ${req.rstCode}`), true));
      });
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          finish(sent(timeoutError(), true));
          req.close(NGHTTP2_CANCEL);
        }, timeoutMs);
      }
      if (payload !== undefined) req.end(payload);
    });
  }

  close(): void {
    this.closed = true;
    for (const s of this.sessions) s.destroy();
    this.sessions.clear();
    this.agent?.destroy();
    this.spare?.destroy();
    this.connector.destroy();
  }
}
