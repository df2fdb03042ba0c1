// HTTP to the API server: every request of a run over the connections of one dispatcher
// (connection.ts: HTTP/2 streams on one connection, or kept-alive HTTP/1.1 connections), a time
// limit per request, retries of transient faults with exponential backoff and jitter honouring
// Retry-After, and -v logs that never show a credential. No client-node here.

import type http from 'node:http';
import { ApiError, ConnectionError, connectionErrorFrom, type Status } from './errors.ts';
import { MAX_TIMEOUT_MS, formatDuration, goDuration } from './duration.ts';
import type { KindDescriptor } from '../core/kinds/descriptor.ts';
import { AgentDispatcher, type Dispatcher, type Exchange } from './connection.ts';
import { nodeHttp } from './builtins.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 5000, maxRetryAfterMs: 30_000 };

/** HTTP statuses that mean "try again": the request was not (or may not have been) processed. */
export const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

export interface TransportOptions {
  server: URL;
  /** How requests reach the server (connection.ts). */
  dispatcher?: Dispatcher;
  /** Or an http(s).Agent (HTTP/1.1 over its connections), when no dispatcher is given. */
  agent?: http.Agent;
  /** Headers sent on every request, credentials included (never logged as they are). */
  headers: Record<string, string>;
  /** Per-request limit in ms (retries included); 0 for none. */
  timeoutMs: number;
  /** Send the limit to the server as the `timeout` query parameter (client-go does, when one is set). */
  tellServerTimeout?: boolean;
  retry?: RetryPolicy;
  verbosity: number;
  log(level: number, message: string): void;
  warn(message: string): void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  /** Attempts at most for this request (default: the retry policy's). */
  maxAttempts?: number;
  /** The kind the request is about, named in its errors. */
  resource?: KindDescriptor;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** How many attempts it took. */
  attempts: number;
  /**
   * An earlier attempt may have been processed by the server though its answer was lost (a reset
   * or timeout after sending, a 500, 502 or 504). A 429 or 503 means it was not.
   */
  ambiguous: boolean;
}

const UNPROCESSED_STATUSES = new Set([429, 503]);

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|impersonate-.*)$/i;

/** Header values safe to print: credentials masked. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    if (SECRET_HEADER.test(k)) {
      const scheme = /^(Bearer|Basic)\s/i.exec(String(v))?.[1];
      out[k] = scheme ? `${scheme} <masked>` : '<masked>';
    } else out[k] = String(v);
  }
  return out;
}

/**
 * A server URL safe to print: a user and password in it (`https://admin:hunter2@host`) become
 * `***@`. Works on text that is not a valid URL too (it is printed in the error that says so).
 */
export function redactUrl(text: string): string {
  return text.replace(/^(\s*[A-Za-z][A-Za-z0-9+.-]*:\/\/)([^?#]*)@/, (_m, scheme: string, userinfo: string) => {
    // The host cannot hold a '/', so a '/' before the last '@' means the '@' is in the path... unless
    // the password holds one; the safe side is to hide it all the same.
    return userinfo === '' ? `${scheme}@` : `${scheme}***@`;
  });
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Seconds (or an HTTP date) from a Retry-After header, in ms. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export class Transport {
  readonly server: URL;
  /** host:port as kubectl names the server in its messages. */
  readonly host: string;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly warned = new Set<string>();
  private readonly basePath: string;
  /** The headers of every request, made once. */
  private readonly baseHeaders: Record<string, string>;
  private readonly dispatcher: Dispatcher;
  /** Requests that reached the wire (attempts), for -v summaries and tests. */
  requestCount = 0;

  constructor(private readonly opts: TransportOptions) {
    // Node fires a longer timer after 1 ms: every request would time out. The commands refuse such
    // values; this guards other callers.
    if (!(opts.timeoutMs >= 0 && opts.timeoutMs <= MAX_TIMEOUT_MS)) throw new RangeError(`request timeout ${opts.timeoutMs} ms is out of range (0 to ${MAX_TIMEOUT_MS})`);
    this.server = opts.server;
    this.host = opts.server.host;
    this.basePath = opts.server.pathname.replace(/\/+$/, '');
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.sleep = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
    if (!opts.dispatcher && !opts.agent) throw new TypeError('a Transport needs a dispatcher or an agent');
    this.dispatcher = opts.dispatcher ?? new AgentDispatcher(opts.agent!, opts.server);
    this.baseHeaders = { Accept: 'application/json, */*', 'User-Agent': 'egressctl', ...opts.headers };
  }

  url(path: string, query?: Record<string, string | undefined>): URL {
    return new URL(this.server.origin + this.target(path, query));
  }

  /** The path and query sent (no URL object is made for a request: only for messages). */
  private target(path: string, query?: Record<string, string | undefined>): string {
    let q: URLSearchParams | undefined;
    if (query) for (const k in query) if (query[k] !== undefined) (q ??= new URLSearchParams()).set(k, query[k]!);
    // As kubectl (client-go): the server is told the client's limit, so it can stop in time too.
    if (this.opts.tellServerTimeout && this.opts.timeoutMs > 0 && !q?.has('timeout')) (q ??= new URLSearchParams()).set('timeout', goDuration(this.opts.timeoutMs));
    const qs = q?.toString();
    return this.basePath + path + (qs ? `?${qs}` : '');
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exp / 2 + (this.random() * exp) / 2);
  }

  /**
   * Sends a request, retrying transient faults. Resolves with any HTTP answer (errors included);
   * rejects with ConnectionError when no answer came. --request-timeout bounds the request with its
   * retries: no attempt starts, and no backoff is waited, past that limit.
   */
  async send(method: string, path: string, ro: RequestOptions = {}): Promise<RawResponse> {
    const target = this.target(path, ro.query);
    let payload: Buffer | undefined;
    if (ro.body !== undefined) payload = Buffer.from(typeof ro.body === 'string' ? ro.body : JSON.stringify(ro.body));
    let headers = this.baseHeaders;
    if (payload) headers = { ...headers, 'Content-Type': ro.contentType ?? 'application/json', 'Content-Length': String(payload.length) };
    let ambiguous = false;
    const maxAttempts = Math.max(1, Math.min(ro.maxAttempts ?? this.retry.maxAttempts, this.retry.maxAttempts));
    const { timeoutMs } = this.opts;
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : undefined;
    /** Whether a wait of `ms` and another attempt still fit in the limit. */
    const fits = (ms: number) => deadline === undefined || Date.now() + ms < deadline;
    for (let attempt = 1; ; attempt++) {
      let res: Exchange;
      try {
        res = await this.once(method, target, headers, payload, deadline === undefined ? 0 : Math.max(1, deadline - Date.now()));
      } catch (e) {
        const ce = e instanceof ConnectionError ? e : connectionErrorFrom(e as NodeJS.ErrnoException, this.server.origin, this.host);
        // A reset or a timeout after the request reached the server may come after the server
        // carried it out; before the connection was made, nothing reached it.
        const sent = (e as { requestSent?: boolean }).requestSent !== false;
        ambiguous ||= ce.transient && sent;
        const wait = this.backoff(attempt);
        if (!ce.transient || attempt >= maxAttempts || !fits(wait)) throw Object.assign(ce, { attempts: attempt, ambiguous });
        this.opts.log(2, `retrying ${method} ${pathOf(target)} after ${ce.code} (attempt ${attempt + 1} of ${maxAttempts}) in ${wait} ms`);
        await this.sleep(wait);
        continue;
      }
      const after = retryAfterMs(res.headers['retry-after']);
      const wait = after !== undefined ? Math.min(after, this.retry.maxRetryAfterMs) + Math.round(this.random() * 50) : this.backoff(attempt);
      if (RETRY_STATUSES.has(res.status) && attempt < maxAttempts && fits(wait)) {
        if (!UNPROCESSED_STATUSES.has(res.status)) ambiguous = true;
        this.opts.log(2, `retrying ${method} ${pathOf(target)} after ${res.status}${after !== undefined ? ` (Retry-After ${formatDuration(after)})` : ''} (attempt ${attempt + 1} of ${maxAttempts}) in ${wait} ms`);
        await this.sleep(wait);
        continue;
      }
      this.warnings(res.headers.warning);
      let body: any = res.text;
      if (res.text !== '') {
        try {
          body = JSON.parse(res.text);
        } catch {
          // not JSON: keep the text
        }
      } else body = undefined;
      return { status: res.status, headers: res.headers, body, attempts: attempt, ambiguous };
    }
  }

  /** Like send, but an HTTP error status becomes an ApiError. */
  async call(method: string, path: string, ro: RequestOptions = {}): Promise<RawResponse> {
    const r = await this.send(method, path, ro);
    if (r.status >= 400) throw this.apiError(method, path, r, ro.resource);
    return r;
  }

  /** The ApiError for an error answer. */
  apiError(method: string, path: string, r: RawResponse, resource?: KindDescriptor): ApiError {
    const status = r.body && typeof r.body === 'object' && r.body.kind === 'Status' ? (r.body as Status) : undefined;
    const err = new ApiError(r.status, status ?? (typeof r.body === 'string' && r.body ? { message: r.body.trim().slice(0, 500) } : undefined), method, path, this.server.origin, resource);
    return Object.assign(err, { attempts: r.attempts, ambiguous: r.ambiguous });
  }

  private warnings(value: string | string[] | undefined): void {
    if (!value) return;
    for (const v of Array.isArray(value) ? value : value.split(/,(?=\s*\d{3}\s)/)) {
      const m = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(v);
      const text = m ? m[1]!.replace(/\\(.)/g, '$1') : v.trim();
      if (!this.warned.has(text)) {
        this.warned.add(text);
        this.opts.warn(text);
      }
    }
  }

  /**
   * One attempt, bounded by `timeoutMs` (0: none). A failure before the request could reach the
   * server (no connection, a TLS failure, a refused stream) carries `requestSent: false`.
   */
  private async once(method: string, target: string, headers: Record<string, string>, payload: Buffer | undefined, timeoutMs: number): Promise<Exchange> {
    const { log } = this.opts;
    const started = process.hrtime.bigint();
    this.requestCount++;
    const v = this.opts.verbosity;
    const url = v >= 6 ? new URL(this.server.origin + target) : undefined;
    if (v >= 7) {
      log(7, `${method} ${url!.href}`);
      log(7, `Request headers: ${JSON.stringify(redactHeaders(headers))}`);
    }
    if (payload && v >= 8) log(8, `Request body: ${truncate(payload.toString())}`);
    if (v >= 9) log(9, `curl -v -X${method} ${Object.entries(redactHeaders(headers)).map(([k, h]) => `-H ${quote(`${k}: ${h}`)}`).join(' ')} ${quote(url!.href)}`);
    const timeoutError = () =>
      new ConnectionError(`Unable to connect to the server ${this.host}: no response within the request timeout of ${formatDuration(this.opts.timeoutMs)} (--request-timeout)`, 'Timeout', this.server.origin, true);
    try {
      const res = await this.dispatcher.exchange(method, target, headers, payload, timeoutMs, timeoutError);
      if (v >= 6) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log(6, `${method} ${url!.href} ${res.status} ${res.statusMessage ?? nodeHttp().STATUS_CODES[res.status] ?? ''} in ${Math.round(ms)} milliseconds`);
      }
      if (v >= 9) log(9, `Response headers: ${JSON.stringify(redactHeaders(res.headers as Record<string, unknown>))}`);
      if (v >= 8) log(8, `Response body: ${truncate(res.text)}`);
      return res;
    } catch (e) {
      if (v >= 6) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log(6, `${method} ${url!.href} failed in ${Math.round(ms)} milliseconds: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      throw e;
    }
  }
}

/** The path of a path and query, for messages. */
function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

function truncate(s: string, n = 4096): string {
  return s.length > n ? `${s.slice(0, n)}... (${s.length} bytes)` : s;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
