// The HTTP(S) server: reads the request, checks the token, records it and applies injected faults
// (when enabled), routes it, and writes JSON answers. Over TLS it speaks HTTP/2 to clients that
// offer it (ALPN `h2`, as kube-apiserver: kubectl and egressctl do) and HTTP/1.1 to the others;
// plain HTTP (--insecure-http) is HTTP/1.1 only. Node's http and http2 only.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import { timingSafeEqual, createHash } from 'node:crypto';
import { ApiError, errors } from './status.ts';
import { route } from './router.ts';
import type { Catalog } from './resources.ts';
import { AGGREGATED_CONTENT_TYPE, VERSION_INFO, aggregatedDiscovery, apiGroupList, apiGroupObject, apiResourceList, apiVersions, wantsAggregated } from './discovery.ts';
import { OPENAPI_V2_CONTENT_TYPE, buildOpenApiV3 } from './openapi.ts';
import { ResourceApi, STREAMED, type ApiRequest, type ApiResponse } from './handlers.ts';
import { Faults, type Fault } from './faults.ts';
import type { TlsMaterial } from './tls.ts';
import { answerJson } from './store.ts';

const MAX_BODY = 3 * 1024 * 1024;
const ADMIN = '/_egressctl/';

export interface HttpOptions {
  catalog: Catalog;
  api: ResourceApi;
  tls?: TlsMaterial;
  /** Offer HTTP/2 over TLS (default true). */
  http2?: boolean;
  /** Required bearer token; undefined = no authentication (plain http). */
  token?: string;
  faults?: Faults;
  log(line: string): void;
}

export interface ApiServer {
  server: http.Server | http2.Http2SecureServer;
  /** Stops accepting, lets in-flight requests finish, ends watches and stalls; resolves when closed. */
  close(): Promise<void>;
}

/** A request or response of either protocol (http2's compatibility API mirrors http's). */
type Req = IncomingMessage | http2.Http2ServerRequest;
type Res = ServerResponse | http2.Http2ServerResponse;

/**
 * Ends one exchange abruptly, as a lost connection would: over HTTP/1.1 the connection is closed;
 * over HTTP/2 only this request's stream is reset (INTERNAL_ERROR), the others on the connection
 * go on, as they would on their own HTTP/1.1 connections.
 */
function cut(req: Req): void {
  if ('stream' in req) req.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  else req.socket.destroy();
}

function readBody(req: Req): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY}`));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Whether an Authorization header carries the token whose SHA-256 digest is `tokenDigest`. */
function tokenMatches(header: string | undefined, tokenDigest: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  // Compare digests so the comparison takes the same time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(m[1]).digest(), tokenDigest);
}

function isPublic(pathname: string): boolean {
  return /^\/(healthz|livez|readyz)(\/.*)?$/.test(pathname) || pathname === '/version';
}

export function createApiServer(opts: HttpOptions): ApiServer {
  const { catalog, api, faults } = opts;
  const openapi = buildOpenApiV3(catalog);
  // The token's digest, made once (not for every request).
  const tokenDigest = opts.token === undefined ? undefined : createHash('sha256').update(opts.token).digest();
  const stalls = new Set<{ timer: NodeJS.Timeout; req: Req }>();
  let inFlight = 0;
  // For the request log (--fault-injection): which connection carried each request.
  const connections = new WeakMap<object, number>();
  const connectionNumber = (req: Req): number => {
    const key: object = ('stream' in req ? req.stream.session : req.socket) ?? req;
    let n = connections.get(key);
    if (n === undefined) connections.set(key, (n = ++connectionCount));
    return n;
  };
  let connectionCount = 0;

  const send = (req: Req, res: Res, r: ApiResponse, resetAfter: boolean) => {
    if (resetAfter) {
      cut(req);
      return;
    }
    const isBuffer = Buffer.isBuffer(r.body);
    // Stored objects come with their JSON made once (store.ts): a list page is mostly joined, not serialised.
    const text = isBuffer ? (r.body as Buffer) : typeof r.body === 'string' ? r.body : answerJson(r.body);
    res.writeHead(r.status, {
      'Content-Type': r.contentType ?? 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
      ...(r.headers ?? {}),
    });
    res.end(text);
  };

  const errorResponse = (e: unknown): ApiResponse => {
    const err = e instanceof ApiError ? e : errors.internal((e as Error)?.message ?? String(e));
    if (err.plain !== undefined) return { status: err.code, body: err.plain, contentType: 'text/plain; charset=utf-8', headers: { 'X-Content-Type-Options': 'nosniff' } };
    const status = err.toStatus();
    return { status: err.code, body: status, headers: err.headers };
  };

  const faultResponse = (f: Fault): ApiResponse => {
    const retry = f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : undefined;
    switch (f.action) {
      case '429': {
        const after = f.retryAfter ?? 1;
        return { status: 429, body: new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: after }).toStatus(), headers: { 'Retry-After': String(after) } };
      }
      case '500':
        return { status: 500, body: errors.internal('injected fault').toStatus(), headers: retry };
      case '502':
        return { status: 502, body: 'Bad Gateway\n', contentType: 'text/plain; charset=utf-8', headers: retry };
      case '503':
        return { status: 503, body: new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request').toStatus(), headers: retry };
      default:
        return { status: 504, body: new ApiError(504, 'Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request').toStatus(), headers: retry };
    }
  };

  const admin = async (req: ApiRequest): Promise<ApiResponse> => {
    if (!faults) throw errors.genericNotFound();
    const p = req.path.replace(/\/+$/, '');
    if (p === '/_egressctl/faults') {
      if (req.method === 'POST') {
        let spec: unknown;
        try {
          spec = JSON.parse(req.body.toString('utf8'));
        } catch (e) {
          throw errors.badRequest(`fault is not JSON: ${(e as Error).message}`);
        }
        for (const s of Array.isArray(spec) ? spec : [spec]) faults.add(s);
        return { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
      }
      if (req.method === 'DELETE') {
        faults.clear();
        return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 } };
      }
      throw errors.methodNotAllowed();
    }
    if (p === '/_egressctl/requests') {
      // ?connections=1: with the protocol and connection of each request.
      if (req.method === 'GET') return { status: 200, body: req.query.get('connections') === '1' ? faults.requests() : faults.requests().map(({ protocol: _p, connection: _c, ...r }) => r) };
      if (req.method === 'DELETE') {
        faults.clearRequests();
        return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 } };
      }
      throw errors.methodNotAllowed();
    }
    throw errors.genericNotFound();
  };

  const dispatch = async (req: ApiRequest, res: ServerResponse, host: string | undefined): Promise<ApiResponse | typeof STREAMED> => {
    const r = route(catalog, req.path);
    const getOnly = () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed();
    };
    switch (r.kind) {
      case 'health':
        getOnly();
        return { status: 200, body: 'ok', contentType: 'text/plain; charset=utf-8' };
      case 'version':
        getOnly();
        return { status: 200, body: VERSION_INFO };
      case 'api':
        getOnly();
        if (wantsAggregated(req.headers.accept)) return { status: 200, body: aggregatedDiscovery(catalog, true), contentType: AGGREGATED_CONTENT_TYPE };
        return { status: 200, body: apiVersions(host ?? '127.0.0.1') };
      case 'apis':
        getOnly();
        if (wantsAggregated(req.headers.accept)) return { status: 200, body: aggregatedDiscovery(catalog, false), contentType: AGGREGATED_CONTENT_TYPE };
        return { status: 200, body: apiGroupList(catalog) };
      case 'group': {
        getOnly();
        const g = apiGroupObject(catalog, r.group);
        if (!g) throw errors.pageNotFound();
        return { status: 200, body: g };
      }
      case 'groupVersion':
        getOnly();
        return { status: 200, body: apiResourceList(r.gv) };
      case 'openapiV2':
        getOnly();
        // An empty protobuf document: valid, and all kubectl's create/apply paths need (notes §0.6).
        return { status: 200, body: Buffer.alloc(0), contentType: OPENAPI_V2_CONTENT_TYPE };
      case 'openapiV3Index':
        getOnly();
        // kube-apiserver labels the index text/plain; kubectl reads it as JSON all the same.
        return { status: 200, body: JSON.stringify(openapi.index), contentType: 'text/plain; charset=utf-8' };
      case 'openapiV3Doc': {
        getOnly();
        const d = openapi.docs.get(r.key);
        if (!d) return { status: 404, body: '', contentType: 'text/plain; charset=utf-8' };
        const hashed = req.query.get('hash') === d.hash;
        return {
          status: 200, body: d.body, contentType: 'application/json',
          headers: hashed ? { 'Cache-Control': 'public, immutable', Expires: new Date(Date.now() + 365 * 86400e3).toUTCString() } : { Etag: `"${d.hash}"` },
        };
      }
      case 'resource':
        return api.handle(r.type, r.namespace, r.name, req, res, r.subresource);
      default:
        throw r.plain ? errors.pageNotFound() : errors.genericNotFound();
    }
  };

  const handler = async (req: Req, res: Res) => {
    inFlight++;
    res.on('close', () => inFlight--);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    const isAdmin = pathname.startsWith(ADMIN);
    if (faults && !isAdmin) faults.record({ method: req.method ?? 'GET', path: pathname, query: url.search.replace(/^\?/, ''), protocol: 'stream' in req ? 'h2' : 'http/1.1', connection: connectionNumber(req) });
    let resetAfter = false;
    let out: ApiResponse | typeof STREAMED;
    try {
      if (tokenDigest !== undefined && !isPublic(pathname) && !tokenMatches(req.headers.authorization, tokenDigest)) throw errors.unauthorized();
      const body = await readBody(req);
      const fault = faults && !isAdmin ? faults.take(req.method ?? 'GET', pathname) : undefined;
      if (fault?.action === 'reset-before') {
        cut(req);
        return;
      }
      if (fault?.action === 'stall') {
        const entry = { req, timer: setTimeout(() => {
          stalls.delete(entry);
          cut(req);
        }, fault.stallMs) };
        stalls.add(entry);
        return;
      }
      if (fault && fault.action !== 'reset-after') {
        send(req, res, faultResponse(fault), false);
        return;
      }
      resetAfter = fault?.action === 'reset-after';
      const apiReq: ApiRequest = { method: req.method ?? 'GET', path: pathname, query: url.searchParams, headers: req.headers, body };
      const host = 'authority' in req ? req.authority : req.headers.host;
      // The resource handlers use the compatibility API's methods, which both protocols share.
      out = isAdmin ? await admin(apiReq) : await dispatch(apiReq, res as ServerResponse, host);
    } catch (e) {
      out = errorResponse(e);
    }
    if (out === STREAMED) return;
    opts.log(`${req.method} ${req.url} ${out.status}`);
    send(req, res, out, resetAfter);
  };

  const server = opts.tls ? secureServer(opts.tls, opts.http2 !== false, handler) : plainServer(handler);

  return {
    server: server.server,
    close: () => new Promise<void>((resolve) => {
      server.server.close(() => resolve());
      api.endWatches();
      for (const s of stalls) {
        clearTimeout(s.timer);
        cut(s.req);
      }
      stalls.clear();
      server.closeIdle();
      // Connections still busy close after their last response.
      const poll = setInterval(() => {
        if (inFlight === 0) {
          server.closeAll();
          clearInterval(poll);
        }
      }, 20);
      poll.unref();
    }),
  };
}

interface Listener {
  server: http.Server | http2.Http2SecureServer;
  /** Closes the connections that carry no request now. */
  closeIdle(): void;
  closeAll(): void;
}

function plainServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Listener {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, handler);
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  return { server, closeIdle: () => server.closeIdleConnections(), closeAll: () => server.closeAllConnections() };
}

/**
 * HTTPS: HTTP/2 for clients that offer it, HTTP/1.1 for the others (allowHTTP1). Every connection
 * is tracked so that a stop can close them: HTTP/2 sessions with a GOAWAY (streams in progress
 * finish), HTTP/1.1 connections when nothing is in flight.
 */
function secureServer(tls: TlsMaterial, h2: boolean, handler: (req: Req, res: Res) => void): Listener {
  const server = http2.createSecureServer({
    key: tls.key,
    cert: tls.cert,
    allowHTTP1: true,
    ALPNProtocols: h2 ? ['h2', 'http/1.1'] : ['http/1.1'],
    // kube-apiserver's limit; large windows, so that a big list is not held back by WINDOW_UPDATEs.
    settings: { maxConcurrentStreams: 250, initialWindowSize: 4 << 20 },
  }, handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  const sockets = new Set<Socket>();
  server.on('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.setLocalWindowSize?.(64 << 20);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => session.destroy());
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // HTTP/1.1 clients of this server get the plain server's limits: no limit on a request (a watch
  // lasts), 60 s for headers and for an idle keep-alive connection.
  Object.assign(server, { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 60_000 });
  return {
    server,
    closeIdle: () => {
      for (const s of sessions) s.close();
    },
    closeAll: () => {
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
    },
  };
}
