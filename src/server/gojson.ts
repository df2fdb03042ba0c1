// The syntax error Go's encoding/json (and sigs.k8s.io/json, which kube-apiserver decodes with)
// reports for malformed JSON, so serve's messages quote the same words: a port of the state
// machine of encoding/json/scanner.go, byte by byte. Pure.

const enum Parse {
  ObjectKey,
  ObjectValue,
  ArrayValue,
}

type State = (c: number) => void;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Go's quoteChar: the byte as a quoted character literal. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const q = JSON.stringify(String.fromCharCode(c));
  if (c < 0x20 || c === 0x7f) {
    const named: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v' };
    return `'${named[c] ?? `\\x${c.toString(16).padStart(2, '0')}`}'`;
  }
  if (c >= 0x80) return `'\\x${c.toString(16)}'`;
  return `'${q.slice(1, -1)}'`;
}

/** The error Go's json.Unmarshal gives for the syntax of `data`, or undefined when it is valid JSON. */
export function goJsonSyntaxError(data: Buffer | string): string | undefined {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const stack: Parse[] = [];
  let err: string | undefined;
  let endTop = false;
  let step: State;
  const fail = (c: number, context: string) => {
    err ??= `invalid character ${quoteChar(c)} ${context}`;
    step = () => {};
  };
  const literal = (expect: number, context: string, next: () => State): State => (c) => {
    if (c === expect) step = next();
    else fail(c, context);
  };

  const beginValue: State = (c) => {
    if (isSpace(c)) return;
    switch (c) {
      case 0x7b: // {
        stack.push(Parse.ObjectKey);
        step = beginStringOrEmpty;
        return;
      case 0x5b: // [
        stack.push(Parse.ArrayValue);
        step = beginValueOrEmpty;
        return;
      case 0x22:
        step = inString;
        return;
      case 0x2d:
        step = neg;
        return;
      case 0x30:
        step = zero;
        return;
      case 0x74:
        step = literal(0x72, "in literal true (expecting 'r')", () => literal(0x75, "in literal true (expecting 'u')", () => literal(0x65, "in literal true (expecting 'e')", () => endValue)));
        return;
      case 0x66:
        step = literal(0x61, "in literal false (expecting 'a')", () => literal(0x6c, "in literal false (expecting 'l')", () => literal(0x73, "in literal false (expecting 's')", () => literal(0x65, "in literal false (expecting 'e')", () => endValue))));
        return;
      case 0x6e:
        step = literal(0x75, "in literal null (expecting 'u')", () => literal(0x6c, "in literal null (expecting 'l')", () => literal(0x6c, "in literal null (expecting 'l')", () => endValue)));
        return;
    }
    if (c >= 0x31 && c <= 0x39) {
      step = one;
      return;
    }
    fail(c, 'looking for beginning of value');
  };
  const beginValueOrEmpty: State = (c) => {
    if (isSpace(c)) return;
    if (c === 0x5d) return endValue(c);
    beginValue(c);
  };
  const beginStringOrEmpty: State = (c) => {
    if (isSpace(c)) return;
    if (c === 0x7d) {
      stack[stack.length - 1] = Parse.ObjectValue;
      return endValue(c);
    }
    beginString(c);
  };
  const beginString: State = (c) => {
    if (isSpace(c)) return;
    if (c === 0x22) step = inString;
    else fail(c, 'looking for beginning of object key string');
  };
  const endTopState: State = (c) => {
    if (!isSpace(c)) fail(c, 'after top-level value');
  };
  const endValue: State = (c) => {
    const n = stack.length;
    if (n === 0) {
      step = endTopState;
      endTop = true;
      return endTopState(c);
    }
    if (isSpace(c)) {
      step = endValue;
      return;
    }
    switch (stack[n - 1]) {
      case Parse.ObjectKey:
        if (c === 0x3a) {
          stack[n - 1] = Parse.ObjectValue;
          step = beginValue;
          return;
        }
        return fail(c, 'after object key');
      case Parse.ObjectValue:
        if (c === 0x2c) {
          stack[n - 1] = Parse.ObjectKey;
          step = beginString;
          return;
        }
        if (c === 0x7d) {
          stack.pop();
          step = stack.length === 0 ? endTopAfterClose : endValue;
          return;
        }
        return fail(c, 'after object key:value pair');
      case Parse.ArrayValue:
        if (c === 0x2c) {
          step = beginValue;
          return;
        }
        if (c === 0x5d) {
          stack.pop();
          step = stack.length === 0 ? endTopAfterClose : endValue;
          return;
        }
        return fail(c, 'after array element');
    }
  };
  // After the top-level value closed, Go's popParseState switches to stateEndTop at once.
  const endTopAfterClose: State = (c) => {
    endTop = true;
    endTopState(c);
  };
  const inString: State = (c) => {
    if (c === 0x22) step = endValue;
    else if (c === 0x5c) step = inStringEsc;
    else if (c < 0x20) fail(c, 'in string literal');
  };
  const inStringEsc: State = (c) => {
    if ([0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22].includes(c)) step = inString;
    else if (c === 0x75) step = hex(3);
    else fail(c, 'in string escape code');
  };
  const hex = (left: number): State => (c) => {
    if (!isHex(c)) return fail(c, 'in \\u hexadecimal character escape');
    step = left === 0 ? inString : hex(left - 1);
  };
  const neg: State = (c) => {
    if (c === 0x30) step = zero;
    else if (c >= 0x31 && c <= 0x39) step = one;
    else fail(c, 'in numeric literal');
  };
  const one: State = (c) => {
    if (isDigit(c)) return;
    zero(c);
  };
  const zero: State = (c) => {
    if (c === 0x2e) step = dot;
    else if (c === 0x65 || c === 0x45) step = e;
    else endValue(c);
  };
  const dot: State = (c) => {
    if (isDigit(c)) step = dot0;
    else fail(c, 'after decimal point in numeric literal');
  };
  const dot0: State = (c) => {
    if (isDigit(c)) return;
    if (c === 0x65 || c === 0x45) step = e;
    else endValue(c);
  };
  const e: State = (c) => {
    if (c === 0x2b || c === 0x2d) step = eSign;
    else eSign(c);
  };
  const eSign: State = (c) => {
    if (isDigit(c)) step = e0;
    else fail(c, 'in exponent of numeric literal');
  };
  const e0: State = (c) => {
    if (isDigit(c)) return;
    endValue(c);
  };

  step = beginValue;
  for (const c of bytes) {
    step(c);
    if (err) return err;
  }
  if (endTop) return undefined;
  step(0x20);
  if (err) return err;
  if (endTop) return undefined;
  return 'unexpected end of JSON input';
}
