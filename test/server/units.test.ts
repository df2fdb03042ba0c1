// The server's pure parts as tables of input and expected result: selectors, patches, ages, --listen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldSelector, parseLabelSelector } from '../../src/server/selectors.ts';
import { jsonPatch, mergePatch } from '../../src/server/patch.ts';
import { humanDuration } from '../../src/print/age.ts';
import { isLoopback, parseListen } from '../../src/server/index.ts';
import { ApiError } from '../../src/server/status.ts';

const obj = (labels: Record<string, string>, name = 'n', namespace = 'default') => ({ metadata: { name, namespace, labels } });

test('label selectors', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['a=1', { a: '1' }, true],
    ['a=1', { a: '2' }, false],
    ['a!=1', {}, true],
    ['a in (1, 2)', { a: '2' }, true],
    ['a notin (1,2)', { a: '3' }, true],
    ['a notin (1,2)', {}, true],
    ['a', { a: '' }, true],
    ['!a', { a: '' }, false],
    ['a=1,b', { a: '1' }, false],
    ['example.com/team==net', { 'example.com/team': 'net' }, true],
    ['', {}, true],
  ];
  for (const [sel, labels, want] of cases) assert.equal(parseLabelSelector(sel)(obj(labels)), want, `${sel} on ${JSON.stringify(labels)}`);
  for (const bad of ['a in 1', 'a=(', '=x']) assert.throws(() => parseLabelSelector(bad), (e: unknown) => e instanceof ApiError && e.code === 400, bad);
});

test('field selectors', () => {
  assert.equal(parseFieldSelector('metadata.name=n')(obj({})), true);
  assert.equal(parseFieldSelector('metadata.namespace!=default')(obj({})), false);
  assert.throws(() => parseFieldSelector('spec.x=1'), /field label not supported: spec\.x/);
});

test('merge patch (RFC 7386)', () => {
  assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] }), { a: 1, b: { d: 3, e: 4 }, l: [3] });
  assert.deepEqual(mergePatch({ a: 1 }, { a: { b: 1 } }), { a: { b: 1 } });
});

test('JSON patch (RFC 6902)', () => {
  const doc = { a: { b: [1, 2] }, c: 'x' };
  assert.deepEqual(jsonPatch(doc, [{ op: 'add', path: '/a/b/-', value: 3 }, { op: 'remove', path: '/c' }, { op: 'copy', from: '/a/b/0', path: '/d' }]), { a: { b: [1, 2, 3] }, d: 1 });
  assert.deepEqual(jsonPatch(doc, [{ op: 'move', from: '/c', path: '/e' }, { op: 'replace', path: '/a/b/1', value: 9 }]), { a: { b: [1, 9] }, e: 'x' });
  assert.deepEqual(doc, { a: { b: [1, 2] }, c: 'x' }, 'the input is not changed');
  assert.throws(() => jsonPatch(doc, [{ op: 'test', path: '/c', value: 'y' }]), (e: unknown) => e instanceof ApiError && e.code === 422);
  assert.throws(() => jsonPatch(doc, [{ op: 'remove', path: '/nope' }]), (e: unknown) => e instanceof ApiError && e.code === 422);
});

test('humanDuration, as kubectl shows ages', () => {
  const s = 1000;
  const cases: Array<[number, string]> = [[0, '0s'], [59 * s, '59s'], [119 * s, '119s'], [125 * s, '2m5s'], [600 * s, '10m'], [3 * 3600 * s, '3h'], [3 * 3600 * s + 60 * s, '3h1m'], [30 * 3600 * s, '30h'], [50 * 3600 * s, '2d2h'], [10 * 86400 * s, '10d'], [800 * 86400 * s, '2y70d'], [-5 * s, '<invalid>']];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms} ms`);
});

test('--listen and loopback', () => {
  assert.deepEqual(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListen('[::1]:8443'), { host: '::1', port: 8443 });
  assert.deepEqual(parseListen(':6443'), { host: '127.0.0.1', port: 6443 });
  assert.throws(() => parseListen('127.0.0.1'), /expected HOST:PORT/);
  assert.throws(() => parseListen('1.2.3.4:70000'), /out of range/);
  assert.equal(isLoopback('127.0.0.2'), true);
  assert.equal(isLoopback('::1'), true);
  assert.equal(isLoopback('0.0.0.0'), false);
  assert.equal(isLoopback('10.0.0.1'), false);
});
