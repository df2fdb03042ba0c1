// Istio 0.4.0's own validation tables (pilot/model/validation_test.go), case by case, against
// egressctl's checkers: the same verdict for every case, and, for invalid ones, the same errors in
// the same order as Istio 0.4.0's code returns them (egressctl's added ` (spec.…)` context aside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { checkRouteRuleSpec } from '../../src/core/kinds/routerule.ts';
import { checkDestinationPolicySpec } from '../../src/core/kinds/destinationpolicy.ts';
import { checkIngressRuleSpec } from '../../src/core/kinds/ingressrule.ts';

interface GoCase {
  test: string;
  name: string;
  kind?: 'RouteRule' | 'DestinationPolicy' | 'IngressRule';
  spec?: unknown;
  valid: boolean;
  istioErrors?: string[];
  skip?: string;
  note?: string;
}

const FIXTURE = new URL('../../fixtures/istio-0.4/validation-cases.yaml', import.meta.url);
const cases = yaml.load(readFileSync(FIXTURE, 'utf8')) as GoCase[];
const checkers = { RouteRule: checkRouteRuleSpec, DestinationPolicy: checkDestinationPolicySpec, IngressRule: checkIngressRuleSpec };

/** Our problem is Istio's error, or Istio's error followed by egressctl's ` (spec.…)` context. */
const sameError = (ours: string, istio: string) => ours === istio || ours.startsWith(`${istio} (spec.`);

test('the fixture holds every case of the tables, and says why each skipped one cannot be a spec', () => {
  assert.equal(cases.length, 131);
  const skipped = cases.filter((c) => c.skip !== undefined);
  assert.equal(skipped.length, 11);
  for (const c of skipped) assert.ok(c.skip!.length > 20 && c.kind === undefined, `${c.test}: ${c.name}`);
  const perTest = Object.fromEntries([...new Set(cases.map((c) => c.test))].map((t) => [t, cases.filter((c) => c.test === t).length]));
  assert.deepEqual(perTest, {
    TestConfigDescriptorValidateConfig: 6,
    TestLabelsValidate: 3,
    TestValidateFQDN: 2,
    TestValidateRouteAndIngressRule: 47,
    TestValidateDestinationPolicy: 8,
    TestValidateDuration: 5,
    TestValidateIstioService: 10,
    TestValidateMatchCondition: 5,
    TestValidateEgressRuleDomain: 18,
    TestValidateEgressRuleService: 24,
    TestValidateIngressRule: 3,
  });
  for (const c of cases.filter((x) => x.skip === undefined)) {
    assert.ok(c.kind && c.kind in checkers, `${c.name}: kind`);
    assert.equal(c.istioErrors !== undefined, !c.valid, `${c.name}: istioErrors exactly for invalid cases`);
  }
});

for (const c of cases.filter((x) => x.skip === undefined)) {
  test(`${c.test}: ${c.name} (${c.valid ? 'valid' : 'invalid'})`, () => {
    const r = checkers[c.kind!](c.spec);
    assert.equal(r.problems.length === 0, c.valid, r.problems.join('\n'));
    assert.equal(r.spec !== undefined, c.valid);
    if (c.istioErrors) {
      assert.equal(r.problems.length, c.istioErrors.length, r.problems.join('\n'));
      c.istioErrors.forEach((e, i) => assert.ok(sameError(r.problems[i]!, e), `problem ${i}: ${r.problems[i]} is not Istio's ${e}`));
    }
  });
}

// The same cases through `egressctl validate` itself (the program, in process): each spec as a
// document of its kind, the same verdict as Istio 0.4.0's tables, and Istio's errors among ours.
import { runCli } from '../helpers/run.ts';

test('every case through egressctl validate: the same verdict (exit 0 or 1) and Istio\'s errors printed', async () => {
  let checked = 0;
  for (const c of cases.filter((x) => x.skip === undefined)) {
    const doc = yaml.dump({ apiVersion: 'config.istio.io/v1alpha2', kind: c.kind, metadata: { name: 'case' }, spec: c.spec ?? null });
    const r = await runCli(['validate', '-f', '-'], { stdin: doc });
    assert.equal(r.code, c.valid ? 0 : 1, `${c.test}: ${c.name}\n${r.stderr}`);
    for (const e of c.istioErrors ?? []) assert.ok(r.stderr.includes(`: ${e}`), `${c.test}: ${c.name}: "${e}" not in\n${r.stderr}`);
    checked++;
  }
  assert.equal(checked, 120);
});
