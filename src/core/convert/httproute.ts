// One RouteRule as one HTTP route of today's VirtualService, field by field. Pure.
//
// Facts of 0.4 that shape the mapping (pilot/proxy/envoy route.go, policy.go):
// - retries were set only for attempts > 0, with retry_on "5xx,connect-failure,refused-stream";
// - an abort applied only with an httpStatus and a percent, a delay only with a percent, and the
//   percent was truncated to a whole number;
// - a route entry's destination was its own service (route[].destination), subset by its labels.
import type { CorsPolicy, DestinationWeight, HTTPAbort, HTTPDelay, MatchCondition, RouteRuleSpec, StringMatch } from '../kinds/routerule.ts';
import type { IstioService } from '../kinds/istio-service.ts';
import type { SourceDocument } from '../stream.ts';
import { compactDuration } from './duration.ts';
import type { Notes } from './notes.ts';

type Obj = Record<string, unknown>;

/** What building one route needs from the VirtualService around it. */
export interface RouteContext {
  notes: Notes;
  doc: SourceDocument;
  /** `RouteRule/ns/name`, for the notes. */
  who: string;
  /** The rule's name: the route's name. */
  name: string;
  /** The rule's namespace (IstioService references default to it). */
  namespace: string;
  /** The rule's destination host. */
  host: string;
  /** The host of a reference (undefined when it names none). */
  hostOf(svc: IstioService): string | undefined;
  /** The subset name of labels on a host (registered beforehand). */
  subset(host: string, labels: Record<string, string>): string;
}

/** The retry_on of 0.x's retry policy. */
export const RETRY_ON_0X = '5xx,connect-failure,refused-stream';

const REQUEST_FIELDS = ['uri', 'scheme', 'method', 'authority'] as const;

function defined(o: Obj): Obj | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return Object.keys(out).length > 0 ? out : undefined;
}

function sortedMap<T>(m: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]!]));
}

function sourceMatch(src: IstioService, c: RouteContext): Obj {
  const out: Obj = {};
  const namespace = src.namespace || c.namespace;
  if (src.labels) out.sourceLabels = sortedMap(src.labels);
  if (src.service) {
    c.notes.warn(c.doc, c.who, 'spec.match.source.service', `a route cannot match requests by the external service "${src.service}" they come from: dropped, the route now matches requests from any source`);
    return out;
  }
  out.sourceNamespace = namespace;
  const labels = src.labels ? `workloads labelled ${Object.entries(out.sourceLabels as Obj).map(([k, v]) => `${k}=${v}`).join(',')}` : 'every workload';
  c.notes.warn(c.doc, c.who, 'spec.match.source.name', `a route cannot match the source service "${src.name}" today: it now matches requests from ${labels} in namespace ${namespace} (add the labels of ${src.name}'s pods to sourceLabels to narrow it)`);
  return out;
}

/** `match.request.headers` (uri, scheme, method, authority as fields), `match.source`; tcp/udp dropped. */
function matchOf(m: MatchCondition | undefined, c: RouteContext): Obj[] | undefined {
  if (!m) return undefined;
  const out: Obj = {};
  const headers: Record<string, StringMatch> = {};
  const all = m.request?.headers ?? {};
  for (const name of Object.keys(all).sort()) {
    if ((REQUEST_FIELDS as readonly string[]).includes(name)) out[name] = all[name];
    else headers[name] = all[name]!;
  }
  const ordered: Obj = {};
  for (const f of REQUEST_FIELDS) if (out[f] !== undefined) ordered[f] = out[f];
  if (Object.keys(headers).length > 0) ordered.headers = headers;
  if (m.source) Object.assign(ordered, sourceMatch(m.source, c));
  for (const l4 of ['tcp', 'udp'] as const) {
    if (m[l4]) c.notes.warn(c.doc, c.who, `spec.match.${l4}`, `an HTTP route cannot match ${l4.toUpperCase()} source or destination subnets: dropped, the route now matches more requests`);
  }
  return Object.keys(ordered).length > 0 ? [ordered] : undefined;
}

function destination(host: string, labels: Record<string, string> | undefined, c: RouteContext): Obj {
  return labels && Object.keys(labels).length > 0 ? { host, subset: c.subset(host, labels) } : { host };
}

/** The host a route entry goes to: its own destination, or the rule's. */
export function routeEntryHost(dw: DestinationWeight, c: Pick<RouteContext, 'hostOf' | 'host'>): string | undefined {
  return dw.destination ? c.hostOf(dw.destination) : c.host;
}

function routeOf(spec: RouteRuleSpec, c: RouteContext): Obj[] | undefined {
  const route = spec.route ?? [];
  if (route.length === 0) return spec.redirect ? undefined : [{ destination: { host: c.host } }];
  return route.map((dw, i) => {
    const host = routeEntryHost(dw, c) ?? c.host;
    if (dw.destination?.labels) c.notes.warn(c.doc, c.who, `spec.route[${i}].destination.labels`, 'ignored, as Istio 0.x ignored them (the entry\'s own labels select the subset)');
    const out: Obj = { destination: destination(host, dw.labels, c) };
    if (route.length > 1 && dw.weight) out.weight = dw.weight;
    return out;
  });
}

function timeoutOf(spec: RouteRuleSpec, c: RouteContext): string | undefined {
  const t = spec.httpReqTimeout;
  if (!t) return undefined;
  if (t.custom) c.notes.warn(c.doc, c.who, 'spec.httpReqTimeout.custom', 'a custom timeout policy has no equivalent today: dropped');
  const s = t.simpleTimeout;
  if (s?.overrideHeaderName) c.notes.warn(c.doc, c.who, 'spec.httpReqTimeout.simpleTimeout.overrideHeaderName', `a header that overrides the timeout (${s.overrideHeaderName}) has no equivalent today: dropped`);
  return s?.timeout ? compactDuration(s.timeout) : undefined;
}

function retriesOf(spec: RouteRuleSpec, c: RouteContext): Obj | undefined {
  const r = spec.httpReqRetries;
  if (!r) return undefined;
  if (r.custom) c.notes.warn(c.doc, c.who, 'spec.httpReqRetries.custom', 'a custom retry policy has no equivalent today: dropped');
  const s = r.simpleRetry;
  if (!s) return undefined;
  if (s.overrideHeaderName) c.notes.warn(c.doc, c.who, 'spec.httpReqRetries.simpleRetry.overrideHeaderName', `a header that overrides the retries (${s.overrideHeaderName}) has no equivalent today: dropped`);
  // 0.x set no retry policy for 0 attempts; today that must be said, or the default retries apply.
  if (!s.attempts) return { attempts: 0 };
  return { attempts: s.attempts, ...(s.perTryTimeout ? { perTryTimeout: compactDuration(s.perTryTimeout) } : {}), retryOn: RETRY_ON_0X };
}

/** A float percent as a percentage; a fraction 0.x truncated is a warning. */
function percentage(p: number | undefined, path: string, c: RouteContext): Obj {
  const value = p ?? 0;
  if (!Number.isInteger(value)) {
    c.notes.warn(c.doc, c.who, path, `${value} has a fraction: Istio 0.x applied ${Math.trunc(value)}% (Pilot gave Envoy a whole number); today ${value}% applies`);
  }
  return { value };
}

function delayOf(d: HTTPDelay | undefined, c: RouteContext): Obj | undefined {
  if (!d) return undefined;
  const path = 'spec.httpFault.delay';
  if (d.overrideHeaderName) c.notes.warn(c.doc, c.who, `${path}.overrideHeaderName`, `a header that controls the delay (${d.overrideHeaderName}) has no equivalent today: dropped`);
  if (!d.fixedDelay) return undefined;
  return { percentage: percentage(d.percent, `${path}.percent`, c), fixedDelay: compactDuration(d.fixedDelay) };
}

function abortOf(a: HTTPAbort | undefined, c: RouteContext): Obj | undefined {
  if (!a) return undefined;
  const path = 'spec.httpFault.abort';
  if (a.overrideHeaderName) c.notes.warn(c.doc, c.who, `${path}.overrideHeaderName`, `a header that controls the abort (${a.overrideHeaderName}) has no equivalent today: dropped`);
  if (!a.httpStatus) {
    const what = a.http2Error !== undefined ? `http2Error ${JSON.stringify(a.http2Error)}` : 'an abort without httpStatus';
    c.notes.warn(c.doc, c.who, path, `${what} had no effect in Istio 0.x (it aborted only with an httpStatus): dropped`);
    return undefined;
  }
  return { percentage: percentage(a.percent, `${path}.percent`, c), httpStatus: a.httpStatus };
}

function corsOf(p: CorsPolicy | undefined): Obj | undefined {
  if (!p) return undefined;
  return {
    ...(p.allowOrigin ? { allowOrigins: p.allowOrigin.map((exact) => ({ exact })) } : {}),
    ...(p.allowMethods ? { allowMethods: p.allowMethods } : {}),
    ...(p.allowHeaders ? { allowHeaders: p.allowHeaders } : {}),
    ...(p.exposeHeaders ? { exposeHeaders: p.exposeHeaders } : {}),
    ...(p.maxAge !== undefined ? { maxAge: compactDuration(p.maxAge) } : {}),
    ...(p.allowCredentials !== undefined ? { allowCredentials: p.allowCredentials } : {}),
  };
}

/** The HTTP route of one RouteRule. */
export function httpRouteOf(spec: RouteRuleSpec, c: RouteContext): Obj {
  if (spec.websocketUpgrade) c.notes.warn(c.doc, c.who, 'spec.websocketUpgrade', 'has no field today: WebSocket upgrades are allowed on every HTTP route (dropped)');
  const fault = defined({ delay: delayOf(spec.httpFault?.delay, c), abort: abortOf(spec.httpFault?.abort, c) });
  const mirror = spec.mirror ? c.hostOf(spec.mirror) : undefined;
  const route: Obj = {
    name: c.name,
    match: matchOf(spec.match, c),
    route: routeOf(spec, c),
    redirect: spec.redirect ? { ...spec.redirect } : undefined,
    rewrite: spec.rewrite ? { ...spec.rewrite } : undefined,
    timeout: timeoutOf(spec, c),
    retries: retriesOf(spec, c),
    fault,
    mirror: mirror ? destination(mirror, spec.mirror!.labels, c) : undefined,
    corsPolicy: corsOf(spec.corsPolicy),
    headers: spec.appendHeaders ? { request: { add: sortedMap(spec.appendHeaders) } } : undefined,
  };
  return defined(route)!;
}
