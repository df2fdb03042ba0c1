// `egressctl create -f` and `get` against kubectl on the same `egressctl serve` (HTTPS with a
// token, as a real cluster), the whole command timed (start-up included), side by side in one
// interleaved run per table:
//
// 1. Loopback, in a plain shell (no NODE_EXTRA_CA_CERTS: the figure that counts) and in the
//    environment as it is: create of the seed's 5 rules and of 2,000 rules, with the floor (the
//    least a Node program does for the same creates, bench/create-floor.mjs) beside them.
// 2. Round trips of 0 (loopback), 2, 10 and 30 ms through bench/latency-proxy.mjs, plain shell:
//    create 5, create 2,000 and get 2,000.
//
// Targets (plain shell): loopback create 5 <= 1.0x kubectl and 2,000 >= 4x faster; at 10 ms
// create 5 <= 0.7x kubectl, 2,000 >= 10x faster, get 2,000 <= 0.9x.
//
//   npm run build && node bench/create.mjs [--rtt 0,2,10,30] [--no-loopback] [--no-rtt]
//   BENCH_RUNS (small cases, default 15), BENCH_RUNS_BIG (2,000 rules, default 3)
//
// kubectl gets a warm discovery cache for every server address (one `kubectl get` first), as on a
// user's machine; egressctl a warm code cache. Every object is deleted between runs (not timed).
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments, fmtStats, hasKubectl, interleave, load, rulesYaml, startProxy, startServe, table, timeOnce } from './lib.mjs';

const argv = process.argv.slice(2);
const opt = (name, def) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : def);
const RTTS = opt('rtt', '0,2,10,30').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const RUNS_BIG = Number(process.env.BENCH_RUNS_BIG ?? 3);
const CLI = new URL('../bin/egressctl.js', import.meta.url).pathname;
const FLOOR = new URL('./create-floor.mjs', import.meta.url).pathname;

if (!hasKubectl()) {
  console.log('kubectl is not installed: skipped (scripts/ensure-tools.sh installs it)');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'egressctl-bench-'));
const envs = environments({ ...process.env, HOME: dir, NO_COLOR: '1' });
const plain = envs[0].env;
const server = await startServe(dir, [], plain);
const proxies = new Set();
// Stopped early (Ctrl-C): the server and proxies stop, the directory goes.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    for (const p of proxies) await p.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}
const SEED = readFileSync(new URL('../fixtures/seed/wikipedia-rules.yaml', import.meta.url), 'utf8');

/** Inputs for each contender, with names of their own. */
function files(n, tag) {
  const f = (who) => {
    const file = join(dir, `${who}-${tag}-${n}.yaml`);
    // The seed's 5 rules as they are (with apiVersion, which kubectl needs); else generated ones.
    writeFileSync(file, n === 5 ? SEED.replace(/^kind: EgressRule$/gm, 'apiVersion: config.istio.io/v1alpha2\nkind: EgressRule').replace(/name: (wikipedia-\S+)/g, `name: ${who}-$1`) : rulesYaml(n, `${who}-${tag}`));
    return file;
  };
  return { e: f('e'), k: f('k') };
}

const lines = (n) => (r) => {
  const got = r.stdout.trimEnd().split('\n').length;
  if (got !== n) throw new Error(`expected ${n} lines of output, got ${got}: ${r.stderr.slice(0, 300)}`);
};
// Cleanup over loopback, untimed.
const deleteFile = (file) => () => timeOnce(process.execPath, [CLI, 'delete', '-f', file, '-o', 'name', '--ignore-not-found'], { env: { ...plain, KUBECONFIG: server.kubeconfig }, allowFail: true });
const deleteFloor = (n, prefix) => () => {
  for (let i = 0; i < n; i += 500) {
    const names = Array.from({ length: Math.min(500, n - i) }, (_, j) => `${prefix}-${i + j}`);
    timeOnce(process.execPath, [CLI, 'delete', 'egressrules', ...names, '-o', 'name', '--ignore-not-found'], { env: { ...plain, KUBECONFIG: server.kubeconfig }, allowFail: true });
  }
};

function createCases(n, kubeconfig, env, tag, withFloor) {
  const { e, k } = files(n, tag);
  const kenv = { ...env, KUBECONFIG: kubeconfig };
  const cases = [
    { name: 'egressctl', cmd: process.execPath, args: [CLI, 'create', '-f', e], opts: { env: kenv }, before: deleteFile(e), check: lines(n) },
    { name: 'kubectl', cmd: 'kubectl', args: ['create', '-f', k], opts: { env: kenv }, before: deleteFile(k), check: lines(n) },
  ];
  if (withFloor) {
    cases.push(
      { name: 'floor: h2, no root store', cmd: process.execPath, args: [FLOOR, kubeconfig, String(n), `fa${tag}${n}`], opts: { env: kenv }, before: deleteFloor(n, `fa${tag}${n}`), check: lines(n) },
      { name: 'floor: h1, 1 connection, Node root store', cmd: process.execPath, args: [FLOOR, kubeconfig, String(n), `fb${tag}${n}`, '--h1', '--node-store'], opts: { env: kenv }, before: deleteFloor(n, `fb${tag}${n}`), check: lines(n) },
    );
  }
  return cases;
}

function ratioCell(e, k) {
  const r = e.median / k.median;
  return `${r.toFixed(2)}x` + (r < 1 ? ` (${(1 / r).toFixed(1)}x faster)` : '');
}

try {
  // Warm-ups: kubectl's discovery cache, egressctl's code cache.
  const warmEnv = { ...plain, KUBECONFIG: server.kubeconfig };
  timeOnce('kubectl', ['get', 'egressrules'], { env: warmEnv });
  const warm = join(dir, 'warm.yaml');
  writeFileSync(warm, rulesYaml(1, 'warm'));
  for (const e of envs) for (const verb of ['create', 'delete', 'get']) timeOnce(process.execPath, [CLI, verb, ...(verb === 'get' ? ['egressrules'] : ['-f', warm])], { env: { ...e.env, KUBECONFIG: server.kubeconfig } });

  console.log(`egressctl vs kubectl on egressctl serve (HTTPS, token), node ${process.version}; kubectl: warm discovery cache; median (min..max) of interleaved runs`);
  if (!argv.includes('--no-loopback')) {
    for (const [n, runs] of [[5, RUNS], [2000, RUNS_BIG]]) {
      const cases = envs.flatMap((e) => createCases(n, server.kubeconfig, e.env, e.short.replace(/ /g, ''), true).map((c) => ({ ...c, env: e })));
      const before = load();
      const res = interleave(cases, runs);
      console.log(`\ncreate -f of ${n === 5 ? "the seed's 5 rules" : '2,000 rules'}, loopback, ${runs} runs, ${before} before, ${load()} after`);
      const rows = [['environment', 'contender', 'time', 'x kubectl']];
      for (const e of envs) {
        const mine = res.filter((_, i) => cases[i].env === e);
        const k = mine.find((r) => r.name === 'kubectl');
        for (const r of mine) rows.push([e.short, r.name, fmtStats(r), ratioCell(r, k)]);
      }
      console.log(table(rows));
    }
  }

  if (!argv.includes('--no-rtt')) {
    // get 2,000: in a namespace of its own, filled once.
    const getEnv = { ...plain, KUBECONFIG: server.kubeconfig };
    timeOnce('kubectl', ['create', 'namespace', 'get2k'], { env: getEnv });
    const big = join(dir, 'get2k.yaml');
    writeFileSync(big, rulesYaml(2000, 'g'));
    timeOnce(process.execPath, [CLI, 'create', '-n', 'get2k', '-f', big, '-o', 'name'], { env: getEnv });
    const rows = [['RTT', 'command', 'egressctl', 'kubectl', 'egressctl / kubectl']];
    const before = load();
    for (const rtt of RTTS) {
      const proxy = rtt > 0 ? await startProxy(server.url, rtt, server.kubeconfig, join(dir, `kubeconfig-${rtt}`)) : undefined;
      if (proxy) proxies.add(proxy);
      const kubeconfig = proxy?.kubeconfig ?? server.kubeconfig;
      try {
        timeOnce('kubectl', ['get', 'egressrules'], { env: { ...plain, KUBECONFIG: kubeconfig } });
        const small = [...createCases(5, kubeconfig, plain, `r${rtt}`, false)];
        const getCases = [
          { name: 'egressctl', cmd: process.execPath, args: [CLI, 'get', 'egressrules', '-n', 'get2k'], opts: { env: { ...plain, KUBECONFIG: kubeconfig } }, check: lines(2001) },
          { name: 'kubectl', cmd: 'kubectl', args: ['get', 'egressrules', '-n', 'get2k'], opts: { env: { ...plain, KUBECONFIG: kubeconfig } }, check: lines(2001) },
        ];
        const [e5, k5, eg, kg] = interleave([...small, ...getCases], RUNS);
        const [e2k, k2k] = interleave(createCases(2000, kubeconfig, plain, `r${rtt}`, false), RUNS_BIG);
        rows.push([`${rtt} ms`, 'create 5', fmtStats(e5), fmtStats(k5), ratioCell(e5, k5)]);
        rows.push(['', 'create 2,000', fmtStats(e2k), fmtStats(k2k), ratioCell(e2k, k2k)]);
        rows.push(['', 'get 2,000', fmtStats(eg), fmtStats(kg), ratioCell(eg, kg)]);
      } finally {
        await proxy?.stop();
        proxies.delete(proxy);
      }
    }
    console.log(`\nround trips through bench/latency-proxy.mjs (0 ms: loopback, no proxy), plain shell; create 5 and get 2,000 interleaved over ${RUNS} runs, create 2,000 over ${RUNS_BIG}; ${before} before, ${load()} after`);
    console.log(table(rows));
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
