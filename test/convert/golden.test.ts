// Golden files: every case of fixtures/convert converted, and the output, warnings and problems
// compared with NAME.yaml.converted, NAME.yaml.warnings and NAME.yaml.problems. Each case is
// converted twice and must give the same bytes. REFRESH_GOLDEN=1 rewrites the goldens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertText, fixtures, goldenCases, lines } from './helpers.ts';

const refresh = process.env.REFRESH_GOLDEN === '1';
const cases = goldenCases();

/** Compares a golden file; one that may be absent (`optional`) must be absent when empty. */
function compare(file: string, actual: string, optional: boolean): void {
  const path = join(fixtures, file);
  if (refresh) {
    if (optional && actual === '') rmSync(path, { force: true });
    else writeFileSync(path, actual);
    return;
  }
  if (optional && actual === '') {
    assert.ok(!existsSync(path), `${file} exists but there is nothing in it now (run with REFRESH_GOLDEN=1 and review it)`);
    return;
  }
  assert.ok(existsSync(path), `${file} is missing (run with REFRESH_GOLDEN=1 and review it)`);
  assert.equal(actual, readFileSync(path, 'utf8'), `${file} differs`);
}

for (const c of cases) {
  test(`golden: ${c.name} (${c.input}${Object.keys(c.options).length ? ` ${JSON.stringify(c.options)}` : ''})`, () => {
    const text = readFileSync(join(fixtures, c.input), 'utf8');
    const r = convertText(text, c.options, c.input);
    const again = convertText(text, c.options, c.input);
    assert.equal(again.text, r.text, 'converting twice gives other bytes');
    assert.deepEqual(again.warnings, r.warnings);
    compare(c.converted, r.text, false);
    compare(c.warnings, lines(r.warnings), true);
    compare(c.problems, lines(r.problems), true);
  });
}

test('every file in fixtures/convert belongs to a case', () => {
  const used = new Set(['README.md']);
  for (const c of cases) {
    for (const u of c.uses) used.add(u);
    used.add(c.converted);
    for (const f of [c.warnings, c.problems]) if (existsSync(join(fixtures, f))) used.add(f);
  }
  const stale = readdirSync(fixtures).filter((f) => !used.has(f));
  assert.deepEqual(stale, [], 'golden or fixture files no case uses: delete them or add their case');
});

test('documents nothing converts come out byte for byte', () => {
  const input = readFileSync(join(fixtures, 'not-injected.yaml'), 'utf8');
  assert.equal(readFileSync(join(fixtures, 'not-injected.yaml.converted'), 'utf8'), input);
});

test('the golden cases cover every field group the brief names', () => {
  const all = cases.map((c) => readFileSync(join(fixtures, c.input), 'utf8')).join('\n');
  for (const field of ['match:', 'weight:', 'redirect:', 'rewrite:', 'httpReqRetries:', 'httpReqTimeout:', 'http_req_timeout:', 'delay:', 'abort:', 'mirror:', 'corsPolicy:', 'maxAge:', 'allowCredentials:', 'appendHeaders:', 'websocketUpgrade:', 'precedence:', 'loadBalancing:', 'circuitBreaker:', 'source:', 'kind: Ingress', 'kind: CronJob', 'kind: List', '"-i"']) {
    assert.ok(all.includes(field), `no golden case has ${field}`);
  }
});
