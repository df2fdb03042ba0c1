// Label and field selectors, as the list and watch endpoints accept them.
import { errors } from './status.ts';
import type { Obj } from './store.ts';
import { META_FIELDS } from './fields.ts';
import { labelValueProblems, qualifiedNameProblems } from '../core/names.ts';

export type Matcher = (obj: Obj) => boolean;

// Label selectors: a port of apimachinery's labels.Parse (lexer, parser and NewRequirement checks,
// v0.33), so a malformed selector gets kube-apiserver's own message.
type Op = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';
type Req = { key: string; op: Op; values: string[] };

enum Tok {
  Error,
  End,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const STRING_TO_TOKEN: Record<string, Tok> = {
  ')': Tok.ClosedPar, ',': Tok.Comma, '!': Tok.DoesNotExist, '==': Tok.DoubleEquals, '=': Tok.Equals, '>': Tok.GreaterThan,
  in: Tok.In, '<': Tok.LessThan, '!=': Tok.NotEquals, notin: Tok.NotIn, '(': Tok.OpenPar,
};

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch) && ch !== '';

function lex(sel: string): Array<[Tok, string]> {
  let pos = 0;
  const read = () => (pos < sel.length ? sel[pos++] : '');
  const items: Array<[Tok, string]> = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '') {
      items.push([Tok.End, '']);
      return items;
    }
    pos--;
    if (isSpecial(ch)) {
      let buffer = '';
      let last: [Tok, string] | undefined;
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c)) {
          buffer += c;
          if (buffer in STRING_TO_TOKEN) last = [STRING_TO_TOKEN[buffer], buffer];
          else if (last) {
            pos--;
            break;
          }
        } else {
          pos--;
          break;
        }
      }
      items.push(last ?? [Tok.Error, `error expected: keyword found '${buffer}'`]);
    } else {
      let buffer = '';
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buffer += c;
      }
      items.push(buffer in STRING_TO_TOKEN ? [STRING_TO_TOKEN[buffer], buffer] : [Tok.Identifier, buffer]);
    }
  }
}

class SelectorError extends Error {}
const fail = (msg: string): never => {
  throw new SelectorError(msg);
};

/** field.Invalid's text: `PATH: Invalid value: "v": detail` (no path: just the rest after ": "). */
function invalidField(path: string, value: string, problems: string[]): string {
  return `${path}: Invalid value: ${JSON.stringify(value)}: ${problems.join('; ')}`;
}

function parseSelector(sel: string): Req[] {
  const items = lex(sel);
  let position = 0;
  const values = (t: Tok) => (t === Tok.In || t === Tok.NotIn ? Tok.Identifier : t);
  const lookahead = (v = true): [Tok, string] => [v ? values(items[position][0]) : items[position][0], items[position][1]];
  const consume = (v = true): [Tok, string] => {
    const [t, l] = items[position++];
    return [v ? values(t) : t, l];
  };
  const parseKeyAndInferOperator = (): [string, Op | undefined] => {
    let op: Op | undefined;
    let [tok, lit] = consume();
    if (tok === Tok.DoesNotExist) {
      op = '!';
      [tok, lit] = consume();
    }
    if (tok !== Tok.Identifier) fail(`found '${lit}', expected: identifier`);
    const problems = qualifiedNameProblems(lit);
    // Go's field.Error of a nil path prints the path as <nil>.
    if (problems.length) fail(invalidField('<nil>', lit, problems));
    const [t] = lookahead();
    if ((t === Tok.End || t === Tok.Comma) && op !== '!') op = 'exists';
    return [lit, op];
  };
  const parseOperator = (): Op => {
    const [tok, lit] = consume(false);
    const ops: Partial<Record<Tok, Op>> = { [Tok.In]: 'in', [Tok.Equals]: '=', [Tok.DoubleEquals]: '==', [Tok.GreaterThan]: 'gt', [Tok.LessThan]: 'lt', [Tok.NotIn]: 'notin', [Tok.NotEquals]: '!=' };
    const op = ops[tok];
    if (!op) return fail(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    return op;
  };
  const parseIdentifiersList = (): Set<string> => {
    const set = new Set<string>();
    for (;;) {
      const [tok, lit] = consume();
      if (tok === Tok.Identifier) {
        set.add(lit);
        const [t2, l2] = lookahead();
        if (t2 === Tok.Comma) continue;
        if (t2 === Tok.ClosedPar) return set;
        fail(`found '${l2}', expected: ',' or ')'`);
      } else if (tok === Tok.Comma) {
        if (set.size === 0) set.add('');
        const [t2] = lookahead();
        if (t2 === Tok.ClosedPar) {
          set.add('');
          return set;
        }
        if (t2 === Tok.Comma) {
          consume();
          set.add('');
        }
      } else fail(`found '${lit}', expected: ',', or identifier`);
    }
  };
  const parseValues = (): Set<string> => {
    const [tok, lit] = consume();
    if (tok !== Tok.OpenPar) fail(`found '${lit}' expected: '('`);
    const [t, l] = lookahead();
    if (t === Tok.Identifier || t === Tok.Comma) {
      const set = parseIdentifiersList();
      if (consume()[0] !== Tok.ClosedPar) fail(`found '${l}', expected: ')'`);
      return set;
    }
    if (t === Tok.ClosedPar) {
      consume();
      return new Set(['']);
    }
    return fail(`found '${l}', expected: ',', ')' or identifier`);
  };
  const parseExactValue = (): Set<string> => {
    const [t] = lookahead();
    if (t === Tok.End || t === Tok.Comma) return new Set(['']);
    const [tok, lit] = consume();
    if (tok === Tok.Identifier) return new Set([lit]);
    return fail(`found '${lit}', expected: identifier`);
  };
  const newRequirement = (key: string, op: Op, vals: string[]): Req => {
    const errs: string[] = [];
    if ((op === 'in' || op === 'notin') && vals.length === 0) errs.push("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
    if (op === 'gt' || op === 'lt') vals.forEach((v, i) => !/^[-+]?\d+$/.test(v) && errs.push(invalidField(`values[${i}]`, v, ["for 'Gt', 'Lt' operators, the value must be an integer"])));
    vals.forEach((v, i) => {
      const p = labelValueProblems(v);
      if (p.length) errs.push(invalidField(`values[${i}][${key}]`, v, p));
    });
    if (errs.length) fail(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
    return { key, op, values: vals };
  };
  const parseRequirement = (): Req => {
    const [key, inferred] = parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return newRequirement(key, inferred, []);
    const op = parseOperator();
    const vals = op === 'in' || op === 'notin' ? parseValues() : parseExactValue();
    return newRequirement(key, op, [...vals].sort());
  };

  const reqs: Req[] = [];
  for (;;) {
    const [tok, lit] = lookahead();
    if (tok === Tok.Identifier || tok === Tok.DoesNotExist) {
      try {
        reqs.push(parseRequirement());
      } catch (e) {
        if (e instanceof SelectorError) fail(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const [t, l] = consume();
      if (t === Tok.End) return reqs;
      if (t === Tok.Comma) {
        const [t2, l2] = lookahead();
        if (t2 !== Tok.Identifier && t2 !== Tok.DoesNotExist) fail(`found '${l2}', expected: identifier after ','`);
      } else fail(`found '${l}', expected: ',' or 'end of string'`);
    } else if (tok === Tok.End) return reqs;
    else fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
  }
}

export function parseLabelSelector(sel: string | null | undefined): Matcher {
  if (!sel) return () => true;
  let reqs: Req[];
  try {
    reqs = parseSelector(sel);
  } catch (e) {
    if (e instanceof SelectorError) throw errors.badRequest(e.message);
    throw e;
  }
  return (obj) => {
    const labels: Record<string, string> = obj.metadata?.labels ?? {};
    return reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      const v = labels[r.key];
      switch (r.op) {
        case 'exists': return has;
        case '!': return !has;
        case '=': case '==': case 'in': return has && r.values.includes(v);
        case '!=': case 'notin': return !has || !r.values.includes(v);
        case 'gt': case 'lt': {
          if (!has || !/^[-+]?\d+$/.test(v)) return false;
          return r.op === 'gt' ? Number(v) > Number(r.values[0]) : Number(v) < Number(r.values[0]);
        }
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
