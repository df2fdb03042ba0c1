// One HTTP route of a VirtualService, as Istio 1.30 validates it (validateHTTPRoute in
// pkg/config/validation/virtualservice.go and its helpers in validation.go), in Istio's order:
// conflicts, matches, header operations, CORS, fault, mirrors, redirect, direct response, retries,
// rewrite, authority rewrite, destinations, timeout. Pure.

import { at, checkDuration, isDNS1123Label, labelProblems, nanosOf, portProblem, push, type Findings } from './common.ts';
import { checkDestination, checkGatewayNames, checkHTTPRouteDestinations } from './destination.ts';
import { nanosPart } from './duration.ts';
import { corsHeaderNameProblem, headerNameOrClaimProblem, headerOperationProblems, isAuthorityHeader } from './headers.ts';
import { re2Problem } from './re2.ts';
import { byteLength, goFixed, goFloat, goQuote } from './text.ts';
import type { CorsPolicy, HTTPDirectResponse, HTTPFaultInjection, HTTPMatchRequest, HTTPMirrorPolicy, HTTPRedirect, HTTPRetry, HTTPRewrite, HTTPRoute, Percent, StringMatch } from './virtualservice-schema.ts';

const RE2_HINT = 'Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)';

/** validateStringRegexp. */
export function regexProblem(re: string, where: string): string | undefined {
  if (byteLength(re) > 1024) return `${goQuote(where)}: regex is too large, max length allowed is 1024`;
  const e = re2Problem(re);
  return e === undefined ? undefined : `${goQuote(where)}: ${e}; ${RE2_HINT}`;
}

/** validateStringMatchRegexp. */
function stringMatchRegexpProblem(sm: StringMatch | undefined, where: string): string | undefined {
  if (sm?.regex === undefined) return undefined;
  if (sm.regex === '') return `${goQuote(where)}: regex string match should not be empty`;
  return regexProblem(sm.regex, where);
}

/** validateStringMatch. */
function stringMatchProblem(sm: StringMatch | undefined, where: string): string | undefined {
  if (sm?.prefix !== undefined) return sm.prefix === '' ? `${goQuote(where)}: prefix string match should not be empty` : undefined;
  return stringMatchRegexpProblem(sm, where);
}

type RouteType = 'independent' | 'root' | 'delegate';

/** validateHTTPRouteConflict. */
function checkConflicts(h: HTTPRoute, type: RouteType, path: string, f: Findings): void {
  const out = (m: string) => f.problems.push(at(m, path));
  if (type === 'root') {
    if (h.redirect !== undefined) out(`root HTTP route ${h.name ?? ''} must not specify redirect`);
    if (h.route !== undefined) out(`root HTTP route ${h.name ?? ''} must not specify route`);
    return;
  }
  if (type === 'delegate' && h.delegate !== undefined) out('delegate HTTP route cannot contain delegate');
  const routes = (h.route ?? []).length > 0;
  if (h.redirect !== undefined) {
    if (routes) out('HTTP route cannot contain both route and redirect');
    if (h.fault !== undefined) out('HTTP route cannot contain both fault and redirect');
    if (h.rewrite !== undefined) out('HTTP route rule cannot contain both rewrite and redirect');
    if (h.directResponse !== undefined) out('HTTP route rule cannot contain both direct_response and redirect');
  } else if (h.directResponse !== undefined) {
    if (routes) out('HTTP route cannot contain both route and direct_response');
    if (h.fault !== undefined) out('HTTP route cannot contain both fault and direct_response');
    if (h.rewrite !== undefined) out('HTTP route rule cannot contain both rewrite and direct_response');
  } else if (!routes) {
    out('HTTP route, redirect or direct_response is required');
  }
  if (h.mirror !== undefined && (h.mirrors ?? []).length > 0) out('HTTP route cannot contain both mirror and mirrors');
}

function checkMatchStrings(m: HTTPMatchRequest, path: string, f: Findings): void {
  const headers = m.headers ?? {};
  for (const name of Object.keys(headers)) {
    push(f.problems, headerNameOrClaimProblem(name), name === '' ? `${path}.headers` : undefined);
    const problem = stringMatchProblem(headers[name], 'headers');
    if (problem !== undefined) push(f.problems, problem, `${path}.headers[${name}]`);
  }
  for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
    push(f.problems, headerNameOrClaimProblem(name), name === '' ? `${path}.withoutHeaders` : undefined);
    // `*` is not RE2: it means "present".
    if (sm.regex !== '*') push(f.problems, stringMatchProblem(sm, 'withoutHeaders'), `${path}.withoutHeaders[${name}]`);
  }
  if (m.uri !== undefined) push(f.problems, stringMatchRegexpProblem(m.uri, 'uri'), `${path}.uri`);
  if (m.scheme !== undefined) push(f.problems, stringMatchProblem(m.scheme, 'scheme'), `${path}.scheme`);
  if (m.method !== undefined) push(f.problems, stringMatchProblem(m.method, 'method'), `${path}.method`);
  if (m.authority !== undefined) push(f.problems, stringMatchProblem(m.authority, 'authority'), `${path}.authority`);
  for (const [name, qp] of Object.entries(m.queryParams ?? {})) push(f.problems, stringMatchProblem(qp, 'queryParams'), `${path}.queryParams[${name}]`);
}

/** validateHTTPRouteMatchRequest: string matches first, for every match; then ports, labels, gateways. */
function checkMatches(h: HTTPRoute, path: string, f: Findings): void {
  const matches = h.match ?? [];
  // Loops over the matches skip holes, as forEach did.
  for (let i = 0; i < matches.length; i++) if (i in matches && matches[i] !== null) checkMatchStrings(matches[i]!, `${path}.match[${i}]`, f);
  for (let i = 0; i < matches.length; i++) {
    if (!(i in matches)) continue;
    const m = matches[i]!;
    if (m === null) continue;
    const p = `${path}.match[${i}]`;
    if (m.port) push(f.problems, portProblem(m.port), `${p}.port`);
    if (m.sourceLabels !== undefined) f.problems.push(...labelProblems(m.sourceLabels));
    if (m.gateways !== undefined) checkGatewayNames(m.gateways, `${p}.gateways`, f);
    if (m.sourceNamespace && !isDNS1123Label(m.sourceNamespace)) f.problems.push(`sourceNamespace match ${m.sourceNamespace} is invalid`);
  }
}

/** validateCORSPolicy. */
function checkCors(c: CorsPolicy | undefined, path: string, f: Findings): void {
  if (c === undefined) return;
  (c.allowOrigins ?? []).forEach((o, i) => {
    if (o === null) return;
    const p = `${path}.allowOrigins[${i}]`;
    const value = o.exact ?? o.prefix ?? o.regex ?? '';
    if (value === '') f.problems.push(at(`'' is not a valid match type for CORS allow origins`, p));
    else push(f.problems, stringMatchRegexpProblem(o, 'corsPolicy.allowOrigins'), p);
  });
  for (const m of c.allowMethods ?? []) if (m !== null && !CORS_METHODS.has(m)) f.problems.push(`${goQuote(m)} is not a supported HTTP method`);
  (c.allowHeaders ?? []).forEach((n, i) => n !== null && push(f.problems, corsHeaderNameProblem(n), n === '' ? `${path}.allowHeaders[${i}]` : undefined));
  (c.exposeHeaders ?? []).forEach((n, i) => n !== null && push(f.problems, corsHeaderNameProblem(n), n === '' ? `${path}.exposeHeaders[${i}]` : undefined));
  if (c.maxAge !== undefined) {
    checkDuration(c.maxAge, `${path}.maxAge`, f.problems);
    const n = nanosOf(c.maxAge);
    if (n !== undefined && nanosPart(n) > 0n) f.problems.push(at('max_age duration is accurate only to seconds precision', `${path}.maxAge`));
  }
}

const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);

/** validatePercentage. */
function percentageProblem(p: Percent | undefined): string | undefined {
  if (p === undefined) return undefined;
  const v = p.value ?? 0;
  if (v < 0 || v > 100 || (v > 0 && v < 0.0001)) return `percentage ${goFloat(v)} is neither 0.0, nor in range [0.0001, 100.0]`;
  return undefined;
}

const GRPC_STATUS = new Set(['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED']);

/** validateHTTPStatus: note 600 passes, as in Istio. */
function httpStatusProblem(status: number): string | undefined {
  return status < 200 || status > 600 ? `HTTP status ${status} is not in range 200-599` : undefined;
}

/** validateHTTPFaultInjection. */
function checkFault(fault: HTTPFaultInjection | undefined, path: string, f: Findings): void {
  if (fault === undefined) return;
  if (fault.abort === undefined && fault.delay === undefined) f.problems.push(at('HTTP fault injection must have an abort and/or a delay', path));
  const abort = fault.abort;
  if (abort !== undefined) {
    push(f.problems, percentageProblem(abort.percentage), `${path}.abort.percentage`);
    if (abort.grpcStatus !== undefined) {
      if (!GRPC_STATUS.has(abort.grpcStatus)) f.problems.push(`gRPC status ${goQuote(abort.grpcStatus)} is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`);
    } else if (abort.http2Error !== undefined) {
      f.problems.push(at('HTTP/2 abort fault injection not supported yet', `${path}.abort.http2Error`));
    } else if (abort.httpStatus !== undefined) {
      push(f.problems, httpStatusProblem(abort.httpStatus), `${path}.abort.httpStatus`);
    } else if (!f.bad.has(`${path}.abort.httpStatus`)) {
      f.warnings.push(at('abort configured, but error type not set', `${path}.abort`));
    }
  }
  const delay = fault.delay;
  if (delay !== undefined) {
    push(f.problems, percentageProblem(delay.percentage), `${path}.delay.percentage`);
    if (delay.fixedDelay !== undefined) checkDuration(delay.fixedDelay, `${path}.delay.fixedDelay`, f.problems);
    else if (delay.exponentialDelay !== undefined) {
      checkDuration(delay.exponentialDelay, `${path}.delay.exponentialDelay`, f.problems);
      f.problems.push(at('exponentialDelay not supported yet', `${path}.delay.exponentialDelay`));
    }
  }
}

/** The mirror percentages of the route itself. */
function checkMirrorPercent(h: HTTPRoute, path: string, f: Findings): void {
  const legacy = h.mirrorPercent ?? h.mirror_percent;
  if (legacy !== undefined) {
    if (legacy > 100) f.problems.push(at(`mirror_percent must have a max value of 100 (it has ${legacy})`, `${path}.mirrorPercent`));
    f.warnings.push(at('using deprecated setting "mirrorPercent", use "mirrorPercentage" instead', `${path}.mirrorPercent`));
  }
  if (h.mirrorPercentage !== undefined) {
    const v = h.mirrorPercentage.value ?? 0;
    if (v > 100) f.problems.push(at(`mirror_percentage must have a max value of 100 (it has ${goFixed(v)})`, `${path}.mirrorPercentage`));
    if (v < 0) f.problems.push(at(`mirror_percentage must have a min value of 0 (it has ${goFixed(v)})`, `${path}.mirrorPercentage`));
  }
}

/** validateHTTPMirrors. */
function checkMirrors(mirrors: HTTPMirrorPolicy[] | undefined, path: string, f: Findings): void {
  (mirrors ?? []).forEach((m, i) => {
    if (m === null) return;
    const p = `${path}[${i}]`;
    if (m.destination === undefined) {
      if (!f.bad.has(`${p}.destination`)) f.problems.push(at('destination is required for mirrors', p));
      return;
    }
    checkDestination(m.destination, `${p}.destination`, f);
    if (m.percentage !== undefined) {
      const v = m.percentage.value ?? 0;
      if (v > 100) f.problems.push(at(`mirror percentage must have a max value of 100 (it has ${goFixed(v)})`, `${p}.percentage`));
      if (v < 0) f.problems.push(at(`mirror percentage must have a min value of 0 (it has ${goFixed(v)})`, `${p}.percentage`));
    }
  });
}

/** validateHTTPRedirect (Istio stops at its first error; we report each). */
function checkRedirect(r: HTTPRedirect | undefined, path: string, f: Findings): void {
  if (r === undefined) return;
  const hasPort = r.port !== undefined || r.derivePort !== undefined;
  if (!r.uri && !r.authority && !hasPort && !r.scheme) f.problems.push(at('redirect must specify URI, authority, scheme, or port', path));
  if (r.redirectCode && (r.redirectCode < 300 || r.redirectCode > 399)) f.problems.push(at(`${r.redirectCode} is not a valid redirect code, must be 3xx`, `${path}.redirectCode`));
  if (r.scheme && r.scheme !== 'http' && r.scheme !== 'https') f.problems.push(at('invalid redirect scheme, must be "http" or "https"', `${path}.scheme`));
  if (r.port) push(f.problems, portProblem(r.port), `${path}.port`);
}

/** The body size Istio measures: the string's bytes, or the decoded bytes. */
function bodySize(body: HTTPDirectResponse['body']): number {
  if (body?.string !== undefined) return byteLength(body.string);
  if (body?.bytes !== undefined) return Buffer.from(body.bytes, 'base64').length;
  return 0;
}

/** validateHTTPDirectResponse. */
function checkDirectResponse(d: HTTPDirectResponse | undefined, path: string, f: Findings): void {
  if (d === undefined) return;
  const size = bodySize(d.body);
  if (size > 1024 * 1024) f.problems.push(at('large direct_responses may impact control plane performance, must be less than 1MB', `${path}.body`));
  else if (size > 100 * 1024) f.warnings.push(at('large direct_responses may impact control plane performance', `${path}.body`));
  if (!f.bad.has(`${path}.status`)) push(f.problems, httpStatusProblem(d.status ?? 0), `${path}.status`);
}

/** Go's net/http status codes that have a text (http.StatusText). */
const HTTP_STATUS = new Set([100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]);
const RETRY_ON = new Set(['5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream', 'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable']);

/** validateHTTPRetry. */
function checkRetries(r: HTTPRetry | undefined, path: string, f: Findings): void {
  if (r === undefined) return;
  const attempts = r.attempts ?? 0;
  if (attempts < 0) f.problems.push(at('attempts cannot be negative', `${path}.attempts`));
  if (attempts === 0 && !f.bad.has(`${path}.attempts`) && (r.perTryTimeout !== undefined || (r.retryOn ?? '') !== '' || r.retryRemoteLocalities !== undefined)) {
    f.problems.push(at('http retry policy configured when attempts are set to 0 (disabled)', path));
  }
  checkDuration(r.perTryTimeout, `${path}.perTryTimeout`, f.problems);
  if (r.retryOn) {
    for (const policy of r.retryOn.split(',')) {
      const code = /^[+-]?[0-9]+$/.test(policy) ? Number(policy) : 0;
      if (!HTTP_STATUS.has(code) && !RETRY_ON.has(policy)) f.problems.push(`${goQuote(policy)} is not a valid retryOn policy`);
    }
  }
  checkDuration(r.backoff, `${path}.backoff`, f.problems);
}

/** validateHTTPRewrite, validateURIRegexRewrite. */
function checkRewrite(r: HTTPRewrite | undefined, path: string, f: Findings): void {
  if (r === undefined) return;
  const uri = r.uri ?? '';
  if (uri !== '' && r.uriRegexRewrite !== undefined) {
    f.problems.push(at('rewrite may only contain one of URI or UriRegexRewrite', path));
    return;
  }
  if (uri === '' && r.uriRegexRewrite === undefined && !r.authority) {
    f.problems.push(at('rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified', path));
    return;
  }
  const rr = r.uriRegexRewrite;
  if (rr === undefined) return;
  // Istio joins the two errors with a newline (errors.Join); one line reads better in a list.
  if (!rr.match || !rr.rewrite) f.problems.push(at('UriRegexRewrite has errors: UriRegexRewrite requires both Rewrite and Match fields to be specified', `${path}.uriRegexRewrite`));
  else {
    const e = regexProblem(rr.match, 'HTTPRewrite.UriRegexRewrite.Match');
    if (e !== undefined) f.problems.push(`UriRegexRewrite has errors: ${e}`);
  }
}

/** validateAuthorityRewrite: the authority may be rewritten in one place only. */
function checkAuthorityRewrite(h: HTTPRoute, path: string, f: Findings): void {
  let current = h.rewrite?.authority ?? '';
  for (const ops of [h.headers?.request?.set, h.headers?.request?.add]) {
    for (const [k, v] of Object.entries(ops ?? {})) {
      if (!isAuthorityHeader(k)) continue;
      if (current !== '') {
        f.problems.push(at(`authority header cannot be set multiple times: have ${goQuote(current)}, attempting to set ${goQuote(v)}`, `${path}.headers.request`));
        return;
      }
      current = v;
    }
  }
}

/** validateHTTPRoute. `delegate`: the VirtualService has no hosts (a delegate). */
export function checkHTTPRoute(h: HTTPRoute, delegate: boolean, path: string, f: Findings): void {
  const type: RouteType = delegate ? 'delegate' : h.delegate !== undefined ? 'root' : 'independent';
  checkConflicts(h, type, path, f);
  checkMatches(h, path, f);
  // Each check does nothing for an absent part: its path is written only for a present one.
  if (h.headers !== undefined) headerOperationProblems(h.headers, `${path}.headers`, f.problems);
  if (h.corsPolicy !== undefined) checkCors(h.corsPolicy, `${path}.corsPolicy`, f);
  if (h.fault !== undefined) checkFault(h.fault, `${path}.fault`, f);
  checkMirrorPercent(h, path, f);
  if (h.mirror !== undefined) checkDestination(h.mirror, `${path}.mirror`, f);
  if (h.mirrors !== undefined) checkMirrors(h.mirrors, `${path}.mirrors`, f);
  if (h.redirect !== undefined) checkRedirect(h.redirect, `${path}.redirect`, f);
  if (h.directResponse !== undefined) checkDirectResponse(h.directResponse, `${path}.directResponse`, f);
  if (h.retries !== undefined) checkRetries(h.retries, `${path}.retries`, f);
  if (h.rewrite !== undefined) checkRewrite(h.rewrite, `${path}.rewrite`, f);
  checkAuthorityRewrite(h, path, f);
  if (h.route !== undefined) checkHTTPRouteDestinations(h.route, `${path}.route`, f);
  if (h.timeout !== undefined) checkDuration(h.timeout, `${path}.timeout`, f.problems);
}
