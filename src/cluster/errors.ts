// What can go wrong talking to the cluster, and how each is said: kubectl's wording, one line each.
// Pure (no client-node, no I/O): commands import this statically.

import { resourceName, type KindDescriptor } from '../core/kinds/descriptor.ts';

/** The API server's Status object (every error body, and the body of a custom resource DELETE). */
export interface Status {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
    retryAfterSeconds?: number;
  };
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The server answered with an error status. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly reason: string;
  constructor(
    readonly status: number,
    readonly statusObject: Status | undefined,
    readonly method: string,
    readonly path: string,
    readonly server: string,
    /** The kind the request was about, when it was about one. */
    readonly resource?: KindDescriptor,
  ) {
    super(apiErrorMessage(status, statusObject));
    this.reason = statusObject?.reason || REASON_BY_CODE[status] || (status >= 500 ? 'InternalError' : 'Unknown');
  }

  /** A 404 that is not about an object: the resource type is not served (the CRD is missing). */
  get missingResource(): boolean {
    if (this.status !== 404) return false;
    const d = this.statusObject?.details;
    return !d || (!d.name && !d.kind);
  }

  /** A 404 for the namespace (on create): the namespace does not exist. */
  get missingNamespace(): boolean {
    return this.status === 404 && this.statusObject?.details?.kind === 'namespaces';
  }

  /** Errors about the connection or the credentials rather than about one object. */
  get fatal(): boolean {
    return this.status === 401 || this.missingResource || (this.status === 403 && !this.statusObject?.details?.name);
  }
}

/** No answer from the server: refused, reset, TLS, DNS, timeout. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  constructor(
    message: string,
    readonly code: string,
    readonly server: string,
    /** Worth retrying (a reset, a timeout), as opposed to refused, TLS or DNS failures. */
    readonly transient: boolean,
  ) {
    super(message);
  }
  /**
   * The request (or an earlier attempt of it) may have been carried out though no answer came: a
   * reset or a timeout after it was sent. Set by the transport.
   */
  ambiguous = false;
  /**
   * For a write whose answer was lost, what a check afterwards found: `not-done` (the server
   * answered a GET and the object is not as the write would have left it) or `unknown` (the
   * check got no answer either: the object may or may not have been written). Set by the client.
   */
  outcome?: 'not-done' | 'unknown';
  get reason(): string {
    return this.code;
  }
  /**
   * Stops a batch: the server cannot be reached. Not when a check afterwards got an answer: then
   * the server is reachable and this object's fate is known.
   */
  get fatal(): boolean {
    return this.outcome !== 'not-done';
  }
  /** What happened, for `NAME: unknown, <this>`: `the connection was reset after the request was sent`. */
  get lostAnswer(): string {
    if (this.code === 'Timeout' || this.code === 'ETIMEDOUT' || this.code === 'ESOCKETTIMEDOUT') return 'no answer came within the request timeout after the request was sent';
    if (this.code === 'ECONNRESET' || this.code === 'EPIPE' || this.code === 'ECONNABORTED') return 'the connection was reset after the request was sent';
    return `the connection failed (${this.code}) after the request was sent`;
  }
  /** Short, for summaries: `connection reset`. */
  get shortCause(): string {
    if (this.code === 'Timeout' || this.code === 'ETIMEDOUT' || this.code === 'ESOCKETTIMEDOUT') return 'timed out';
    if (this.code === 'ECONNRESET' || this.code === 'EPIPE' || this.code === 'ECONNABORTED') return 'connection reset';
    return this.code;
  }
}

/** Problems with the kubeconfig: said once, nothing is sent. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

/** No kubeconfig anywhere (not one that is named and missing): a client dry run can do without. */
export class NoKubeconfigError extends KubeconfigError {
  override name = 'NoKubeconfigError';
}

/**
 * The server answered with a success status but not with what the API promises (an HTML page from
 * a proxy, `{"items":5}`, a created object without metadata). For a write, whether it was carried
 * out is unknown.
 */
export class BadAnswerError extends Error {
  override name = 'BadAnswerError';
  /** Writes: the server said yes in a way we cannot read, so the object may have been written. */
  outcome?: 'unknown';
  constructor(
    readonly method: string,
    readonly url: string,
    /** What the answer should have been: `an EgressRule`, `a RouteRuleList`. */
    readonly expected: string,
    problem: string,
  ) {
    super(`the server's answer to ${method} ${url} is not ${expected} (${problem})`);
  }
  get reason(): string {
    return 'BadAnswer';
  }
  /** A server that answers like this will not do better for the next object. */
  get fatal(): boolean {
    return true;
  }
  get lostAnswer(): string {
    return `the server answered but not with ${this.expected}`;
  }
  get shortCause(): string {
    return 'unreadable answer';
  }
}

/** A request path that would not address the one object meant (a name `..`, an empty namespace): never sent. */
export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

export type ClusterError = ApiError | ConnectionError | BadAnswerError;

export function isClusterError(e: unknown): e is ClusterError {
  return e instanceof ApiError || e instanceof ConnectionError || e instanceof BadAnswerError;
}

function apiErrorMessage(status: number, s: Status | undefined): string {
  if (status === 401) return 'the server has asked for the client to provide credentials';
  return s?.message || `the server responded with the status code ${status} but did not return more information`;
}

/** What a cluster without the kind's CRD is told. */
export function missingCrdMessage(d: KindDescriptor): string {
  return `the server has no ${resourceName(d)}: the ${d.kind} custom resource definition is not installed (${d.installedBy}; \`egressctl serve\` serves it locally)`;
}

/**
 * The one line a user sees for an error, as kubectl says it:
 * `Error from server (AlreadyExists): egressrules.config.istio.io "x" already exists`.
 * Whether it starts with `error: ` is the caller's affair (see `errorLine`).
 */
export function describeError(e: unknown): string {
  if (e instanceof ConnectionError) return e.message;
  if (e instanceof ApiError) {
    if (e.status === 401) {
      return `You must be logged in to the server (Unauthorized): ${e.server} rejected the credentials of the kubeconfig's user`;
    }
    if (e.missingResource) return e.resource ? missingCrdMessage(e.resource) : `the server does not serve ${e.path}`;
    const s = e.statusObject;
    if (e.status === 422 && s?.details?.causes?.length) {
      const causes = s.details.causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ');
      return `The ${s.details.kind ?? e.resource?.kind ?? 'object'} "${s.details.name ?? ''}" is invalid: ${causes}`;
    }
    return `Error from server (${e.reason}): ${e.message}`;
  }
  if (e instanceof KubeconfigError) return e.message;
  return (e as Error)?.message ?? String(e);
}

/** True when the line printed for this error should carry kubectl's `error: ` prefix. */
export function wantsErrorPrefix(e: unknown): boolean {
  if (e instanceof ApiError) return e.status === 401 || e.missingResource || (e.status === 422 && !!e.statusObject?.details?.causes?.length);
  if (e instanceof ConnectionError) return !e.message.startsWith('The connection to the server');
  return true;
}

/** A short reason for summaries: `wikipedia-range4 (AlreadyExists)`. */
export function shortReason(e: unknown): string {
  if (e instanceof ApiError) return e.missingResource ? 'NoCRD' : e.reason;
  if (e instanceof ConnectionError) return e.code;
  if (e instanceof BadAnswerError) return e.reason;
  return 'Error';
}

/** Maps a Node network error to the message kubectl would print. */
export function connectionErrorFrom(err: NodeJS.ErrnoException, server: string, host: string): ConnectionError {
  const code = err.code ?? 'ERROR';
  switch (code) {
    case 'ECONNREFUSED':
      return new ConnectionError(`The connection to the server ${host} was refused - did you specify the right host or port?`, code, server, false);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(`Unable to connect to the server: cannot resolve the host of ${server} (${code})`, code, server, code === 'EAI_AGAIN');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectionError(`Unable to connect to the server ${host}: no route to host (${code})`, code, server, false);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return new ConnectionError(`Unable to connect to the server ${host}: the connection was reset (${code})`, code, server, true);
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return new ConnectionError(`Unable to connect to the server ${host}: timed out (${code})`, code, server, true);
  }
  const tls = tlsProblem(code, err.message);
  if (tls) return new ConnectionError(`Unable to connect to the server ${host}: TLS failed: ${tls}`, code, server, false);
  if (/socket hang up/i.test(err.message)) {
    return new ConnectionError(`Unable to connect to the server ${host}: the connection was closed before a response (socket hang up)`, 'ECONNRESET', server, true);
  }
  return new ConnectionError(`Unable to connect to the server ${host}: ${err.message}`, code, server, false);
}

function tlsProblem(code: string, message: string): string | undefined {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `certificate signed by unknown authority (${code}); check certificate-authority(-data) in the kubeconfig`;
    case 'CERT_HAS_EXPIRED':
      return `the server's certificate has expired (${code})`;
    case 'CERT_NOT_YET_VALID':
      return `the server's certificate is not yet valid (${code})`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the server's certificate is not valid for this host (${code}); check the server URL or tls-server-name`;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `no TLS handshake (${code}); is the server speaking plain http? ${message.includes('wrong version number') ? '(wrong version number)' : ''}`.trim();
  }
  if (/^ERR_SSL_|^ERR_TLS_|CERT/.test(code)) return `${message} (${code})`;
  return undefined;
}
