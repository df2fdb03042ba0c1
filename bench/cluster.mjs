// get of 10,000 rules and delete of 2,000 rules: egressctl against kubectl on the same
// `egressctl serve`, in one run. Targets: get <= 1.0x kubectl; delete much faster.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { interleave, timeOnce, fmt, startServe, rulesYaml } from './lib.mjs';

if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) {
  console.log('kubectl is not installed: skipped (scripts/ensure-tools.sh installs it)');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'egressctl-bench-'));
const server = await startServe(dir);
const env = { ...process.env, KUBECONFIG: server.kubeconfig, NO_COLOR: '1' };
const cli = new URL('../bin/egressctl.js', import.meta.url).pathname;
const kubectl = (args) => ({ cmd: 'kubectl', args: [...args, '--cache-dir', join(dir, 'kcache')], opts: { env } });
const egressctl = (args) => ({ cmd: process.execPath, args: [cli, ...args], opts: { env } });
try {
  const big = join(dir, 'big.yaml');
  writeFileSync(big, rulesYaml(10_000, 'get'));
  timeOnce(process.execPath, [cli, 'create', '-f', big, '-o', 'name'], { env });
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  for (const [label, e, k] of [
    ['get egressrules (table)', ['get', 'egressrules'], ['get', 'egressrules']],
    ['get egressrules -o json', ['get', 'egressrules', '-o', 'json'], ['get', 'egressrules', '-o', 'json']],
  ]) {
    const [a, b] = interleave([{ name: 'egressctl', ...egressctl(e) }, { name: 'kubectl', ...kubectl(k) }], runs);
    console.log(`${label}, 10,000 rules, median of ${runs}: egressctl ${fmt(a.median)}, kubectl ${fmt(b.median)}: egressctl takes ${(a.median / b.median).toFixed(2)}x kubectl's time (target <= 1.0x)`);
  }
  timeOnce(process.execPath, [cli, 'delete', '-f', big, '-o', 'name'], { env, allowFail: true });

  const two = join(dir, 'two.yaml');
  writeFileSync(two, rulesYaml(2_000, 'del'));
  timeOnce(process.execPath, [cli, 'create', '-f', two, '-o', 'name'], { env });
  const e = timeOnce(process.execPath, [cli, 'delete', '-f', two], { env });
  timeOnce(process.execPath, [cli, 'create', '-f', two, '-o', 'name'], { env });
  const k = timeOnce('kubectl', ['delete', '-f', two, '--cache-dir', join(dir, 'kcache')], { env });
  console.log(`delete -f of 2,000 rules: egressctl ${fmt(e.ms)}, kubectl ${fmt(k.ms)}: egressctl is ${(k.ms / e.ms).toFixed(1)}x faster`);
} finally {
  await server.stop();
}
