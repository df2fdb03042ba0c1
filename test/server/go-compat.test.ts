// The parts of serve ported from Go so that its messages are kube-apiserver's word for word,
// as tables (test/conformance checks them against the real server where Go is available):
// encoding/json's syntax errors, apimachinery's label selector parser, and the type errors of
// decoding a built-in object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goJsonSyntaxError } from '../../src/server/gojson.ts';
import { parseLabelSelector } from '../../src/server/selectors.ts';
import { SCHEMAS, typeError } from '../../src/server/schema.ts';

test('Go encoding/json syntax errors', () => {
  const cases: Array<[string, string | undefined]> = [
    ['{"kind":', 'unexpected end of JSON input'],
    ['', 'unexpected end of JSON input'],
    ['not-a-token', "invalid character 'o' in literal null (expecting 'u')"],
    ['{"a":1}x', "invalid character 'x' after top-level value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['"\u0001"', "invalid character '\\x01' in string literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['{"a":1}', undefined],
    [' [true, false, null, -1.5e3, "x\\u00e9"] ', undefined],
  ];
  for (const [input, want] of cases) assert.equal(goJsonSyntaxError(input), want, JSON.stringify(input));
});

test('label selectors: the parse errors of apimachinery\'s parser', () => {
  const message = (sel: string) => {
    try {
      parseLabelSelector(sel);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.equal(message('team in (net'), "unable to parse requirement: found '', expected: ',' or ')'");
  assert.equal(message('team==='), "unable to parse requirement: found '=', expected: identifier");
  assert.equal(message('team=n t'), "found 't', expected: ',' or 'end of string'");
  assert.equal(message('team=net,'), "found '', expected: identifier after ','");
  assert.equal(message('=x'), "found '=', expected: !, identifier, or 'end of string'");
  assert.match(message('te@m=x')!, /^unable to parse requirement: <nil>: Invalid value: "te@m": name part must consist of/);
  assert.match(message('team=n@t')!, /^unable to parse requirement: values\[0\]\[team\]: Invalid value: "n@t": a valid label must be/);
  assert.equal(message(' team = net , !gone, tier in (a,b), x notin (), y'), undefined);
  const m = parseLabelSelector('tier in (a,b),!gone,n>3');
  const o = (labels: Record<string, string>) => ({ metadata: { labels } });
  assert.equal(m(o({ tier: 'a', n: '4' })), true);
  assert.equal(m(o({ tier: 'a', n: '3' })), false);
  assert.equal(m(o({ tier: 'a', n: '4', gone: '' })), false);
});

test('type errors of a built-in object, as encoding/json words them', () => {
  const d = SCHEMAS['io.k8s.api.apps.v1.Deployment'];
  assert.equal(typeError({ spec: { replicas: 'x' } }, d), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(typeError({ spec: { template: { spec: { containers: [{ ports: [{ containerPort: '80' }] }] } } } }, d), 'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32');
  assert.equal(typeError({ metadata: { labels: { a: 1 } } }, d), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  assert.equal(typeError({ spec: { template: [] } }, d), 'json: cannot unmarshal array into Go struct field DeploymentSpec.spec.template of type v1.PodTemplateSpec');
  assert.equal(typeError({ spec: { strategy: { rollingUpdate: { maxSurge: '25%' } } }, status: {} }, d), undefined);
});
