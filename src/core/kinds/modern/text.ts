// Go's fmt verbs, for messages that must read as Istio prints them, and Go's len() of a string. Pure.

const UTF8 = new TextEncoder();

/** Go's len() of a string: its UTF-8 bytes (a lone surrogate is written as U+FFFD, 3 bytes). */
export function byteLength(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return UTF8.encode(s).length;
  return s.length;
}

/** %q of a string (strconv.Quote): double quotes, Go escapes for quotes, backslashes and controls. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (ESCAPES[ch] !== undefined) out += ESCAPES[ch];
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/** %v of a float64: shortest digits, exponent form below 1e-4 and from 1e+06 (`150`, `1e-05`, `1e+06`). */
export function goFloat(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  const [mant, e] = v.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(v);
}

/** %f of a float64: six decimals. */
export function goFixed(v: number): string {
  return v.toFixed(6);
}

/** %v of a []string: `[a b c]`. */
export function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}
