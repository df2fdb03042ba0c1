// Start-up of the offline commands against `node -e 0`, in a plain shell (no NODE_EXTRA_CA_CERTS:
// the figure that counts) and in the environment as it is, all in one interleaved run.
// Target: <= 1.5x `node -e 0` in the plain shell.
//
//   npm run build && node bench/startup.mjs        (BENCH_RUNS=N, default 21)
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments, fmtStats, interleave, load, table } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 21);
const node = process.execPath;
const cli = new URL('../bin/egressctl.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'egressctl-bench-'));
const rules = join(dir, 'rules.yaml');
writeFileSync(rules, readFileSync(new URL('../fixtures/seed/wikipedia-rules.yaml', import.meta.url)));
const sleep = new URL('../fixtures/samples/sleep-istio-0.2.yaml', import.meta.url).pathname;

const floor = new URL('./startup-floor.cjs', import.meta.url).pathname;
const commands = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'egressctl --help', args: [cli, '--help'] },
  { name: 'egressctl validate -f <seed rules>', args: [cli, 'validate', '-f', rules] },
  { name: 'egressctl kube-inject -f sleep.yaml', args: [cli, 'kube-inject', '-f', sleep, '--includeIPRanges=10.0.0.0/24'] },
  // The least a Node program does for the same input (bench/startup-floor.cjs): for comparison.
  { name: 'floor: js-yaml parse of the seed', args: [floor, 'validate', rules], floor: true },
  { name: 'floor: js-yaml load+dump of sleep.yaml', args: [floor, 'inject', sleep], floor: true },
];
// A code cache of our own: builds elsewhere on the machine (other checkouts) share ~/.cache/egressctl
// and replace each other's caches there, which would time compiles instead of start-ups.
const envs = environments({ ...process.env, EGRESSCTL_CACHE_DIR: join(dir, 'cache') });
const cases = envs.flatMap((e) => commands.map((c) => ({ name: c.name, env: e, cmd: node, args: c.args, opts: { env: e.env } })));
// One untimed run of each first: the code cache is written on a command's first run.
interleave(cases, 1);
const before = load();
const res = interleave(cases, runs);
console.log(`start-up: median (min..max) of ${runs} interleaved runs, ${before} before, ${load()} after; target <= 1.5x node -e 0 (plain shell)`);
for (const e of envs) {
  const rows = res.filter((_, i) => cases[i].env === e);
  const base = rows[0].median;
  console.log(`\n${e.label}`);
  const mark = (r, i) => (i === 0 || commands[i].floor || e.short !== 'plain' ? '' : r.median / base <= 1.5 ? ' met' : ' MISSED');
  console.log(table([['command', 'time', 'x node -e 0'], ...rows.map((r, i) => [r.name, fmtStats(r, 1), `${(r.median / base).toFixed(2)}x${mark(r, i)}`])]));
}
rmSync(dir, { recursive: true, force: true });
