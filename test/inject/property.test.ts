// Properties of the transform on generated manifests (fast-check): injecting twice with the same
// settings changes nothing; re-injecting with other ranges and back restores the output; documents
// that are not workloads come out byte for byte; every injected workload passes the schema check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../helpers/fc-seed.ts';
import yaml from 'js-yaml';
import { defaultSettings, injectText, type InjectSettings } from '../../src/core/inject.ts';
import { resolveIPRanges } from '../../src/core/inject-ranges.ts';
import { checkWorkload } from './schema.ts';
import { name, workload } from '../helpers/arbitraries.ts';

const other = fc.record({
  kind: fc.constantFrom('ConfigMap', 'Service', 'EgressRule', 'Widget'),
  name,
  note: fc.constantFrom('', '# a comment\n', '  # indented comment\n'),
}).map((o) => `${o.note}apiVersion: v1\nkind: ${o.kind}\nmetadata: {name: ${o.name}}   # trailing\ndata: {key: "yes"}\n`);

const document = fc.oneof(
  { weight: 5, arbitrary: workload.chain((w) => fc.constantFrom(0, 1, 2).map((style) => ({ w, style }))).map(({ w, style }) =>
    style === 0 ? yaml.dump(w) : style === 1 ? `# leading comment\n${yaml.dump(w, { flowLevel: 3 })}` : JSON.stringify(w) + '\n') },
  { weight: 2, arbitrary: other },
  { weight: 1, arbitrary: fc.constant('# only a comment\n') },
  { weight: 1, arbitrary: fc.array(workload, { minLength: 1, maxLength: 3 }).map((items) => yaml.dump({ apiVersion: 'v1', kind: 'List', items })) },
);

const stream = fc.array(document, { minLength: 1, maxLength: 6 }).map((docs) => docs.join('---\n'));

const RANGES = ['*', '10.0.0.1/24', '172.30.0.0/16,172.20.0.0/16', '10.4.0.0/14, 10.7.240.0/20'];
const settings = fc.record({
  include: fc.constantFrom(...RANGES),
  exclude: fc.constantFrom(undefined, '10.0.0.128/25', '169.254.169.254/32'),
  coreDump: fc.boolean(),
  debug: fc.boolean(),
}).map((s): InjectSettings => defaultSettings({ includeIPRanges: resolveIPRanges(s.include, s.exclude).value, coreDump: s.coreDump, debug: s.debug }));

function inject(text: string, s: InjectSettings): string {
  const r = injectText(text, s);
  assert.deepEqual(r.problems, []);
  return r.text;
}

test('injecting twice with the same settings gives identical output', () => {
  fc.assert(fc.property(stream, settings, (text, s) => {
    const once = inject(text, s);
    assert.equal(inject(once, s), once);
  }), { numRuns: 300 });
});

test('re-injecting with other ranges, then the first ones again, gives the first output back', () => {
  fc.assert(fc.property(stream, settings, fc.constantFrom(...RANGES), (text, s, other) => {
    const once = inject(text, s);
    const moved = inject(once, { ...s, includeIPRanges: resolveIPRanges(other, undefined).value });
    assert.equal(inject(moved, s), once);
  }), { numRuns: 150 });
});

test('documents that are not workloads come out byte for byte', () => {
  fc.assert(fc.property(fc.array(other, { minLength: 1, maxLength: 5 }), settings, (docs, s) => {
    assert.equal(inject(docs.join('---\n'), s), docs.join('---\n') + '---\n');
  }), { numRuns: 100 });
});

test('every injected workload passes the Kubernetes schema check', async () => {
  await fc.assert(fc.asyncProperty(stream, settings, async (text, s) => {
    const out = inject(text, s);
    for (const d of yaml.loadAll(out)) {
      if (d === null || typeof d !== 'object') continue;
      const r = await checkWorkload(d as Record<string, unknown>);
      assert.deepEqual(r.problems, []);
    }
  }), { numRuns: 100 });
});
