// DestinationPolicy: every rule of Istio 0.4's ValidateDestinationPolicy with its exact message,
// the reading of the spec (enums, Any, oneofs, types) and its normalisation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDestinationPolicySpec } from '../../src/core/kinds/destinationpolicy.ts';

const dest = { name: 'reviews' };
const dp = (fields: Record<string, unknown>) => ({ destination: dest, ...fields });
const problems = (spec: unknown) => checkDestinationPolicySpec(spec).problems;
const cb = (simpleCb: Record<string, unknown>) => dp({ circuitBreaker: { simpleCb: { sleepWindow: '1s', httpDetectionInterval: '1s', ...simpleCb } } });

const rules: Array<[string, unknown, string[]]> = [
  ['no destination', {}, ['destination is required in the destination policy']],
  ['empty destination', { destination: {} }, ['name or service is mandatory for a service reference (spec.destination)']],
  ['destination labels select a version: allowed', { destination: { name: 'reviews', labels: { version: 'v1' } } }, []],
  ['destination labels: 0.4 tag rule, not Kubernetes\'', { destination: { name: 'reviews', labels: { 'a/b/c': '.x.', '^': 'ok' } } }, ['invalid tag key: "^" (spec.destination.labels)']],
  ['bad destination: every IstioService problem', { destination: { name: '?', namespace: '?', domain: 'a.?' } }, [
    'name "?" must be a valid label (spec.destination.name)',
    'namespace "?" must be a valid label (spec.destination.namespace)',
    'domain name "a.?" invalid (label "?" invalid) (spec.destination.domain)',
  ]],
  ['source', dp({ source: { name: 'a', service: 'b.com' } }), ['specify either name or service, not both (spec.source)']],
  ['empty loadBalancing', dp({ loadBalancing: {} }), ['must set load balancing if specified']],
  ['loadBalancing by name', dp({ loadBalancing: { name: 'LEAST_CONN' } }), []],
  ['simpleCb needs both durations', dp({ circuitBreaker: { simpleCb: {} } }), [
    'circuitBreaker sleepWindow must be in range [0..]',
    'circuitBreaker httpDetectionInterval must be in range [0..]',
  ]],
  ['simpleCb: every field out of range, in 0.4\'s order and words', cb({
    maxConnections: -1, httpMaxPendingRequests: -1, httpMaxRequests: -1, sleepWindow: '-1s', httpConsecutiveErrors: -1,
    httpDetectionInterval: '0.5ms', httpMaxRequestsPerConnection: -1, httpMaxEjectionPercent: -1,
  }), [
    'circuitBreak maxConnections must be in range [0..]',
    'circuitBreaker maxPendingRequests must be in range [0..]',
    'circuitBreaker maxRequests must be in range [0..]',
    'circuitBreaker sleepWindow must be in range [0..]',
    'circuitBreaker httpConsecutiveErrors must be in range [0..]',
    'circuitBreaker httpDetectionInterval must be in range [0..]',
    'circuitBreaker httpMaxRequestsPerConnection must be in range [0..]',
    'circuitBreaker httpMaxEjectionPercent invalid:  must be in range 0..100',
  ]],
  ['sleepWindow finer than ms', cb({ sleepWindow: '1.0001s' }), ['circuitBreaker sleepWindow must be in range [0..]']],
  ['httpMaxEjectionPercent 101', cb({ httpMaxEjectionPercent: 101 }), ['circuitBreaker httpMaxEjectionPercent invalid:  must be in range 0..100']],
  ['httpMaxRetries (0.4) is not validated', cb({ httpMaxRetries: -4 }), []],
  ['custom circuit breaker is not checked', dp({ circuitBreaker: { custom: { '@type': 'type.googleapis.com/google.protobuf.Struct', value: { anything: [1] } } } }), []],
];

for (const [name, spec, expected] of rules) {
  test(`DestinationPolicy rule: ${name}`, () => assert.deepEqual(problems(spec), expected));
}

const reading: Array<[string, unknown, string[]]> = [
  ['spec missing', null, ['spec is required']],
  ['spec a string', 'x', ['spec: expected an object, got string "x"']],
  ['unknown field', cb({ maxConections: 1 }), ['unknown field "spec.circuitBreaker.simpleCb.maxConections"']],
  ['both spellings', dp({ load_balancing: { name: 'RANDOM' }, loadBalancing: { name: 'RANDOM' } }), ['field "spec.loadBalancing" given twice (also as "spec.load_balancing")']],
  ['enum name is case-sensitive (jsonpb)', dp({ loadBalancing: { name: 'random' } }), ['spec.loadBalancing.name: unknown value "random" for enum istio.routing.v1alpha1.LoadBalancing_SimpleLBPolicy']],
  ['enum number without a name', dp({ loadBalancing: { name: 7 } }), ['spec.loadBalancing.name: unknown value 7 for enum istio.routing.v1alpha1.LoadBalancing_SimpleLBPolicy (ROUND_ROBIN, LEAST_CONN, RANDOM)']],
  ['enum as a list', dp({ loadBalancing: { name: ['RANDOM'] } }), ['spec.loadBalancing.name: expected one of ROUND_ROBIN, LEAST_CONN, RANDOM, got list']],
  ['name and custom together (jsonpb kept one at random)', dp({ loadBalancing: { name: 'RANDOM', custom: { '@type': 'type.googleapis.com/google.protobuf.Empty' } } }), ['spec.loadBalancing: only one of "name", "custom" may be given (oneof lb_policy)']],
  ['maxConnections a string', cb({ maxConnections: '100' }), ['spec.circuitBreaker.simpleCb.maxConnections: expected an integer, got string "100"']],
  ['sleepWindow unreadable: no second message', cb({ sleepWindow: '15 minutes' }), ['spec.circuitBreaker.simpleCb.sleepWindow: bad Duration: time: unknown unit  minutes in duration 15 minutes']],
  ['custom: unknown @type', dp({ custom: { '@type': 'example.com/my.Policy' } }), ['spec.custom: unknown message type "my.Policy" (only the google.protobuf well-known types can be read in an Any)']],
  ['custom: @type not a string', dp({ custom: { '@type': 5 } }), ["spec.custom: can't unmarshal Any's '@type': 5"]],
  ['custom: a well-known type with a wrong value', dp({ custom: { '@type': 'type.googleapis.com/google.protobuf.BoolValue', value: 'yes' } }), ['spec.custom.value: expected a boolean, got string "yes"']],
  ['custom: extra keys beside @type and value', dp({ custom: { '@type': 'type.googleapis.com/google.protobuf.StringValue', value: 'x', extra: 1 } }), ['unknown field "spec.custom.extra"']],
];

for (const [name, spec, expected] of reading) {
  test(`DestinationPolicy reading: ${name}`, () => assert.deepEqual(problems(spec), expected));
}

test('DestinationPolicy: every problem at once', () => {
  assert.deepEqual(problems({
    destination: { service: '10.0.0.0/8', namespace: 'ns' },
    source: {},
    loadBalancing: {},
    circuitBreaker: { simpleCb: { httpMaxRequests: -1, httpMaxEjectionPercent: 200, httpDetectionInterval: '10s' } },
    custom: 'x',
  }), [
    'spec.custom: expected an object with "@type", got string "x"',
    'namespace is not valid when service is provided (spec.destination.namespace: "ns")',
    'name or service is mandatory for a service reference (spec.source)',
    'must set load balancing if specified',
    'circuitBreaker maxRequests must be in range [0..]',
    'circuitBreaker sleepWindow must be in range [0..]',
    'circuitBreaker httpMaxEjectionPercent invalid:  must be in range 0..100',
  ]);
});

test('DestinationPolicy: normalised as sent (lowerCamel, proto order, enum by name, durations as jsonpb writes them)', () => {
  const r = checkDestinationPolicySpec({
    circuit_breaker: { simple_cb: { http_max_ejection_percent: 100, sleep_window: '15m', max_connections: 100, http_detection_interval: '5m', http_max_retries: 0 } },
    load_balancing: { name: 1 },
    destination: { name: 'reviews', labels: { version: 'v1' }, domain: '' },
  });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.spec, {
    destination: { name: 'reviews', labels: { version: 'v1' } },
    loadBalancing: { name: 'LEAST_CONN' },
    circuitBreaker: { simpleCb: { maxConnections: 100, sleepWindow: '900.000s', httpDetectionInterval: '300.000s', httpMaxEjectionPercent: 100 } },
  });
  assert.deepEqual(Object.keys(r.spec!), ['destination', 'loadBalancing', 'circuitBreaker']);
  assert.deepEqual(Object.keys(r.spec!.circuitBreaker!.simpleCb!), ['maxConnections', 'sleepWindow', 'httpDetectionInterval', 'httpMaxEjectionPercent']);
});

test('DestinationPolicy: ROUND_ROBIN (enum 0) is kept, because a oneof member set to its default is still set', () => {
  assert.deepEqual(checkDestinationPolicySpec(dp({ loadBalancing: { name: 0 } })).spec, { destination: dest, loadBalancing: { name: 'ROUND_ROBIN' } });
});

test('DestinationPolicy: Any values of the well-known types are written {"@type", value} with jsonpb\'s forms', () => {
  const any = (type: string, value: unknown) => checkDestinationPolicySpec(dp({ custom: { '@type': `type.googleapis.com/google.protobuf.${type}`, value } }));
  assert.deepEqual(any('Int64Value', 12).spec!.custom, { '@type': 'type.googleapis.com/google.protobuf.Int64Value', value: '12' });
  assert.deepEqual(any('Duration', '1m').spec!.custom, { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '60.000s' });
  assert.deepEqual(any('FloatValue', 0.1).spec!.custom!.value, 0.1);
  assert.deepEqual(any('DoubleValue', 'NaN').spec!.custom!.value, 'NaN');
  assert.deepEqual(any('Struct', { a: { b: [] } }).spec!.custom!.value, { a: { b: [] } });
  assert.deepEqual(any('Struct', [1]).problems, ['spec.custom.value: expected an object, got list']);
  assert.deepEqual(any('Int32Value', 1.5).problems, ['spec.custom.value: expected an integer, got number 1.5']);
});
