// The shared pieces of the 0.x kinds: Go 1.9's duration parser and jsonpb's duration text, float32
// percents, Go's %q, and the 0.4 validators of IstioService, FQDNs, tags, header names and subnets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  at, checkDuration, checkFloatPercent, checkFQDN04, checkHeaderName, checkIPv4Subnet, checkPercent, checkTags,
  float32Shortest, formatDuration, goQuote, mapPath, parseGoDuration,
} from '../../src/core/kinds/istio-service.ts';

// Checked against Go's time.ParseDuration and jsonpb's `%.9f` formatting (results of a Go run;
// Go 1.9 prints the input unquoted in its errors, as here).
const durations: Array<[string, bigint | string, string?]> = [
  ['1s', 1000000000n, '1.000s'],
  ['1.5s', 1500000000n, '1.500s'],
  ['100ms', 100000000n, '0.100s'],
  ['1m30s', 90000000000n, '90.000s'],
  ['-1s', -1000000000n, '-1.000s'],
  ['+2h', 7200000000000n, '7200.000s'],
  ['0', 0n, '0.000s'],
  ['-0', 0n, '0.000s'],
  ['.5s', 500000000n, '0.500s'],
  ['5.s', 5000000000n, '5.000s'],
  ['0.0005s', 500000n, '0.000500s'],
  ['1µs', 1000n, '0.000001s'],
  ['1μs', 1000n, '0.000001s'],
  ['3ns', 3n, '0.000000003s'],
  ['1h2m3.004s', 3723004000000n, '3723.004s'],
  ['1.0000000001s', 1000000000n, '1.000s'],
  ['0.333333333333s', 333333333n, '0.333333333s'],
  ['-11.000000001s', -11000000001n, '-11.000000001s'],
  ['9223372036854775807ns', 9223372036854775807n, '9223372036.854776382s'],
  ['', 'time: invalid duration '],
  ['1', 'time: missing unit in duration 1'],
  ['.s', 'time: invalid duration .s'],
  ['1e3s', 'time: unknown unit e in duration 1e3s'],
  ['1 s', 'time: unknown unit  s in duration 1 s'],
  ['9223372036854775808ns', 'time: invalid duration 9223372036854775808ns'],
  ['2562047h47m16.854775808s', 'time: invalid duration 2562047h47m16.854775808s'],
];

for (const [input, nanos, text] of durations) {
  test(`duration ${JSON.stringify(input)}`, () => {
    assert.equal(parseGoDuration(input), nanos);
    if (text !== undefined) assert.equal(formatDuration(nanos as bigint), text);
  });
}

test('ValidateDuration on durations as read', () => {
  assert.equal(checkDuration(undefined), 'duration: nil Duration');
  assert.equal(checkDuration('0.000s'), 'duration must be greater than 1ms');
  assert.equal(checkDuration('-1.000s'), 'duration must be greater than 1ms');
  assert.equal(checkDuration('0.000999999s'), 'duration must be greater than 1ms');
  assert.equal(checkDuration('0.001s'), undefined);
  assert.equal(checkDuration('1.000500s'), 'only durations to ms precision is supported');
  assert.equal(checkDuration('86400.000s'), undefined);
});

test('percents: int32 and float32 ranges, compared as Go compares float32', () => {
  assert.deepEqual([-1, 0, 100, 101].map(checkPercent), ['must be in range 0..100', undefined, undefined, 'must be in range 0..100']);
  assert.equal(checkFloatPercent(100.00000001), undefined, 'rounds to 100 as a float32');
  assert.equal(checkFloatPercent(100.00001), 'must be in range 0..100');
  assert.equal(checkFloatPercent(-0.0001), 'must be in range 0..100');
  assert.equal(checkFloatPercent(NaN), 'must be in range 0..100');
  assert.deepEqual([0.1, 33.333333333, 100.00000001, 1e-7].map(float32Shortest), [0.1, 33.333332, 100, 1e-7]);
});

test('header names, tags, FQDNs and subnets with 0.4\'s messages', () => {
  assert.deepEqual(['', 'X-Foo', 'x-foo'].map(checkHeaderName), ['header name cannot be empty', 'must be in lower case', undefined]);
  assert.deepEqual(checkTags({ 'a/b.c_d-E': 'x/y', ok: '', 'b!': 'c?' }, 'spec.x.labels'), ['invalid tag key: "b!" (spec.x.labels)', 'invalid tag value: "c?" (spec.x.labels["b!"])']);
  assert.deepEqual(checkFQDN04(''), ['empty domain name not allowed', 'domain name "" invalid (label "" invalid)']);
  assert.deepEqual(checkFQDN04('x'.repeat(256)), [`domain name "${'x'.repeat(256)}" too long (max 255)`, `domain name "${'x'.repeat(256)}" invalid (label "${'x'.repeat(256)}" invalid)`]);
  assert.deepEqual(checkFQDN04('a.b-c.d1'), []);
  assert.deepEqual(['1.2.3.4', '1.2.3.0/24', '0.0.0.0/0', '1.2.3', '01.2.3.4', '::1', '1.2.3.4/33', '1.2.3.4/24/1'].map(checkIPv4Subnet), [
    undefined, undefined, undefined, '1.2.3 is not a valid IP', '01.2.3.4 is not a valid IP', '::1 is not a valid IPv4 address', '1.2.3.4/33 is not a valid CIDR block', '1.2.3.4/24/1 is not a valid IP',
  ]);
});

test('the context suffix: the path, and the value unless Istio\'s text shows it', () => {
  assert.equal(at('weight invalid:  must be in range 0..100', 'spec.route[1].weight', 120), 'weight invalid:  must be in range 0..100 (spec.route[1].weight: 120)');
  assert.equal(at('name "x" must be a valid label', 'spec.mirror.name', 'x'), 'name "x" must be a valid label (spec.mirror.name)');
  assert.equal(at('foo is not a valid IP', 'spec.match.tcp.sourceSubnet[0]', 'foo'), 'foo is not a valid IP (spec.match.tcp.sourceSubnet[0])');
  assert.equal(at('domain is not valid when service is provided', 'spec.destination.domain', 'd'), 'domain is not valid when service is provided (spec.destination.domain: "d")');
  assert.equal(at('name or service is mandatory for a service reference', 'spec.source'), 'name or service is mandatory for a service reference (spec.source)');
  assert.deepEqual([mapPath('a', 'x-y_1'), mapPath('a', ''), mapPath('a', 'b.c')], ['a.x-y_1', 'a[""]', 'a["b.c"]']);
  assert.equal(goQuote('a"b\\c\n\t\x01'), '"a\\"b\\\\c\\n\\t\\x01"');
});
