// Properties of convert on generated valid 0.x streams (EgressRules, RouteRules and
// DestinationPolicies across two namespaces): it never throws, reports no problem, its output
// re-parsed passes today's checkers with valid names, converting twice gives the same bytes, and
// converting the output again changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../helpers/fc-seed.ts';
import yaml from 'js-yaml';
import { formatProblem } from '../../src/core/errors.ts';
import { checkObject } from '../../src/core/convert/check.ts';
import { parseStream } from '../../src/core/stream.ts';
import { legacyStream } from './arbitraries.ts';
import { convertText } from './helpers.ts';
import type { ModernKind } from '../../src/core/convert/types.ts';

const MODERN = new Set(['ServiceEntry', 'VirtualService', 'DestinationRule', 'Gateway']);

test('valid 0.x streams convert to objects today\'s Istio accepts, the same bytes every time', () => {
  fc.assert(fc.property(legacyStream, fc.boolean(), (objects, tlsPassthrough) => {
    const text = objects.map((o) => yaml.dump(o)).join('---\n');
    const r = convertText(text, { tlsPassthrough });
    assert.deepEqual(r.problems.map(formatProblem), []);
    assert.equal(convertText(text, { tlsPassthrough }).text, r.text, 'converting twice gives other bytes');

    const parsed = parseStream('<output>', r.text);
    assert.deepEqual(parsed.problems, []);
    for (const d of parsed.documents) {
      const o = d.value as { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> };
      assert.equal(o.apiVersion, 'networking.istio.io/v1');
      assert.ok(MODERN.has(o.kind), o.kind);
      const c = checkObject({ kind: o.kind as ModernKind, namespace: o.metadata.namespace, name: o.metadata.name, baseName: '', nameKey: '', spec: o.spec, sources: [], seq: 0 });
      assert.deepEqual(c.problems, [], `${o.kind} ${o.metadata.name}`);
    }
    assert.equal(convertText(r.text).text, r.text, 'the output converts to itself');
  }), { numRuns: 300 });
});
