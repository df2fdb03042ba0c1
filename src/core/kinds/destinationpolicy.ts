// The DestinationPolicy spec of Istio 0.4 (istio.routing.v1alpha1.DestinationPolicy): reading it as
// istioctl 0.4 did, and ValidateDestinationPolicy's rules and messages, every problem at once. Pure.
//
// Proto: istio/api@7eada332 routing/v1alpha1/dest_policy.proto (0.4 adds http_max_retries = 9).
// Rules: istio/istio@0.4.0 pilot/model/validation.go. How values are read, the order of the
// problems and the context added to Istio's messages are described in istio-service.ts.

import { fieldTable, isObject, show, type FieldValues } from '../fields.ts';
import { checkDuration, checkIstioService, checkPercent, readIstioService, SpecReader, type AnyValue, type Broken, type IstioService } from './istio-service.ts';
import { dig, istioServiceCell, labelsCell, stringCell, type KindDescriptor } from './descriptor.ts';

export const LB_POLICIES = ['ROUND_ROBIN', 'LEAST_CONN', 'RANDOM'] as const;
export type LBPolicy = (typeof LB_POLICIES)[number];

export interface LoadBalancing { name?: LBPolicy; custom?: AnyValue }

export interface SimpleCircuitBreakerPolicy {
  maxConnections?: number;
  httpMaxPendingRequests?: number;
  httpMaxRequests?: number;
  sleepWindow?: string;
  httpConsecutiveErrors?: number;
  httpDetectionInterval?: string;
  httpMaxRequestsPerConnection?: number;
  httpMaxEjectionPercent?: number;
  httpMaxRetries?: number;
}

export interface CircuitBreaker { simpleCb?: SimpleCircuitBreakerPolicy; custom?: AnyValue }

/** A DestinationPolicy spec as sent: lowerCamel names, in proto order, defaults left out. */
export interface DestinationPolicySpec {
  destination?: IstioService;
  source?: IstioService;
  loadBalancing?: LoadBalancing;
  circuitBreaker?: CircuitBreaker;
  custom?: AnyValue;
}

const SPEC_FIELDS = fieldTable('destination', 'source', 'load_balancing', 'circuit_breaker', 'custom');
const LB_FIELDS = fieldTable('name', 'custom');
const CB_FIELDS = fieldTable('simple_cb', 'custom');
const CB_DURATIONS = ['sleepWindow', 'httpDetectionInterval'] as const;
const SIMPLE_CB_FIELDS = fieldTable('max_connections', 'http_max_pending_requests', 'http_max_requests', 'sleep_window', 'http_consecutive_errors', 'http_detection_interval', 'http_max_requests_per_connection', 'http_max_ejection_percent', 'http_max_retries');
/** The simple policy's lowerCamel names, in proto order. */
const SIMPLE_CB_NAMES = [...new Set(Object.values(SIMPLE_CB_FIELDS))];
const LB_ENUM = 'istio.routing.v1alpha1.LoadBalancing_SimpleLBPolicy';

function readLoadBalancing(r: SpecReader, v: unknown, path: string): LoadBalancing | undefined {
  const f = r.message(v, LB_FIELDS, path);
  if (!f) return undefined;
  const member = r.oneof(f, path, 'lb_policy', ['name', 'custom']);
  if (member === 'name') {
    const name = r.enumName(f.get('name'), `${path}.name`, LB_ENUM, LB_POLICIES) as LBPolicy | undefined;
    return name === undefined ? {} : { name };
  }
  const custom = member === 'custom' ? r.any(f.get('custom'), `${path}.custom`) : undefined;
  return custom === undefined ? {} : { custom };
}

function readSimpleCb(r: SpecReader, f: FieldValues, path: string): SimpleCircuitBreakerPolicy {
  const out: Record<string, number | string> = {};
  for (const name of SIMPLE_CB_NAMES) {
    const value = (CB_DURATIONS as readonly string[]).includes(name) ? r.duration(f.get(name), `${path}.${name}`) : r.int32(f.get(name), `${path}.${name}`);
    if (value !== undefined) out[name] = value;
  }
  return out as SimpleCircuitBreakerPolicy;
}

function readCircuitBreaker(r: SpecReader, v: unknown, path: string): CircuitBreaker | undefined {
  const f = r.message(v, CB_FIELDS, path);
  if (!f) return undefined;
  const member = r.oneof(f, path, 'cb_policy', ['simpleCb', 'custom']);
  if (member === 'custom') {
    const custom = r.any(f.get('custom'), `${path}.custom`);
    return custom === undefined ? {} : { custom };
  }
  const s = member === 'simpleCb' ? r.message(f.get('simpleCb'), SIMPLE_CB_FIELDS, `${path}.simpleCb`) : undefined;
  return s ? { simpleCb: readSimpleCb(r, s, `${path}.simpleCb`) } : {};
}

function readDestinationPolicy(r: SpecReader, spec: Record<string, unknown>): DestinationPolicySpec {
  const f = r.message(spec, SPEC_FIELDS, 'spec')!;
  const out: DestinationPolicySpec = {};
  const destination = readIstioService(r, f.get('destination'), 'spec.destination');
  const source = readIstioService(r, f.get('source'), 'spec.source');
  const loadBalancing = readLoadBalancing(r, f.get('loadBalancing'), 'spec.loadBalancing');
  const circuitBreaker = readCircuitBreaker(r, f.get('circuitBreaker'), 'spec.circuitBreaker');
  const custom = r.any(f.get('custom'), 'spec.custom');
  if (destination) out.destination = destination;
  if (source) out.source = source;
  if (loadBalancing) out.loadBalancing = loadBalancing;
  if (circuitBreaker) out.circuitBreaker = circuitBreaker;
  if (custom) out.custom = custom;
  return out;
}

/** ValidateCircuitBreaker's simple policy; a duration that could not be read is not checked again. */
function checkSimpleCb(cb: SimpleCircuitBreakerPolicy, broken: Broken): string[] {
  const out: string[] = [];
  const negative = (n: number | undefined) => (n ?? 0) < 0;
  const badDuration = (key: (typeof CB_DURATIONS)[number]) => !broken.has(`spec.circuitBreaker.simpleCb.${key}`) && checkDuration(cb[key]) !== undefined;
  if (negative(cb.maxConnections)) out.push('circuitBreak maxConnections must be in range [0..]');
  if (negative(cb.httpMaxPendingRequests)) out.push('circuitBreaker maxPendingRequests must be in range [0..]');
  if (negative(cb.httpMaxRequests)) out.push('circuitBreaker maxRequests must be in range [0..]');
  if (badDuration('sleepWindow')) out.push('circuitBreaker sleepWindow must be in range [0..]');
  if (negative(cb.httpConsecutiveErrors)) out.push('circuitBreaker httpConsecutiveErrors must be in range [0..]');
  if (badDuration('httpDetectionInterval')) out.push('circuitBreaker httpDetectionInterval must be in range [0..]');
  if (negative(cb.httpMaxRequestsPerConnection)) out.push('circuitBreaker httpMaxRequestsPerConnection must be in range [0..]');
  const pct = checkPercent(cb.httpMaxEjectionPercent);
  if (pct) out.push(`circuitBreaker httpMaxEjectionPercent invalid:  ${pct}`);
  return out;
}

/** ValidateDestinationPolicy on a spec as read. */
function checkDestinationPolicy(spec: DestinationPolicySpec, broken: Broken): string[] {
  const out: string[] = [];
  if (spec.destination) out.push(...checkIstioService(spec.destination, 'spec.destination', broken));
  else if (!broken.has('spec.destination')) out.push('destination is required in the destination policy');
  if (spec.source) out.push(...checkIstioService(spec.source, 'spec.source', broken));
  const lb = spec.loadBalancing;
  if (lb && lb.name === undefined && lb.custom === undefined && !broken.under('spec.loadBalancing')) out.push('must set load balancing if specified');
  if (spec.circuitBreaker?.simpleCb) out.push(...checkSimpleCb(spec.circuitBreaker.simpleCb, broken));
  return out;
}

/** Reads and validates a DestinationPolicy spec (Istio 0.4 rules); the spec is returned only when valid. */
export function checkDestinationPolicySpec(spec: unknown): { spec?: DestinationPolicySpec; problems: string[] } {
  if (spec === undefined || spec === null) return { problems: ['spec is required'] };
  if (!isObject(spec)) return { problems: [`spec: expected an object, got ${show(spec)}`] };
  const r = new SpecReader();
  const read = readDestinationPolicy(r, spec);
  const problems = [...r.problems, ...checkDestinationPolicy(read, r)];
  return problems.length > 0 ? { problems } : { spec: read, problems };
}

export const DESTINATION_POLICY: KindDescriptor<DestinationPolicySpec> = {
  group: 'config.istio.io',
  version: 'v1alpha2',
  kind: 'DestinationPolicy',
  plural: 'destinationpolicies',
  singular: 'destinationpolicy',
  configType: 'destination-policy',
  istioctlTypes: ['destinationpolicy', 'destinationpolicies'],
  era: '0.x',
  installedBy: 'Istio 0.2-0.7 installs it',
  checkSpec: (spec) => checkDestinationPolicySpec(spec),
  wideColumns: [
    { header: 'DESTINATION', cell: (spec) => istioServiceCell(dig(spec, 'destination')) },
    { header: 'LABELS', cell: (spec) => labelsCell(dig(spec, 'destination', 'labels')) },
    { header: 'LOAD-BALANCING', cell: (spec) => stringCell(dig(spec, 'loadBalancing', 'name')) },
  ],
};
