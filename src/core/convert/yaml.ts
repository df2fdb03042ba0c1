// Writing objects as kubectl writes YAML: two spaces, lists not indented under their key, long
// strings not folded, and strings quoted when a YAML 1.1 reader (Kubernetes') would take them for
// something else. Pure.
//
// The text is js-yaml's dump with OPTIONS, byte for byte. dumpYaml() writes the block structure
// itself (js-yaml's writeBlockMapping/writeBlockSequence with these options, without their
// per-node type detection) and asks js-yaml how to write each distinct scalar once: a converted
// stream repeats the same keys, hosts and values thousands of times, and js-yaml tests every
// string against every implicit type of the schema each time it writes it. A value it does not
// know (a Date, a multi-line string, whose text depends on its indentation) makes it give the
// whole object to js-yaml's dump instead. test/convert/yaml.test.ts compares the two.
import yaml from 'js-yaml';

// js-yaml quotes what its own YAML 1.2 schema would misread ("yes", "0755", "1e3"), but not
// YAML 1.1 numbers with underscores or binary digits ("1_000", "0b101"), which Kubernetes' reader
// turns into integers. This type teaches the dumper to quote those too; it is never used to load.
const YAML11_NUMBER = new yaml.Type('tag:yaml.org,2002:egressctl-yaml11-number', {
  kind: 'scalar',
  resolve: (s: string) => /^[-+]?(0b[01_]+|0[0-7_]+|[0-9][0-9_]*|0x[0-9a-fA-F_]+|([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$/.test(s),
  construct: (s: string) => s,
});

const SCHEMA = yaml.DEFAULT_SCHEMA.extend({ implicit: [YAML11_NUMBER] });

const OPTIONS: yaml.DumpOptions = { noArrayIndent: true, lineWidth: -1, noRefs: true, quotingType: '"', schema: SCHEMA };

/** js-yaml's own text of an object: the reference dumpYaml() writes the same as. */
export function jsYamlDump(value: unknown): string {
  return yaml.dump(value, OPTIONS);
}

/** Thrown inside the writer for a value it leaves to js-yaml. */
const HAND_OVER = Symbol('hand over to js-yaml');

// A string that starts with a letter and holds only letters, digits and `._/-` is written plain by
// js-yaml, unless it is one of the words its schema (null, booleans) or its YAML 1.1 compatibility
// (y, yes, on, ...) would read as something else: no other implicit type of the schema (numbers,
// timestamps, `<<`, YAML11_NUMBER) matches a string that starts with a letter, and none of these
// characters needs quoting.
const PLAIN = /^[A-Za-z][A-Za-z0-9._/-]*$/;
const QUOTED_WORDS = new Set([
  'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF',
]);

// A string over those characters that holds a `/` (a CIDR block, a label key with a prefix) is
// written plain too, unless it starts with `-` (an indicator): no implicit type of the schema, nor
// YAML 1.1's booleans and base-60 numbers, matches a text with a `/`.
const PLAIN_WITH_SLASH = /^[A-Za-z0-9._/][A-Za-z0-9._/-]*$/;

// A string that starts with a character js-yaml never writes plain first (an indicator, a quote,
// a space) and holds only printable ASCII without `"` and `\` is written double-quoted as it is:
// not plain, no line break, nothing to escape (`"*.example.com"`).
const NOT_PLAIN_FIRST = new Set([...' -?:,[]{}#&*!|=>\'%@`']);
const QUOTED_AS_IS = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

// Any other printable ASCII string that js-yaml's chooseScalarStyle finds plain-safe (first and
// last characters, no `: ` and no ` #`) is written plain when it holds a character that no implicit
// type of the schema, nor YAML 1.1's booleans and base-60 numbers, ever accepts: those read only
// letters, digits and `_+-.: \t~<`. (A route's regex, a retryOn list.)
const RESOLVABLE = new Set([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.: \t~<'].map((c) => c.charCodeAt(0)));

function writtenPlain(s: string): boolean {
  if (s === '' || NOT_PLAIN_FIRST.has(s[0]!) || s[0] === '"') return false;
  const last = s.charCodeAt(s.length - 1);
  if (last === 0x20 || last === 0x3a) return false;
  let unresolvable = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
    // `: ` and ` #` are not plain; the first character is neither a space nor `#`.
    if ((c === 0x20 && s.charCodeAt(i - 1) === 0x3a) || (c === 0x23 && s.charCodeAt(i - 1) === 0x20)) return false;
    if (!RESOLVABLE.has(c)) unresolvable = true;
  }
  return unresolvable;
}

/** The text of each string written so far (one conversion's keys, hosts, names and values). */
const SCALARS = new Map<string, string>();
const MAX_SCALARS = 20_000;

/**
 * A string as js-yaml writes it, as a key or a value at any depth: without a line break its style
 * (plain, double-quoted) and text do not depend on where it is (block scalars, which do, are the
 * ones with line breaks, and those are handed over).
 */
function scalar(s: string): string {
  if (PLAIN.test(s)) return QUOTED_WORDS.has(s) ? `"${s}"` : s;
  if (s.includes('/') && PLAIN_WITH_SLASH.test(s)) return s;
  if (NOT_PLAIN_FIRST.has(s[0]!) && QUOTED_AS_IS.test(s)) return `"${s}"`;
  if (writtenPlain(s)) return s;
  let text = SCALARS.get(s);
  if (text === undefined) {
    if (s.includes('\n')) throw HAND_OVER;
    text = yaml.dump(s, OPTIONS).slice(0, -1);
    if (SCALARS.size < MAX_SCALARS) SCALARS.set(s, text);
  }
  return text;
}

/** A number as js-yaml's int and float types write it. */
function number(n: number): string {
  if (n % 1 === 0 && !Object.is(n, -0)) return n.toString(10);
  return yaml.dump(n, OPTIONS).slice(0, -1);
}

const NEWLINES: string[] = [];
/** js-yaml's generateNextLine: a line break and two spaces per level. */
function newline(level: number): string {
  return (NEWLINES[level] ??= `\n${' '.repeat(2 * level)}`);
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !(Symbol.toStringTag in v);
}

/** js-yaml's writeNode for block styles: the text of a value, or undefined for undefined (left out). */
function node(v: unknown, level: number, compact: boolean, inSequence: boolean): string | undefined {
  switch (typeof v) {
    case 'string':
      return scalar(v);
    case 'number':
      return number(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return undefined;
    case 'object':
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        if (v.length === 0) return '[]';
        // noArrayIndent: a list that is a mapping's value is written at its key's level.
        return sequence(v, !inSequence && level > 0 ? level - 1 : level, compact);
      }
      if (isPlainObject(v)) {
        const keys = Object.keys(v);
        return keys.length === 0 ? '{}' : mapping(v, keys, level, compact);
      }
      throw HAND_OVER;
    default:
      throw HAND_OVER;
  }
}

/** js-yaml's writeBlockMapping. */
function mapping(o: Record<string, unknown>, keys: string[], level: number, compact: boolean): string {
  let out = '';
  for (const key of keys) {
    const value = node(o[key], level + 1, false, false);
    if (value === undefined) continue;
    const k = scalar(key);
    let pair = !compact || out !== '' ? newline(level) : '';
    if (k.length > 1024) {
      // An explicit pair (`? KEY`), its value written again as compact as js-yaml writes it then.
      pair += `? ${k}${newline(level)}`;
      const v = node(o[key], level + 1, true, false)!;
      out += pair + (v.charCodeAt(0) === 10 ? ':' : ': ') + v;
      continue;
    }
    out += pair + k + (value.charCodeAt(0) === 10 ? ':' : ': ') + value;
  }
  return out || '{}';
}

/** js-yaml's writeBlockSequence (an undefined item is written as null). */
function sequence(list: readonly unknown[], level: number, compact: boolean): string {
  let out = '';
  for (const item of list) {
    const value = node(item, level + 1, true, true) ?? 'null';
    if (!compact || out !== '') out += newline(level);
    out += (value.charCodeAt(0) === 10 ? '-' : '- ') + value;
  }
  return out;
}

/** The YAML text of one object, as jsYamlDump() writes it. */
export function dumpYaml(value: unknown): string {
  try {
    const text = node(value, 0, true, false);
    return text === undefined ? '' : `${text}\n`;
  } catch (e) {
    if (e === HAND_OVER) return jsYamlDump(value);
    throw e;
  }
}
