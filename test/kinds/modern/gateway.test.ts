// Gateway: the CRD's shape and rules and Istio 1.30's ValidateGateway, one rule at a time, exact messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkGatewaySpec } from '../../../src/core/kinds/modern/gateway.ts';

const http = { number: 80, name: 'http', protocol: 'HTTP' };
const https = { number: 443, name: 'https', protocol: 'HTTPS' };
const server = (over: Record<string, unknown> = {}) => ({ port: http, hosts: ['bookinfo.example.com'], ...over });
const gw = (...servers: unknown[]) => ({ selector: { istio: 'ingressgateway' }, servers });
const simple = { mode: 'SIMPLE', credentialName: 'bookinfo-cert' };
const check = (spec: unknown) => checkGatewaySpec(spec, { namespace: 'default' });
const problems = (spec: unknown) => check(spec).problems;
const warnings = (spec: unknown) => check(spec).warnings;

// Valid examples in the shape of Istio's ingress and egress tasks.
const examples: Array<[string, unknown]> = [
  ['ingress HTTP', gw(server({ hosts: ['*'] }))],
  ['ingress HTTPS with credentialName', gw(server({ port: https, tls: simple }))],
  ['HTTP redirect to HTTPS', gw(server({ tls: { httpsRedirect: true } }), server({ port: https, tls: simple }))],
  ['mutual TLS with files', gw(server({ port: https, tls: { mode: 'MUTUAL', serverCertificate: '/etc/certs/server.pem', privateKey: '/etc/certs/privatekey.pem', caCertificates: '/etc/certs/caCertificates.pem' } }))],
  ['namespace-scoped hosts', gw(server({ hosts: ['prod-ns/*.example.com', './reviews.example.com', '*/ratings.example.com'] }))],
  ['egress gateway with ISTIO_MUTUAL', { selector: { istio: 'egressgateway' }, servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['edition.cnn.com'], tls: { mode: 'ISTIO_MUTUAL' } }] }],
  ['SNI passthrough', gw(server({ port: { number: 443, name: 'tls-pass', protocol: 'TLS' }, hosts: ['nginx.example.com'], tls: { mode: 'PASSTHROUGH' } }))],
  ['AUTO_PASSTHROUGH', gw(server({ port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['*.local'], tls: { mode: 'AUTO_PASSTHROUGH' } }))],
  ['TCP server', gw(server({ port: { number: 31400, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }))],
  ['bound to an address', gw(server({ bind: '10.0.0.1' }), server({ bind: '::1', port: { ...http, name: 'http6' } }))],
  ['unix socket bind', gw(server({ port: { number: 0, name: 'uds', protocol: 'HTTP' }, bind: 'unix:///var/run/gw.sock' }))],
  ['two credentials', gw(server({ port: https, tls: { mode: 'SIMPLE', credentialNames: ['rsa-cert', 'ecdsa-cert'] } }))],
];
for (const [name, spec] of examples) {
  test(`valid: ${name}`, () => {
    const r = check(spec);
    assert.deepEqual([r.problems, r.warnings], [[], []]);
    assert.deepEqual(r.spec, spec);
  });
}

const cases: Array<[string, unknown, string[]]> = [
  ['no servers', { selector: { istio: 'ingressgateway' } }, ['gateway must have at least one server']],
  ['no hosts', gw({ port: http, hosts: [] }), ['server config must contain at least one host (spec.servers[0])']],
  ['hosts missing', gw({ port: http }), ['spec.servers[0].hosts: Required value', 'server config must contain at least one host (spec.servers[0])']],
  ['short host', gw(server({ hosts: ['reviews'] })), ['short names (non FQDN) are not allowed (spec.servers[0].hosts[0])']],
  ['partial wildcard', gw(server({ hosts: ['*bar.com'] })), ['partial wildcard "*bar.com" not allowed']],
  ['bad host', gw(server({ hosts: ['foo.*.bar.com'] })), ['domain name "*.bar.com" invalid (label "*" invalid)', 'partial wildcard "foo.*.bar.com" not allowed']],
  ['bad namespace', gw(server({ hosts: ['Bad_NS/foo.com', '~/bar.com', '/baz.com'] })), [
    'invalid namespace value "Bad_NS" in gateway',
    'invalid namespace value "~" in gateway',
    'config namespace and dnsName in host entry cannot be empty (spec.servers[0].hosts[2])',
    'invalid namespace value "" in gateway',
  ]],
  ['an IP host is accepted', gw(server({ hosts: ['10.0.0.1'] })), []],
  // ports
  ['port missing', gw({ hosts: ['a.com'] }), ['spec.servers[0].port: Required value', 'port is required (spec.servers[0].port)']],
  ['port fields missing', gw(server({ port: { number: 80 } })), [
    'spec.servers[0].port.protocol: Required value',
    'spec.servers[0].port.name: Required value',
    'invalid protocol "", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP',
    'port name must be set (spec.servers[0].port)',
  ]],
  ['protocol', gw(server({ port: { ...http, protocol: 'QUIC' } })), ['invalid protocol "QUIC", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP']],
  ['port number', gw(server({ port: { ...http, number: 66000 } })), ['port number 66000 must be in the range 1..65535 (spec.servers[0].port.number)']],
  ['targetPort', gw(server({ port: { ...http, targetPort: 8080 } })), ['targetPort has no impact on Gateways (spec.servers[0].port.targetPort)']],
  ['duplicate port names', gw(server(), server({ port: { ...http, number: 8080 } })), ['port names in servers must be unique: duplicate name http']],
  // binds
  ['bind not an IP', gw(server({ bind: 'foo.bar' })), ['foo.bar is not a valid IP']],
  ['unix bind with a port', gw(server({ bind: 'unix://relative/sock' })), ['relative/sock is not an absolute path to a file', 'port number must be 0 for unix domain socket (spec.servers[0].port)']],
  // TLS and protocols
  ['HTTPS without TLS', gw(server({ port: https })), ['server must have TLS settings for HTTPS/TLS protocols (spec.servers[0])']],
  ['TLS settings on a TCP port', gw(server({ port: { number: 31400, name: 'tcp', protocol: 'TCP' }, tls: simple })), ['server cannot have TLS settings for non HTTPS/TLS ports (spec.servers[0])']],
  ['TLS termination on an HTTP port', gw(server({ tls: simple })), ['server cannot have TLS settings for plain text HTTP ports (spec.servers[0])']],
  ['SIMPLE without certificates', gw(server({ port: https, tls: { mode: 'SIMPLE' } })), ['SIMPLE TLS requires a server certificate (spec.servers[0].tls)', 'SIMPLE TLS requires a private key (spec.servers[0].tls)']],
  ['MUTUAL without CA', gw(server({ port: https, tls: { mode: 'MUTUAL', serverCertificate: '/c', privateKey: '/k' } })), ['MUTUAL TLS requires a client CA bundle (spec.servers[0].tls)']],
  ['OPTIONAL_MUTUAL certificates list', gw(server({ port: https, tls: { mode: 'OPTIONAL_MUTUAL', caCertificates: '/ca', tlsCertificates: [{ serverCertificate: '/c' }] } })), ['MUTUAL TLS requires a private key (spec.servers[0].tls.tlsCertificates[0])']],
  ['ISTIO_MUTUAL with files', gw(server({ port: https, tls: { mode: 'ISTIO_MUTUAL', serverCertificate: '/c', credentialName: 'x' } })), ['ISTIO_MUTUAL TLS cannot have associated server certificate (spec.servers[0].tls)', 'ISTIO_MUTUAL TLS cannot have associated credentialName (spec.servers[0].tls)']],
  ['two certificate sources', gw(server({ port: https, tls: { mode: 'SIMPLE', credentialName: 'a', serverCertificate: '/c', privateKey: '/k' } })), ['only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified (spec.servers[0].tls)']],
  ['CRL', gw(server({ port: https, tls: { mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k', caCrl: '/crl' } })), ['CRL is not supported with SIMPLE TLS (spec.servers[0].tls)']],
  ['credentialName and credentialNames (CRD)', gw(server({ port: https, tls: { mode: 'SIMPLE', credentialName: 'a', credentialNames: ['b'] } })), [
    'spec.servers[0].tls: Invalid value: "object": only one of credentialName or credentialNames can be set',
    'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified (spec.servers[0].tls)',
  ]],
  ['three credential names (CRD)', gw(server({ port: https, tls: { mode: 'SIMPLE', credentialNames: ['a', 'b', 'c'] } })), ['spec.servers[0].tls.credentialNames: Too many: 3: must have at most 2 items']],
  ['TLS mode', gw(server({ port: https, tls: { mode: 'STRICT' } })), ['spec.servers[0].tls.mode: Unsupported value: "STRICT": supported values: "PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL"']],
];
for (const [name, spec, want] of cases) test(`problem: ${name}`, () => assert.deepEqual(problems(spec), want));

test('warnings: httpsRedirect off HTTP, certificates with passthrough, old TLS versions, cipher suites', () => {
  assert.deepEqual(warnings(gw(server({ port: https, tls: { httpsRedirect: true, mode: 'PASSTHROUGH' } }))), ['tls.httpsRedirect should only be used with http servers (spec.servers[0])']);
  assert.deepEqual(warnings(gw(server({ port: { number: 443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'PASSTHROUGH', credentialName: 'x' } }))), ['PASSTHROUGH mode does not use certificates, they will be ignored (spec.servers[0].tls)']);
  assert.deepEqual(warnings(gw(server({ port: https, tls: { ...simple, minProtocolVersion: 'TLSV1_1' } }))), ['TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers. (spec.servers[0].tls)']);
  assert.deepEqual(warnings(gw(server({ port: https, tls: { ...simple, cipherSuites: ['ECDHE-RSA-AES128-SHA', 'FOO', 'ECDHE-RSA-AES128-SHA', '-AES128-SHA', 'BAR'] } }))), ['ignoring invalid cipher suites: [BAR FOO]', 'ignoring duplicate cipher suites: [ECDHE-RSA-AES128-SHA]']);
});

test('unknown fields and wrong types by path', () => {
  assert.deepEqual(problems(gw(server({ port: { ...http, nubmer: 80 } }))), ['unknown field "spec.servers[0].port.nubmer"']);
  assert.deepEqual(problems(gw(server({ hosts: 'a.com' }))), ['spec.servers[0].hosts: expected a list, got string "a.com"']);
  assert.deepEqual(problems({ selector: { istio: 1 }, servers: [server()] }), ['spec.selector[istio]: expected a string, got number 1']);
  assert.deepEqual(problems(gw(server({ port: { ...http, number: '80' } }))), ['spec.servers[0].port.number: expected an integer, got string "80"']);
});

test('every problem of a Gateway at once', () => {
  assert.deepEqual(problems(gw({ port: { number: 0, name: 'p', protocol: 'HTTPS' }, hosts: ['reviews', '*bar.com'] }, { port: { number: 80, name: 'p', protocol: 'HTTP' }, hosts: ['a.com'], tls: { mode: 'SIMPLE' } })), [
    'short names (non FQDN) are not allowed (spec.servers[0].hosts[0])',
    'partial wildcard "*bar.com" not allowed',
    'port number 0 must be in the range 1..65535 (spec.servers[0].port.number)',
    'SIMPLE TLS requires a server certificate (spec.servers[1].tls)',
    'SIMPLE TLS requires a private key (spec.servers[1].tls)',
    'server cannot have TLS settings for plain text HTTP ports (spec.servers[1])',
    'port names in servers must be unique: duplicate name p',
  ]);
});
