// Istio 1.30.3's own validation test cases and its API reference examples
// (fixtures/istio-modern/validation-cases.yaml): our checkers must agree with Istio's verdict on
// every case, except the few marked `disagree`, where they must still disagree, for the reason given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import type { ModernCheck, ModernContext } from '../../../src/core/kinds/modern/common.ts';
import { checkDestinationRuleSpec } from '../../../src/core/kinds/modern/destinationrule.ts';
import { checkGatewaySpec } from '../../../src/core/kinds/modern/gateway.ts';
import { checkServiceEntrySpec } from '../../../src/core/kinds/modern/serviceentry.ts';
import { checkVirtualServiceSpec } from '../../../src/core/kinds/modern/virtualservice.ts';

interface Case {
  source: string;
  kind: string;
  namespace?: string;
  labels?: Record<string, string>;
  spec: unknown;
  valid?: boolean;
  warnings?: boolean;
  error?: string;
  warning?: string;
  disagree?: string;
}

const CHECKERS: Record<string, (spec: unknown, ctx: ModernContext) => ModernCheck<unknown>> = {
  ServiceEntry: checkServiceEntrySpec,
  VirtualService: checkVirtualServiceSpec,
  DestinationRule: checkDestinationRuleSpec,
  Gateway: checkGatewaySpec,
};

const fixture = yaml.load(readFileSync(new URL('../../../fixtures/istio-modern/validation-cases.yaml', import.meta.url), 'utf8')) as { cases: Case[]; examples: Case[] };

/** {$repeat: [s, n]} and {$base64: x}: the fixture's short forms for long generated values. */
function expand(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(expand);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('$repeat' in o) {
    const [s, n] = o.$repeat as [string, number];
    return s.repeat(n);
  }
  if ('$base64' in o) return Buffer.from(expand(o.$base64) as string).toString('base64');
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, expand(x)]));
}

function run(c: Case): ModernCheck<unknown> {
  const check = CHECKERS[c.kind];
  assert.ok(check, `unknown kind ${c.kind}`);
  return check(expand(c.spec), { namespace: c.namespace, labels: c.labels });
}

/** How our result differs from what Istio's test asserts (empty when it agrees). */
function differences(c: Case, r: ModernCheck<unknown>): string[] {
  const out: string[] = [];
  if (c.valid !== undefined && (r.problems.length === 0) !== c.valid) out.push(`valid: Istio ${c.valid}, ours ${!c.valid}`);
  if (c.warnings !== undefined && (r.warnings.length > 0) !== c.warnings) out.push(`warnings: Istio ${c.warnings}, ours ${!c.warnings}`);
  if (c.error && !r.problems.some((p) => p.includes(c.error!))) out.push(`no problem contains ${JSON.stringify(c.error)}`);
  if (c.warning === '' && r.warnings.length > 0) out.push('warnings where Istio has none');
  if (c.warning && !r.warnings.some((w) => w.includes(c.warning!))) out.push(`no warning contains ${JSON.stringify(c.warning)}`);
  return out;
}

test('the fixture holds the translated cases and the examples', () => {
  assert.ok(fixture.cases.length >= 400, `${fixture.cases.length} cases`);
  assert.ok(fixture.examples.length >= 50, `${fixture.examples.length} examples`);
  assert.equal(new Set(fixture.cases.map((c) => c.source)).size, fixture.cases.length, 'sources are unique');
});

for (const c of fixture.cases) {
  test(`istio: ${c.source}`, () => {
    const r = run(c);
    const diff = differences(c, r);
    const detail = `problems: ${JSON.stringify(r.problems)}\nwarnings: ${JSON.stringify(r.warnings)}`;
    if (c.disagree) assert.notDeepEqual(diff, [], `marked as a disagreement (${c.disagree}) but agrees`);
    else assert.deepEqual(diff, [], detail);
  });
}

for (const c of fixture.examples) {
  test(`example: ${c.source}`, () => {
    const r = run(c);
    assert.deepEqual([r.problems, r.warnings], [[], []]);
    assert.deepEqual(r.spec, c.spec, 'the spec comes back as given');
  });
}
