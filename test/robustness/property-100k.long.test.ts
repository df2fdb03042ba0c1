// 100,000 generated inputs across the reader, the validator and kube-inject: none of them throws;
// every problem has a place inside the input; the validator accepts exactly what has no problem
// (valid rules accepted, rules with one thing wrong refused); a stream that is valid YAML is still
// valid YAML after inject, with real workloads among them. Each property counts the cases that
// reach what it is about, so it cannot pass on inputs that never get there.
// (Like kubectl's decoder, egressctl reads a stream document by document, split on `---`; a
// stream that is invalid only as a whole, e.g. a directive after a document without `...`, is
// read as its documents.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../helpers/fc-seed.ts';
import yaml from 'js-yaml';
import { parseStream } from '../../src/core/stream.ts';
import { checkObject as checkEgressRule } from '../../src/core/objects.ts';
import { injectText, defaultSettings } from '../../src/core/inject.ts';
import { brokenRule, validRule, workload } from '../helpers/arbitraries.ts';

const fragment = fc.constantFrom(
  'kind: EgressRule\n', 'kind: Deployment\n', 'kind: Pod\n', 'kind: List\n', 'apiVersion: apps/v1\n', 'metadata:\n', '  name: a\n', '  namespace: kube-system\n',
  '  annotations: {sidecar.istio.io/inject: "false"}\n', 'spec:\n', '  template:\n', '    spec:\n', '      containers: [{name: c, image: x}]\n', '      hostNetwork: true\n',
  'items:\n', '- kind: Pod\n', '  spec: {containers: []}\n', '  destination:\n', '    service: 10.0.0.0/8\n', '  ports:\n', '  - port: 443\n', '    protocol: tcp\n',
  '---\n', '...\n', '# comment\n', '&a [*a]\n', 'x: *b\n', '<<: {a: 1}\n', '\t\n', '"\n', '{', '[', '\r\n', '\ufeff', ': :\n', '- - -\n', '? x\n', '!!binary x\n', '%YAML 1.2\n',
);
const stream = fc.array(fragment, { maxLength: 30 }).map((a) => a.join(''));

test('property: 50,000 streams through the reader; every problem is placed inside its input', () => {
  let placed = 0;
  fc.assert(fc.property(fc.oneof(stream, fc.string({ maxLength: 80 })), (text) => {
    const lines = text.split('\n').length;
    for (const p of parseStream('p.yaml', text).problems) {
      assert.ok(p.place.line !== undefined && p.place.line >= 1 && p.place.line <= lines, `line ${p.place.line} of ${lines}: ${p.message}`);
      assert.ok(p.message.length > 0);
      placed++;
    }
  }), { numRuns: 50_000 });
  assert.ok(placed >= 10_000, `only ${placed} problems were checked`);
});

test('property: 35,000 values through the validator: accepted exactly when without problems', () => {
  const seen = { accepted: 0, valid: 0, broken: 0 };
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => ({ v, want: undefined as boolean | undefined })),
    fc.record({ kind: fc.constant('EgressRule'), metadata: fc.jsonValue({ maxDepth: 2 }), spec: fc.jsonValue({ maxDepth: 4 }) }).map((v) => ({ v, want: undefined as boolean | undefined })),
    validRule.map((v) => ({ v, want: true as boolean | undefined })),
    brokenRule.map((v) => ({ v, want: false as boolean | undefined })),
  );
  fc.assert(fc.property(value, ({ v, want }) => {
    const r = checkEgressRule(v);
    assert.equal(r.object !== undefined, r.problems.length === 0, JSON.stringify(r.problems));
    if (want !== undefined) assert.equal(r.object !== undefined, want, `${JSON.stringify(v)}: ${r.problems.join('; ')}`);
    if (r.object) seen.accepted++;
    if (want === true) seen.valid++;
    if (want === false) seen.broken++;
  }), { numRuns: 35_000 });
  assert.ok(seen.valid >= 5_000 && seen.broken >= 5_000 && seen.accepted >= 5_000, JSON.stringify(seen));
});

test('property: 15,000 streams through kube-inject, real workloads among them', () => {
  const settings = defaultSettings();
  let injected = 0;
  const part = fc.oneof({ weight: 1, arbitrary: stream }, { weight: 3, arbitrary: workload.map((w) => yaml.dump(w)) });
  const withWorkloads = fc.array(part, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('---\n'));
  fc.assert(fc.property(fc.oneof({ weight: 1, arbitrary: stream }, { weight: 2, arbitrary: withWorkloads }), (text) => {
    const r = injectText(text, settings);
    let valid = true;
    try {
      yaml.loadAll(text.replace(/^\ufeff/, ''), () => {});
    } catch {
      valid = false;
    }
    if (valid && r.problems.length === 0) {
      yaml.loadAll(r.text, () => {});
      if (r.text.includes('name: istio-proxy')) injected++;
    }
    // Broken documents are reported, never passed through.
    if (parseStream('p.yaml', text).problems.length > 0) assert.ok(r.problems.length > 0, 'a broken document was passed through');
  }), { numRuns: 15_000 });
  assert.ok(injected >= 1_000, `only ${injected} streams had a sidecar injected`);
});
