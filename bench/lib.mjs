// Small helpers shared by the benchmarks: timing child processes side by side, in one run.
import { spawnSync, spawn } from 'node:child_process';

/** Runs a command once; returns wall time in ms and the child's peak RSS in MB (from /usr/bin/time when present). */
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

/**
 * Times several commands interleaved (A B C A B C ...) so that machine noise hits all alike;
 * returns the median of each.
 */
export function interleave(cases, runs) {
  const times = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, j) => times[j].push(timeOnce(c.cmd, c.args, c.opts).ms));
  }
  return cases.map((c, j) => ({ name: c.name, median: median(times[j]), min: Math.min(...times[j]) }));
}

/** Peak RSS of a child in MB, using GNU time when it exists. */
export function peakRss(cmd, args, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.error) return undefined;
  const kb = Number(r.stderr.trim().split('\n').pop());
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

export function fmt(ms) {
  return `${ms.toFixed(1)} ms`;
}

export { spawn };

/** Starts `egressctl serve` (memory only) on a free loopback port; resolves with its kubeconfig and a stop(). */
export async function startServe(dir, extraArgs = []) {
  const cli = new URL('../bin/egressctl.js', import.meta.url).pathname;
  const kubeconfig = `${dir}/kubeconfig`;
  const child = spawn(process.execPath, [cli, 'serve', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig, ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
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
    stop: () => new Promise((resolve) => {
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
