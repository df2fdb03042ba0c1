// VirtualService: the CRD's shape and Istio 1.30's ValidateVirtualService, one rule at a time, exact messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkVirtualServiceSpec } from '../../../src/core/kinds/modern/virtualservice.ts';

const dest = (host = 'reviews', extra: Record<string, unknown> = {}) => ({ destination: { host, ...extra } });
const route = (extra: Record<string, unknown> = {}) => ({ route: [dest()], ...extra });
const vs = (http: unknown[], over: Record<string, unknown> = {}) => ({ hosts: ['reviews'], http, ...over });
const check = (spec: unknown) => checkVirtualServiceSpec(spec, { namespace: 'default' });
const problems = (spec: unknown) => check(spec).problems;
const warnings = (spec: unknown) => check(spec).warnings;

// Valid examples in the shape of Istio's traffic-management tasks.
const examples: Array<[string, unknown]> = [
  ['request routing: reviews v1', vs([{ route: [dest('reviews', { subset: 'v1' })] }])],
  ['weighted: 50/50', vs([{ route: [{ ...dest('reviews', { subset: 'v1' }), weight: 50 }, { ...dest('reviews', { subset: 'v3' }), weight: 50 }] }])],
  ['header match', vs([{ match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [dest('reviews', { subset: 'v2' })] }, { route: [dest('reviews', { subset: 'v1' })] }])],
  ['fault with percentage', vs([{ fault: { delay: { percentage: { value: 100.0 }, fixedDelay: '7s' } }, route: [dest()] }])],
  ['abort', vs([{ fault: { abort: { percentage: { value: 0.1 }, httpStatus: 500 } }, route: [dest()] }])],
  ['timeout and retries', vs([{ route: [dest()], timeout: '0.5s', retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,refused-stream,503' } }])],
  ['mirror', vs([{ route: [{ ...dest('httpbin', { subset: 'v1' }), weight: 100 }], mirror: { host: 'httpbin', subset: 'v2' }, mirrorPercentage: { value: 100.0 } }])],
  ['CORS with allowOrigins', vs([{ route: [dest()], corsPolicy: { allowOrigins: [{ exact: 'https://example.com' }, { regex: 'https://.*\\.example\\.com' }], allowMethods: ['POST', 'GET'], allowCredentials: false, allowHeaders: ['X-Foo-Bar'], maxAge: '24h' } }])],
  ['headers operations', vs([{ headers: { request: { set: { 'x-a': 'b' }, remove: ['x-c'] }, response: { add: { 'x-d': '%HOSTNAME%' } } }, route: [{ ...dest(), headers: { response: { set: { 'x-e': '100%%' } } } }] }])],
  ['redirect and rewrite', vs([{ match: [{ uri: { exact: '/v1/getProductRatings' } }], redirect: { uri: '/v1/bookRatings', authority: 'newratings.default.svc.cluster.local' } }, { match: [{ uri: { prefix: '/ratings' } }], rewrite: { uri: '/v1/bookRatings' }, route: [dest('ratings')] }])],
  ['direct response', vs([{ directResponse: { status: 503, body: { string: 'unknown error' } } }])],
  ['gateway-bound, egress gateway pattern', { hosts: ['edition.cnn.com'], gateways: ['istio-egressgateway', 'mesh'], http: [{ match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', subset: 'cnn', port: { number: 80 } }, weight: 100 }] }, { match: [{ gateways: ['istio-egressgateway'], port: 80 }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 80 } }, weight: 100 }] }] }],
  ['tls route with sniHosts', { hosts: ['*.wikipedia.org'], tls: [{ match: [{ port: 443, sniHosts: ['en.wikipedia.org'] }], route: [{ destination: { host: 'en.wikipedia.org', port: { number: 443 } } }] }] }],
  ['tcp route with subnets', { hosts: ['mongo.prod.svc.cluster.local'], tcp: [{ match: [{ port: 27017, destinationSubnets: ['10.0.0.0/8', '2001:db8::/32'] }], route: [{ destination: { host: 'mongo.backup.svc.cluster.local', port: { number: 5555 } } }] }] }],
  ['delegate root and delegate', vs([{ match: [{ uri: { prefix: '/productpage' } }], delegate: { name: 'productpage', namespace: 'nsA' } }])],
  ['a delegate (no hosts)', { http: [{ match: [{ uri: { prefix: '/productpage' } }], route: [dest('productpage.nsA.svc.cluster.local')] }] }],
];
for (const [name, spec] of examples) {
  test(`valid: ${name}`, () => {
    const r = check(spec);
    assert.deepEqual([r.problems, r.warnings], [[], []]);
    assert.deepEqual(r.spec, spec);
  });
}

const cases: Array<[string, unknown, string[]]> = [
  // the spec as a whole
  ['no routes', { hosts: ['reviews'] }, ['http, tcp or tls must be provided in virtual service']],
  ['wildcard host on the mesh', vs([route()], { hosts: ['*'] }), ['wildcard host * is not allowed for virtual services bound to the mesh gateway']],
  ['bad host', vs([route()], { hosts: ['foo_bar.com'] }), ['domain name "foo_bar.com" invalid (label "foo_bar" invalid)']],
  ['an IP as host is accepted', vs([route()], { hosts: ['10.0.0.1'] }), []],
  ['duplicate hosts', vs([route()], { hosts: ['a.foo.com', '*.foo.com'] }), ['duplicate hosts in virtual service: a.foo.com & *.foo.com']],
  ['delegate with gateways and tcp', { gateways: ['gw'], http: [route()], tcp: [{ route: [dest()] }] }, ['delegate virtual service must have no gateways specified', 'delegate virtual service must have no tcp route specified']],
  ['gateway names', vs([route()], { gateways: ['ns/Bad_Name', '/gw', 'UPPER_NS/gw'] }), ['invalid value for gateway name: "Bad_Name"', 'config namespace and gateway name cannot be empty (spec.gateways[1])', 'invalid value for namespace: ""', 'invalid value for namespace: "UPPER_NS"']],
  ['JWT claim routing on the mesh', vs([{ match: [{ headers: { '@request.auth.claims.group': { exact: 'a' } } }], route: [dest()] }]), ['JWT claim based routing (key: @request.auth.claims.group) is only supported for gateway, found no gateways: []']],
  ['exportTo', vs([route()], { exportTo: ['*', 'ns1'] }), ['cannot have both public (*) and non-public exportTo values for a resource']],
  // conflicts
  ['nothing to do', vs([{ match: [{ uri: { prefix: '/' } }] }]), ['HTTP route, redirect or direct_response is required (spec.http[0])']],
  ['route and redirect', vs([route({ redirect: { uri: '/x' } })]), ['HTTP route cannot contain both route and redirect (spec.http[0])']],
  ['redirect with fault and rewrite', vs([{ redirect: { uri: '/x' }, fault: { abort: { httpStatus: 500 } }, rewrite: { uri: '/y' } }]), ['HTTP route cannot contain both fault and redirect (spec.http[0])', 'HTTP route rule cannot contain both rewrite and redirect (spec.http[0])']],
  ['redirect and direct response', vs([{ redirect: { uri: '/x' }, directResponse: { status: 200 } }]), ['HTTP route rule cannot contain both direct_response and redirect (spec.http[0])']],
  ['direct response and route', vs([route({ directResponse: { status: 200 } })]), ['HTTP route cannot contain both route and direct_response (spec.http[0])']],
  ['mirror and mirrors', vs([route({ mirror: { host: 'a' }, mirrors: [{ destination: { host: 'b' } }] })]), ['HTTP route cannot contain both mirror and mirrors (spec.http[0])']],
  ['root route with route', vs([route({ delegate: { name: 'd', namespace: 'n' }, name: 'r1' })]), ['root HTTP route r1 must not specify route (spec.http[0])']],
  ['delegate route with a delegate', { http: [{ delegate: { name: 'd' } }] }, ['delegate HTTP route cannot contain delegate (spec.http[0])', 'HTTP route, redirect or direct_response is required (spec.http[0])']],
  // destinations and weights
  ['no destination', vs([{ route: [{ weight: 100 }] }]), ['spec.http[0].route[0].destination: Required value', 'destination is required (spec.http[0].route[0])']],
  ['destination host *', vs([{ route: [dest('*')] }]), ['invalid destination host *']],
  ['empty destination host', vs([{ route: [dest('')] }]), ['empty domain name not allowed (spec.http[0].route[0].destination.host)']],
  ['subset names', vs([{ route: [dest('reviews', { subset: 'v_1' })] }]), ['subset name is invalid: v_1']],
  ['destination port', vs([{ route: [dest('reviews', { port: { number: 0 } })] }]), ['port number 0 must be in the range 1..65535 (spec.http[0].route[0].destination.port.number)']],
  ['negative weight', vs([{ route: [{ ...dest(), weight: -1 }, { ...dest('ratings'), weight: 101 }] }]), ['weight -1 < 0 (spec.http[0].route[0].weight)']],
  ['total weight 0', vs([{ route: [{ ...dest(), weight: 0 }, { ...dest('ratings'), weight: 0 }] }]), ['total destination weight = 0 (spec.http[0].route)']],
  ['weight not an int32', vs([{ route: [{ ...dest(), weight: 2 ** 31 }] }]), ['spec.http[0].route[0].weight: expected a 32-bit integer, got number 2147483648']],
  // matches
  ['empty prefix', vs([route({ match: [{ method: { prefix: '' } }] })]), ['"method": prefix string match should not be empty (spec.http[0].match[0].method)']],
  ['empty regex', vs([route({ match: [{ uri: { regex: '' } }] })]), ['"uri": regex string match should not be empty (spec.http[0].match[0].uri)']],
  ['bad regex', vs([route({ match: [{ headers: { 'x-a': { regex: '(a' } } }] })]), ['"headers": error parsing regexp: missing closing ): `(a`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax) (spec.http[0].match[0].headers[x-a])']],
  ['look-ahead is not RE2', vs([route({ match: [{ uri: { regex: '/a(?=b)' } }] })]), ['"uri": error parsing regexp: invalid or unsupported Perl syntax: `(?=`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax) (spec.http[0].match[0].uri)']],
  ['header name', vs([route({ match: [{ headers: { 'x a': { exact: 'b' } } }] })]), ['header name x a is not a valid header name']],
  ['two match types', vs([route({ match: [{ uri: { exact: '/a', prefix: '/b' } }] })]), ['spec.http[0].match[0].uri: only one of exact, prefix, regex may be set (given: exact, prefix)']],
  ['match port, labels and namespace', vs([route({ match: [{ port: 70000, sourceNamespace: 'Bad_NS', sourceLabels: { 'a b': 'c' } }] })]), [
    'port number 70000 must be in the range 1..65535 (spec.http[0].match[0].port)',
    'invalid tag key: "a b"',
    'sourceNamespace match Bad_NS is invalid',
  ]],
  // header operations
  ['header operations', vs([route({ headers: { request: { set: { ':path': '/x' }, remove: ['Host'] }, response: { add: { 'x-a': 'abc%123' } } } })]), [
    'invalid header ":path": header cannot have ":" prefix',
    'invalid header "Host": cannot set Host header',
    'header value configuration: invalid header configuration. Un-terminated variable expression \'abc%123\' (spec.http[0].headers.response.add[x-a])',
  ]],
  ['authority twice', vs([route({ rewrite: { authority: 'a' }, headers: { request: { set: { host: 'b' } } } })]), ['authority header cannot be set multiple times: have "a", attempting to set "b" (spec.http[0].headers.request)']],
  // CORS
  ['CORS', vs([route({ corsPolicy: { allowOrigins: [{ exact: '' }], allowMethods: ['FETCH'], allowHeaders: ['a b'], maxAge: '1.5s' } })]), [
    "'' is not a valid match type for CORS allow origins (spec.http[0].corsPolicy.allowOrigins[0])",
    '"FETCH" is not a supported HTTP method',
    'header name a b is not a valid header name',
    'max_age duration is accurate only to seconds precision (spec.http[0].corsPolicy.maxAge)',
  ]],
  // fault injection
  ['empty fault', vs([route({ fault: {} })]), ['HTTP fault injection must have an abort and/or a delay (spec.http[0].fault)']],
  ['fault percentages and status', vs([route({ fault: { abort: { percentage: { value: 150 }, httpStatus: 99 }, delay: { percentage: { value: 0.00001 }, fixedDelay: '1.5ms' } } })]), [
    'percentage 150 is neither 0.0, nor in range [0.0001, 100.0] (spec.http[0].fault.abort.percentage)',
    'HTTP status 99 is not in range 200-599 (spec.http[0].fault.abort.httpStatus)',
    'percentage 1e-05 is neither 0.0, nor in range [0.0001, 100.0] (spec.http[0].fault.delay.percentage)',
    'only durations to ms precision are supported (spec.http[0].fault.delay.fixedDelay)',
  ]],
  ['gRPC status and HTTP/2 abort', vs([route({ fault: { abort: { grpcStatus: 'NOPE' } } }), route({ fault: { abort: { http2Error: 'x' } } })]), [
    'gRPC status "NOPE" is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example \'NOT_FOUND\'',
    'HTTP/2 abort fault injection not supported yet (spec.http[1].fault.abort.http2Error)',
  ]],
  ['exponential delay', vs([route({ fault: { delay: { exponentialDelay: '1s' } } })]), ['exponentialDelay not supported yet (spec.http[0].fault.delay.exponentialDelay)']],
  // mirrors
  ['mirror percentages', vs([route({ mirror: { host: 'a' }, mirrorPercentage: { value: 101 } }), route({ mirrors: [{ destination: { host: 'b' }, percentage: { value: -1 } }] })]), [
    'mirror_percentage must have a max value of 100 (it has 101.000000) (spec.http[0].mirrorPercentage)',
    'mirror percentage must have a min value of 0 (it has -1.000000) (spec.http[1].mirrors[0].percentage)',
  ]],
  ['mirror destination', vs([route({ mirror: { host: '*' } })]), ['invalid destination host *']],
  // redirect, direct response, retries, rewrite, timeout
  ['empty redirect', vs([{ redirect: {} }]), ['redirect must specify URI, authority, scheme, or port (spec.http[0].redirect)']],
  ['redirect code and scheme', vs([{ redirect: { uri: '/a', redirectCode: 200, scheme: 'ftp' } }]), ['200 is not a valid redirect code, must be 3xx (spec.http[0].redirect.redirectCode)', 'invalid redirect scheme, must be "http" or "https" (spec.http[0].redirect.scheme)']],
  ['redirect port and derivePort', vs([{ redirect: { port: 8080, derivePort: 'FROM_REQUEST_PORT' } }]), ['spec.http[0].redirect: only one of port, derivePort may be set (given: port, derivePort)']],
  ['direct response status', vs([{ directResponse: { status: 700 } }]), ['HTTP status 700 is not in range 200-599 (spec.http[0].directResponse.status)']],
  ['direct response without status', vs([{ directResponse: { body: { string: 'x' } } }]), ['spec.http[0].directResponse.status: Required value', 'HTTP status 0 is not in range 200-599 (spec.http[0].directResponse.status)']],
  ['retries', vs([route({ retries: { attempts: -1, perTryTimeout: '0.1ms', retryOn: '5xx,bogus,418, reset' } })]), [
    'spec.http[0].retries.perTryTimeout: Invalid value: "string": must be a valid duration greater than 1ms',
    'attempts cannot be negative (spec.http[0].retries.attempts)',
    'duration must be greater than 1ms (spec.http[0].retries.perTryTimeout)',
    '"bogus" is not a valid retryOn policy',
    '" reset" is not a valid retryOn policy',
  ]],
  ['retries disabled but configured', vs([route({ retries: { attempts: 0, retryOn: '5xx' } })]), ['http retry policy configured when attempts are set to 0 (disabled) (spec.http[0].retries)']],
  ['rewrite', vs([route({ rewrite: { uri: '/a', uriRegexRewrite: { match: 'a', rewrite: 'b' } } }), route({ rewrite: {} }), route({ rewrite: { uriRegexRewrite: { match: '(' , rewrite: 'x' } } })]), [
    'rewrite may only contain one of URI or UriRegexRewrite (spec.http[0].rewrite)',
    'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified (spec.http[1].rewrite)',
    'UriRegexRewrite has errors: "HTTPRewrite.UriRegexRewrite.Match": error parsing regexp: missing closing ): `(`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
  ]],
  ['timeout', vs([route({ timeout: '10' })]), ['spec.http[0].timeout: Invalid value: "string": must be a valid duration greater than 1ms']],
  // TLS and TCP routes
  ['tls route without match and route', { hosts: ['a.com'], tls: [{ match: [] }] }, ['TLS route must have at least one match condition (spec.tls[0])', 'TLS route is required (spec.tls[0])']],
  ['tls match', { hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['b.com', '10.0.0.1'], destinationSubnets: ['10.0.0.0/40'] }], route: [dest('a.com')] }] }, [
    'SNI host "b.com" is not a compatible subset of any of the virtual service hosts: [a.com]',
    '10.0.0.0/40 is not a valid CIDR block',
  ]],
  ['tcp route without route', { hosts: ['a.com'], tcp: [{ match: [{ port: 0 }] }] }, ['TCP route is required (spec.tcp[0])']],
  ['tcp route weights', { hosts: ['a.com'], tcp: [{ route: [{ ...dest('a.com'), weight: 0 }, { ...dest('b.com'), weight: 0 }] }] }, ['total destination weight = 0 (spec.tcp[0].route)']],
];
for (const [name, spec, want] of cases) test(`problem: ${name}`, () => assert.deepEqual(problems(spec), want));

test('warnings: unreachable rules, legacy gateway names, SNI IPs, deprecated mirrorPercent, abort without type', () => {
  assert.deepEqual(warnings(vs([route(), route({ name: 'second' })])), ['virtualService rule "second" not used (only the last rule can have no matches)']);
  assert.deepEqual(warnings(vs([route(), route({ match: [{ uri: { exact: '/a' } }] })])), ['virtualService rule #1 not used (route without matches defined before)']);
  assert.deepEqual(warnings(vs([route({ match: [{ uri: { exact: '/a' } }] }), route({ match: [{ uri: { exact: '/a' }, name: 'again' }] })])), [
    'virtualService rule #1 match "again" is not used (duplicate/overlapping match in rule #0)',
    'virtualService rule #1 not used (all matches used by prior rules)',
  ]);
  assert.deepEqual(warnings(vs([route({ match: [{ uri: { prefix: '/api' } }] }), route({ match: [{ uri: { prefix: '/api/v1' } }] })])), [
    'virtualService rule #1 match #0 of prefix /api/v1 is not used (duplicate/overlapping match in rule #0 of prefix /api on #0)',
  ]);
  assert.deepEqual(warnings(vs([route({ match: [{ uri: { prefix: '/api' }, headers: { a: { exact: 'b' } } }] }), route({ match: [{ uri: { prefix: '/api/v1' } }] })])), []);
  assert.deepEqual(warnings(vs([route()], { gateways: ['my-gateway.istio-system'] })), ['using legacy gatewayName format "my-gateway.istio-system"; prefer the <namespace>/<name> format: "istio-system/my-gateway"']);
  assert.deepEqual(warnings({ hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['10.0.0.1'] }], route: [dest('a.com')] }] }), ['using an IP address ("10.0.0.1") goes against SNI spec and most clients do not support this']);
  assert.deepEqual(warnings(vs([route({ mirror: { host: 'a' }, mirrorPercent: 5 })])), ['using deprecated setting "mirrorPercent", use "mirrorPercentage" instead (spec.http[0].mirrorPercent)']);
  assert.deepEqual(warnings(vs([route({ fault: { abort: { percentage: { value: 1 } } } })])), ['abort configured, but error type not set (spec.http[0].fault.abort)']);
  assert.deepEqual(warnings({ hosts: ['a.com'], tcp: [{ route: [dest('a.com')] }, { route: [dest('b.com')] }] }), ['virtualService rule #1 not used (only the last rule can have no matches)']);
});

test('a VirtualService bound to a gateway may use * and outbound_ SNI names', () => {
  assert.deepEqual(problems(vs([route()], { hosts: ['*'], gateways: ['istio-system/gw'] })), []);
  assert.deepEqual(problems({ hosts: ['outbound_.80_._.reviews.default.svc.cluster.local'], gateways: ['ns/gw'], tls: [{ match: [{ sniHosts: ['outbound_.80_._.reviews.default.svc.cluster.local'] }], route: [dest()] }] }), []);
  assert.deepEqual(problems({ hosts: ['outbound_.x_._.a'], gateways: ['ns/gw'], tls: [{ match: [{ sniHosts: ['outbound_.x_._.a'] }], route: [dest()] }] }), [
    'domain name "outbound_.x_._.a" invalid (label "x" invalid). should follow outbound_.<PORT>_._.<HOSTNAME> format',
    'domain name "outbound_.x_._.a" invalid (label "x" invalid). should follow outbound_.<PORT>_._.<HOSTNAME> format',
  ]);
});

test('unknown fields and wrong types by path; deprecated v1alpha3 fields that were removed are unknown', () => {
  assert.deepEqual(problems(vs([route({ websocketUpgrade: true })])), ['unknown field "spec.http[0].websocketUpgrade"']);
  assert.deepEqual(problems(vs([route({ appendHeaders: { a: 'b' } })])), ['unknown field "spec.http[0].appendHeaders"']);
  assert.deepEqual(problems(vs([route({ fault: { abort: { percent: 10, httpStatus: 500 } } })])), ['unknown field "spec.http[0].fault.abort.percent"']);
  assert.deepEqual(problems(vs([{ route: [{ destination: { host: 'reviews', port: 80 } }] }])), ['spec.http[0].route[0].destination.port: expected an object, got number 80']);
  assert.deepEqual(problems(vs([{ route: [{ destination: { host: 5 } }] }])), ['spec.http[0].route[0].destination.host: expected a string, got number 5']);
  assert.deepEqual(problems(vs([route({ timeout: 5 })])), ['spec.http[0].timeout: expected a string (a duration), got number 5']);
  assert.deepEqual(problems({ hosts: 'reviews', http: [route()] }), ['spec.hosts: expected a list, got string "reviews"']);
});

test('every problem of a VirtualService at once, CRD first', () => {
  const p = problems({ hosts: ['*', 'bad_host'], exportTo: ['~'], http: [{ route: [{ ...dest('*'), weight: -5 }], timeout: '0s', retries: { attempts: -1 } }], tcp: [{}] });
  assert.deepEqual(p, [
    'spec.http[0].timeout: Invalid value: "string": must be a valid duration greater than 1ms',
    'wildcard host * is not allowed for virtual services bound to the mesh gateway',
    'domain name "bad_host" invalid (label "bad_host" invalid)',
    'attempts cannot be negative (spec.http[0].retries.attempts)',
    'invalid destination host *',
    'weight -5 < 0 (spec.http[0].route[0].weight)',
    'duration must be greater than 1ms (spec.http[0].timeout)',
    'TCP route is required (spec.tcp[0])',
    'exportTo ~ (none) is not allowed for Istio configuration objects',
  ]);
});
