// Label and field selectors, as the list and watch endpoints accept them.
import { errors } from './status.ts';
import type { Obj } from './store.ts';
import { META_FIELDS } from './fields.ts';

export type Matcher = (obj: Obj) => boolean;

type Req = { key: string; op: 'in' | 'notin' | 'exists' | '!exists' | '=' | '!='; values: string[] };

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim());
}

function parseLabelTerm(t: string, whole: string): Req {
  const bad = () => errors.badRequest(`unable to parse requirement: found '${t}', expected: identifier in selector "${whole}"`);
  let m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(t);
  if (m) {
    const values = m[3].split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (!KEY.test(m[1]) || values.some((v) => !VALUE.test(v))) throw bad();
    return { key: m[1], op: m[2] as 'in' | 'notin', values };
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(t);
  if (m) {
    if (!KEY.test(m[1]) || !VALUE.test(m[3])) throw bad();
    return { key: m[1], op: m[2] === '!=' ? '!=' : '=', values: [m[3]] };
  }
  m = /^(!?)\s*(\S+)$/.exec(t);
  if (m && KEY.test(m[2])) return { key: m[2], op: m[1] ? '!exists' : 'exists', values: [] };
  throw bad();
}

export function parseLabelSelector(sel: string | null | undefined): Matcher {
  if (!sel || !sel.trim()) return () => true;
  const reqs = splitTerms(sel).map((t) => parseLabelTerm(t, sel));
  return (obj) => {
    const labels: Record<string, string> = obj.metadata?.labels ?? {};
    return reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      const v = labels[r.key];
      switch (r.op) {
        case 'exists': return has;
        case '!exists': return !has;
        case '=': return has && v === r.values[0];
        case '!=': return !has || v !== r.values[0];
        case 'in': return has && r.values.includes(v);
        case 'notin': return !has || !r.values.includes(v);
      }
    });
  };
}

/**
 * Field selectors over the fields a kind accepts (fields.ts); a field it does not accept is 400
 * with `unsupported(label)` as the message.
 */
export function parseFieldSelector(sel: string | null | undefined, fields: Record<string, (o: Obj) => string> = META_FIELDS, unsupported: (label: string) => string = (l) => `field label not supported: ${l}`): Matcher {
  if (!sel || !sel.trim()) return () => true;
  const reqs = sel.split(',').map((t) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(t);
    if (!m) throw errors.badRequest(`invalid selector: '${sel}'; can't understand '${t}'`);
    const get = fields[m[1]];
    if (!get) throw errors.badRequest(unsupported(m[1]));
    return { get, neg: m[2] === '!=', value: m[3] };
  });
  return (obj) => reqs.every((r) => (r.get(obj) === r.value) !== r.neg);
}
