// Small helpers shared by the benchmarks: timing child processes side by side, in one run, and the
// servers and proxies they run against.
//
// Every comparison is made in one interleaved run (A B C A B C ...), so that the load of a shared
// machine hits every contender alike, and is reported as a ratio of medians with each side's
// min..max. The load average is printed beside each table: figures taken under load are not
// comparable with figures taken on an idle machine, ratios mostly are.
import { spawnSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Runs a command once; returns wall time in ms and its output. */
export function timeOnce(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.slice(0, 500)}`);
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function stats(times) {
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), n: times.length, times };
}

/**
 * Times several commands interleaved (A B C A B C ...) so that machine noise hits all alike.
 * Each case: { name, cmd, args, opts, before?(), check?(result) } — `before` runs untimed ahead of
 * each run (cleanup), `check` may throw on a wrong result. Returns the stats of each case.
 */
export function interleave(cases, runs) {
  const times = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, j) => {
      c.before?.(i);
      const r = timeOnce(c.cmd, c.args, c.opts);
      c.check?.(r);
      times[j].push(r.ms);
    });
  }
  return cases.map((c, j) => ({ name: c.name, ...stats(times[j]) }));
}

/** The environment as it is, and a user's plain shell: no NODE_EXTRA_CA_CERTS (it adds 40-55 ms to every Node start here). */
export function environments(base = process.env) {
  const plain = { ...base };
  delete plain.NODE_EXTRA_CA_CERTS;
  const out = [{ label: 'plain shell (no NODE_EXTRA_CA_CERTS)', short: 'plain', env: plain }];
  if (base.NODE_EXTRA_CA_CERTS) out.push({ label: `environment as is (NODE_EXTRA_CA_CERTS=${base.NODE_EXTRA_CA_CERTS})`, short: 'as is', env: { ...base } });
  return out;
}

export function fmt(ms) {
  return `${ms.toFixed(1)} ms`;
}

/** `123 ms (110..140)` */
export function fmtStats(s, digits = 0) {
  return `${s.median.toFixed(digits)} ms (${s.min.toFixed(digits)}..${s.max.toFixed(digits)})`;
}

/** The machine's load now, to print beside the figures. */
export function load() {
  return `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`;
}

/** Pads cells into an aligned text table. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ')).join('\n');
}

/** Peak RSS of a child in MB, using GNU time when it exists. */
export function peakRss(cmd, args, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.error) return undefined;
  const kb = Number(r.stderr.trim().split('\n').pop());
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

export { spawn };

/** Starts `egressctl serve` on a free loopback port; resolves with its URL, kubeconfig and a stop(). */
export async function startServe(dir, extraArgs = [], env = process.env) {
  const cli = new URL('../bin/egressctl.js', import.meta.url).pathname;
  const kubeconfig = `${dir}/kubeconfig`;
  const child = spawn(process.execPath, [cli, 'serve', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig, ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Serving on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return {
    url,
    kubeconfig,
    pid: child.pid,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

/**
 * Starts bench/latency-proxy.mjs in front of `url` at `rttMs`; resolves with the proxy's URL, a
 * kubeconfig (a copy of `kubeconfig` pointing at the proxy) and a stop().
 */
export async function startProxy(url, rttMs, kubeconfig, out) {
  const u = new URL(url);
  const child = spawn(process.execPath, [new URL('./latency-proxy.mjs', import.meta.url).pathname, u.host, String(rttMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      const m = /listening (\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`latency proxy exited with ${code}`)));
  });
  const proxied = `${u.protocol}//127.0.0.1:${port}`;
  writeFileSync(out, readFileSync(kubeconfig, 'utf8').replace(/server: \S+/, `server: ${proxied}`), { mode: 0o600 });
  return {
    url: proxied,
    kubeconfig: out,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

/** A stream of n EgressRules (with apiVersion, which kubectl needs). */
export function rulesYaml(n, prefix = 'rule') {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += `apiVersion: config.istio.io/v1alpha2\nkind: EgressRule\nmetadata:\n  name: ${prefix}-${i}\nspec:\n  destination:\n    service: ${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24\n  ports:\n  - port: 443\n    protocol: tcp\n---\n`;
  }
  return s;
}

/** Whether kubectl can be run. */
export function hasKubectl() {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}
