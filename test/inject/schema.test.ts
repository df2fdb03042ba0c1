// Every workload kube-inject rewrote in the golden files passes the Kubernetes schema check, and
// the check itself catches a broken sidecar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { fixtures, goldenCases } from './helpers.ts';
import { checkWorkload, type SchemaResult } from './schema.ts';

test('every workload of every golden output passes the schema check', async () => {
  const total: SchemaResult = { problems: [], templates: 0, objects: 0 };
  for (const c of goldenCases()) {
    const file = join(fixtures, c.injected);
    if (!existsSync(file)) continue;
    for (const d of yaml.loadAll(readFileSync(file, 'utf8'))) {
      if (d && typeof d === 'object') await checkWorkload(d as Record<string, unknown>, total);
    }
    total.problems = total.problems.map((p) => (p.startsWith(c.injected) ? p : `${c.injected}: ${p}`));
  }
  assert.deepEqual(total.problems, []);
  assert.ok(total.templates >= 30, `only ${total.templates} pod templates checked`);
  assert.ok(total.objects >= 20, `only ${total.objects} whole objects checked`);
});

test('the schema check fails a sidecar with a wrong type, and one with a missing name', async () => {
  const text = readFileSync(join(fixtures, 'pod.yaml.injected'), 'utf8');
  const load = () => yaml.load(text.replace(/---\n$/, '')) as any;
  assert.deepEqual((await checkWorkload(load())).problems, [], 'the golden itself passes');
  const wrongType = load();
  wrongType.spec.containers[1].securityContext.runAsUser = '1337';
  const a = await checkWorkload(wrongType);
  assert.equal(a.problems.length, 2, a.problems.join('\n')); // as a template, and as a v1 Pod
  for (const p of a.problems) assert.match(p, /runAsUser must be integer/);
  const noName = load();
  delete noName.spec.volumes[0].name;
  const b = await checkWorkload(noName);
  assert.equal(b.problems.length, 2, b.problems.join('\n'));
  for (const p of b.problems) assert.match(p, /volumes\/0 must have required property '?name'?$/);
});
