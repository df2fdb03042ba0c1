// Property tests: whatever the input, the reader and the validator return problems; they never
// throw an unexpected exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import './helpers/fc-seed.ts';
import { parseStream, DocumentSplitter, splitDocuments } from '../src/core/stream.ts';
import { validateDocuments, checkObject as checkEgressRule } from '../src/core/objects.ts';
import { analyzeObjects } from '../src/core/analysis.ts';

const yamlish = fc.stringMatching(/^[-a-z0-9:{}\[\],&*!|>'"#%@` .\/\n\t]{0,200}$/);
const fragments = fc.array(fc.constantFrom('kind: EgressRule\n', 'metadata:\n', '  name: a\n', 'spec:\n', '  destination:\n', '    service: 10.0.0.0/8\n', '  ports:\n', '  - port: 443\n', '    protocol: tcp\n', '---\n', '...\n', '# c\n', '&a [*a]\n', 'x: *b\n', '<<: {a: 1}\n', '\t\n', '"\n', '{', '[', '\r\n', '\ufeff'), { maxLength: 40 }).map((a) => a.join(''));

test('property: the reader never throws and keeps every document\'s text', () => {
  fc.assert(fc.property(fc.oneof(yamlish, fragments, fc.string({ maxLength: 100 })), (text) => {
    parseStream('p.yaml', text);
    // The documents' markers and raw text give the stream back, less what carries no content:
    // a leading BOM and `...` end markers.
    const docs = splitDocuments(text);
    const rebuilt = docs.map((d) => (d.marker !== undefined ? d.marker + '\n' : '') + d.raw).join('');
    const expected = text.replace(/^\ufeff/, '').split(/(?<=\n)/).filter((l) => !/^\.\.\.(?=[ \t\r\n]|$)/.test(l)).join('');
    assert.equal(rebuilt, expected);
  }), { numRuns: 3000 });
});

test('property: splitting does not depend on chunk boundaries', () => {
  fc.assert(fc.property(fragments, fc.integer({ min: 1, max: 17 }), (text, size) => {
    const s = new DocumentSplitter();
    const got = [];
    for (let i = 0; i < text.length; i += size) got.push(...s.push(text.slice(i, i + size)));
    got.push(...s.end());
    assert.deepEqual(got, splitDocuments(text));
  }), { numRuns: 2000 });
});

test('property: the validator and the analysis never throw on any JSON value', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
    const r = checkEgressRule(value);
    assert.ok(r.object !== undefined || r.problems.length > 0);
  }), { numRuns: 3000 });
  const egress = fc.record({
    kind: fc.constantFrom('EgressRule', 'egressrule', undefined),
    metadata: fc.record({ name: fc.oneof(fc.constantFrom('a', 'b', 'Bad'), fc.string()), namespace: fc.option(fc.constantFrom('default', 'x', 'Y'), { nil: undefined }) }, { requiredKeys: [] }),
    spec: fc.record({
      destination: fc.record({ service: fc.oneof(fc.constantFrom('10.0.0.0/8', '10.1.0.0/16', 'a.org', '1.2.3.4', '*'), fc.string()) }, { requiredKeys: [] }),
      ports: fc.array(fc.record({ port: fc.oneof(fc.integer({ min: -1, max: 70000 }), fc.string()), protocol: fc.constantFrom('tcp', 'http', 'udp', 'MONGO') }, { requiredKeys: [] }), { maxLength: 4 }),
      use_egress_proxy: fc.boolean(),
    }, { requiredKeys: [] }),
  }, { requiredKeys: [] });
  fc.assert(fc.property(fc.array(egress, { maxLength: 20 }), (values) => {
    const docs = values.map((value, i) => ({ source: 's', doc: { index: i + 1, line: i + 1, startLine: i + 1, raw: '', hasContent: true }, value }));
    const { objects, problems } = validateDocuments(docs);
    assert.equal(objects.length + new Set(problems.map((p) => p.place.document)).size >= values.length, true);
    analyzeObjects(objects.map((r) => ({ kind: r.object.kind, namespace: r.object.metadata.namespace ?? 'default', name: r.object.metadata.name, spec: r.object.spec, place: { source: 's' } })));
  }), { numRuns: 2000 });
});
