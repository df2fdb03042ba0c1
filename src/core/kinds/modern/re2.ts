// Whether a regular expression compiles as RE2 / Go regexp (Perl flags), for the regex matches and
// rewrites of a VirtualService: Istio compiles them with Go's regexp.Compile. Pure.
//
// This is a syntax check, not a regex engine. It finds the errors people make: unbalanced
// parentheses and brackets, a repetition with nothing to repeat or repeated twice, Perl syntax RE2
// does not have (look-arounds, backreferences), bad escapes, bad ranges and repeat counts. The text
// follows Go's `error parsing regexp: CODE: `ARG``; ARG is Go's in the common cases (the whole
// expression for parentheses, the operator, the escape, the class) but may differ in rare ones.
// Left out: Unicode class names after \p are not checked, nor Go's size and nesting limits.

const err = (code: string, arg: string): string => `error parsing regexp: ${code}: \`${arg}\``;

const POSIX = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const SIMPLE_ESCAPES = new Set(['a', 'f', 'n', 'r', 't', 'v']);
const CLASS_ESCAPES = new Set(['d', 'D', 's', 'S', 'w', 'W']);
const ASSERTIONS = new Set(['A', 'z', 'b', 'B']);

/** The length of the escape at s[i] (a backslash), or an error. `inClass`: \b and friends are not allowed. */
function escapeLength(s: string, i: number, inClass: boolean): number | string {
  if (i + 1 >= s.length) return err('trailing backslash at end of expression', '');
  const c = s[i + 1]!;
  if (c >= '1' && c <= '7') {
    if (!(s[i + 2]! >= '0' && s[i + 2]! <= '7')) return err('invalid escape sequence', `\\${c}`);
  }
  if (c >= '0' && c <= '7') {
    let n = 2;
    while (n < 4 && s[i + n]! >= '0' && s[i + n]! <= '7') n++;
    return n;
  }
  if (c === 'x') {
    if (s[i + 2] === '{') {
      const close = s.indexOf('}', i + 3);
      const hex = close < 0 ? '' : s.slice(i + 3, close);
      if (close < 0 || !/^[0-9a-fA-F]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) return err('invalid escape sequence', s.slice(i, close < 0 ? s.length : close + 1));
      return close + 1 - i;
    }
    if (!/^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) return err('invalid escape sequence', s.slice(i, i + 4));
    return 4;
  }
  if (c === 'p' || c === 'P') {
    if (s[i + 2] === '{') {
      const close = s.indexOf('}', i + 3);
      if (close < 0) return err('invalid character class range', s.slice(i));
      return close + 1 - i;
    }
    return i + 2 < s.length ? 3 : err('invalid character class range', s.slice(i));
  }
  if (SIMPLE_ESCAPES.has(c) || CLASS_ESCAPES.has(c)) return 2;
  if (!inClass && ASSERTIONS.has(c)) return 2;
  if (!inClass && c === 'Q') {
    const end = s.indexOf('\\E', i + 2);
    return end < 0 ? s.length - i : end + 2 - i;
  }
  if (c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c)) return 2;
  return err('invalid escape sequence', `\\${c}`);
}

/** The length of the class at s[i] (a `[`), or an error. */
function classLength(s: string, i: number): number | string {
  let j = i + 1;
  if (s[j] === '^') j++;
  let first = true;
  while (j < s.length && (first || s[j] !== ']')) {
    first = false;
    if (s.startsWith('[:', j)) {
      const close = s.indexOf(':]', j + 2);
      if (close >= 0) {
        const name = s.slice(j + 2, close).replace(/^\^/, '');
        if (!POSIX.has(name)) return err('invalid character class range', s.slice(j, close + 2));
        j = close + 2;
        continue;
      }
    }
    let ch: string;
    let len: number;
    if (s[j] === '\\') {
      const e = escapeLength(s, j, true);
      if (typeof e === 'string') return e;
      len = e;
      ch = len === 2 && !CLASS_ESCAPES.has(s[j + 1]!) ? s[j + 1]! : '';
    } else {
      ch = String.fromCodePoint(s.codePointAt(j)!);
      len = ch.length;
    }
    if (s[j + len] === '-' && s[j + len + 1] !== undefined && s[j + len + 1] !== ']' && ch !== '') {
      const hiStart = j + len + 1;
      let hi: string;
      let hiLen: number;
      if (s[hiStart] === '\\') {
        const e = escapeLength(s, hiStart, true);
        if (typeof e === 'string') return e;
        hiLen = e;
        hi = s[hiStart + 1]!;
      } else {
        hi = String.fromCodePoint(s.codePointAt(hiStart)!);
        hiLen = hi.length;
      }
      if (hi.codePointAt(0)! < ch.codePointAt(0)!) return err('invalid character class range', s.slice(j, hiStart + hiLen));
      j = hiStart + hiLen;
      continue;
    }
    j += len;
  }
  if (j >= s.length) return err('missing closing ]', s.slice(i));
  return j + 1 - i;
}

/** The length of `{n}`, `{n,}` or `{n,m}` at s[i], undefined when it is a literal `{`, or an error. */
function repeatLength(s: string, i: number): number | string | undefined {
  const m = /^\{([0-9]+)(,([0-9]*))?\}/.exec(s.slice(i));
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : m[3] === '' ? -1 : Number(m[3]);
  if (lo > 1000 || hi > 1000 || (hi >= 0 && hi < lo)) return err('invalid repeat count', m[0]);
  return m[0].length;
}

/** The length of the group opener at s[i] (a `(`), or an error. */
function groupOpenLength(s: string, i: number): number | string {
  if (s[i + 1] !== '?') return 1;
  const rest = s.slice(i);
  if (rest.startsWith('(?<') || rest.startsWith('(?P<')) {
    const named = /^\(\?P?<([^>]*)>/.exec(rest);
    if (!named) return err('invalid named capture', rest);
    return /^[A-Za-z0-9_]+$/.test(named[1]!) ? named[0].length : err('invalid named capture', named[0]);
  }
  const flags = /^\(\?([imsU]*)(-[imsU]+)?([:)])/.exec(rest);
  if (flags && (flags[1] !== '' || flags[2] !== undefined || flags[3] === ':')) return flags[0].length;
  return err('invalid or unsupported Perl syntax', rest.slice(0, 3));
}

/** The Go error for a regex that RE2 does not compile, or undefined. */
export function re2Problem(re: string): string | undefined {
  let depth = 0;
  let atom = false; // something to repeat
  let repeated = false; // the last thing was a repetition
  for (let i = 0; i < re.length; ) {
    const c = re[i]!;
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      const len = c === '{' ? repeatLength(re, i) : 1;
      if (typeof len === 'string') return len;
      if (len !== undefined) {
        const op = re.slice(i, i + len);
        if (repeated) return err('invalid nested repetition operator', `${re[i - 1]}${op}`);
        if (!atom) return err('missing argument to repetition operator', op);
        i += len;
        if (re[i] === '?') i++; // non-greedy
        repeated = true;
        continue;
      }
    }
    repeated = false;
    if (c === '(') {
      const len = groupOpenLength(re, i);
      if (typeof len === 'string') return len;
      if (re[i + len - 1] === ')') {
        i += len; // a flags group: sets flags, matches nothing
        continue;
      }
      depth++;
      atom = false;
      i += len;
    } else if (c === ')') {
      if (depth === 0) return err('unexpected )', re);
      depth--;
      atom = true;
      i++;
    } else if (c === '|') {
      atom = false;
      i++;
    } else if (c === '[') {
      const len = classLength(re, i);
      if (typeof len === 'string') return len;
      atom = true;
      i += len;
    } else if (c === '\\') {
      const len = escapeLength(re, i, false);
      if (typeof len === 'string') return len;
      atom = true;
      i += len;
    } else {
      atom = true;
      i += String.fromCodePoint(re.codePointAt(i)!).length;
    }
  }
  if (depth > 0) return err('missing closing )', re);
  return undefined;
}
