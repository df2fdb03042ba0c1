// A DestinationPolicy's load balancing and circuit breaker as today's DestinationRule traffic
// policy. Pure.
//
// Facts of 0.4 (pilot/proxy/envoy/policy.go, applyClusterPolicy): LEAST_CONN was Envoy's
// least_request balancer; the simple circuit breaker set Envoy's circuit breaker thresholds
// (max_connections, max_requests, max_pending_requests, max_retries) and max_requests_per_connection,
// and always an outlier detection (max_ejection_percent 10 unless set, consecutive_5xx, interval
// and base_ejection_time only when set, the two durations only when at least one whole second).
import type { DestinationPolicySpec, SimpleCircuitBreakerPolicy } from '../kinds/destinationpolicy.ts';
import type { SourceDocument } from '../stream.ts';
import { compactDuration, nanosOf, SECOND } from './duration.ts';
import type { Notes } from './notes.ts';

type Policy = Record<string, unknown>;

const LB: Record<string, string> = { ROUND_ROBIN: 'ROUND_ROBIN', RANDOM: 'RANDOM', LEAST_CONN: 'LEAST_REQUEST' };

/** Keeps the entries whose value is defined; undefined when none is. */
function defined(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return Object.keys(out).length > 0 ? out : undefined;
}

export interface PolicyNotes {
  notes: Notes;
  doc: SourceDocument;
  who: string;
}

function loadBalancer(spec: DestinationPolicySpec, n: PolicyNotes): Policy | undefined {
  const lb = spec.loadBalancing;
  if (!lb) return undefined;
  if (lb.custom) {
    n.notes.warn(n.doc, n.who, 'spec.loadBalancing.custom', 'a custom load balancing policy has no equivalent today: dropped');
    return undefined;
  }
  if (lb.name === 'LEAST_CONN') {
    n.notes.warn(n.doc, n.who, 'spec.loadBalancing.name', 'LEAST_CONN is written LEAST_REQUEST today (the same Envoy least-request balancer 0.x used; LEAST_CONN is deprecated)');
  }
  return lb.name ? { simple: LB[lb.name] } : undefined;
}

/** 0.x applied a circuit breaker duration only from one whole second up (Envoy's default otherwise). */
function wholeSecond(cb: SimpleCircuitBreakerPolicy, key: 'sleepWindow' | 'httpDetectionInterval', envoyDefault: string, n: PolicyNotes): void {
  const v = cb[key];
  if (v !== undefined && nanosOf(v) < SECOND) {
    n.notes.warn(n.doc, n.who, `spec.circuitBreaker.simpleCb.${key}`, `Istio 0.x ignored a value under one second (Envoy's default of ${envoyDefault} applied); today ${compactDuration(v)} applies`);
  }
}

function circuitBreaker(spec: DestinationPolicySpec, n: PolicyNotes): Policy | undefined {
  const cb = spec.circuitBreaker;
  if (!cb) return undefined;
  if (cb.custom) {
    n.notes.warn(n.doc, n.who, 'spec.circuitBreaker.custom', 'a custom circuit breaker policy has no equivalent today: dropped');
    return undefined;
  }
  const s = cb.simpleCb;
  if (!s) return undefined;
  wholeSecond(s, 'sleepWindow', '30s', n);
  wholeSecond(s, 'httpDetectionInterval', '10s', n);
  const duration = (v: string | undefined) => (v === undefined ? undefined : compactDuration(v));
  const tcp = defined({ maxConnections: s.maxConnections });
  const http = defined({
    http1MaxPendingRequests: s.httpMaxPendingRequests,
    http2MaxRequests: s.httpMaxRequests,
    maxRequestsPerConnection: s.httpMaxRequestsPerConnection,
    maxRetries: s.httpMaxRetries,
  });
  return defined({
    connectionPool: defined({ tcp, http }),
    outlierDetection: defined({
      consecutive5xxErrors: s.httpConsecutiveErrors,
      interval: duration(s.httpDetectionInterval),
      baseEjectionTime: duration(s.sleepWindow),
      maxEjectionPercent: s.httpMaxEjectionPercent,
    }),
  });
}

/**
 * The traffic policy of a DestinationPolicy (undefined when it sets nothing today), with a warning
 * for each part that cannot be carried over.
 */
export function trafficPolicyOf(spec: DestinationPolicySpec, n: PolicyNotes): Policy | undefined {
  if (spec.custom) n.notes.warn(n.doc, n.who, 'spec.custom', 'a custom destination policy has no equivalent today: dropped');
  const lb = loadBalancer(spec, n);
  const cb = circuitBreaker(spec, n);
  return defined({ loadBalancer: lb, ...(cb ?? {}) });
}

/** `over` laid onto `base`, field by field (objects merged, anything else replaced). */
export function mergePolicy(base: Policy | undefined, over: Policy): Policy {
  if (!base) return over;
  const out: Policy = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? mergePolicy(b, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Policy {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
