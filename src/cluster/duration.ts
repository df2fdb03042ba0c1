// Durations as kubectl's --request-timeout takes them: `0` (no limit), a bare number of seconds,
// or Go-style `1h2m3s`, `500ms`, `1.5s`, `100us`, `1ns` (Go's time.ParseDuration units). Pure.

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const UNIT = '(?:ns|us|µs|μs|ms|s|m|h)';

/** The limit of one request when --request-timeout is not given (kubectl has none; a hung server should not hang us). */
export const DEFAULT_REQUEST_TIMEOUT = '30s';

/** The longest timer Node can set (2^31-1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function exactMs(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  if (!new RegExp(`^(\\d+(\\.\\d+)?${UNIT})+$`).test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(new RegExp(`(\\d+(?:\\.\\d+)?)(${UNIT})`, 'g'))) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/**
 * Milliseconds, 0 for no limit; undefined when the text is not a duration. A limit under a
 * millisecond (`1ns`, which kubectl takes) is one millisecond, the finest a timer can wait.
 */
export function parseDuration(text: string): number | undefined {
  const ms = exactMs(text);
  if (ms === undefined) return undefined;
  return ms > 0 && ms < 1 ? 1 : Math.round(ms);
}

/**
 * What is wrong with a --request-timeout, or undefined. Not a duration; longer than a timer can
 * wait (Node fires such a timer after 1 ms, so every request would time out).
 */
export function requestTimeoutProblem(text: string): string | undefined {
  const ms = exactMs(text);
  if (ms === undefined || !Number.isFinite(ms)) return 'use a duration such as 30s, 1m or 500ms (0 for no limit)';
  if (Math.round(ms) > MAX_TIMEOUT_MS) return `it is longer than the longest timeout, ${MAX_TIMEOUT_MS}ms (about 24.8 days); use 0 for no limit`;
  return undefined;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Go's time.Duration.String() of whole milliseconds: `500ms`, `2s`, `1m30s`, `1h0m0s`, `1.5s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}
