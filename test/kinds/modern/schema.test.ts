// The CRD layer: shapes, types and the API server's messages, by path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, duration, enumOf, int32, list, map, obj, plainDuration, str, stringMap, strings, uint32, PORT_RULE, type DecodeOut, type Schema } from '../../../src/core/kinds/modern/schema.ts';

function run(v: unknown, s: Schema): { value: unknown; problems: string[]; bad: string[] } {
  const out: DecodeOut = { problems: [], bad: new Set() };
  const value = decode(v, s, 'spec', out);
  return { value, problems: out.problems, bad: [...out.bad] };
}

const port = obj({ number: uint32({ rules: [PORT_RULE] }), name: str({ maxLength: 5 }) }, { required: ['number', 'name'] });

test('a clean copy: null fields dropped, the rest as given', () => {
  const r = run({ number: 80, name: 'http', extra: undefined }, obj({ number: uint32(), name: str(), extra: str() }));
  assert.deepEqual(r, { value: { number: 80, name: 'http' }, problems: [], bad: [] });
  assert.deepEqual(run({ number: 80, name: null }, obj({ number: uint32(), name: str() })).value, { number: 80 });
});

const cases: Array<[string, unknown, Schema, string[]]> = [
  ['unknown field', { number: 80, name: 'a', nmae: 'x' }, port, ['unknown field "spec.nmae"']],
  ['wrong type', { number: 'x', name: 'a' }, port, ['spec.number: expected an integer, got string "x"']],
  ['float for integer', { number: 1.5, name: 'a' }, port, ['spec.number: expected an integer, got number 1.5']],
  ['required', {}, port, ['spec.number: Required value', 'spec.name: Required value']],
  ['CEL rule', { number: 0, name: 'a' }, port, ['spec.number: Invalid value: "integer": port must be between 1-65535']],
  ['minimum', { number: -1, name: 'a' }, port, ['spec.number: Invalid value: -1: spec.number in body should be greater than or equal to 0', 'spec.number: Invalid value: "integer": port must be between 1-65535']],
  ['maximum', 4294967296, uint32(), ['spec: Invalid value: 4294967296: spec in body should be less than or equal to 4294967295']],
  ['int32 range', 2147483648, int32(), ['spec: expected a 32-bit integer, got number 2147483648']],
  ['maxLength', { number: 1, name: 'abcdef' }, port, ['spec.name: Too long: may not be more than 5 bytes']],
  ['enum', 'DNSX', enumOf('NONE', 'DNS'), ['spec: Unsupported value: "DNSX": supported values: "NONE", "DNS"']],
  ['enum type', 2, enumOf('NONE', 'DNS'), ['spec: expected a string, got number 2']],
  ['list items', ['a', 3, null], strings(), ['spec[1]: expected a string, got number 3', 'spec[2]: expected a string, got null']],
  ['list', 'a', strings(), ['spec: expected a list, got string "a"']],
  ['maxItems', ['a', 'b', 'c'], strings({ maxItems: 2 }), ['spec: Too many: 3: must have at most 2 items']],
  ['minItems', [], strings({ minItems: 1 }), ['spec: Invalid value: 0: spec in body should have at least 1 items']],
  ['list-map keys', [{ number: 1, name: 'a' }, { number: 2, name: 'a' }], list(port, { mapKeys: ['name'] }), ['spec[1]: Duplicate value: {"name":"a"}']],
  ['map values', { a: 'x', b: 1 }, stringMap(), ['spec[b]: expected a string, got number 1']],
  ['map', ['a'], stringMap(), ['spec: expected a map, got list']],
  ['maxProperties', { a: 'x', b: 'y' }, map(str(), { maxProperties: 1 }), ['spec: Too many: 2: must have at most 1 items']],
  ['oneof', { exact: 'a', prefix: 'b' }, obj({ exact: str(), prefix: str() }, { oneOf: [['exact', 'prefix']] }), ['spec: only one of exact, prefix may be set (given: exact, prefix)']],
  ['duration rule', '0.5ms', duration(), ['spec: Invalid value: "string": must be a valid duration greater than 1ms']],
  ['duration syntax', '10', duration(), ['spec: Invalid value: "string": must be a valid duration greater than 1ms']],
  ['duration type', 10, duration(), ['spec: expected a string (a duration), got number 10']],
  ['plain duration', 'x', plainDuration(), ['bad Duration: time: invalid duration "x" (spec)']],
  ['object', 'x', port, ['spec: expected an object, got string "x"']],
];
for (const [name, v, s, want] of cases) test(`schema: ${name}`, () => assert.deepEqual(run(v, s).problems, want));

test('values of the wrong type are marked bad, and list positions are kept', () => {
  const r = run(['a', 3, 'c'], strings());
  assert.deepEqual(r.value, ['a', null, 'c']);
  assert.deepEqual(r.bad, ['spec[1]']);
});

test('durations accept Go syntax', () => {
  for (const d of ['1s', '0.5s', '100ms', '1m30s', '1h', '1ms']) assert.deepEqual(run(d, duration()).problems, [], d);
  assert.deepEqual(run('0s', plainDuration()).problems, []);
});
