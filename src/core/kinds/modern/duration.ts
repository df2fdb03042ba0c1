// Durations as today's Istio reads them. Pure.
//
// A duration field of these kinds is a JSON string. Two readers look at it, and both use Go's
// time.ParseDuration syntax, not protobuf JSON's "<seconds>s" only:
// - the API server, through the CRD's CEL rule `duration(self) >= duration('1ms')` (cel-go parses
//   with time.ParseDuration), message `must be a valid duration greater than 1ms`;
// - Istio, which decodes specs with the legacy github.com/golang/protobuf jsonpb, whose Duration
//   reader is time.ParseDuration too (`bad Duration: time: invalid duration "x"`).
// So "1s", "0.5s", "100ms", "1m30s", "1h", "250us" and "1.5h" are all accepted; "1" and "1 s" are
// not ("0" alone is). Istio's own check (agent.ValidateDuration) then asks for at least 1ms and a
// whole number of milliseconds.

const NS = 1n;
const UNITS: Record<string, bigint> = {
  ns: NS,
  us: 1000n * NS,
  'µs': 1000n * NS, // U+00B5 micro sign
  'μs': 1000n * NS, // U+03BC Greek mu
  ms: 1000000n * NS,
  s: 1000000000n * NS,
  m: 60n * 1000000000n * NS,
  h: 3600n * 1000000000n * NS,
};

const MAX = (1n << 63n) - 1n;

export type DurationResult = { ok: true; nanos: bigint } | { ok: false; error: string };

// A stream says the same few durations again and again ("5s", "100ms"): each text is parsed once.
// The results are shared, so they are frozen.
const PARSED = new Map<string, DurationResult>();
const MAX_PARSED = 10_000;

/** Go's time.ParseDuration, to nanoseconds; the error is Go's text. */
export function parseGoDuration(orig: string): DurationResult {
  let r = PARSED.get(orig);
  if (r === undefined) {
    r = Object.freeze(parse(orig));
    if (PARSED.size < MAX_PARSED) PARSED.set(orig, r);
  }
  return r;
}

function parse(orig: string): DurationResult {
  const invalid: DurationResult = { ok: false, error: `time: invalid duration ${JSON.stringify(orig)}` };
  let s = orig;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, nanos: 0n };
  if (s === '') return invalid;
  let total = 0n;
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) return invalid;
    const int = /^[0-9]*/.exec(s)![0];
    s = s.slice(int.length);
    let frac = '';
    let hasDot = false;
    if (s[0] === '.') {
      hasDot = true;
      frac = /^\.([0-9]*)/.exec(s)![1]!;
      s = s.slice(1 + frac.length);
    }
    if (int === '' && frac === '') return invalid;
    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === '') return { ok: false, error: `time: missing unit in duration ${JSON.stringify(orig)}` };
    s = s.slice(unitText.length);
    const unit = UNITS[unitText];
    if (unit === undefined) return { ok: false, error: `time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(orig)}` };
    let v = int === '' ? 0n : BigInt(int);
    if (v > (1n << 63n) / unit) return invalid;
    v *= unit;
    if (hasDot && frac !== '') v += fraction(frac, unit);
    total += v;
    if (total > 1n << 63n) return invalid;
  }
  if (neg) return { ok: true, nanos: -total };
  if (total > MAX) return invalid;
  return { ok: true, nanos: total };
}

/** Go adds the fractional part as float64(f) * (float64(unit) / scale), truncated. */
function fraction(digits: string, unit: bigint): bigint {
  // Go stops accumulating digits once the value would overflow; 18 digits always fit.
  const kept = digits.slice(0, 18);
  const f = Number(kept);
  const scale = 10 ** kept.length;
  return BigInt(Math.trunc(f * (Number(unit) / scale)));
}

export const MILLISECOND = 1000000n;

/** agent.ValidateDuration: at least 1ms, whole milliseconds. */
export function durationProblem(nanos: bigint): string | undefined {
  if (nanos < MILLISECOND) return 'duration must be greater than 1ms';
  if (nanos % MILLISECOND !== 0n) return 'only durations to ms precision are supported';
  return undefined;
}

/** The `nanos` part of the protobuf Duration Istio holds (same sign as the duration). */
export function nanosPart(nanos: bigint): bigint {
  return nanos % 1000000000n;
}
