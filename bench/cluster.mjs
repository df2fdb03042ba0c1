// get of 10,000 rules (table and -o json) and delete of 2,000 rules: egressctl against kubectl on
// the same `egressctl serve`, loopback, plain shell (no NODE_EXTRA_CA_CERTS), interleaved.
// Targets: get 10,000 <= 0.3x kubectl; delete much faster.
//
//   npm run build && node bench/cluster.mjs        (BENCH_RUNS=N, default 9)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments, fmtStats, hasKubectl, interleave, load, rulesYaml, startServe, table, timeOnce } from './lib.mjs';

if (!hasKubectl()) {
  console.log('kubectl is not installed: skipped (scripts/ensure-tools.sh installs it)');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'egressctl-bench-'));
const plain = environments({ ...process.env, HOME: dir, NO_COLOR: '1' })[0].env;
const server = await startServe(dir, [], plain);
const env = { ...plain, KUBECONFIG: server.kubeconfig };
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}
const cli = new URL('../bin/egressctl.js', import.meta.url).pathname;
const runs = Number(process.env.BENCH_RUNS ?? 9);
const lines = (n) => (r) => {
  const got = r.stdout.trimEnd().split('\n').length;
  if (got !== n) throw new Error(`expected ${n} lines, got ${got}`);
};
const items = (n) => (r) => {
  const got = JSON.parse(r.stdout).items.length;
  if (got !== n) throw new Error(`expected ${n} items, got ${got}`);
};
try {
  const big = join(dir, 'big.yaml');
  writeFileSync(big, rulesYaml(10_000, 'get'));
  timeOnce(process.execPath, [cli, 'create', '-f', big, '-o', 'name'], { env });
  timeOnce('kubectl', ['get', 'egressrules', '-o', 'name'], { env });
  timeOnce(process.execPath, [cli, 'get', 'egressrules', '-o', 'name'], { env });
  const cases = [
    { name: 'egressctl get egressrules', cmd: process.execPath, args: [cli, 'get', 'egressrules'], opts: { env }, check: lines(10_001) },
    { name: 'kubectl get egressrules', cmd: 'kubectl', args: ['get', 'egressrules'], opts: { env }, check: lines(10_001) },
    { name: 'egressctl get egressrules -o json', cmd: process.execPath, args: [cli, 'get', 'egressrules', '-o', 'json'], opts: { env }, check: items(10_000) },
    { name: 'kubectl get egressrules -o json', cmd: 'kubectl', args: ['get', 'egressrules', '-o', 'json'], opts: { env }, check: items(10_000) },
  ];
  const before = load();
  const [et, kt, ej, kj] = interleave(cases, runs);
  console.log(`get of 10,000 rules, loopback, plain shell, median (min..max) of ${runs} interleaved runs; ${before} before, ${load()} after; target <= 0.3x kubectl`);
  console.log(table([
    ['output', 'egressctl', 'kubectl', 'egressctl / kubectl'],
    ['table', fmtStats(et), fmtStats(kt), `${(et.median / kt.median).toFixed(2)}x${et.median / kt.median <= 0.3 ? ' met' : ' MISSED'}`],
    ['-o json', fmtStats(ej), fmtStats(kj), `${(ej.median / kj.median).toFixed(2)}x${ej.median / kj.median <= 0.3 ? ' met' : ' MISSED'}`],
  ]));
  timeOnce(process.execPath, [cli, 'delete', '-f', big, '-o', 'name'], { env, allowFail: true });

  // delete of 2,000: one run each (kubectl takes minutes).
  const two = join(dir, 'two.yaml');
  writeFileSync(two, rulesYaml(2_000, 'del'));
  timeOnce(process.execPath, [cli, 'create', '-f', two, '-o', 'name'], { env });
  const e = timeOnce(process.execPath, [cli, 'delete', '-f', two], { env });
  timeOnce(process.execPath, [cli, 'create', '-f', two, '-o', 'name'], { env });
  const k = timeOnce('kubectl', ['delete', '-f', two], { env });
  console.log(`delete -f of 2,000 rules, one run each: egressctl ${e.ms.toFixed(0)} ms, kubectl ${k.ms.toFixed(0)} ms: egressctl is ${(k.ms / e.ms).toFixed(1)}x faster (${load()})`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
