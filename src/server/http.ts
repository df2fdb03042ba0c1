// The HTTP(S) server: reads the request, checks the token, records it and applies injected faults
// (when enabled), routes it, and writes JSON answers. Node's http/https only.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
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

const MAX_BODY = 3 * 1024 * 1024;
const ADMIN = '/_egressctl/';

export interface HttpOptions {
  catalog: Catalog;
  api: ResourceApi;
  tls?: TlsMaterial;
  /** Required bearer token; undefined = no authentication (plain http). */
  token?: string;
  faults?: Faults;
  log(line: string): void;
}

export interface ApiServer {
  server: http.Server;
  /** Stops accepting, lets in-flight requests finish, ends watches and stalls; resolves when closed. */
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
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

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  // Compare digests so the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(m[1]).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

function isPublic(pathname: string): boolean {
  return /^\/(healthz|livez|readyz)(\/.*)?$/.test(pathname) || pathname === '/version';
}

export function createApiServer(opts: HttpOptions): ApiServer {
  const { catalog, api, faults } = opts;
  const openapi = buildOpenApiV3(catalog);
  const stalls = new Set<{ timer: NodeJS.Timeout; socket: Socket }>();
  let inFlight = 0;

  const send = (res: ServerResponse, r: ApiResponse, resetAfter: boolean) => {
    if (resetAfter) {
      res.socket?.destroy();
      return;
    }
    const isBuffer = Buffer.isBuffer(r.body);
    const text = isBuffer ? (r.body as Buffer) : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
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
      if (req.method === 'GET') return { status: 200, body: faults.requests() };
      if (req.method === 'DELETE') {
        faults.clearRequests();
        return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 } };
      }
      throw errors.methodNotAllowed();
    }
    throw errors.genericNotFound();
  };

  const dispatch = async (req: ApiRequest, res: ServerResponse): Promise<ApiResponse | typeof STREAMED> => {
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
        return { status: 200, body: apiVersions(req.headers.host ?? '127.0.0.1') };
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

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.on('close', () => inFlight--);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    const isAdmin = pathname.startsWith(ADMIN);
    if (faults && !isAdmin) faults.record({ method: req.method ?? 'GET', path: pathname, query: url.search.replace(/^\?/, '') });
    let resetAfter = false;
    let out: ApiResponse | typeof STREAMED;
    try {
      if (opts.token !== undefined && !isPublic(pathname) && !tokenMatches(req.headers.authorization, opts.token)) throw errors.unauthorized();
      const body = await readBody(req);
      const fault = faults && !isAdmin ? faults.take(req.method ?? 'GET', pathname) : undefined;
      if (fault?.action === 'reset-before') {
        req.socket.destroy();
        return;
      }
      if (fault?.action === 'stall') {
        const entry = { socket: req.socket, timer: setTimeout(() => {
          stalls.delete(entry);
          req.socket.destroy();
        }, fault.stallMs) };
        stalls.add(entry);
        return;
      }
      if (fault && fault.action !== 'reset-after') {
        send(res, faultResponse(fault), false);
        return;
      }
      resetAfter = fault?.action === 'reset-after';
      const apiReq: ApiRequest = { method: req.method ?? 'GET', path: pathname, query: url.searchParams, headers: req.headers, body };
      out = isAdmin ? await admin(apiReq) : await dispatch(apiReq, res);
    } catch (e) {
      out = errorResponse(e);
    }
    if (out === STREAMED) return;
    opts.log(`${req.method} ${req.url} ${out.status}`);
    send(res, out, resetAfter);
  };

  const server = opts.tls
    ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert, keepAliveTimeout: 60_000 }, handler)
    : http.createServer({ keepAliveTimeout: 60_000 }, handler);
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;

  return {
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      api.endWatches();
      for (const s of stalls) {
        clearTimeout(s.timer);
        s.socket.destroy();
      }
      stalls.clear();
      server.closeIdleConnections();
      // Connections still busy close after their response (Connection: close from now on).
      const poll = setInterval(() => {
        if (inFlight === 0) {
          server.closeAllConnections();
          clearInterval(poll);
        }
      }, 20);
      poll.unref();
    }),
  };
}
