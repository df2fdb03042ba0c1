// Un-injecting 0.x workloads: the ranges of istio-init's -i as today's annotations, and what is
// removed from each workload kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { rangesOf } from '../../src/core/convert/index.ts';
import { uninject } from '../../src/core/convert/workload.ts';
import { defaultSettings, injectText } from '../../src/core/inject.ts';
import { resolveIPRanges } from '../../src/core/inject-ranges.ts';
import { convertText } from './helpers.ts';

test('rangesOf: no -i or an empty one captured everything in 0.x: "*" today', () => {
  assert.deepEqual(rangesOf(undefined), { include: '*' });
  assert.deepEqual(rangesOf(''), { include: '*' });
  assert.deepEqual(rangesOf('  '), { include: '*' });
});

test('rangesOf: a list keeps its blocks, each as its network, in order, once', () => {
  assert.deepEqual(rangesOf('10.0.0.1/24,172.30.0.0/16, 10.0.0.0/24'), { include: '10.0.0.0/24,172.30.0.0/16' });
});

test('rangesOf: a list of nearly everything is written as "*" with the few blocks left out', () => {
  const value = resolveIPRanges(undefined, '169.254.169.254/32,10.96.0.0/12').value!;
  const r = rangesOf(value);
  assert.ok(!('error' in r));
  assert.equal(r.include, '*');
  assert.equal((r as { exclude: string }).exclude, '10.96.0.0/12,169.254.169.254/32');
});

test('rangesOf: a bad block is an error (today\'s injector would refuse the annotation)', () => {
  assert.deepEqual(rangesOf('10.0.0.0/33'), { error: '10.0.0.0/33 is not a valid CIDR block' });
});

const SOURCE = `apiVersion: batch/v1
kind: Job
metadata:
  name: pi
  annotations:
    keep: me
spec:
  template:
    metadata:
      labels: {app: pi}
    spec:
      containers:
      - name: pi
        image: perl
      restartPolicy: Never
`;

test('uninject gives back the workload kube-inject started from, plus the ranges annotation', () => {
  for (const include of [undefined, '10.0.0.0/8']) {
    const injected = injectText(SOURCE, defaultSettings({ includeIPRanges: include })).text;
    const value = yaml.load(injected.replace(/---\n$/, '')) as Record<string, any>;
    const r = uninject(value);
    assert.equal(r.kind, 'uninjected');
    const expected = yaml.load(SOURCE) as Record<string, any>;
    expected.spec.template.metadata.annotations = { 'traffic.sidecar.istio.io/includeOutboundIPRanges': include ?? '*' };
    assert.deepEqual((r as { value: unknown }).value, expected);
    assert.ok(value.spec.template.spec.containers.some((c: { name: string }) => c.name === 'istio-proxy'), 'the input is not changed');
  }
});

test('a workload kube-inject skipped, or one injected by today\'s Istio, is not touched', () => {
  const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    sidecar.istio.io/inject: "false"
spec:
  containers:
  - name: c
    image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: q
  annotations:
    sidecar.istio.io/status: '{"version":"abc"}'
spec:
  containers:
  - name: istio-proxy
    image: istio/proxyv2
`;
  const r = convertText(text);
  assert.equal(r.text, text);
  assert.deepEqual(r.warnings, []);
});

test('an injected workload whose -i is broken is a problem, and nothing is written', () => {
  const injected = injectText(SOURCE, defaultSettings({ includeIPRanges: '10.0.0.0/8' })).text.replace('10.0.0.0/8', '10.0.0/8');
  const r = convertText(injected, {}, 'pi.yaml');
  assert.equal(r.text, '');
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!.message, /^Job\/default\/pi: istio-init -i "10\.0\.0\/8": 10\.0\.0\/8 is not a valid CIDR block$/);
  assert.deepEqual(r.problems[0]!.place, { source: 'pi.yaml', document: 1, line: 1, item: undefined });
});
