// The cluster client: the only entry to the API server, loaded by command actions through a
// dynamic import (it pulls in @kubernetes/client-node, which --help, validate and kube-inject must
// never load).
//
// Static credentials (token, token file, client certificate, basic) are read here without
// client-node (its import costs more than a small create); exec/auth-provider users, proxies and
// the in-cluster service account go through client-node's authenticators (kubeconfig.ts, imported
// only then). The requests go through our own transport, so that every request of a run shares one
// keep-alive agent, has a time limit, and is retried on transient faults without ever creating an
// object twice.

import type http from 'node:http';
import type { ConfigObject } from '../core/objects.ts';
import type { KindDescriptor } from '../core/kinds/descriptor.ts';
import { canonical } from '../core/compare.ts';
import { DEFAULT_REQUEST_TIMEOUT, parseDuration, requestTimeoutProblem } from './duration.ts';
import { CommandError, UsageError } from '../core/errors.ts';
import { ApiError, BadAnswerError, ConnectionError, KubeconfigError, UnsafePathError } from './errors.ts';
import { loadLiteKubeconfig, needsClientNode, staticCredentials, type Credentials } from './kubeconfig-lite.ts';
import { DEFAULT_RETRY, Transport, redactUrl, type RequestOptions, type RetryPolicy } from './transport.ts';
import { AgentDispatcher, ServerDispatcher, type Dispatcher, type TlsSettings } from './connection.ts';
import { readCaBundle, type ParsedCertificate } from './tls-verify.ts';
import { nodeHttp } from './builtins.ts';

export { describeError, isClusterError, ApiError, BadAnswerError, ConnectionError, KubeconfigError, UnsafePathError } from './errors.ts';

/** An object as the server returns it (server-set metadata included). */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    resourceVersion: string;
    uid?: string;
    creationTimestamp?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  spec: any;
  [k: string]: unknown;
}

export interface WriteOptions {
  /** Send with dryRun=All: validated and answered by the server, not stored. */
  dryRun?: boolean;
}

export interface WriteResult {
  object: StoredObject;
  /**
   * The answer was lost (a reset, a timeout) and a retry found the object already in the wanted
   * state: counted as done.
   */
  recovered?: boolean;
}

export interface ListOptions {
  /** A namespace, or undefined for all namespaces. */
  namespace?: string;
  labelSelector?: string;
  /** Page size (limit); 0 for one unpaged request. */
  chunkSize?: number;
}

export interface ListPage {
  items: StoredObject[];
  continue?: string;
  resourceVersion?: string;
}

/** The verbs on one kind's resource (client-go's dynamic client, per descriptor). */
export interface ResourceOps {
  create(object: ConfigObject, opts?: WriteOptions): Promise<WriteResult>;
  get(namespace: string, name: string): Promise<StoredObject>;
  /** One page; pass the previous page's `continue` to go on. */
  listPage(opts: ListOptions & { continue?: string }): Promise<ListPage>;
  /** Every page, in order. */
  list(opts: ListOptions): AsyncGenerator<StoredObject[]>;
  replace(object: ConfigObject, opts?: WriteOptions): Promise<WriteResult>;
  /** JSON merge patch (RFC 7386). */
  patch(namespace: string, name: string, patch: unknown, opts?: WriteOptions): Promise<WriteResult>;
  delete(namespace: string, name: string, opts?: WriteOptions): Promise<{ recovered?: boolean }>;
}

export interface ClusterClient {
  /** The server URL, e.g. https://127.0.0.1:6443. */
  readonly server: string;
  readonly contextName: string;
  /** The namespace of the kubeconfig context, if it names one. */
  readonly contextNamespace?: string;
  /** The context's namespace, else `default`. */
  readonly defaultNamespace: string;
  /** The generic resource API for any kind of the registry. */
  resource(kind: KindDescriptor): ResourceOps;
  /**
   * Any request, for other commands (kube-inject reads nodes, servicecidrs, configmaps). Transient
   * faults are retried; HTTP errors are returned, not thrown, but for 401 (an ApiError, as every
   * command words it); no answer at all throws a ConnectionError.
   */
  request(method: string, path: string, opts?: { query?: Record<string, string>; body?: unknown; contentType?: string }): Promise<{ status: number; body: any }>;
  /** Requests sent so far (attempts included). */
  readonly requestCount: number;
  /** Opens the first connection ahead of the first request (Dispatcher.warm). */
  warm(): void;
  /** Closes the kept-alive connections. */
  close(): void;
}

export interface ConnectOptions {
  /** Requests in flight at most: HTTP/2 streams, or HTTP/1.1 connections (commands/write-flags.ts has the default). */
  concurrency: number;
  retry?: RetryPolicy;
  /** Offer HTTP/2 to the server (default true; the server may still answer HTTP/1.1). */
  http2?: boolean;
}

/** Reads the kubeconfig and prepares the connection; sends nothing yet. */
/** What connecting needs of a command's run: where it runs, the global flags, and its log. (A command's Context is one.) */
export interface ConnectContext {
  io: { env: Record<string, string | undefined>; cwd: string };
  global: { kubeconfig?: string; context?: string; requestTimeout?: string; verbosity: number };
  /** Prints a message on stderr when -v is at least `level`. Never passed credentials. */
  log(level: number, message: string): void;
  warn(message: string): void;
}

export async function connect(ctx: ConnectContext, opts: ConnectOptions): Promise<ClusterClient> {
  const { io, global } = ctx;
  const kopts = { kubeconfig: global.kubeconfig, context: global.context, env: io.env, cwd: io.cwd };
  const lite = loadLiteKubeconfig({ ...kopts, warn: ctx.warn });
  const maxSockets = Math.max(1, opts.concurrency);
  let serverText: string;
  let clusterName: string;
  let contextName: string;
  let namespace: string | undefined;
  let creds: Credentials;
  let proxied: ((o: Record<string, unknown>) => http.Agent) | undefined;
  /** The CA as the TLS check reads it, when it was read here. */
  let anchors: ParsedCertificate[] | undefined;
  if (lite.kind === 'files' && !needsClientNode(lite)) {
    ctx.log(4, `kubeconfig: ${lite.sources.join(', ')}; context ${lite.contextName}; server ${redactUrl(lite.cluster.server)}`);
    serverText = lite.cluster.server;
    clusterName = lite.cluster.name;
    contextName = lite.contextName;
    namespace = lite.namespace;
    creds = staticCredentials(lite);
    if (creds.ca && creds.caWhat) {
      const bundle = readCaBundle(creds.ca, creds.caWhat);
      if ('problem' in bundle) throw new KubeconfigError(bundle.problem);
      anchors = bundle.anchors;
    }
  } else {
    // exec/auth-provider users, proxies, in-cluster: client-node's authenticators and agents.
    const heavy = await import('./kubeconfig.ts');
    const loaded = heavy.loadKubeconfig(lite, io.env);
    ctx.log(4, `kubeconfig: ${loaded.sources.join(', ')}; context ${loaded.contextName}; server ${redactUrl(loaded.cluster.server)} (through @kubernetes/client-node)`);
    serverText = loaded.cluster.server;
    clusterName = loaded.cluster.name;
    contextName = loaded.contextName;
    namespace = loaded.namespace;
    creds = await heavy.pluginCredentials(loaded);
    if (loaded.cluster.proxyUrl) proxied = (o) => heavy.proxyAgent(loaded, o);
  }

  let server: URL;
  try {
    server = new URL(serverText);
  } catch {
    throw new KubeconfigError(`the server "${redactUrl(serverText)}" of cluster "${clusterName}" is not a URL`);
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') {
    throw new KubeconfigError(`the server "${redactUrl(serverText)}" of cluster "${clusterName}" is not an http or https URL`);
  }
  const headers: Record<string, string> = { ...creds.headers };
  if (server.protocol === 'http:' && headers.Authorization) {
    // As kubectl: credentials go only over TLS.
    delete headers.Authorization;
    ctx.log(2, `not sending credentials to ${server.origin}: plain http`);
  }

  // One dispatcher for the whole run: HTTP/2 streams on one connection, or kept-alive HTTP/1.1
  // connections (plain http, a proxy's agent, a server without HTTP/2), opened as requests need them.
  // DISABLE_HTTP2 (any value) keeps to HTTP/1.1, as it does for kubectl (client-go).
  const dispatcher = makeDispatcher(server, creds, anchors, maxSockets, proxied, ctx.log, opts.http2 ?? !io.env.DISABLE_HTTP2);

  const timeoutText = global.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT;
  const timeoutProblem = requestTimeoutProblem(timeoutText);
  if (timeoutProblem) throw new UsageError(`invalid --request-timeout "${timeoutText}": ${timeoutProblem}`);
  const timeoutMs = parseDuration(timeoutText) ?? 0;
  const transport = new Transport({
    server,
    dispatcher,
    headers,
    timeoutMs,
    // As kubectl, the server is told a limit the user gave (not our default).
    tellServerTimeout: global.requestTimeout !== undefined,
    retry: opts.retry ?? retryPolicy(io.env),
    verbosity: global.verbosity,
    log: ctx.log,
    warn: ctx.warn,
  });
  return new Client(transport, dispatcher, contextName, namespace);
}

function makeDispatcher(server: URL, creds: Credentials, anchors: ParsedCertificate[] | undefined, concurrency: number, proxied: ((o: Record<string, unknown>) => http.Agent) | undefined, log: ConnectContext['log'], http2 = true): Dispatcher {
  const tls: TlsSettings = { ca: creds.ca, cert: creds.cert, key: creds.key, rejectUnauthorized: creds.rejectUnauthorized, servername: creds.servername };
  if (proxied) {
    const o: Record<string, unknown> = { keepAlive: true, maxSockets: concurrency };
    for (const [k, v] of Object.entries(tls)) if (v !== undefined) o[k] = v;
    return new AgentDispatcher(proxied(o), server);
  }
  if (server.protocol === 'http:') return new AgentDispatcher(new (nodeHttp().Agent)({ keepAlive: true, maxSockets: concurrency }), server);
  return new ServerDispatcher({ server, tls: { ...tls, anchors }, concurrency, http2, log });
}

/** The variable that sets the first retry's backoff (doubling from there, jittered); README, Development. */
export const RETRY_BASE_DELAY_ENV = 'EGRESSCTL_RETRY_BASE_DELAY';

/**
 * DEFAULT_RETRY, with the backoff base of $EGRESSCTL_RETRY_BASE_DELAY when it is set (a Go
 * duration from 0 to the longest backoff, 5s): the tests retry with `10ms` rather than wait
 * seconds. Retry-After from the server is honoured whatever it says.
 */
export function retryPolicy(env: Record<string, string | undefined>): RetryPolicy {
  const text = env[RETRY_BASE_DELAY_ENV];
  if (text === undefined || text === '') return DEFAULT_RETRY;
  const ms = parseDuration(text);
  if (ms === undefined || ms > DEFAULT_RETRY.maxDelayMs) {
    throw new CommandError(`invalid ${RETRY_BASE_DELAY_ENV} "${text}": expected a duration from 0 to 5s, such as 10ms`);
  }
  return { ...DEFAULT_RETRY, baseDelayMs: ms };
}

function emptyToUndefined(m: Record<string, string> | undefined): Record<string, string> | undefined {
  return m && Object.keys(m).length > 0 ? m : undefined;
}

/** Whether the stored object holds exactly what was sent (spec, labels, annotations). */
export function sameContent(stored: StoredObject, sent: ConfigObject): boolean {
  return (
    canonical(stored.spec) === canonical(sent.spec) &&
    canonical(emptyToUndefined(stored.metadata.labels)) === canonical(emptyToUndefined(sent.metadata.labels)) &&
    canonical(emptyToUndefined(stored.metadata.annotations)) === canonical(emptyToUndefined(sent.metadata.annotations))
  );
}


/**
 * One path segment for a name or namespace. Refuses what would address something else once the
 * URL is normalised: `.` and `..` (`/egressrules/.` is the collection: a DELETE there deletes every
 * rule), an empty segment, a `/`. The commands refuse such input earlier; this is the last guard.
 */
export function pathSegment(what: 'name' | 'namespace', value: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..' || value.includes('/')) {
    throw new UnsafePathError(`refusing to build a request path with the ${what} ${JSON.stringify(value)}: it is not a valid ${what}`);
  }
  return encodeURIComponent(value);
}

function collectionPathOf(d: KindDescriptor, namespace?: string): string {
  const base = `/apis/${d.group}/${d.version}`;
  return namespace === undefined ? `${base}/${d.plural}` : `${base}/namespaces/${pathSegment('namespace', namespace)}/${d.plural}`;
}

function objectPathOf(d: KindDescriptor, namespace: string, name: string): string {
  return `${collectionPathOf(d, namespace)}/${pathSegment('name', name)}`;
}

/** `an EgressRule`, `a RouteRule`: for messages about answers. */
function withArticle(word: string): string {
  return `${/^[AEIOU]/.test(word) ? 'an' : 'a'} ${word}`;
}

/** What a body is, for messages: `an HTML page of 1234 bytes`, `a number`. */
function describeBody(body: unknown): string {
  if (body === undefined) return 'an empty body';
  if (typeof body === 'string') {
    const kind = /^\s*</.test(body) ? 'an HTML or XML page' : 'a text that is not JSON';
    return `${kind} of ${Buffer.byteLength(body)} bytes`;
  }
  if (body === null) return 'null';
  if (Array.isArray(body)) return 'an array';
  return `a ${typeof body}`;
}

/** Why a body is not a stored object (metadata.name, namespace and resourceVersion); undefined when it is one. */
export function objectProblem(body: unknown, where = 'the answer', requireVersion = true): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return `${where} is ${describeBody(body)}`;
  const m = (body as { metadata?: unknown }).metadata;
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return `${where} has no metadata`;
  const md = m as Record<string, unknown>;
  for (const k of requireVersion ? ['name', 'namespace', 'resourceVersion'] : ['name', 'namespace']) {
    if (typeof md[k] !== 'string' || md[k] === '') return `${where} has no metadata.${k}`;
  }
  return undefined;
}

/** Why a body is not a list of objects; undefined when it is one. */
export function listProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return `the answer is ${describeBody(body)}`;
  const items = (body as { items?: unknown }).items;
  if (!Array.isArray(items)) return items === undefined ? 'it has no items' : `its items are ${describeBody(items)}, not an array`;
  for (let i = 0; i < items.length; i++) {
    const p = objectProblem(items[i], `item ${i}`);
    if (p) return p;
  }
  const meta = (body as { metadata?: unknown }).metadata;
  if (meta !== undefined && (meta === null || typeof meta !== 'object')) return 'its metadata is not an object';
  const cont = (meta as { continue?: unknown } | undefined)?.continue;
  if (cont !== undefined && typeof cont !== 'string') return 'its metadata.continue is not a string';
  return undefined;
}

/** Pages one list may take at most (of 500 objects by default: 50 million, far beyond any cluster). */
export const MAX_PAGES = 100_000;

/** Whether an earlier attempt of the failed request may have been carried out. */
function ambiguous(e: unknown): boolean {
  return (e as { ambiguous?: boolean }).ambiguous === true;
}

class Client implements ClusterClient {
  readonly server: string;
  readonly defaultNamespace: string;
  private readonly ops = new Map<KindDescriptor, ResourceOps>();

  constructor(
    private readonly transport: Transport,
    private readonly dispatcher: Dispatcher,
    readonly contextName: string,
    readonly contextNamespace: string | undefined,
  ) {
    this.server = transport.server.origin;
    this.defaultNamespace = contextNamespace ?? 'default';
  }

  resource(kind: KindDescriptor): ResourceOps {
    let ops = this.ops.get(kind);
    if (!ops) this.ops.set(kind, (ops = this.makeOps(kind)));
    return ops;
  }

  get requestCount(): number {
    return this.transport.requestCount;
  }

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<{ status: number; body: any }> {
    const r = await this.transport.send(method.toUpperCase(), path, opts);
    // Rejected credentials are said as every command says them, whatever the caller asked.
    if (r.status === 401) throw this.transport.apiError(method.toUpperCase(), path, r);
    return { status: r.status, body: r.body };
  }

  warm(): void {
    this.dispatcher.warm?.();
  }

  close(): void {
    this.dispatcher.close();
  }

  private makeOps(kind: KindDescriptor): ResourceOps {
    const t = this.transport;
    const collectionPath = (namespace?: string) => collectionPathOf(kind, namespace);
    const objectPath = (namespace: string, name: string) => objectPathOf(kind, namespace, name);
    const call = (method: string, path: string, ro: RequestOptions = {}) => t.call(method, path, { ...ro, resource: kind });
    const dry = (o?: WriteOptions) => (o?.dryRun ? { dryRun: 'All' } : undefined);
    const server = t.server.origin;
    /** The body of a 2xx answer to a write or a GET of one object: a stored object, or a BadAnswerError. */
    const stored = (method: string, path: string, body: unknown, write: boolean, dryRun = false): StoredObject => {
      // A dry run's answer may have no resourceVersion: nothing was stored.
      const problem = objectProblem(body, 'the answer', !dryRun);
      if (problem) {
        const e = new BadAnswerError(method, server + path, withArticle(kind.kind), problem);
        if (write) e.outcome = 'unknown';
        throw e;
      }
      return body as StoredObject;
    };
    const get = async (namespace: string, name: string): Promise<StoredObject> => {
      const path = objectPath(namespace, name);
      return stored('GET', path, (await call('GET', path)).body, false);
    };
    /**
     * After a write whose answer was lost: one GET (no retries) to learn what the server holds.
     * The object, null when it does not exist, undefined when the check got no usable answer.
     */
    const check = async (namespace: string, name: string): Promise<StoredObject | null | undefined> => {
      try {
        const r = await t.send('GET', objectPath(namespace, name), { maxAttempts: 1 });
        if (r.status === 200 && typeof r.body?.metadata?.resourceVersion === 'string') return r.body;
        if (r.status === 404 && !(r.body?.kind === 'Status' && !r.body.details?.name && !r.body.details?.kind)) return null;
        return undefined;
      } catch {
        return undefined;
      }
    };
    /**
     * A write failed with no answer after it may have reached the server: check what the server
     * holds. Resolves with what `done` makes of the stored object (the write counts as done), or
     * throws the error with its outcome: `not-done` when the server answered the check, `unknown`
     * when it did not.
     */
    const settle = async <T>(e: unknown, namespace: string, name: string, done: (stored: StoredObject | null) => T | undefined, dryRun?: boolean): Promise<T> => {
      if (e instanceof ConnectionError && e.ambiguous && !dryRun) {
        const stored = await check(namespace, name);
        if (stored === undefined) e.outcome = 'unknown';
        else {
          const result = done(stored);
          if (result !== undefined) return result;
          e.outcome = 'not-done';
        }
      }
      throw e;
    };
    const ops: ResourceOps = {
      get,
      async create(object, o) {
        const ns = object.metadata.namespace!;
        // A create carrying a resourceVersion is refused (500) by the server: sent without one.
        let body = object;
        if (object.metadata.resourceVersion !== undefined) {
          body = { ...object, metadata: { ...object.metadata } };
          delete body.metadata.resourceVersion;
        }
        try {
          const r = await call('POST', collectionPath(ns), { query: dry(o), body });
          return { object: stored('POST', collectionPath(ns), r.body, !o?.dryRun, o?.dryRun) };
        } catch (e) {
          // A retried create that meets AlreadyExists: did an earlier attempt store it?
          if (e instanceof ApiError && e.status === 409 && e.reason === 'AlreadyExists' && ambiguous(e) && !o?.dryRun) {
            const stored = await get(ns, object.metadata.name);
            if (sameContent(stored, object)) return { object: stored, recovered: true };
          }
          return settle(e, ns, object.metadata.name, (stored) => (stored && sameContent(stored, object) ? { object: stored, recovered: true } : undefined), o?.dryRun);
        }
      },
      async listPage(o) {
        const query: Record<string, string | undefined> = { labelSelector: o.labelSelector || undefined, continue: o.continue };
        if (o.chunkSize) query.limit = String(o.chunkSize);
        const r = await call('GET', collectionPath(o.namespace), { query });
        const problem = listProblem(r.body);
        if (problem) throw new BadAnswerError('GET', t.url(collectionPath(o.namespace), query).href, withArticle(`${kind.kind}List`), problem);
        const body = r.body;
        return { items: body.items, continue: body.metadata?.continue || undefined, resourceVersion: body.metadata?.resourceVersion };
      },
      async *list(o) {
        let token: string | undefined;
        // A server that hands back a token it gave before (or never stops) would loop forever.
        const seen = new Set<string>();
        let pages = 0;
        do {
          const page = await ops.listPage({ ...o, continue: token });
          pages++;
          yield page.items;
          token = page.continue;
          if (token !== undefined) {
            const url = server + collectionPath(o.namespace);
            if (seen.has(token)) throw new BadAnswerError('GET', url, 'a finite list', `page ${pages} hands back the continue token of an earlier page, so the list would never end`);
            if (pages >= MAX_PAGES) throw new BadAnswerError('GET', url, 'a finite list', `still not at the end after ${MAX_PAGES} pages; a larger --chunk-size takes fewer`);
            seen.add(token);
          }
        } while (token !== undefined);
      },
      async replace(object, o) {
        const ns = object.metadata.namespace!;
        try {
          const r = await call('PUT', objectPath(ns, object.metadata.name), { query: dry(o), body: object });
          return { object: stored('PUT', objectPath(ns, object.metadata.name), r.body, !o?.dryRun, o?.dryRun) };
        } catch (e) {
          // A retried update that meets Conflict: did an earlier attempt store it?
          if (e instanceof ApiError && e.status === 409 && e.reason === 'Conflict' && ambiguous(e) && !o?.dryRun) {
            const stored = await get(ns, object.metadata.name);
            if (stored.metadata.resourceVersion !== object.metadata.resourceVersion && sameContent(stored, object)) return { object: stored, recovered: true };
          }
          return settle(
            e,
            ns,
            object.metadata.name,
            (stored) => (stored && stored.metadata.resourceVersion !== object.metadata.resourceVersion && sameContent(stored, object) ? { object: stored, recovered: true } : undefined),
            o?.dryRun,
          );
        }
      },
      async patch(namespace, name, patch, o) {
        const r = await call('PATCH', objectPath(namespace, name), { query: dry(o), body: patch, contentType: 'application/merge-patch+json' });
        return { object: stored('PATCH', objectPath(namespace, name), r.body, !o?.dryRun, o?.dryRun) };
      },
      async delete(namespace, name, o) {
        try {
          await call('DELETE', objectPath(namespace, name), { query: dry(o) });
          return {};
        } catch (e) {
          // A retried delete that meets NotFound: an earlier attempt deleted it.
          if (e instanceof ApiError && e.status === 404 && !e.missingResource && ambiguous(e) && !o?.dryRun) return { recovered: true };
          return settle(e, namespace, name, (stored) => (stored === null ? { recovered: true } : undefined), o?.dryRun);
        }
      },
    };
    return ops;
  }
}
