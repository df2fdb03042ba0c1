// The RouteRule spec of Istio 0.4 (istio.routing.v1alpha1.RouteRule): reading it as istioctl 0.4
// did, and ValidateRouteRule's rules and messages, every problem at once. Pure.
//
// Proto: istio/api@7eada332 routing/v1alpha1/route_rule.proto, http_fault.proto, l4_fault.proto.
// Rules: istio/istio@0.4.0 pilot/model/validation.go. How values are read, the order of the
// problems and the context added to Istio's messages are described in istio-service.ts.

import { absent, fieldTable, isObject, show } from '../fields.ts';
import {
  at, checkDuration, checkFloatPercent, checkHeaderName, checkIPv4Subnet, checkIstioService, checkPercent, checkTags,
  durationNanos, goQuote, jsonNumber, mapPath, readIstioService, SpecReader,
  type AnyValue, type Broken, type IstioService,
} from './istio-service.ts';
import { dig, istioServiceCell, stringCell, type KindDescriptor } from './descriptor.ts';

export interface StringMatch { exact?: string; prefix?: string; regex?: string }
export interface L4MatchAttributes { sourceSubnet?: string[]; destinationSubnet?: string[] }
export interface MatchRequest { headers?: Record<string, StringMatch> }
export interface MatchCondition { source?: IstioService; tcp?: L4MatchAttributes; udp?: L4MatchAttributes; request?: MatchRequest }
export interface DestinationWeight { destination?: IstioService; labels?: Record<string, string>; weight?: number }
/** HTTPRedirect and HTTPRewrite have the same two fields. */
export interface HTTPRedirect { uri?: string; authority?: string }
export interface HTTPTimeout { simpleTimeout?: { timeout?: string; overrideHeaderName?: string }; custom?: AnyValue }
export interface HTTPRetry { simpleRetry?: { attempts?: number; perTryTimeout?: string; overrideHeaderName?: string }; custom?: AnyValue }
export interface HTTPDelay { percent?: number; fixedDelay?: string; exponentialDelay?: string; overrideHeaderName?: string }
export interface HTTPAbort { percent?: number; grpcStatus?: string; http2Error?: string; httpStatus?: number; overrideHeaderName?: string }
export interface HTTPFaultInjection { delay?: HTTPDelay; abort?: HTTPAbort }
export interface L4Throttle {
  percent?: number; downstreamLimitBps?: string; upstreamLimitBps?: string;
  throttleAfterPeriod?: string; throttleAfterBytes?: number; throttleForPeriod?: string;
}
export interface L4FaultInjection { throttle?: L4Throttle; terminate?: { percent?: number; terminateAfterPeriod?: string } }
export interface CorsPolicy {
  allowOrigin?: string[]; allowMethods?: string[]; allowHeaders?: string[]; exposeHeaders?: string[];
  maxAge?: string; allowCredentials?: boolean;
}

/** A RouteRule spec as sent: lowerCamel names, in proto order, defaults left out. */
export interface RouteRuleSpec {
  destination?: IstioService;
  precedence?: number;
  match?: MatchCondition;
  route?: DestinationWeight[];
  redirect?: HTTPRedirect;
  rewrite?: HTTPRedirect;
  websocketUpgrade?: boolean;
  httpReqTimeout?: HTTPTimeout;
  httpReqRetries?: HTTPRetry;
  httpFault?: HTTPFaultInjection;
  l4Fault?: L4FaultInjection;
  mirror?: IstioService;
  corsPolicy?: CorsPolicy;
  appendHeaders?: Record<string, string>;
}

const SPEC_FIELDS = fieldTable('destination', 'precedence', 'match', 'route', 'redirect', 'rewrite', 'websocket_upgrade', 'http_req_timeout', 'http_req_retries', 'http_fault', 'l4_fault', 'mirror', 'cors_policy', 'append_headers');
const MATCH_FIELDS = fieldTable('source', 'tcp', 'udp', 'request');
const L4_MATCH_FIELDS = fieldTable('source_subnet', 'destination_subnet');
const REQUEST_FIELDS = fieldTable('headers');
const STRING_MATCH_FIELDS = fieldTable('exact', 'prefix', 'regex');
const WEIGHT_FIELDS = fieldTable('destination', 'labels', 'weight');
const REDIRECT_FIELDS = fieldTable('uri', 'authority');
const TIMEOUT_FIELDS = fieldTable('simple_timeout', 'custom');
const SIMPLE_TIMEOUT_FIELDS = fieldTable('timeout', 'override_header_name');
const RETRY_FIELDS = fieldTable('simple_retry', 'custom');
const SIMPLE_RETRY_FIELDS = fieldTable('attempts', 'per_try_timeout', 'override_header_name');
const FAULT_FIELDS = fieldTable('delay', 'abort');
const DELAY_FIELDS = fieldTable('percent', 'fixed_delay', 'exponential_delay', 'override_header_name');
const ABORT_FIELDS = fieldTable('percent', 'grpc_status', 'http2_error', 'http_status', 'override_header_name');
const L4_FAULT_FIELDS = fieldTable('throttle', 'terminate');
const THROTTLE_FIELDS = fieldTable('percent', 'downstream_limit_bps', 'upstream_limit_bps', 'throttle_after_period', 'throttle_after_bytes', 'throttle_for_period');
const TERMINATE_FIELDS = fieldTable('percent', 'terminate_after_period');
const CORS_FIELDS = fieldTable('allow_origin', 'allow_methods', 'allow_headers', 'expose_headers', 'max_age', 'allow_credentials');

/** Keeps the entries whose value is defined, in the order given (proto order). */
function defined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

// ---------------------------------------------------------------------------------------------
// Reading

function readL4Match(r: SpecReader, v: unknown, path: string): L4MatchAttributes | undefined {
  const f = r.message(v, L4_MATCH_FIELDS, path);
  if (!f) return undefined;
  return defined({
    sourceSubnet: r.stringList(f.get('sourceSubnet'), `${path}.sourceSubnet`),
    destinationSubnet: r.stringList(f.get('destinationSubnet'), `${path}.destinationSubnet`),
  });
}

function readStringMatch(r: SpecReader, v: unknown, path: string): StringMatch {
  if (absent(v)) {
    // jsonpb stored a nil match here, and ValidateStringMatch then crashed istioctl.
    r.expected(path, 'a string match (exact, prefix or regex)', v);
    return {};
  }
  const f = r.message(v, STRING_MATCH_FIELDS, path);
  if (!f) return {};
  const member = r.oneof(f, path, 'match_type', ['exact', 'prefix', 'regex']) as keyof StringMatch | undefined;
  if (!member) return {};
  const s = r.string(f.get(member), `${path}.${member}`, true);
  return s === undefined ? {} : { [member]: s };
}

function readRequest(r: SpecReader, v: unknown, path: string): MatchRequest | undefined {
  const f = r.message(v, REQUEST_FIELDS, path);
  if (!f) return undefined;
  const raw = f.get('headers');
  if (absent(raw)) return {};
  if (!isObject(raw)) return r.expected(`${path}.headers`, 'a map of string matches', raw) ?? {};
  const headers: Record<string, StringMatch> = {};
  for (const [k, x] of Object.entries(raw)) headers[k] = readStringMatch(r, x, mapPath(`${path}.headers`, k));
  return Object.keys(headers).length > 0 ? { headers } : {};
}

/** Reads a MatchCondition (RouteRule and IngressRule share it). */
export function readMatchCondition(r: SpecReader, v: unknown, path: string): MatchCondition | undefined {
  const f = r.message(v, MATCH_FIELDS, path);
  if (!f) return undefined;
  return defined({
    source: readIstioService(r, f.get('source'), `${path}.source`),
    tcp: readL4Match(r, f.get('tcp'), `${path}.tcp`),
    udp: readL4Match(r, f.get('udp'), `${path}.udp`),
    request: readRequest(r, f.get('request'), `${path}.request`),
  });
}

function readRoute(r: SpecReader, v: unknown, path: string): DestinationWeight[] | undefined {
  const items = r.list(v, path);
  if (!items) return undefined;
  // As items.map would: a hole stays a hole.
  const route: DestinationWeight[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i in items) route[i] = readDestinationWeight(r, items[i], `${path}[${i}]`);
  }
  return route;
}

function readDestinationWeight(r: SpecReader, item: unknown, p: string): DestinationWeight {
  if (item === null) return r.expected(p, 'an object', item) ?? {};
  const f = r.message(item, WEIGHT_FIELDS, p);
  if (!f) return {};
  return defined({
    destination: readIstioService(r, f.get('destination'), `${p}.destination`),
    labels: r.stringMap(f.get('labels'), `${p}.labels`),
    weight: r.int32(f.get('weight'), `${p}.weight`),
  });
}

function readRedirect(r: SpecReader, v: unknown, path: string): HTTPRedirect | undefined {
  const f = r.message(v, REDIRECT_FIELDS, path);
  if (!f) return undefined;
  return defined({ uri: r.string(f.get('uri'), `${path}.uri`), authority: r.string(f.get('authority'), `${path}.authority`) });
}

function readTimeout(r: SpecReader, v: unknown, path: string): HTTPTimeout | undefined {
  const f = r.message(v, TIMEOUT_FIELDS, path);
  if (!f) return undefined;
  const member = r.oneof(f, path, 'timeout_policy', ['simpleTimeout', 'custom']);
  if (!member) return {};
  if (member === 'custom') return defined({ custom: r.any(f.get('custom'), `${path}.custom`) });
  const s = r.message(f.get('simpleTimeout'), SIMPLE_TIMEOUT_FIELDS, `${path}.simpleTimeout`);
  if (!s) return {};
  const p = `${path}.simpleTimeout`;
  return { simpleTimeout: defined({ timeout: r.duration(s.get('timeout'), `${p}.timeout`), overrideHeaderName: r.string(s.get('overrideHeaderName'), `${p}.overrideHeaderName`) }) };
}

function readRetry(r: SpecReader, v: unknown, path: string): HTTPRetry | undefined {
  const f = r.message(v, RETRY_FIELDS, path);
  if (!f) return undefined;
  const member = r.oneof(f, path, 'retry_policy', ['simpleRetry', 'custom']);
  if (!member) return {};
  if (member === 'custom') return defined({ custom: r.any(f.get('custom'), `${path}.custom`) });
  const p = `${path}.simpleRetry`;
  const s = r.message(f.get('simpleRetry'), SIMPLE_RETRY_FIELDS, p);
  if (!s) return {};
  return {
    simpleRetry: defined({
      attempts: r.int32(s.get('attempts'), `${p}.attempts`),
      perTryTimeout: r.duration(s.get('perTryTimeout'), `${p}.perTryTimeout`),
      overrideHeaderName: r.string(s.get('overrideHeaderName'), `${p}.overrideHeaderName`),
    }),
  };
}

function readDelay(r: SpecReader, v: unknown, path: string): HTTPDelay | undefined {
  const f = r.message(v, DELAY_FIELDS, path);
  if (!f) return undefined;
  const member = r.oneof(f, path, 'http_delay_type', ['fixedDelay', 'exponentialDelay']);
  return defined({
    percent: r.float(f.get('percent'), `${path}.percent`),
    [member ?? 'fixedDelay']: member ? r.duration(f.get(member), `${path}.${member}`) : undefined,
    overrideHeaderName: r.string(f.get('overrideHeaderName'), `${path}.overrideHeaderName`),
  });
}

function readAbort(r: SpecReader, v: unknown, path: string): HTTPAbort | undefined {
  const f = r.message(v, ABORT_FIELDS, path);
  if (!f) return undefined;
  const member = r.oneof(f, path, 'error_type', ['grpcStatus', 'http2Error', 'httpStatus']);
  const errorType = member === 'httpStatus' ? r.int32(f.get(member), `${path}.${member}`, true)
    : member ? r.string(f.get(member), `${path}.${member}`, true) : undefined;
  return defined({
    percent: r.float(f.get('percent'), `${path}.percent`),
    [member ?? 'httpStatus']: errorType,
    overrideHeaderName: r.string(f.get('overrideHeaderName'), `${path}.overrideHeaderName`),
  });
}

function readHTTPFault(r: SpecReader, v: unknown, path: string): HTTPFaultInjection | undefined {
  const f = r.message(v, FAULT_FIELDS, path);
  if (!f) return undefined;
  return defined({ delay: readDelay(r, f.get('delay'), `${path}.delay`), abort: readAbort(r, f.get('abort'), `${path}.abort`) });
}

function readThrottle(r: SpecReader, v: unknown, path: string): L4Throttle | undefined {
  const f = r.message(v, THROTTLE_FIELDS, path);
  if (!f) return undefined;
  const member = r.oneof(f, path, 'throttle_after', ['throttleAfterPeriod', 'throttleAfterBytes']);
  const after = member === 'throttleAfterPeriod' ? r.duration(f.get(member), `${path}.${member}`)
    : member ? r.float(f.get(member), `${path}.${member}`, 64, true) : undefined;
  return defined({
    percent: r.float(f.get('percent'), `${path}.percent`),
    downstreamLimitBps: r.int64(f.get('downstreamLimitBps'), `${path}.downstreamLimitBps`),
    upstreamLimitBps: r.int64(f.get('upstreamLimitBps'), `${path}.upstreamLimitBps`),
    [member ?? 'throttleAfterPeriod']: after,
    throttleForPeriod: r.duration(f.get('throttleForPeriod'), `${path}.throttleForPeriod`),
  });
}

function readL4Fault(r: SpecReader, v: unknown, path: string): L4FaultInjection | undefined {
  const f = r.message(v, L4_FAULT_FIELDS, path);
  if (!f) return undefined;
  const p = `${path}.terminate`;
  const t = r.message(f.get('terminate'), TERMINATE_FIELDS, p);
  return defined({
    throttle: readThrottle(r, f.get('throttle'), `${path}.throttle`),
    terminate: t && defined({ percent: r.float(t.get('percent'), `${p}.percent`), terminateAfterPeriod: r.duration(t.get('terminateAfterPeriod'), `${p}.terminateAfterPeriod`) }),
  });
}

function readCors(r: SpecReader, v: unknown, path: string): CorsPolicy | undefined {
  const f = r.message(v, CORS_FIELDS, path);
  if (!f) return undefined;
  const credentials = f.get('allowCredentials');
  return defined({
    allowOrigin: r.stringList(f.get('allowOrigin'), `${path}.allowOrigin`),
    allowMethods: r.stringList(f.get('allowMethods'), `${path}.allowMethods`),
    allowHeaders: r.stringList(f.get('allowHeaders'), `${path}.allowHeaders`),
    exposeHeaders: r.stringList(f.get('exposeHeaders'), `${path}.exposeHeaders`),
    maxAge: r.duration(f.get('maxAge'), `${path}.maxAge`),
    // A BoolValue: false is a value here, and is sent.
    allowCredentials: typeof credentials === 'boolean' ? credentials : r.bool(credentials, `${path}.allowCredentials`),
  });
}

function readRouteRule(r: SpecReader, spec: Record<string, unknown>): RouteRuleSpec {
  const f = r.message(spec, SPEC_FIELDS, 'spec')!;
  return defined({
    destination: readIstioService(r, f.get('destination'), 'spec.destination'),
    precedence: r.int32(f.get('precedence'), 'spec.precedence'),
    match: readMatchCondition(r, f.get('match'), 'spec.match'),
    route: readRoute(r, f.get('route'), 'spec.route'),
    redirect: readRedirect(r, f.get('redirect'), 'spec.redirect'),
    rewrite: readRedirect(r, f.get('rewrite'), 'spec.rewrite'),
    websocketUpgrade: r.bool(f.get('websocketUpgrade'), 'spec.websocketUpgrade'),
    httpReqTimeout: readTimeout(r, f.get('httpReqTimeout'), 'spec.httpReqTimeout'),
    httpReqRetries: readRetry(r, f.get('httpReqRetries'), 'spec.httpReqRetries'),
    httpFault: readHTTPFault(r, f.get('httpFault'), 'spec.httpFault'),
    l4Fault: readL4Fault(r, f.get('l4Fault'), 'spec.l4Fault'),
    mirror: readIstioService(r, f.get('mirror'), 'spec.mirror'),
    corsPolicy: readCors(r, f.get('corsPolicy'), 'spec.corsPolicy'),
    appendHeaders: r.stringMap(f.get('appendHeaders'), 'spec.appendHeaders'),
  });
}

// ---------------------------------------------------------------------------------------------
// Validation (ValidateRouteRule and the functions it calls, in their order)

function checkSubnets(m: L4MatchAttributes, path: string): string[] {
  const out: string[] = [];
  for (const key of ['sourceSubnet', 'destinationSubnet'] as const) {
    (m[key] ?? []).forEach((s, i) => {
      const err = checkIPv4Subnet(s);
      if (err) out.push(at(err, `${path}.${key}[${i}]`, s));
    });
  }
  return out;
}

function checkHeaders(headers: Record<string, StringMatch>, path: string, broken: Broken): string[] {
  const out: string[] = [];
  for (const name of Object.keys(headers).sort()) {
    const nameErr = checkHeaderName(name);
    if (nameErr) out.push(`header name ${goQuote(name)} invalid:  ${nameErr}`);
    if (broken.under(mapPath(path, name))) continue;
    const m = headers[name]!;
    const kind = m.exact !== undefined ? 'exact' : m.prefix !== undefined ? 'prefix' : m.regex !== undefined ? 'regex' : undefined;
    if (!kind) out.push(`header ${goQuote(name)} value invalid:  unrecognized string match ""`);
    else if (name === 'uri' && m[kind] === '') out.push(`${kind} header value for "uri" must be non-empty`);
  }
  return out;
}

/** ValidateMatchCondition. */
export function checkMatchCondition(mc: MatchCondition, path: string, broken: Broken): string[] {
  const out: string[] = [];
  if (mc.source) out.push(...checkIstioService(mc.source, `${path}.source`, broken));
  if (mc.tcp) out.push(...checkSubnets(mc.tcp, `${path}.tcp`));
  if (mc.udp) out.push(...checkSubnets(mc.udp, `${path}.udp`), 'UDP protocol not supported yet');
  if (mc.request?.headers) out.push(...checkHeaders(mc.request.headers, `${path}.request.headers`, broken));
  return out;
}

function checkRedirectAndRewrite(spec: RouteRuleSpec, broken: Broken): string[] {
  const out: string[] = [];
  const { rewrite, redirect } = spec;
  if (rewrite && !broken.under('spec.rewrite') && !rewrite.uri && !rewrite.authority) out.push('rewrite must specify path, host, or both');
  if (redirect) {
    if ((spec.route?.length ?? 0) > 0) out.push('rule cannot contain both route and redirect');
    if (spec.httpFault) out.push('rule cannot contain both fault and redirect');
    if (!broken.under('spec.redirect') && !redirect.authority && !redirect.uri) out.push('redirect must specify path, host, or both');
    if (spec.websocketUpgrade) out.push('WebSocket upgrade is not allowed on redirect rules');
  }
  if (redirect && rewrite) out.push('rule cannot contain both rewrite and redirect');
  return out;
}

function checkRoute(route: DestinationWeight[], broken: Broken): string[] {
  const out: string[] = [];
  // Holes skipped, as forEach and reduce skip them.
  let sum = 0;
  for (let i = 0; i < route.length; i++) {
    if (!(i in route)) continue;
    const dw = route[i]!;
    if (dw.labels !== undefined) out.push(...checkTags(dw.labels, `spec.route[${i}].labels`));
    const err = checkPercent(dw.weight);
    if (err) out.push(at(`weight invalid:  ${err}`, `spec.route[${i}].weight`, dw.weight));
    sum += dw.weight ?? 0;
  }
  if (broken.under('spec.route')) return out;
  if (!(route.length === 1 && sum === 0) && sum !== 100) out.push(`route weights total ${sum} (must total 100)`);
  return out;
}

function checkAppendHeaders(headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const name of Object.keys(headers).sort()) {
    const err = checkHeaderName(name);
    if (err) out.push(at(err, mapPath('spec.appendHeaders', name)));
    if (headers[name] === '') out.push(`appended header ${goQuote(name)} must have a non-empty value`);
  }
  return out;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE']);

function checkCors(cors: CorsPolicy): string[] {
  const out: string[] = [];
  if (cors.maxAge !== undefined) {
    const err = checkDuration(cors.maxAge);
    if (err) out.push(at(err, 'spec.corsPolicy.maxAge', cors.maxAge));
    if (durationNanos(cors.maxAge) % 1000000000n > 0n) out.push('max_age duration is accurate only to seconds precision');
  }
  for (const key of ['allowHeaders', 'exposeHeaders'] as const) {
    (cors[key] ?? []).forEach((name, i) => {
      const err = checkHeaderName(name);
      if (err) out.push(at(err, `spec.corsPolicy.${key}[${i}]`, name));
    });
  }
  for (const m of cors.allowMethods ?? []) if (!METHODS.has(m)) out.push(`${goQuote(m)} is not a supported HTTP method`);
  return out;
}

function checkTimeoutAndRetries(spec: RouteRuleSpec, broken: Broken): string[] {
  const out: string[] = [];
  const simpleTimeout = spec.httpReqTimeout?.simpleTimeout;
  if (simpleTimeout && !broken.has('spec.httpReqTimeout.simpleTimeout.timeout')) {
    const err = checkDuration(simpleTimeout.timeout);
    if (err) out.push(`httpTimeout invalid:  ${err}`);
  }
  const simpleRetry = spec.httpReqRetries?.simpleRetry;
  if (simpleRetry) {
    if ((simpleRetry.attempts ?? 0) < 0) out.push('attempts must be in range [0..]');
    const err = broken.has('spec.httpReqRetries.simpleRetry.perTryTimeout') ? undefined : checkDuration(simpleRetry.perTryTimeout);
    if (err) out.push(`perTryTimeout invalid:  ${err}`);
  }
  return out;
}

function checkDelay(delay: HTTPDelay, broken: Broken): string[] {
  const out: string[] = [];
  const path = 'spec.httpFault.delay';
  const percentErr = checkFloatPercent(delay.percent);
  if (percentErr) out.push(at(`percent invalid:  ${percentErr}`, `${path}.percent`, jsonNumber(delay.percent ?? 0)));
  if (broken.has(`${path}.fixedDelay`) || broken.has(`${path}.exponentialDelay`)) return out;
  const fixedErr = checkDuration(delay.fixedDelay);
  if (fixedErr) out.push(`fixedDelay invalid: ${fixedErr}`);
  if (delay.exponentialDelay !== undefined) {
    const expErr = checkDuration(delay.exponentialDelay);
    if (expErr) out.push(`exponentialDelay invalid:  ${expErr}`);
    out.push('exponentialDelay not supported yet');
  }
  return out;
}

function checkAbort(abort: HTTPAbort): string[] {
  const out: string[] = [];
  const percentErr = checkFloatPercent(abort.percent);
  if (percentErr) out.push(at(`percent invalid:  ${percentErr}`, 'spec.httpFault.abort.percent', jsonNumber(abort.percent ?? 0)));
  if (abort.grpcStatus !== undefined) out.push('gRPC fault injection not supported yet');
  else if (abort.httpStatus !== undefined && (abort.httpStatus < 0 || abort.httpStatus > 600)) out.push(`invalid abort http status ${abort.httpStatus}`);
  return out;
}

function checkL4Fault(fault: L4FaultInjection, broken: Broken): string[] {
  const out: string[] = [];
  if (fault.terminate) {
    const err = checkFloatPercent(fault.terminate.percent);
    if (err) out.push(`terminate percent invalid:  ${err}`);
    out.push('the terminate fault not supported yet');
  }
  const t = fault.throttle;
  if (t) {
    const path = 'spec.l4Fault.throttle';
    const err = checkFloatPercent(t.percent);
    if (err) out.push(`throttle percent invalid:  ${err}`);
    if (t.downstreamLimitBps?.startsWith('-')) out.push('downstreamLimitBps invalid');
    if (t.upstreamLimitBps?.startsWith('-')) out.push('upstreamLimitBps invalid');
    if (!broken.has(`${path}.throttleAfterPeriod`) && !broken.has(`${path}.throttleAfterBytes`) && checkDuration(t.throttleAfterPeriod)) out.push('throttleAfterPeriod invalid');
    if ((t.throttleAfterBytes ?? 0) < 0) out.push('throttleAfterBytes invalid');
  }
  return out;
}

/** ValidateRouteRule on a spec as read. */
function checkRouteRule(spec: RouteRuleSpec, broken: Broken): string[] {
  const out: string[] = [];
  if (spec.destination) {
    out.push(...checkIstioService(spec.destination, 'spec.destination', broken));
    if (spec.destination.labels) out.push('route rule destination labels must be empty');
  } else if (!broken.has('spec.destination')) out.push('route rule must have a destination service');
  if (spec.match) out.push(...checkMatchCondition(spec.match, 'spec.match', broken));
  out.push(...checkRedirectAndRewrite(spec, broken));
  if (spec.route) out.push(...checkRoute(spec.route, broken));
  if (spec.mirror) out.push(...checkIstioService(spec.mirror, 'spec.mirror', broken));
  if (spec.appendHeaders) out.push(...checkAppendHeaders(spec.appendHeaders));
  if (spec.corsPolicy) out.push(...checkCors(spec.corsPolicy));
  out.push(...checkTimeoutAndRetries(spec, broken));
  if (spec.httpFault?.delay) out.push(...checkDelay(spec.httpFault.delay, broken));
  if (spec.httpFault?.abort) out.push(...checkAbort(spec.httpFault.abort));
  if (spec.l4Fault) out.push(...checkL4Fault(spec.l4Fault, broken), 'L4 faults are not implemented');
  return out;
}

/** Reads and validates a RouteRule spec (Istio 0.4 rules); the spec is returned only when valid. */
export function checkRouteRuleSpec(spec: unknown): { spec?: RouteRuleSpec; problems: string[] } {
  const r = new SpecReader();
  if (spec === undefined || spec === null) return { problems: ['spec is required'] };
  if (!isObject(spec)) return { problems: [`spec: expected an object, got ${show(spec)}`] };
  const read = readRouteRule(r, spec);
  const problems = [...r.problems, ...checkRouteRule(read, r)];
  if (problems.length > 0) return { problems };
  // An empty route list counts in validation (Go: Route != nil) but is a default when sent.
  if (read.route?.length === 0) delete read.route;
  return { spec: read, problems };
}

export const ROUTE_RULE: KindDescriptor<RouteRuleSpec> = {
  group: 'config.istio.io',
  version: 'v1alpha2',
  kind: 'RouteRule',
  plural: 'routerules',
  singular: 'routerule',
  configType: 'route-rule',
  istioctlTypes: ['routerule', 'routerules'],
  era: '0.x',
  installedBy: 'Istio 0.2-0.7 installs it',
  checkSpec: (spec) => checkRouteRuleSpec(spec),
  wideColumns: [
    { header: 'DESTINATION', cell: (spec) => istioServiceCell(dig(spec, 'destination')) },
    { header: 'PRECEDENCE', cell: (spec) => { const p = dig(spec, 'precedence'); return p === undefined || p === null ? '0' : Number.isInteger(p) ? String(p) : stringCell(p); } },
  ],
};
