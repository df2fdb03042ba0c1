// HTTP header names and values in VirtualService routes, as Istio 1.30 checks them
// (pkg/config/validation/validation.go, header_value_validator.go). Pure.

import { at, push } from './common.ts';
import type { Headers } from './virtualservice-schema.ts';
import { goQuote } from './text.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO = new Set([':method', ':scheme', ':authority', ':path', ':status']);
const JWT_CLAIM = '@request.auth.claims';
const EMPTY = 'header name cannot be empty';

/** jwt.ToRoutingClaim(name).Match: `@request.auth.claims.a.b` or `@request.auth.claims[a][b]`. */
export function isJwtClaimRoute(name: string): boolean {
  if (!name.toLowerCase().startsWith(JWT_CLAIM)) return false;
  const rest = name.slice(JWT_CLAIM.length);
  if (rest.startsWith('.') && rest.length > 1) return true;
  return rest.startsWith('[') && rest.endsWith(']') && rest.length > 2;
}

function isInternalHeader(name: string): boolean {
  return name.startsWith(':') || name.toLowerCase() === 'host';
}

export function isAuthorityHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === ':authority' || n === 'host';
}

/** ValidateHTTPHeaderNameOrJwtClaimRoute: match keys. */
export function headerNameOrClaimProblem(name: string): string | undefined {
  if (name === '') return EMPTY;
  if (isJwtClaimRoute(name) || PSEUDO.has(name)) return undefined;
  return TOKEN.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

/** ValidateCORSHTTPHeaderName: allowHeaders, exposeHeaders. */
export function corsHeaderNameProblem(name: string): string | undefined {
  if (name === '') return EMPTY;
  if (name === '*') return undefined;
  return TOKEN.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

/** ValidateHTTPHeaderWithAuthorityOperationName: request add/set. */
function requestSetNameProblem(name: string): string | undefined {
  if (name === '') return EMPTY;
  if (isInternalHeader(name) && !isAuthorityHeader(name)) return `invalid header ${goQuote(name)}: header cannot have ":" prefix`;
  return undefined;
}

/** ValidateHTTPHeaderOperationName: request remove, response add/set/remove. */
function operationNameProblem(name: string): string | undefined {
  if (name === '') return EMPTY;
  if (name.toLowerCase() === 'host') return `invalid header ${goQuote(name)}: cannot set Host header`;
  if (isInternalHeader(name)) return `invalid header ${goQuote(name)}: header cannot have ":" prefix`;
  return undefined;
}

/** Envoy's header value parser (header_value_validator.go): %VAR%, %VAR(args)%, %% escapes. */
function envoyHeaderValueProblem(value: string): string | undefined {
  type State = 'literal' | 'name' | 'array' | 'string' | 'inString' | 'delimiter' | 'argsEnd' | 'varEnd';
  let state: State = 'literal';
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos];
    const hasNext = pos + 1 < value.length;
    switch (state) {
      case 'literal':
        if (ch !== '%') break;
        if (!hasNext) return 'invalid header configuration. Un-escaped %';
        if (value[pos + 1] === '%') pos++;
        else state = 'name';
        break;
      case 'name':
        if (ch === '%') state = 'literal';
        else if (ch === '(') state = 'array';
        break;
      case 'array':
        if (ch === '[') state = 'string';
        else if (ch !== ' ') state = 'inString';
        break;
      case 'delimiter':
        if (ch === ',') state = 'string';
        else if (ch === ']') state = 'argsEnd';
        else if (ch !== ' ') return "invalid header configuration. Expecting ',', ']', or whitespace";
        break;
      case 'string':
        if (ch === '"') state = 'inString';
        else if (ch !== ' ') return 'invalid header configuration. Expecting \'"\'';
        break;
      case 'inString':
        if (ch === '\\') {
          if (!hasNext) return 'invalid header configuration. Un-terminated backslash in JSON string';
          pos++;
        } else if (ch === ')') state = 'varEnd';
        else if (ch === '"') state = 'delimiter';
        break;
      case 'argsEnd':
        if (ch === ')') state = 'varEnd';
        else if (ch !== ' ') return "invalid header configuration. Expecting ')' or whitespace after '{}', but found '{}'";
        break;
      case 'varEnd':
        if (ch === '%') state = 'literal';
        else if (ch !== ' ') return "invalid header configuration. Expecting '%' or whitespace after";
        break;
    }
  }
  if (state !== 'literal') return `invalid header configuration. Un-terminated variable expression '${value}'`;
  return undefined;
}

// eslint-disable-next-line no-control-regex
const BAD_VALUE_CHARS = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/** ValidateHTTPHeaderValue. */
export function headerValueProblem(value: string): { message: string; showsValue: boolean } | undefined {
  if (BAD_VALUE_CHARS.test(value)) return { message: `header value configuration ${value} is invalid`, showsValue: true };
  const e = envoyHeaderValueProblem(value);
  return e === undefined ? undefined : { message: `header value configuration: ${e}`, showsValue: false };
}

function checkValue(value: string, path: string, out: string[]): void {
  const p = headerValueProblem(value);
  if (p) out.push(p.showsValue ? p.message : at(p.message, path));
}

/** The header operations of a route or a route destination, in Istio's order. */
export function headerOperationProblems(h: Headers | undefined, path: string, out: string[]): void {
  if (h === undefined || h === null) return;
  const named = (msg: string | undefined, p: string) => push(out, msg, msg === EMPTY ? p : undefined);
  for (const [name, v] of Object.entries(h?.request?.add ?? {})) {
    named(requestSetNameProblem(name), `${path}.request.add`);
    checkValue(v, `${path}.request.add[${name}]`, out);
  }
  for (const [name, v] of Object.entries(h?.request?.set ?? {})) {
    named(requestSetNameProblem(name), `${path}.request.set`);
    checkValue(v, `${path}.request.set[${name}]`, out);
  }
  (h?.request?.remove ?? []).forEach((name, i) => name !== null && named(operationNameProblem(name), `${path}.request.remove[${i}]`));
  for (const [name, v] of Object.entries(h?.response?.add ?? {})) {
    named(operationNameProblem(name), `${path}.response.add`);
    checkValue(v, `${path}.response.add[${name}]`, out);
  }
  for (const [name, v] of Object.entries(h?.response?.set ?? {})) {
    named(operationNameProblem(name), `${path}.response.set`);
    checkValue(v, `${path}.response.set[${name}]`, out);
  }
  (h?.response?.remove ?? []).forEach((name, i) => name !== null && named(operationNameProblem(name), `${path}.response.remove[${i}]`));
}
