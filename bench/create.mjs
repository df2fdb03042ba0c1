// Benchmark: `egressctl create -f` against `kubectl create -f` on the same `egressctl serve`
// (HTTPS with a token, as a real cluster), for 5 and 2,000 EgressRules, one run each, wall clock
// of the whole command (start-up included). Prints the times and the ratios.
// Targets: 5 rules no slower than kubectl; 2,000 rules at least 10x faster.
//
//   npm run build && node bench/create.mjs [--sizes 5,2000]
//
// kubectl gets a warm discovery cache (one `kubectl get` before timing), as on a user's machine;
// egressctl has no cache to warm. Between runs every object is deleted (not timed).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'egressctl.js');
const sizesArg = process.argv.indexOf('--sizes');
const SIZES = sizesArg > 0 ? process.argv[sizesArg + 1].split(',').map(Number) : [5, 2000];

if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status !== 0) {
  console.error('bench/create: kubectl is not installed; nothing to compare with');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'egressctl-bench-'));
const kubeconfig = join(dir, 'kubeconfig');
const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };

function rules(n, prefix) {
  let s = '';
  for (let i = 0; i < n; i++) {
    const a = (i >> 8) & 255;
    const b = i & 255;
    s += `${i ? '---\n' : ''}apiVersion: config.istio.io/v1alpha2\nkind: EgressRule\nmetadata:\n  name: ${prefix}-${i}\nspec:\n  destination:\n    service: 10.${a}.${b}.0/24\n  ports:\n  - port: 443\n    protocol: tcp\n`;
  }
  return s;
}

function run(cmd, args, extraEnv = {}) {
  return new Promise((resolvePromise) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolvePromise({ code, out, err, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
  });
}

async function must(p, what) {
  const r = await p;
  if (r.code !== 0) {
    console.error(`bench/create: ${what} failed (exit ${r.code}):\n${r.err.slice(0, 2000)}`);
    throw new Error(what);
  }
  return r;
}

const server = spawn(process.execPath, [CLI, 'serve', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolvePromise, reject) => {
  let out = '';
  server.stdout.on('data', (c) => {
    out += c;
    const m = /^Serving on (\S+)\n/.exec(out);
    if (m) resolvePromise(m[1]);
  });
  server.once('exit', (code) => reject(new Error(`egressctl serve exited (${code})`)));
});

const results = [];
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
try {
  // Both warmed as on a user's machine: kubectl's discovery/OpenAPI cache, egressctl's code cache.
  await must(run('kubectl', ['get', 'egressrules']), 'kubectl warm-up');
  const warm = join(dir, 'warm.yaml');
  writeFileSync(warm, rules(1, 'warm'));
  await must(run(process.execPath, [CLI, 'create', '-f', warm]), 'egressctl warm-up');
  await must(run(process.execPath, [CLI, 'delete', '-f', warm]), 'egressctl warm-up');
  for (const n of SIZES) {
    const rounds = n <= 100 ? 7 : 3;
    const times = { egressctl: [], kubectl: [], cold: [], floor: [] };
    for (let round = 0; round < rounds; round++) {
      const eFile = join(dir, `egressctl-${n}.yaml`);
      const kFile = join(dir, `kubectl-${n}.yaml`);
      writeFileSync(eFile, rules(n, `e${n}`));
      writeFileSync(kFile, rules(n, `k${n}`));
      const cFile = join(dir, `kubectl-cold-${n}.yaml`);
      writeFileSync(cFile, rules(n, `c${n}`));
      const e = await must(run(process.execPath, [CLI, 'create', '-f', eFile]), `egressctl create of ${n}`);
      const k = await must(run('kubectl', ['create', '-f', kFile]), `kubectl create of ${n}`);
      // kubectl as on a first use: no discovery or OpenAPI cache.
      const coldHome = mkdtempSync(join(dir, 'cold-'));
      const kc = await must(run('kubectl', ['create', '-f', cFile], { HOME: coldHome }), `kubectl (cold cache) create of ${n}`);
      const floor = await must(run(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'create-floor.mjs'), kubeconfig, String(n), `f${n}`]), `bare https loop of ${n}`);
      for (const [who, r] of [['egressctl', e], ['kubectl', k], ['kubectl (cold)', kc]]) {
        const lines = r.out.trimEnd().split('\n').length;
        if (lines !== n) throw new Error(`expected ${n} lines of output from ${who}, got ${lines}`);
      }
      times.egressctl.push(e.ms);
      times.kubectl.push(k.ms);
      times.cold.push(kc.ms);
      times.floor.push(floor.ms);
      for (const f of [eFile, kFile, cFile]) await must(run(process.execPath, [CLI, 'delete', '-f', f, '-o', 'name']), 'cleanup');
      await must(run(process.execPath, [CLI, 'delete', 'egressrules', ...Array.from({ length: n }, (_, i) => `f${n}-${i}`), '-o', 'name']), 'cleanup');
    }
    results.push({ n, rounds, egressctl: median(times.egressctl), kubectl: median(times.kubectl), cold: median(times.cold), floor: median(times.floor) });
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  rmSync(dir, { recursive: true, force: true });
}

console.log(`egressctl create -f vs kubectl create -f on egressctl serve (${url.replace(/:\d+$/, ':PORT')}), node ${process.version}`);
console.log('medians of 7 rounds (5 rules) and 3 rounds (2,000); kubectl: warm discovery/OpenAPI cache, egressctl: warm code cache (as on a user\'s machine); kubectl cold: a fresh HOME (first use)');
console.log('floor: a bare Node https keep-alive loop, 16 in flight, same objects, no CLI (node start-up included)');
const ms = (x) => `${x.toFixed(0)} ms`.padStart(9);
console.log('rules   egressctl     kubectl  kubectl cold       floor   kubectl/egressctl   cold/egressctl   target (vs warm kubectl)');
for (const r of results) {
  const ratio = r.kubectl / r.egressctl;
  const target = r.n <= 5 ? ratio >= 1 : r.n >= 2000 ? ratio >= 10 : true;
  const goal = r.n <= 5 ? '>= 1x' : r.n >= 2000 ? '>= 10x' : '';
  console.log(
    `${String(r.n).padStart(5)}   ${ms(r.egressctl)}   ${ms(r.kubectl)}     ${ms(r.cold)}   ${ms(r.floor)}   ${`${ratio.toFixed(1)}x`.padStart(17)}   ${`${(r.cold / r.egressctl).toFixed(1)}x`.padStart(14)}   ${goal} ${goal ? (target ? 'met' : 'MISSED') : ''}`,
  );
}
