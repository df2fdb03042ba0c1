// RouteRule: every rule of Istio 0.4's ValidateRouteRule with its exact message (and the context
// egressctl adds), the reading of the spec (names, types, unknown fields) and its normalisation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRouteRuleSpec } from '../../src/core/kinds/routerule.ts';

const dest = { name: 'reviews' };
const rr = (fields: Record<string, unknown>) => ({ destination: dest, ...fields });
const problems = (spec: unknown) => checkRouteRuleSpec(spec).problems;
const long = `${'a.'.repeat(128)}com`;

const rules: Array<[string, unknown, string[]]> = [
  // 1. destination
  ['no destination', {}, ['route rule must have a destination service']],
  ['empty destination', { destination: {} }, ['name or service is mandatory for a service reference (spec.destination)']],
  ['name and service', { destination: { name: 'a', service: 'a.com' } }, ['specify either name or service, not both (spec.destination)']],
  ['service: bad CIDR', { destination: { service: '10.0.0.0/33' } }, ['10.0.0.0/33 is not a valid CIDR block (spec.destination.service)']],
  ['service: IPv6 CIDR', { destination: { service: '2001:db8::/32' } }, ['2001:db8::/32 is not a valid IPv4 address (spec.destination.service)']],
  ['service: bad domain label', { destination: { service: 'foo_bar.com' } }, ['domain name "foo_bar.com" invalid (label "foo_bar" invalid) (spec.destination.service)']],
  ['service: "*." gives 0.4\'s two errors', { destination: { service: '*.' } }, [
    'empty domain name not allowed (spec.destination.service: "*.")',
    'domain name "" invalid (label "" invalid) (spec.destination.service: "*.")',
  ]],
  ['service: too long', { destination: { service: long } }, [`domain name "${long}" too long (max 255) (spec.destination.service)`]],
  ['service with namespace and domain', { destination: { service: 'a.com', namespace: 'ns', domain: 'd' } }, [
    'namespace is not valid when service is provided (spec.destination.namespace: "ns")',
    'domain is not valid when service is provided (spec.destination.domain: "d")',
  ]],
  ['service with a bad namespace: two errors', { destination: { service: 'a.com', namespace: 'Bad' } }, [
    'namespace is not valid when service is provided (spec.destination.namespace: "Bad")',
    'namespace "Bad" must be a valid label (spec.destination.namespace)',
  ]],
  ['name not a DNS-1123 label', { destination: { name: 'Reviews' } }, ['name "Reviews" must be a valid label (spec.destination.name)']],
  ['domain not an FQDN', { destination: { name: 'a', domain: 'a..b' } }, ['domain name "a..b" invalid (label "" invalid) (spec.destination.domain)']],
  ['destination labels', { destination: { name: 'a', labels: { version: 'v1' } } }, ['route rule destination labels must be empty']],
  ['destination labels: 0.4 tag rule first', { destination: { name: 'a', labels: { 'a b': 'c d' } } }, [
    'invalid tag key: "a b" (spec.destination.labels)',
    'invalid tag value: "c d" (spec.destination.labels["a b"])',
    'route rule destination labels must be empty',
  ]],
  // 2. precedence: any int32
  ['precedence negative', rr({ precedence: -5 }), []],
  // 3. match
  ['match source', rr({ match: { source: {} } }), ['name or service is mandatory for a service reference (spec.match.source)']],
  ['match tcp subnets', rr({ match: { tcp: { sourceSubnet: ['foo', '1.2.3.4/banana', '::1', '1.2.3.4'], destinationSubnet: ['1.2.3.4/500', '10.0.0.0/8'] } } }), [
    'foo is not a valid IP (spec.match.tcp.sourceSubnet[0])',
    '1.2.3.4/banana is not a valid CIDR block (spec.match.tcp.sourceSubnet[1])',
    '::1 is not a valid IPv4 address (spec.match.tcp.sourceSubnet[2])',
    '1.2.3.4/500 is not a valid CIDR block (spec.match.tcp.destinationSubnet[0])',
  ]],
  ['match udp, always refused', rr({ match: { udp: {} } }), ['UDP protocol not supported yet']],
  ['match udp subnets come first', rr({ match: { udp: { destinationSubnet: ['1.2.3'] } } }), ['1.2.3 is not a valid IP (spec.match.udp.destinationSubnet[0])', 'UDP protocol not supported yet']],
  ['header name upper case', rr({ match: { request: { headers: { 'X-Foo': { exact: 'a' } } } } }), ['header name "X-Foo" invalid:  must be in lower case']],
  ['header name empty', rr({ match: { request: { headers: { '': { exact: 'a' } } } } }), ['header name "" invalid:  header name cannot be empty']],
  ['header without a match type', rr({ match: { request: { headers: { 'user-agent': {} } } } }), ['header "user-agent" value invalid:  unrecognized string match ""']],
  ['uri exact empty', rr({ match: { request: { headers: { uri: { exact: '' } } } } }), ['exact header value for "uri" must be non-empty']],
  ['uri prefix empty', rr({ match: { request: { headers: { uri: { prefix: '' } } } } }), ['prefix header value for "uri" must be non-empty']],
  ['uri regex empty', rr({ match: { request: { headers: { uri: { regex: '' } } } } }), ['regex header value for "uri" must be non-empty']],
  ['empty exact on another header is fine', rr({ match: { request: { headers: { cookie: { exact: '' } } } } }), []],
  ['headers in sorted order', rr({ match: { request: { headers: { b: {}, A: { exact: 'x' } } } } }), [
    'header name "A" invalid:  must be in lower case',
    'header "b" value invalid:  unrecognized string match ""',
  ]],
  // 4-6. rewrite and redirect
  ['empty rewrite', rr({ rewrite: {} }), ['rewrite must specify path, host, or both']],
  ['redirect with route, fault, websocket and no target', rr({ redirect: {}, route: [{ weight: 100 }], httpFault: {}, websocketUpgrade: true }), [
    'rule cannot contain both route and redirect',
    'rule cannot contain both fault and redirect',
    'redirect must specify path, host, or both',
    'WebSocket upgrade is not allowed on redirect rules',
  ]],
  ['redirect and rewrite', rr({ redirect: { uri: '/a' }, rewrite: { authority: 'b' } }), ['rule cannot contain both rewrite and redirect']],
  // 7. route
  ['weights out of range', rr({ route: [{ weight: 120 }, { weight: -20 }] }), [
    'weight invalid:  must be in range 0..100 (spec.route[0].weight: 120)',
    'weight invalid:  must be in range 0..100 (spec.route[1].weight: -20)',
  ]],
  ['weights total 99', rr({ route: [{ weight: 50 }, { weight: 49 }] }), ['route weights total 99 (must total 100)']],
  ['one entry without weight means 100', rr({ route: [{ labels: { version: 'v1' } }] }), []],
  ['two entries without weight', rr({ route: [{}, {}] }), ['route weights total 0 (must total 100)']],
  ['an empty route list counts (Go: Route != nil)', rr({ route: [] }), ['route weights total 0 (must total 100)']],
  ['route labels: 0.4 tag rule', rr({ route: [{ labels: { a: '?' } }] }), ['invalid tag value: "?" (spec.route[0].labels.a)']],
  ['route destination is not validated', rr({ route: [{ destination: { name: 'Not_A_Label' }, weight: 100 }] }), []],
  // 8. mirror
  ['empty mirror', rr({ mirror: {} }), ['name or service is mandatory for a service reference (spec.mirror)']],
  // 9. appendHeaders, sorted
  ['append headers', rr({ appendHeaders: { b: '', 'X-A': 'v' } }), ['must be in lower case (spec.appendHeaders.X-A)', 'appended header "b" must have a non-empty value']],
  ['append header with an empty name', rr({ appendHeaders: { '': 'v' } }), ['header name cannot be empty (spec.appendHeaders[""])']],
  // 10. corsPolicy
  ['cors maxAge 0s', rr({ corsPolicy: { maxAge: '0s' } }), ['duration must be greater than 1ms (spec.corsPolicy.maxAge: "0.000s")']],
  ['cors maxAge below a second', rr({ corsPolicy: { maxAge: '1.5s' } }), ['max_age duration is accurate only to seconds precision']],
  ['cors maxAge 100ns', rr({ corsPolicy: { maxAge: '100ns' } }), ['duration must be greater than 1ms (spec.corsPolicy.maxAge: "0.000000100s")', 'max_age duration is accurate only to seconds precision']],
  ['cors headers', rr({ corsPolicy: { allowHeaders: ['ok', 'Content-Type'], exposeHeaders: [''] } }), [
    'must be in lower case (spec.corsPolicy.allowHeaders[1]: "Content-Type")',
    'header name cannot be empty (spec.corsPolicy.exposeHeaders[0]: "")',
  ]],
  ['cors methods are case-sensitive', rr({ corsPolicy: { allowMethods: ['GET', 'get', 'FETCH'] } }), ['"get" is not a supported HTTP method', '"FETCH" is not a supported HTTP method']],
  // 11. httpReqTimeout
  ['simple timeout without a timeout', rr({ httpReqTimeout: { simpleTimeout: {} } }), ['httpTimeout invalid:  duration: nil Duration']],
  ['timeout under 1ms', rr({ httpReqTimeout: { simpleTimeout: { timeout: '0.5ms' } } }), ['httpTimeout invalid:  duration must be greater than 1ms']],
  ['timeout finer than ms', rr({ httpReqTimeout: { simpleTimeout: { timeout: '1.0005s' } } }), ['httpTimeout invalid:  only durations to ms precision is supported']],
  ['custom timeout is not checked', rr({ httpReqTimeout: { custom: { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '1ns' } } }), []],
  // 12. httpReqRetries
  ['negative attempts', rr({ httpReqRetries: { simpleRetry: { attempts: -1, perTryTimeout: '1s' } } }), ['attempts must be in range [0..]']],
  ['perTryTimeout is required', rr({ httpReqRetries: { simpleRetry: { attempts: 3 } } }), ['perTryTimeout invalid:  duration: nil Duration']],
  // 13. httpFault
  ['delay percent', rr({ httpFault: { delay: { percent: 101, fixedDelay: '1s' } } }), ['percent invalid:  must be in range 0..100 (spec.httpFault.delay.percent: 101)']],
  ['delay without fixedDelay (one space: upstream prefix)', rr({ httpFault: { delay: {} } }), ['fixedDelay invalid: duration: nil Duration']],
  ['exponential delay', rr({ httpFault: { delay: { exponentialDelay: '0s' } } }), [
    'fixedDelay invalid: duration: nil Duration',
    'exponentialDelay invalid:  duration must be greater than 1ms',
    'exponentialDelay not supported yet',
  ]],
  ['abort percent and status', rr({ httpFault: { abort: { percent: -1, httpStatus: 601 } } }), [
    'percent invalid:  must be in range 0..100 (spec.httpFault.abort.percent: -1)',
    'invalid abort http status 601',
  ]],
  ['abort gRPC', rr({ httpFault: { abort: { grpcStatus: 'UNAVAILABLE' } } }), ['gRPC fault injection not supported yet']],
  ['abort http2Error is accepted', rr({ httpFault: { abort: { http2Error: 'x' } } }), []],
  // 14. l4Fault
  ['terminate', rr({ l4Fault: { terminate: { percent: 101 } } }), [
    'terminate percent invalid:  must be in range 0..100',
    'the terminate fault not supported yet',
    'L4 faults are not implemented',
  ]],
  ['throttle', rr({ l4Fault: { throttle: { percent: -1, downstreamLimitBps: -1, upstreamLimitBps: '-5', throttleAfterBytes: -1 } } }), [
    'throttle percent invalid:  must be in range 0..100',
    'downstreamLimitBps invalid',
    'upstreamLimitBps invalid',
    'throttleAfterPeriod invalid',
    'throttleAfterBytes invalid',
    'L4 faults are not implemented',
  ]],
  ['a valid throttle is still not implemented', rr({ l4Fault: { throttle: { percent: 50, throttleAfterPeriod: '1s' } } }), ['L4 faults are not implemented']],
];

for (const [name, spec, expected] of rules) {
  test(`RouteRule rule: ${name}`, () => assert.deepEqual(problems(spec), expected));
}

const reading: Array<[string, unknown, string[]]> = [
  ['spec missing', undefined, ['spec is required']],
  ['spec a list', [], ['spec: expected an object, got list']],
  ['unknown field', rr({ route: [{ wieght: 50 }] }), ['unknown field "spec.route[0].wieght"']],
  ['unknown top-level field', rr({ timeout: '1s' }), ['unknown field "spec.timeout"']],
  ['both spellings of a field', rr({ http_req_timeout: { simpleTimeout: { timeout: '1s' } }, httpReqTimeout: { simpleTimeout: { timeout: '2s' } } }), ['field "spec.httpReqTimeout" given twice (also as "spec.http_req_timeout")']],
  ['precedence a string', rr({ precedence: 'x' }), ['spec.precedence: expected an integer, got string "x"']],
  ['precedence a fraction', rr({ precedence: 1.5 }), ['spec.precedence: expected an integer, got number 1.5']],
  ['precedence beyond int32', rr({ precedence: 3000000000 }), ['spec.precedence: 3000000000 is out of range for int32']],
  ['destination a string: no second message', { destination: 'reviews' }, ['spec.destination: expected an object, got string "reviews"']],
  ['destination name a number: no second message', { destination: { name: 5 } }, ['spec.destination.name: expected a string, got number 5']],
  ['weight a string: no total', rr({ route: [{ weight: '50' }, { weight: 50 }] }), ['spec.route[0].weight: expected an integer, got string "50"']],
  ['route entry null', rr({ route: [null] }), ['spec.route[0]: expected an object, got null']],
  ['route not a list', rr({ route: 'v1' }), ['spec.route: expected a list, got string "v1"']],
  ['duration without a unit: no nil message', rr({ httpReqTimeout: { simpleTimeout: { timeout: '1' } } }), ['spec.httpReqTimeout.simpleTimeout.timeout: bad Duration: time: missing unit in duration 1']],
  ['duration with an unknown unit', rr({ httpReqTimeout: { simpleTimeout: { timeout: '1sec' } } }), ['spec.httpReqTimeout.simpleTimeout.timeout: bad Duration: time: unknown unit sec in duration 1sec']],
  ['duration as {seconds, nanos} (a jsonpb decode error)', rr({ httpReqTimeout: { simpleTimeout: { timeout: { seconds: 1 } } } }), ['spec.httpReqTimeout.simpleTimeout.timeout: expected a duration string such as "1.5s" or "100ms", got object']],
  ['duration as a number', rr({ httpReqRetries: { simpleRetry: { perTryTimeout: 1 } } }), ['spec.httpReqRetries.simpleRetry.perTryTimeout: expected a duration string such as "1.5s" or "100ms", got number 1']],
  ['two members of a oneof', rr({ httpFault: { delay: { fixedDelay: '1s', exponentialDelay: '1s' } } }), ['spec.httpFault.delay: only one of "fixedDelay", "exponentialDelay" may be given (oneof http_delay_type)']],
  ['header match null', rr({ match: { request: { headers: { x: null } } } }), ['spec.match.request.headers.x: expected a string match (exact, prefix or regex), got null']],
  ['append header value a number', rr({ appendHeaders: { a: 5 } }), ['spec.appendHeaders.a: expected a string, got number 5']],
  ['websocketUpgrade a string', rr({ websocketUpgrade: 'yes' }), ['spec.websocketUpgrade: expected a boolean, got string "yes"']],
  ['percent a string', rr({ httpFault: { abort: { percent: '10', httpStatus: 500 } } }), ['spec.httpFault.abort.percent: expected a number, got string "10"']],
  ['Any without @type', rr({ httpReqTimeout: { custom: { value: '1s' } } }), ["spec.httpReqTimeout.custom: Any JSON doesn't have '@type'"]],
  ['Any of a type egressctl cannot resolve', rr({ httpReqTimeout: { custom: { '@type': 'type.googleapis.com/foo.Bar', x: 1 } } }), ['spec.httpReqTimeout.custom: unknown message type "foo.Bar" (only the google.protobuf well-known types can be read in an Any)']],
  ['Any of a well-known type without value', rr({ httpReqTimeout: { custom: { '@type': 'type.googleapis.com/google.protobuf.Duration' } } }), ["spec.httpReqTimeout.custom: Any JSON doesn't have 'value'"]],
  ['NaN percent is out of range (0.4 let it through)', rr({ httpFault: { delay: { percent: 'NaN', fixedDelay: '1s' } } }), ['percent invalid:  must be in range 0..100 (spec.httpFault.delay.percent: "NaN")']],
];

for (const [name, spec, expected] of reading) {
  test(`RouteRule reading: ${name}`, () => assert.deepEqual(problems(spec), expected));
}

test('RouteRule: every problem at once: reading problems first (in proto field order), then Istio 0.4\'s order', () => {
  assert.deepEqual(problems({
    destination: { name: 'Bad', labels: { v: '1' } },
    route: [{ weight: 50, colour: 'red' }, { weight: 20 }],
    redirect: { uri: '/x' },
    precedence: 'high',
    corsPolicy: { allowMethods: ['get'] },
    httpReqRetries: { simpleRetry: { attempts: -1 } },
    l4Fault: { terminate: {} },
  }), [
    'spec.precedence: expected an integer, got string "high"',
    'unknown field "spec.route[0].colour"',
    'name "Bad" must be a valid label (spec.destination.name)',
    'route rule destination labels must be empty',
    'rule cannot contain both route and redirect',
    'route weights total 70 (must total 100)',
    '"get" is not a supported HTTP method',
    'attempts must be in range [0..]',
    'perTryTimeout invalid:  duration: nil Duration',
    'the terminate fault not supported yet',
    'L4 faults are not implemented',
  ]);
});

test('RouteRule: proto names become lowerCamel, defaults are left out, durations are written as jsonpb does', () => {
  const r = checkRouteRuleSpec({
    route: [{ labels: { version: 'v1' }, weight: 0 }],
    destination: { name: 'reviews', namespace: '', labels: {} },
    precedence: 0,
    websocket_upgrade: false,
    http_req_timeout: { simple_timeout: { timeout: '1.5s', override_header_name: 'x-timeout' } },
    http_req_retries: { simple_retry: { attempts: 3, per_try_timeout: '100ms' } },
    cors_policy: { max_age: '24h', allow_credentials: false, allow_origin: [] },
    append_headers: {},
    match: { request: { headers: { uri: { prefix: '/api' } } } },
  });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.spec, {
    destination: { name: 'reviews' },
    match: { request: { headers: { uri: { prefix: '/api' } } } },
    route: [{ labels: { version: 'v1' } }],
    httpReqTimeout: { simpleTimeout: { timeout: '1.500s', overrideHeaderName: 'x-timeout' } },
    httpReqRetries: { simpleRetry: { attempts: 3, perTryTimeout: '0.100s' } },
    corsPolicy: { maxAge: '86400.000s', allowCredentials: false },
  });
  assert.deepEqual(Object.keys(r.spec!), ['destination', 'match', 'route', 'httpReqTimeout', 'httpReqRetries', 'corsPolicy'], 'proto order');
});

test('RouteRule: a oneof member keeps its zero value; float percents are float32; an Any is written {"@type", value}', () => {
  const r = checkRouteRuleSpec(rr({
    httpFault: { abort: { percent: 100.00000001, httpStatus: 0 }, delay: { percent: 33.333333333, fixed_delay: '1m30s' } },
    httpReqRetries: { custom: { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '2s' } },
  }));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.spec, {
    destination: dest,
    httpReqRetries: { custom: { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '2.000s' } },
    httpFault: { delay: { percent: 33.333332, fixedDelay: '90.000s' }, abort: { percent: 100, httpStatus: 0 } },
  });
});

test('RouteRule: an invalid spec is not returned', () => {
  const r = checkRouteRuleSpec({});
  assert.equal(r.spec, undefined);
  assert.equal(r.problems.length, 1);
});
