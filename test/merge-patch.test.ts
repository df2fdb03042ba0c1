// apply's three-way merge patch (kubectl's client-side apply for custom resources).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAST_APPLIED, createMergePatch, lastApplied, threeWayMergePatch, withLastApplied } from '../src/core/merge-patch.ts';

test('createMergePatch: RFC 7386 (nulls remove, lists replaced whole, nothing when equal)', () => {
  assert.equal(createMergePatch({ a: 1, b: { c: 2 } }, { b: { c: 2 }, a: 1 }), undefined);
  assert.deepEqual(createMergePatch({ a: 1, b: { c: 2, d: 3 } }, { a: 2, b: { c: 2 } }), { a: 2, b: { d: null } });
  assert.deepEqual(createMergePatch({ l: [1, 2] }, { l: [1] }), { l: [1] });
  assert.deepEqual(createMergePatch({}, { x: { y: 1 } }), { x: { y: 1 } });
});

const live = (labels: Record<string, string>, annotations: Record<string, string> = {}, spec: object = { destination: { service: '10.0.0.0/8' } }) => ({
  apiVersion: 'config.istio.io/v1alpha2',
  kind: 'EgressRule',
  metadata: { name: 'x', namespace: 'default', resourceVersion: '7', uid: 'u', creationTimestamp: '2026-01-01T00:00:00Z', labels, annotations },
  spec,
});
const applied = (labels: Record<string, string>, annotations?: Record<string, string>, spec: object = { destination: { service: '10.0.0.0/8' } }) =>
  withLastApplied({ apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: 'x', namespace: 'default', labels, ...(annotations ? { annotations } : {}) }, spec });

test('a label taken out of the file is removed; one added by someone else is kept; server fields are left alone', () => {
  const before = applied({ app: 'a', tier: 't' }, { note: 'n' });
  const now = live({ app: 'a', tier: 't', other: 'o' }, { note: 'n', [LAST_APPLIED]: before.metadata.annotations![LAST_APPLIED]! });
  const after = applied({ app: 'a' });
  const patch = threeWayMergePatch(lastApplied(now), after, now);
  assert.deepEqual(patch, { metadata: { labels: { tier: null }, annotations: { note: null, [LAST_APPLIED]: after.metadata.annotations![LAST_APPLIED]! } } });
});

test('applying the same configuration again: no patch (unchanged)', () => {
  const conf = applied({ app: 'a' }, { note: 'n' });
  const now = live({ app: 'a', other: 'o' }, { ...conf.metadata.annotations! });
  assert.equal(threeWayMergePatch(lastApplied(now), applied({ app: 'a' }, { note: 'n' }), now), undefined);
});

test('no last-applied annotation (made by create): additions and changes only, nothing removed', () => {
  const now = live({ app: 'a', tier: 't' });
  const patch = threeWayMergePatch(lastApplied(now), applied({ app: 'b' }, undefined, { destination: { service: '10.0.0.0/16' } }), now);
  assert.deepEqual(Object.keys(patch!.metadata as object), ['labels', 'annotations']);
  assert.deepEqual((patch!.metadata as any).labels, { app: 'b' });
  assert.deepEqual(patch!.spec, { destination: { service: '10.0.0.0/16' } });
});

test('the annotation holds the configuration without itself, keys sorted, with a final newline (as kubectl writes it)', () => {
  const a = applied({ b: '2', a: '1' }, { z: 'last', [LAST_APPLIED]: 'stale' });
  const text = a.metadata.annotations![LAST_APPLIED]!;
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(JSON.parse(text), { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { annotations: { z: 'last' }, labels: { a: '1', b: '2' }, name: 'x', namespace: 'default' }, spec: { destination: { service: '10.0.0.0/8' } } });
  assert.match(text, /^\{"apiVersion":.*"kind":.*"metadata":\{"annotations":\{"z":"last"\},"labels":\{"a":"1","b":"2"\},"name":"x"/);
  assert.deepEqual(JSON.parse(applied({}).metadata.annotations![LAST_APPLIED]!).metadata.annotations, {});
  // Byte for byte what kubectl 1.32 wrote for the same file (read back from a server).
  const kubectlWrote = '{"apiVersion":"config.istio.io/v1alpha2","kind":"EgressRule","metadata":{"annotations":{},"labels":{"a":"1"},"name":"kk","namespace":"default"},"spec":{"destination":{"service":"10.30.0.0/16"},"ports":[{"port":443,"protocol":"tcp"}]}}\n';
  const conf: { metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> } } & Record<string, unknown> = { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: 'kk', namespace: 'default', labels: { a: '1' } }, spec: { destination: { service: '10.30.0.0/16' }, ports: [{ port: 443, protocol: 'tcp' }] } };
  assert.equal(withLastApplied(conf).metadata.annotations?.[LAST_APPLIED], kubectlWrote);
  assert.equal(lastApplied({ metadata: { annotations: { [LAST_APPLIED]: 'not json' } } }), undefined);
});
