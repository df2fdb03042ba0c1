// Durations read with Go's time.ParseDuration syntax, and Istio's millisecond rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationProblem, nanosPart, parseGoDuration } from '../../../src/core/kinds/modern/duration.ts';

const ms = 1000000n;
const ok: Array<[string, bigint]> = [
  ['1s', 1000n * ms],
  ['0.5s', 500n * ms],
  ['100ms', 100n * ms],
  ['1m30s', 90000n * ms],
  ['1h', 3600000n * ms],
  ['1.5h', 5400000n * ms],
  ['250us', 250000n],
  ['250µs', 250000n],
  ['250μs', 250000n],
  ['300ns', 300n],
  ['.5s', 500n * ms],
  ['5.s', 5000n * ms],
  ['0', 0n],
  ['-1s', -1000n * ms],
  ['+2ms', 2n * ms],
  ['1.000340012s', 1000340012n],
];
for (const [text, nanos] of ok) test(`duration ${text}`, () => assert.deepEqual(parseGoDuration(text), { ok: true, nanos }));

const bad: Array<[string, string]> = [
  ['', 'time: invalid duration ""'],
  ['1', 'time: missing unit in duration "1"'],
  ['1 s', 'time: unknown unit " s" in duration "1 s"'],
  ['1d', 'time: unknown unit "d" in duration "1d"'],
  ['.s', 'time: invalid duration ".s"'],
  ['s', 'time: invalid duration "s"'],
  ['-', 'time: invalid duration "-"'],
  ['3000000h', 'time: invalid duration "3000000h"'],
];
for (const [text, error] of bad) test(`bad duration ${JSON.stringify(text)}`, () => assert.deepEqual(parseGoDuration(text), { ok: false, error }));

test('Istio wants at least 1ms, in whole milliseconds', () => {
  assert.equal(durationProblem(ms), undefined);
  assert.equal(durationProblem(0n), 'duration must be greater than 1ms');
  assert.equal(durationProblem(-5n * ms), 'duration must be greater than 1ms');
  assert.equal(durationProblem(1500000n), 'only durations to ms precision are supported');
});

test('the nanos part of a protobuf Duration has the sign of the duration', () => {
  assert.equal(nanosPart(1500n * ms), 500n * ms);
  assert.equal(nanosPart(2000n * ms), 0n);
  assert.equal(nanosPart(-1500n * ms), -500n * ms);
});
