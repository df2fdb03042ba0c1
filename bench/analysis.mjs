// Analysis of 100,000 objects (target < 1 s): the pure analysis on its own, of EgressRules alone and
// of a mix of EgressRules, RouteRules and DestinationPolicies; and `egressctl validate` of a
// 100,000-document stream end to end (read, parse, validate, analyse).
import { mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeOnce, peakRss, fmt } from './lib.mjs';

const { analyzeRules, analyzeObjects, parseCidr } = await import('../dist/core.js');
const N = Number(process.env.BENCH_RULES ?? 100_000);

const summaries = [];
let text = '';
for (let i = 0; i < N; i++) {
  const a = (i * 2654435761) >>> 0;
  const prefix = 20 + (i % 13);
  const service = i % 10 === 0 ? `host${i}.example.org` : `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${prefix}`;
  const proto = i % 10 === 0 ? 'https' : 'tcp';
  const port = 443 + (i % 7);
  summaries.push({ namespace: 'default', name: `rule-${i}`, service, ports: [{ port, protocol: proto }], place: { source: 'bench', document: i + 1 } });
  text += `kind: EgressRule\nmetadata:\n  name: rule-${i}\nspec:\n  destination:\n    service: ${service}\n  ports:\n  - port: ${port}\n    protocol: ${proto}\n---\n`;
}
parseCidr('1.2.3.4/8');
const t0 = performance.now();
const warnings = analyzeRules(summaries);
const ms = performance.now() - t0;
console.log(`analysis of ${N} rules: ${fmt(ms)} (${warnings.length} warnings)  target < 1000 ms`);

// A mix of kinds: a fifth each of EgressRules, RouteRules to those hosts, versioned RouteRules,
// DestinationPolicies, and RouteRules to hosts nothing opens.
const mixed = [];
for (let i = 0; mixed.length < N; i++) {
  const place = { source: 'bench', document: mixed.length + 1 };
  mixed.push({ kind: 'EgressRule', namespace: 'default', name: `e${i}`, spec: { destination: { service: `host${i}.example.org` }, ports: [{ port: 80, protocol: 'http' }] }, place });
  mixed.push({ kind: 'RouteRule', namespace: 'default', name: `r${i}`, spec: { destination: { service: `host${i}.example.org` }, precedence: i % 3 }, place });
  mixed.push({ kind: 'RouteRule', namespace: 'default', name: `m${i}`, spec: { destination: { name: `svc${i % 500}` }, precedence: i, route: [{ labels: { version: `v${i % 4}` }, weight: 100 }] }, place });
  mixed.push({ kind: 'DestinationPolicy', namespace: 'default', name: `p${i}`, spec: { destination: { name: `svc${i % 500}`, labels: { version: `v${i % 5}` } } }, place });
  mixed.push({ kind: 'RouteRule', namespace: 'default', name: `x${i}`, spec: { destination: { service: `unknown${i}.example.net` } }, place });
}
const t1 = performance.now();
const mixedWarnings = analyzeObjects(mixed);
console.log(`analysis of ${mixed.length} objects of mixed kinds: ${fmt(performance.now() - t1)} (${mixedWarnings.length} warnings)  target < 1000 ms`);

const dir = mkdtempSync(join(tmpdir(), 'egressctl-bench-'));
const file = join(dir, 'rules.yaml');
writeFileSync(file, text);
const cli = new URL('../bin/egressctl.js', import.meta.url).pathname;
const r = timeOnce(process.execPath, [cli, 'validate', '-f', file], { allowFail: true });
const rss = peakRss(process.execPath, [cli, 'validate', '-f', file]);
console.log(`egressctl validate of ${N} documents (${(statSync(file).size / 1e6).toFixed(1)} MB): ${fmt(r.ms)} end to end, exit ${r.status}, peak RSS ${rss?.toFixed(0) ?? '?'} MB`);
console.log(`  ${r.stdout.trim()}`);
