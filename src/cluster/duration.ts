// Durations as kubectl's --request-timeout takes them: `0` (no limit), a bare number of seconds,
// or Go-style `1h2m3s`, `500ms`. Pure.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest timer Node can set (2^31-1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function exactMs(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/** Milliseconds, 0 for no limit; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const ms = exactMs(text);
  return ms === undefined ? undefined : Math.round(ms);
}

/**
 * What is wrong with a --request-timeout, or undefined. Not a duration; under a millisecond but
 * not 0 (it would round to 0, which means no limit); longer than a timer can wait (Node fires
 * such a timer after 1 ms, so every request would time out).
 */
export function requestTimeoutProblem(text: string): string | undefined {
  const ms = exactMs(text);
  if (ms === undefined || !Number.isFinite(ms)) return 'use a duration such as 30s, 1m or 500ms (0 for no limit)';
  if (ms > 0 && ms < 1) return 'it is under a millisecond; use 0 for no limit';
  if (Math.round(ms) > MAX_TIMEOUT_MS) return `it is longer than the longest timeout, ${MAX_TIMEOUT_MS}ms (about 24.8 days); use 0 for no limit`;
  return undefined;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${(ms / 1000).toFixed(1)}s`;
}
