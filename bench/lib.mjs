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
