// Header names and values of VirtualService routes (Istio's header checks and Envoy's value parser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corsHeaderNameProblem, headerNameOrClaimProblem, headerValueProblem, isJwtClaimRoute } from '../../../src/core/kinds/modern/headers.ts';

test('match header names: tokens, pseudo headers, JWT claims', () => {
  for (const n of ['x-user', ':authority', '@request.auth.claims.groups', '@request.auth.claims[a][b]', "a!#$%&'*+-.^_`|~"]) assert.equal(headerNameOrClaimProblem(n), undefined, n);
  assert.equal(headerNameOrClaimProblem(''), 'header name cannot be empty');
  assert.equal(headerNameOrClaimProblem('x y'), 'header name x y is not a valid header name');
  assert.equal(headerNameOrClaimProblem(':foo'), 'header name :foo is not a valid header name');
  assert.equal(isJwtClaimRoute('@request.auth.claims'), false);
  assert.equal(isJwtClaimRoute('@Request.Auth.Claims.sub'), true);
  assert.equal(corsHeaderNameProblem('*'), undefined);
});

test("header values: Envoy's %VAR% syntax and control characters", () => {
  for (const v of ['foo', '%HOSTNAME%', '100%%', 'prefix %HOSTNAME% suffix', '%REQ(x-foo)%', '%PER_REQUEST_STATE(a)%', '%UPSTREAM_METADATA(["a", "b"])%', '']) {
    assert.equal(headerValueProblem(v), undefined, v);
  }
  assert.deepEqual(headerValueProblem('abc%'), { message: 'header value configuration: invalid header configuration. Un-escaped %', showsValue: false });
  assert.deepEqual(headerValueProblem('abc%123'), { message: "header value configuration: invalid header configuration. Un-terminated variable expression 'abc%123'", showsValue: false });
  assert.deepEqual(headerValueProblem('%START_TIME%%'), { message: 'header value configuration: invalid header configuration. Un-escaped %', showsValue: false });
  assert.deepEqual(headerValueProblem('%X(["a" x])%'), { message: "header value configuration: invalid header configuration. Expecting ',', ']', or whitespace", showsValue: false });
  // Istio's own TODO names this form: its parser refuses it.
  assert.deepEqual(headerValueProblem('%ENVIRONMENT(X):Z%'), { message: "header value configuration: invalid header configuration. Expecting '%' or whitespace after", showsValue: false });
  assert.deepEqual(headerValueProblem('a\nb'), { message: 'header value configuration a\nb is invalid', showsValue: true });
});
