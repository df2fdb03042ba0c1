// convert's YAML writer (src/core/convert/yaml.ts) writes what js-yaml's dump writes with the same
// options, byte for byte: on objects like convert's, on generated values with awkward strings
// (indicators, YAML 1.1 words and numbers, controls, surrogates, long keys) and on values it hands
// over to js-yaml (multi-line strings, Dates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../helpers/fc-seed.ts';
import { dumpYaml, jsYamlDump } from '../../src/core/convert/yaml.ts';

const awkward = fc.constantFrom(
  '', ' ', 'a ', ' a', 'a: b', 'a:b', 'a #b', 'a#b', '#a', '- a', '-a', '-', '? a', '?a', ':a', 'a:', ',a', '[a]', '{a}', '*a', '&a', '!a', '|a', '>a', "'a'", '"a"',
  '%a', '@a', '`a', '=a', '<<', '~', 'null', 'Null', 'NULL', 'true', 'False', 'yes', 'No', 'ON', 'off', 'y', 'N', '1', '-1', '+1', '0x1F', '0o17', '0b101', '0755', '1_000',
  '1e3', '1.5', '.5', '5.', '.inf', '-.Inf', '.NaN', '1:30', '190:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '1.0', 'v1', '10.0.0.0/8', '*.example.com', '*',
  'a\tb', 'a\rb', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\ufeff', '\ud83d\ude00', '\ud800', 'é', 'x'.repeat(1025), 'route-1', 'app.kubernetes.io/name',
);
// Any code points, lone surrogates included (what fc.string({ unit: 'binary' }) makes, without the
// 1.1-million-entry reverse map fast-check builds for that arbitrary's shrinking: ~1 s per run).
const binary = fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 8 }).map((cps) => String.fromCodePoint(...cps));
const text = fc.oneof(awkward, fc.string({ maxLength: 12 }), binary, fc.stringMatching(/^[A-Za-z0-9._/:# -]{1,10}$/), fc.tuple(awkward, awkward).map(([a, b]) => a + b));
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.constantFrom(0, -0, 1e21, 5e-100, NaN, Infinity, -Infinity, 2 ** 53), fc.boolean(), fc.constant(null), fc.constant(undefined));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(text, tie('node'), { maxKeys: 4 }),
})).node;

test('dumpYaml writes what js-yaml dumps: generated values', () => {
  fc.assert(fc.property(value, (v) => {
    assert.equal(dumpYaml(v), jsYamlDump(v));
  }), { numRuns: 3000 });
});

test('dumpYaml writes what js-yaml dumps: strings of letters, digits and ._/- (its plain fast path)', () => {
  fc.assert(fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9._/-]{0,8}$/), (s) => {
    assert.equal(dumpYaml({ [s]: s }), jsYamlDump({ [s]: s }));
  }), { numRuns: 5000 });
});

test('dumpYaml writes what js-yaml dumps: strings with a slash, and strings quoted as they are (its other fast paths)', () => {
  fc.assert(fc.property(fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9._-]{0,5}\/[A-Za-z0-9._/-]{0,5}$/),
    fc.stringMatching(/^[ \-?:,[\]{}#&*!|=>'%@`"\\][\x20-\x7e]{0,8}$/),
    fc.stringMatching(/^[-*][0-9:._-]{0,6}$/),
    fc.stringMatching(/^[\x20-\x7e]{1,10}$/),
    fc.stringMatching(/^[0-9a-zA-Z:# ._+\-~<(),^$]{1,8}$/),
  ), (s) => {
    assert.equal(dumpYaml({ [s]: [s] }), jsYamlDump({ [s]: [s] }));
  }), { numRuns: 40000 });
});

test('dumpYaml writes what js-yaml dumps: values it hands over', () => {
  for (const v of [{ a: 'two\nlines' }, { a: [{ b: 'x\n' }] }, { 'a\nb': 1 }, { at: new Date(0) }, 'top\nlevel', { a: new Uint8Array([1, 2]) }, [[['x\ny']]]]) {
    assert.equal(dumpYaml(v), jsYamlDump(v));
  }
});

test('dumpYaml writes what js-yaml dumps: objects as convert writes them', () => {
  const objects = [
    { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'egress-1', namespace: 'team-1' }, spec: { hosts: ['*.api1.example.com'], ports: [{ number: 443, name: 'http-443', protocol: 'HTTP' }], location: 'MESH_EXTERNAL', resolution: 'NONE' } },
    { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'svc-1', namespace: 'team-1' }, spec: { hosts: ['svc-1.team-1.svc.cluster.local'], http: [{ name: 'route-1', match: [{ headers: { cookie: { regex: '^(.*?;)?(user=u1)(;.*)?$' } } }], route: [{ destination: { host: 'svc-1.team-1.svc.cluster.local', subset: 'version-v1' }, weight: 80 }], timeout: '2s', retries: { attempts: 3, perTryTimeout: '0.5s', retryOn: '5xx,connect-failure,refused-stream' }, fault: { delay: { percentage: { value: 10.5 }, fixedDelay: '5s' } } }] } },
    { apiVersion: 'v1', kind: 'List', items: [{ a: [] }, { b: {} }, [1, [2, [3]]], null] },
    { metadata: { annotations: { 'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.0.0.0/8', empty: '', 'x.y/z': 'yes' } } },
  ];
  for (const o of objects) assert.equal(dumpYaml(o), jsYamlDump(o));
});
