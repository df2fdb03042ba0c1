// IngressRule: Istio 0.4 validated only its destination; the other fields are read and type-checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIngressRuleSpec } from '../../src/core/kinds/ingressrule.ts';

const problems = (spec: unknown) => checkIngressRuleSpec(spec).problems;

const rules: Array<[string, unknown, string[]]> = [
  ['no destination', {}, ['ingress rule must have a destination service']],
  ['empty destination', { destination: {} }, ['name or service is mandatory for a service reference (spec.destination)']],
  ['destination labels', { destination: { name: 'a', labels: { version: 'v1' } } }, ['ingress rule destination labels must be empty']],
  ['bad service and labels', { destination: { service: '***', labels: { version: 'v1' } } }, [
    'domain name "**" invalid (label "**" invalid) (spec.destination.service: "***")',
    'ingress rule destination labels must be empty',
  ]],
  ['match, port and tlsSecret are not validated in 0.4', { destination: { name: 'a' }, port: -1, tlsSecret: '', match: { udp: {}, request: { headers: { X: {} } } } }, []],
];

for (const [name, spec, expected] of rules) {
  test(`IngressRule rule: ${name}`, () => assert.deepEqual(problems(spec), expected));
}

const reading: Array<[string, unknown, string[]]> = [
  ['spec missing', undefined, ['spec is required']],
  ['unknown field', { destination: { name: 'a' }, host: 'x' }, ['unknown field "spec.host"']],
  ['port a string', { destination: { name: 'a' }, port: '80' }, ['spec.port: expected an integer, got string "80"']],
  ['match is type-checked', { destination: { name: 'a' }, match: { tcp: { sourceSubnet: 'x' } } }, ['spec.match.tcp.sourceSubnet: expected a list, got string "x"']],
  ['both destination port forms (jsonpb kept one at random)', { destination: { name: 'a' }, destinationPort: 80, destination_port_name: 'http' }, ['spec: only one of "destinationPort", "destinationPortName" may be given (oneof destination_service_port)']],
];

for (const [name, spec, expected] of reading) {
  test(`IngressRule reading: ${name}`, () => assert.deepEqual(problems(spec), expected));
}

test('IngressRule: every problem at once', () => {
  assert.deepEqual(problems({ destination: { name: 'A', service: 'x' }, tls_secret: 5, precedence: 'x' }), [
    'spec.tlsSecret: expected a string, got number 5',
    'spec.precedence: expected an integer, got string "x"',
    'specify either name or service, not both (spec.destination)',
  ]);
});

test('IngressRule: normalised as sent; a destination port of 0 is kept (a oneof member)', () => {
  const r = checkIngressRuleSpec({ destination_port: 0, destination: { name: 'a' }, tls_secret: 'secret.ns', port: 443, precedence: 0 });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.spec, { port: 443, tlsSecret: 'secret.ns', destination: { name: 'a' }, destinationPort: 0 });
  assert.deepEqual(Object.keys(r.spec!), ['port', 'tlsSecret', 'destination', 'destinationPort']);
  assert.deepEqual(checkIngressRuleSpec({ destination: { name: 'a' }, destinationPortName: 'http', match: { request: { headers: { uri: { prefix: '/' } } } } }).spec, {
    match: { request: { headers: { uri: { prefix: '/' } } } }, destination: { name: 'a' }, destinationPortName: 'http',
  });
});
