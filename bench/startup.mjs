// Start-up of the offline commands against `node -e 0`, interleaved, medians. Target <= 1.5x.
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleave, fmt } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 30);
const node = process.execPath;
const cli = new URL('../bin/egressctl.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'egressctl-bench-'));
const rules = join(dir, 'rules.yaml');
writeFileSync(rules, readFileSync(new URL('../fixtures/seed/wikipedia-rules.yaml', import.meta.url)));
const sleep = new URL('../fixtures/samples/sleep-istio-0.2.yaml', import.meta.url).pathname;

const cases = [
  { name: 'node -e 0', cmd: node, args: ['-e', '0'] },
  { name: 'egressctl --help', cmd: node, args: [cli, '--help'] },
  { name: 'egressctl validate -f rules.yaml (seed)', cmd: node, args: [cli, 'validate', '-f', rules] },
  { name: 'egressctl kube-inject -f sleep.yaml', cmd: node, args: [cli, 'kube-inject', '-f', sleep, '--includeIPRanges=10.0.0.1/24'], opts: { allowFail: true } },
];
const res = interleave(cases, runs);
const base = res[0].median;
console.log(`start-up, median of ${runs} interleaved runs (target <= 1.5x node -e 0)`);
for (const r of res) console.log(`  ${r.name.padEnd(44)} ${fmt(r.median).padStart(10)}  ${(r.median / base).toFixed(2)}x`);
