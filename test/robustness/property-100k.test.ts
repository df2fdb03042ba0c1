// At least 100,000 generated inputs across the reader, the validator and kube-inject: none of them
// throws; every problem has a place; a stream that is valid YAML is still valid YAML after inject.
// (Like kubectl's decoder, egressctl reads a stream document by document, split on `---`; a
// stream that is invalid only as a whole, e.g. a directive after a document without `...`, is
// read as its documents.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../helpers/fc-seed.ts';
import yaml from 'js-yaml';
import { parseStream } from '../../src/core/stream.ts';
import { checkEgressRule } from '../../src/core/egressrule.ts';
import { injectText, defaultSettings } from '../../src/core/inject.ts';

let total = 0;
const fragment = fc.constantFrom(
  'kind: EgressRule\n', 'kind: Deployment\n', 'kind: Pod\n', 'kind: List\n', 'apiVersion: apps/v1\n', 'metadata:\n', '  name: a\n', '  namespace: kube-system\n',
  '  annotations: {sidecar.istio.io/inject: "false"}\n', 'spec:\n', '  template:\n', '    spec:\n', '      containers: [{name: c, image: x}]\n', '      hostNetwork: true\n',
  'items:\n', '- kind: Pod\n', '  spec: {containers: []}\n', '  destination:\n', '    service: 10.0.0.0/8\n', '  ports:\n', '  - port: 443\n', '    protocol: tcp\n',
  '---\n', '...\n', '# comment\n', '&a [*a]\n', 'x: *b\n', '<<: {a: 1}\n', '\t\n', '"\n', '{', '[', '\r\n', '\ufeff', ': :\n', '- - -\n', '? x\n', '!!binary x\n', '%YAML 1.2\n',
);
const stream = fc.array(fragment, { maxLength: 30 }).map((a) => a.join(''));

test('property: 50,000 streams through the reader', () => {
  fc.assert(fc.property(fc.oneof(stream, fc.string({ maxLength: 80 })), (text) => {
    total++;
    const { problems } = parseStream('p.yaml', text);
    for (const p of problems) assert.ok(p.place.source === 'p.yaml' && typeof p.message === 'string' && p.message.length > 0);
  }), { numRuns: 50_000 });
});

test('property: 35,000 values through the validator', () => {
  fc.assert(fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ kind: fc.constant('EgressRule'), metadata: fc.jsonValue({ maxDepth: 2 }), spec: fc.jsonValue({ maxDepth: 4 }) })), (value) => {
    total++;
    const r = checkEgressRule(value);
    assert.ok(r.object !== undefined || r.problems.length > 0);
  }), { numRuns: 35_000 });
});

test('property: 15,000 streams through kube-inject', () => {
  const settings = defaultSettings();
  fc.assert(fc.property(stream, (text) => {
    total++;
    const r = injectText(text, settings);
    let valid = true;
    try {
      yaml.loadAll(text.replace(/^\ufeff/, ''), () => {});
    } catch {
      valid = false;
    }
    if (valid && r.problems.length === 0) yaml.loadAll(r.text, () => {});
    // Broken documents are reported, never passed through.
    if (parseStream('p.yaml', text).problems.length > 0) assert.ok(r.problems.length > 0, 'a broken document was passed through');
  }), { numRuns: 15_000 });
});

test('at least 100,000 inputs were generated', () => {
  assert.ok(total >= 100_000, String(total));
});
