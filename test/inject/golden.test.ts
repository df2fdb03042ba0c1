// Golden files: every case of fixtures/inject run through the real command, output and warnings
// compared with NAME.yaml.injected and NAME.yaml.warnings. REFRESH_GOLDEN=1 rewrites them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures, goldenCases, runCli } from './helpers.ts';

const refresh = process.env.REFRESH_GOLDEN === '1';
const cases = goldenCases();

for (const c of cases) {
  test(`golden: ${c.name} (${[c.input, ...c.flags].join(' ')})`, async () => {
    const r = await runCli(['kube-inject', '-f', c.input, ...c.flags]);
    assert.equal(r.code, 0, r.stderr);
    const injected = join(fixtures, c.injected);
    const warnings = join(fixtures, c.warnings);
    if (refresh) {
      writeFileSync(injected, r.stdout);
      if (r.stderr) writeFileSync(warnings, r.stderr);
      else rmSync(warnings, { force: true });
      return;
    }
    assert.ok(existsSync(injected), `${c.injected} is missing (run with REFRESH_GOLDEN=1 and review it)`);
    assert.equal(r.stdout, readFileSync(injected, 'utf8'), `${c.injected} differs`);
    assert.equal(r.stderr, existsSync(warnings) ? readFileSync(warnings, 'utf8') : '', `${c.warnings} differs`);
  });
}

test('every file in fixtures/inject belongs to a case', () => {
  const used = new Set(['README.md']);
  for (const c of cases) {
    for (const u of c.uses) used.add(u);
    used.add(c.injected);
    if (existsSync(join(fixtures, c.warnings))) used.add(c.warnings);
  }
  const stale = readdirSync(fixtures).filter((f) => !used.has(f));
  assert.deepEqual(stale, [], 'golden or fixture files no case uses: delete them or add their case');
});

test('the seed sample gets the ranges of seed 002, each as its network', () => {
  const minikube = readFileSync(join(fixtures, 'sleep-minikube.yaml.injected'), 'utf8');
  assert.match(minikube, /- "-i"\n\s+- 10\.0\.0\.0\/24\n/);
  assert.match(readFileSync(join(fixtures, 'sleep-minikube.yaml.warnings'), 'utf8'), /10\.0\.0\.1\/24 has host bits set; it stands for the network 10\.0\.0\.0\/24/);
  assert.match(readFileSync(join(fixtures, 'sleep-bluemix.yaml.injected'), 'utf8'), /- 172\.30\.0\.0\/16,172\.20\.0\.0\/16\n/);
  assert.match(readFileSync(join(fixtures, 'sleep-gke.yaml.injected'), 'utf8'), /- 10\.4\.0\.0\/14,10\.7\.240\.0\/20\n/);
  assert.doesNotMatch(readFileSync(join(fixtures, 'sleep-all.yaml.injected'), 'utf8'), /"-i"/);
  assert.doesNotMatch(readFileSync(join(fixtures, 'star.yaml.injected'), 'utf8'), /"-i"/);
});

test('re-injection with the same ranges gives back the input, byte for byte', () => {
  assert.equal(readFileSync(join(fixtures, 'reinject-same.yaml.injected'), 'utf8'), readFileSync(join(fixtures, 'reinject.yaml'), 'utf8'));
});
