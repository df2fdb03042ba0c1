// The VirtualService warnings for rules that can never match (analyzeUnreachableHTTPRules,
// analyzeUnreachableTCPRules, analyzeUnreachableTLSRules in Istio 1.30's validation.go): a rule
// after a rule without matches, a match given twice, and a URI prefix match covered by an earlier
// one. Pure.
//
// Istio compares matches by their Go JSON encoding. Here a match is compared by its content: the
// match's name is left out (HTTP), and so are false, 0, "" and empty lists or maps, which Go's
// encoding omits; the members of a string match (exact, prefix, regex) are kept even when empty.

import { goQuote } from './text.ts';
import type { HTTPMatchRequest, HTTPRoute, StringMatch } from './virtualservice-schema.ts';

const STRING_MATCH_KEYS = new Set(['exact', 'prefix', 'regex']);
const MAP_KEYS = new Set(['headers', 'queryParams', 'withoutHeaders', 'sourceLabels']);

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (!STRING_MATCH_KEYS.has(k) && (x === false || x === 0 || x === '')) continue;
    if (Array.isArray(x) && x.length === 0) continue;
    if (MAP_KEYS.has(k) && typeof x === 'object' && x !== null && Object.keys(x).length === 0) continue;
    out[k] = canonical(x);
  }
  return out;
}

/** JSON.stringify(canonical(match)), without its name when dropName. */
function matchKey(match: object, dropName: boolean): string {
  const text = canonicalJson(match, dropName);
  if (text !== undefined) return text;
  const m = { ...(match as Record<string, unknown>) };
  if (dropName) delete m.name;
  return JSON.stringify(canonical(m));
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * The order in which an object created with `keys` in that order holds them: array indices first,
 * in numeric order, then the others as inserted.
 */
function objectKeyOrder(keys: string[]): string[] {
  const isIndex = (k: string) => ARRAY_INDEX.test(k) && Number(k) < 4294967295;
  if (!keys.some(isIndex)) return keys;
  return [...keys.filter(isIndex).sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isIndex(k))];
}

/**
 * JSON.stringify(canonical(v)) written in one pass, for values made of JSON's types only (what the
 * decoder gives); undefined for anything else (then the two steps are taken).
 */
function canonicalJson(v: unknown, dropName = false): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(v);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (Array.isArray(v)) {
    let out = '';
    for (let i = 0; i < v.length; i++) {
      // Items that JSON cannot write are written as null.
      const x = v[i] === undefined ? 'null' : canonicalJson(v[i]);
      if (x === undefined) return undefined;
      out += i === 0 ? x : `,${x}`;
    }
    return `[${out}]`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const o = v as Record<string, unknown>;
  let out = '';
  for (const k of objectKeyOrder(Object.keys(o).sort())) {
    if (dropName && k === 'name') continue;
    const x = o[k];
    if (x === undefined) continue;
    if (!STRING_MATCH_KEYS.has(k) && (x === false || x === 0 || x === '')) continue;
    if (Array.isArray(x) && x.length === 0) continue;
    if (MAP_KEYS.has(k) && typeof x === 'object' && x !== null && Object.keys(x).length === 0) continue;
    const text = canonicalJson(x);
    if (text === undefined) return undefined;
    out += `${out === '' ? '' : ','}${JSON.stringify(k)}:${text}`;
  }
  return `{${out}}`;
}

export type Unused = (rule: string, reason: string) => void;
export type Ineffective = (rule: string, match: string, dup: string) => void;

const httpRouteName = (r: HTTPRoute, n: number) => (r.name ? goQuote(r.name) : `#${n}`);
const httpMatchName = (m: HTTPMatchRequest, n: number) => (m.name ? goQuote(m.name) : `#${n}`);

interface PrefixMatch {
  route: string;
  match: string;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Map<string, string>;
  queryParams: Map<string, string>;
  withoutHeaders: Map<string, string>;
}

const exactOrPrefix = (sm: StringMatch | undefined): string => (sm?.exact ? `exact:${sm.exact}` : sm?.prefix ? `prefix:${sm.prefix}` : '');
const stringMatches = (m: Record<string, StringMatch> | undefined) => new Map(Object.entries(m ?? {}).map(([k, v]) => [k, exactOrPrefix(v)]));

/** genMatchHTTPRoutes: only matches with a non-empty URI prefix take part. */
function prefixMatch(route: HTTPRoute, match: HTTPMatchRequest, rulen: number, matchn: number): PrefixMatch | undefined {
  const prefix = match.uri?.prefix;
  if (!prefix) return undefined;
  return {
    route: httpRouteName(route, rulen),
    match: httpMatchName(match, matchn),
    prefix,
    port: match.port ?? 0,
    method: exactOrPrefix(match.method) || 'exact:GET',
    authority: exactOrPrefix(match.authority),
    headers: stringMatches(match.headers),
    queryParams: stringMatches(match.queryParams),
    withoutHeaders: stringMatches(match.withoutHeaders),
  };
}

function mapCovered(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined) return false;
    if (v !== w && !v.startsWith(w)) return false;
  }
  return true;
}

/** coveredValidation: the earlier match `a` takes every request of the later `b`. */
function covered(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix)) return false;
  if (b.port !== a.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return mapCovered(a.headers, b.headers) && mapCovered(a.queryParams, b.queryParams) && mapCovered(a.withoutHeaders, b.withoutHeaders);
}

export function analyzeHTTPRules(routes: HTTPRoute[], unused: Unused, ineffective: Ineffective): void {
  const seen = new Map<string, number>();
  let emptyAt = -1;
  const prefixes: PrefixMatch[] = [];
  // Loops over routes and matches skip holes, as forEach did.
  for (let rulen = 0; rulen < routes.length; rulen++) {
    if (!(rulen in routes)) continue;
    const route = routes[rulen]!;
    if (route === null) continue;
    const matches = route.match ?? [];
    if (matches.length === 0) {
      if (emptyAt >= 0) unused(httpRouteName(route, rulen), 'only the last rule can have no matches');
      emptyAt = rulen;
      continue;
    }
    let duplicates = 0;
    for (let matchn = 0; matchn < matches.length; matchn++) {
      if (!(matchn in matches)) continue;
      const match = matches[matchn]!;
      if (match === null) continue;
      if (emptyAt >= 0) {
        unused(httpRouteName(route, rulen), 'route without matches defined before');
        continue;
      }
      const key = matchKey(match, true);
      const dup = seen.get(key);
      if (dup !== undefined) {
        ineffective(httpRouteName(route, rulen), httpMatchName(match, matchn), httpRouteName(routes[dup]!, dup));
        duplicates++;
        continue;
      }
      seen.set(key, rulen);
      const p = prefixMatch(route, match, rulen, matchn);
      if (p) prefixes.push(p);
    }
    if (duplicates === matches.length) unused(httpRouteName(route, rulen), 'all matches used by prior rules');
  }
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length; j++) {
      const a = prefixes[i]!;
      const b = prefixes[j]!;
      if (a.prefix === b.prefix) continue;
      if (covered(a, b)) ineffective(b.route, `${b.match} of prefix ${b.prefix}`, `${a.match} of prefix ${a.prefix} on ${a.route}`);
    }
  }
}

/** analyzeUnreachableTCPRules and analyzeUnreachableTLSRules (their rules have no names). */
export function analyzeL4Rules(routes: ({ match?: object[] } | null)[], unused: Unused, ineffective: Ineffective): void {
  const seen = new Map<string, number>();
  let emptyAt = -1;
  routes.forEach((route, rulen) => {
    if (route === null) return;
    const matches = route.match ?? [];
    if (matches.length === 0) {
      if (emptyAt >= 0) unused(`#${rulen}`, 'only the last rule can have no matches');
      emptyAt = rulen;
      return;
    }
    let duplicates = 0;
    matches.forEach((match, matchn) => {
      if (match === null) return;
      if (emptyAt >= 0) {
        unused(`#${rulen}`, 'route without matches defined before');
        return;
      }
      const key = matchKey(match, false);
      const dup = seen.get(key);
      if (dup !== undefined) {
        ineffective(`#${rulen}`, `#${matchn}`, `#${dup}`);
        duplicates++;
      } else {
        seen.set(key, rulen);
      }
    });
    if (duplicates === matches.length) unused(`#${rulen}`, 'all matches used by prior rules');
  });
}
