// ServiceEntry: the CRD's rules and Istio 1.30's ValidateServiceEntry, one by one, exact messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkServiceEntrySpec } from '../../../src/core/kinds/modern/serviceentry.ts';

const http80 = { number: 80, name: 'http', protocol: 'HTTP' };
const https443 = { number: 443, name: 'https', protocol: 'HTTPS' };
const se = (over: Record<string, unknown>) => ({ hosts: ['httpbin.org'], ports: [http80], resolution: 'DNS', location: 'MESH_EXTERNAL', ...over });
const check = (spec: unknown, ctx = { namespace: 'default' }) => checkServiceEntrySpec(spec, ctx);
const problems = (spec: unknown) => check(spec).problems;
const warnings = (spec: unknown) => check(spec).warnings;

// Valid examples from Istio's documentation (egress tasks, the ServiceEntry reference).
const examples: Array<[string, unknown]> = [
  ['egress task: httpbin.org', { hosts: ['httpbin.org'], ports: [http80], resolution: 'DNS', location: 'MESH_EXTERNAL' }],
  ['egress task: www.google.com over HTTPS', { hosts: ['www.google.com'], ports: [https443], resolution: 'DNS', location: 'MESH_EXTERNAL' }],
  ['wildcard egress: *.wikipedia.org', { hosts: ['*.wikipedia.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }],
  [
    'egress TCP: wikipedia address ranges',
    { hosts: ['wikipedia.org'], addresses: ['91.198.174.192/27', '103.102.166.224/27', '198.35.26.96/27', '208.80.153.224/27', '208.80.154.224/27'], ports: [{ number: 443, protocol: 'TCP', name: 'tcp-port' }], resolution: 'NONE', location: 'MESH_EXTERNAL' },
  ],
  ['reference: external-svc-https', { hosts: ['api.dropboxapi.com', 'www.googleapis.com', 'api.facebook.com'], location: 'MESH_EXTERNAL', ports: [{ number: 443, name: 'https', protocol: 'TLS' }], resolution: 'DNS' }],
  [
    'reference: external-svc-mongocluster',
    { hosts: ['mymongodb.somedomain'], addresses: ['192.192.192.192/24'], ports: [{ number: 27018, name: 'mongodb', protocol: 'MONGO' }], location: 'MESH_INTERNAL', resolution: 'STATIC', endpoints: [{ address: '2.2.2.2' }, { address: '3.3.3.3' }] },
  ],
  ['reference: external-svc-redirect', { hosts: ['wikipedia.org', '*.wikipedia.org'], location: 'MESH_EXTERNAL', ports: [{ number: 443, name: 'https', protocol: 'TLS' }], resolution: 'NONE' }],
  ['reference: external-svc-httpbin with exportTo', { hosts: ['example.com'], exportTo: ['.'], location: 'MESH_EXTERNAL', ports: [http80], resolution: 'DNS' }],
  ['reference: unix-domain-socket-example', { hosts: ['example.unix.local'], location: 'MESH_EXTERNAL', ports: [http80], resolution: 'STATIC', endpoints: [{ address: 'unix:///var/run/example/socket' }] }],
  [
    'reference: external-svc-dns',
    {
      hosts: ['foo.bar.com'],
      location: 'MESH_EXTERNAL',
      ports: [http80],
      resolution: 'DNS',
      endpoints: [{ address: 'us.foo.bar.com', ports: { http: 8080 } }, { address: 'uk.foo.bar.com', ports: { http: 9080 } }, { address: 'in.foo.bar.com', ports: { http: 7080 } }],
    },
  ],
  ['reference: subjectAltNames', { hosts: ['example.com'], location: 'MESH_INTERNAL', ports: [http80], resolution: 'STATIC', endpoints: [{ address: '2.2.2.2' }, { address: '3.3.3.3' }], subjectAltNames: ['spiffe://cluster.local/ns/httpbin-ns/sa/httpbin-service-account'] }],
  ['reference: details-svc with workloadSelector', { hosts: ['details.bookinfo.com'], location: 'MESH_INTERNAL', ports: [http80], resolution: 'STATIC', workloadSelector: { labels: { app: 'details' } } }],
  ['IPv6 addresses', { hosts: ['v6.example.com'], addresses: ['2001:db8::10', '2001:db8:1::/64'], ports: [{ number: 5432, name: 'tcp-pg', protocol: 'TCP' }], resolution: 'STATIC', endpoints: [{ address: '2001:db8::10' }] }],
  ['DNS_ROUND_ROBIN with one endpoint', se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'lb.httpbin.org' }] })],
  ['DYNAMIC_DNS', { hosts: ['*.example.com'], ports: [http80], resolution: 'DYNAMIC_DNS' }],
  ['short host (accepted today)', { hosts: ['reviews'], ports: [http80], resolution: 'DNS' }],
];
for (const [name, spec] of examples) {
  test(`valid: ${name}`, () => {
    const r = check(spec);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.spec, spec, 'the spec is returned as given');
  });
}

const cases: Array<[string, unknown, string[]]> = [
  // hosts
  ['no hosts', se({ hosts: [] }), ['spec.hosts: Invalid value: 0: spec.hosts in body should have at least 1 items', 'service entry must have at least one host']],
  ['hosts missing', { ports: [http80] }, ['spec.hosts: Required value', 'service entry must have at least one host']],
  ['host *', se({ hosts: ['*'], resolution: 'NONE' }), ['spec.hosts[0]: Invalid value: "string": hostname cannot be wildcard', 'invalid host *']],
  ['bad label', se({ hosts: ['foo_bar.com'] }), ['domain name "foo_bar.com" invalid (label "foo_bar" invalid)', 'hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode DNS, domain name "foo_bar.com" invalid (label "foo_bar" invalid)']],
  ['wildcard in the middle', se({ hosts: ['foo.*.com'], resolution: 'NONE' }), ['domain name "*.com" invalid (label "*" invalid)']],
  ['empty host', se({ hosts: [''], resolution: 'NONE' }), ['empty domain name not allowed (spec.hosts[0])']],
  ['bare IP as host', se({ hosts: ['1.2.3.4'], resolution: 'NONE' }), ['domain name "2.3.4" invalid (top level domain "4" cannot be all-numeric)']],
  ['too many hosts', se({ hosts: Array.from({ length: 257 }, (_, i) => `h${i}.example.com`), resolution: 'NONE' }), ['spec.hosts: Too many: 257: must have at most 256 items']],
  // addresses
  ['bad address', se({ addresses: ['10.15.0/16'], resolution: 'NONE' }), ['10.15.0/16 is not a valid CIDR block']],
  ['bad IP', se({ addresses: ['1.2.3.999'], resolution: 'NONE' }), ['1.2.3.999 is not a valid IP']],
  ['long address', se({ addresses: [`${'1'.repeat(65)}`], resolution: 'NONE' }), ['spec.addresses[0]: Too long: may not be more than 64 bytes', `${'1'.repeat(65)} is not a valid IP`]],
  ['CIDR with DNS', se({ addresses: ['10.0.0.0/8'] }), ['spec: Invalid value: "object": CIDR addresses are allowed only for NONE/STATIC resolution types', 'CIDR addresses are allowed only for NONE/STATIC resolution types']],
  // ports
  ['duplicate port number', se({ ports: [http80, { ...https443, number: 80 }] }), ['spec.ports: Invalid value: "array": port number cannot be duplicated', 'service entry port 80 already defined (spec.ports[1].number)']],
  ['duplicate port name', se({ ports: [http80, { ...https443, name: 'http' }] }), ['spec.ports[1]: Duplicate value: {"name":"http"}', 'service entry port name "http" already defined']],
  ['port 0', se({ ports: [{ ...http80, number: 0 }] }), ['spec.ports[0].number: Invalid value: "integer": port must be between 1-65535', 'port number 0 must be in the range 1..65535 (spec.ports[0].number)']],
  ['port 65536', se({ ports: [{ ...http80, number: 65536 }] }), ['spec.ports[0].number: Invalid value: "integer": port must be between 1-65535', 'port number 65536 must be in the range 1..65535 (spec.ports[0].number)']],
  ['targetPort', se({ ports: [{ ...http80, targetPort: 70000 }] }), ['spec.ports[0].targetPort: Invalid value: "integer": port must be between 1-65535', 'port number 70000 must be in the range 1..65535 (spec.ports[0].targetPort)']],
  ['port name', se({ ports: [{ ...http80, name: 'http_80' }] }), ['invalid port name: http_80']],
  ['port name missing', se({ ports: [{ number: 80, protocol: 'HTTP' }] }), ['spec.ports[0].name: Required value', 'invalid port name:  (spec.ports[0].name)']],
  ['protocol', se({ ports: [{ ...http80, protocol: 'HTTP3' }] }), ['unsupported protocol: HTTP3']],
  // resolution
  ['resolution', se({ resolution: 'ROUND_ROBIN' }), ['spec.resolution: Unsupported value: "ROUND_ROBIN": supported values: "NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS"']],
  ['location', se({ location: 'EXTERNAL' }), ['spec.location: Unsupported value: "EXTERNAL": supported values: "MESH_EXTERNAL", "MESH_INTERNAL"']],
  ['NONE with endpoints', se({ resolution: 'NONE', endpoints: [{ address: '1.1.1.1' }] }), ['spec: Invalid value: "object": NONE mode cannot set endpoints', 'no endpoints should be provided for resolution type none']],
  ['STATIC endpoint not an IP', se({ resolution: 'STATIC', endpoints: [{ address: 'foo.com' }] }), ['endpoint address "foo.com" is not a valid IP address']],
  ['STATIC endpoint without address', se({ resolution: 'STATIC', endpoints: [{ labels: { a: 'b' } }] }), ['spec.endpoints[0]: Invalid value: "object": Address is required', 'address is required (spec.endpoints[0].address)']],
  ['endpoint port not a service port', se({ resolution: 'STATIC', endpoints: [{ address: '1.1.1.1', ports: { grpc: 9090 } }] }), ['endpoint port 9090 is not defined by the service entry (spec.endpoints[0].ports[grpc])']],
  ['endpoint port name', se({ resolution: 'STATIC', endpoints: [{ address: '1.1.1.1', ports: { http_1: 0 } }] }), [
    'spec.endpoints[0].ports[http_1]: Invalid value: "integer": port must be between 1-65535',
    'spec.endpoints[0].ports: Invalid value: "object": port name must be valid',
    'endpoint port 0 is not defined by the service entry (spec.endpoints[0].ports[http_1])',
    'invalid port name: http_1',
    'port number 0 must be in the range 1..65535 (spec.endpoints[0].ports[http_1])',
  ]],
  ['endpoint labels', se({ resolution: 'STATIC', endpoints: [{ address: '1.1.1.1', labels: { 'a/b/c': 'x' } }] }), ['invalid tag key: "a/b/c"']],
  ['unix endpoint with ports', se({ resolution: 'STATIC', endpoints: [{ address: 'unix:///sock', ports: { http: 80 } }] }), ['spec.endpoints[0]: Invalid value: "object": UDS may not include ports', 'unix endpoint unix:///sock must not include ports']],
  ['unix endpoint, relative path', se({ resolution: 'STATIC', endpoints: [{ address: 'unix://sock' }] }), ['spec.endpoints[0].address: Invalid value: "string": UDS must be an absolute path or abstract socket', 'sock is not an absolute path to a file']],
  ['unix endpoint, two service ports', se({ ports: [http80, https443], resolution: 'STATIC', endpoints: [{ address: 'unix:///sock' }] }), ['exactly 1 service port required for unix endpoints (spec.endpoints[0])']],
  ['DNS wildcard host without endpoints', se({ hosts: ['*.example.com'] }), ['hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode DNS, domain name "*.example.com" invalid (label "*" invalid)']],
  ['DNS endpoint neither FQDN nor IP', se({ endpoints: [{ address: 'a_b.com' }] }), ['endpoint address "a_b.com" is not a valid FQDN or an IP address']],
  ['DNS_ROUND_ROBIN with two endpoints', se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.com' }, { address: 'b.com' }] }), ['spec: Invalid value: "object": DNS_ROUND_ROBIN mode cannot have multiple endpoints', 'there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN']],
  ['DYNAMIC_DNS rules', { hosts: ['example.com'], addresses: ['1.1.1.1'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'DYNAMIC_DNS' }, [
    'host must be wildcarded for resolution mode DYNAMIC_DNS (spec.hosts[0])',
    'addresses cannot be set for resolution type DYNAMIC_DNS. HTTP route domains will only be generatedfrom the hosts field values',
    'only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS (spec.ports[0].protocol)',
  ]],
  ['multiple hosts with a TCP port', se({ hosts: ['a.com', 'b.com'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }] }), ['multiple hosts provided with non-HTTP, non-TLS ports']],
  ['multiple hosts with a sniffed port', se({ hosts: ['a.com', 'b.com'], ports: [{ number: 8080, name: 'any' }] }), ['multiple hosts provided with non-HTTP, non-TLS ports']],
  // selector and endpoints
  ['selector and endpoints', se({ resolution: 'STATIC', workloadSelector: { labels: { app: 'a' } }, endpoints: [{ address: '1.1.1.1' }] }), ['spec: Invalid value: "object": only one of WorkloadSelector or Endpoints can be set', 'only one of WorkloadSelector or Endpoints is allowed in Service Entry']],
  ['selector with a wildcard', se({ resolution: 'STATIC', workloadSelector: { labels: { app: 'a*' } } }), ['spec.workloadSelector.labels[app]: Invalid value: "string": wildcard is not supported in selector', 'wildcard is not supported in selector: "app=a*"']],
  // exportTo
  ['exportTo', se({ exportTo: ['*', '.'] }), ['cannot have both public (*) and non-public exportTo values for a resource']],
  ['exportTo ~ and more', se({ exportTo: ['~', 'ns1'] }), ['cannot export service entry to no one (~) and someone']],
  ['exportTo duplicates', se({ exportTo: ['default', '.'] }), ['duplicate entries in exportTo: . and current namespace default']],
];
for (const [name, spec, want] of cases) test(`problem: ${name}`, () => assert.deepEqual(problems(spec), want));

const warningCases: Array<[string, unknown, string[]]> = [
  ['partial wildcard', se({ hosts: ['*google.com'], resolution: 'NONE', ports: [https443] }), ['partial wildcard "*google.com" not allowed']],
  ['no partial-wildcard warning for DYNAMIC_DNS', { hosts: ['*google.com'], ports: [http80], resolution: 'DYNAMIC_DNS' }, []],
  ['TCP port, no addresses, resolution NONE', se({ resolution: 'NONE', ports: [{ number: 3306, name: 'tcp', protocol: 'TCP' }] }), ['addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled (spec.ports[0])']],
  ['sniffed port, no addresses, resolution NONE', se({ resolution: 'NONE', ports: [{ number: 3306, name: 'mysql' }] }), ['addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled (spec.ports[0])']],
  ['lower-case tcp: no warning (Istio compares exactly)', se({ resolution: 'NONE', ports: [{ number: 3306, name: 'tcp', protocol: 'tcp' }] }), []],
  ['TCP with DNS: addresses are auto-allocated', se({ ports: [{ number: 3306, name: 'tcp', protocol: 'TCP' }] }), []],
  ['address, TCP port and two hosts', se({ hosts: ['a.com', 'b.com'], addresses: ['1.1.1.1'], ports: [https443] }), ['service entry can not have more than one host specified simultaneously with address and tcp port']],
  ['selector without labels', se({ resolution: 'STATIC', workloadSelector: {} }), ['service entry: workload selector specified without labels, will be applied to all services in namespace']],
  ['selector with NONE', se({ resolution: 'NONE', workloadSelector: { labels: { app: 'a' } } }), ['workloadSelector should not be set when resolution mode is NONE']],
  ['endpoint with a network and no address', se({ resolution: 'STATIC', endpoints: [{ network: 'n1' }] }), ['address is unset with network "n1"']],
];
for (const [name, spec, want] of warningCases) {
  test(`warning: ${name}`, () => {
    const r = check(spec);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.warnings, want);
  });
}

test('the auto-allocation opt-out label brings back the TCP warning; use-waypoint refuses MESH_INTERNAL DYNAMIC_DNS', () => {
  const tcp = se({ ports: [{ number: 3306, name: 'tcp', protocol: 'TCP' }] });
  assert.deepEqual(checkServiceEntrySpec(tcp, { labels: { 'networking.istio.io/enable-autoallocate-ip': 'False' } }).warnings, ['addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled (spec.ports[0])']);
  const dyn = { hosts: ['*.example.com'], ports: [http80], resolution: 'DYNAMIC_DNS', location: 'MESH_INTERNAL' };
  assert.deepEqual(checkServiceEntrySpec(dyn, { labels: { 'istio.io/use-waypoint': 'wp' } }).problems, ['location MESH_INTERNAL with resolution type DYNAMIC_DNS is not supported when using waypoints']);
  assert.deepEqual(checkServiceEntrySpec(dyn, { labels: { 'istio.io/use-waypoint': 'none' } }).problems, []);
});

test('unknown fields and wrong types are named by path; Istio skips what it could not read', () => {
  assert.deepEqual(problems(se({ ports: [{ nmae: 'http', number: 80 }] })), ['unknown field "spec.ports[0].nmae"', 'spec.ports[0].name: Required value', 'invalid port name:  (spec.ports[0].name)']);
  assert.deepEqual(problems(se({ ports: [{ name: 'http', number: 'x' }] })), ['spec.ports[0].number: expected an integer, got string "x"']);
  assert.deepEqual(problems(se({ hosts: 'httpbin.org' })), ['spec.hosts: expected a list, got string "httpbin.org"']);
  assert.deepEqual(problems(se({ resolution: 2 })), ['spec.resolution: expected a string, got number 2']);
  assert.deepEqual(problems(se({ use_egress_proxy: true })), ['unknown field "spec.use_egress_proxy"']);
  assert.deepEqual(problems(se({ ports: [null] })), ['spec.ports[0]: expected an object, got null']);
  assert.deepEqual(problems(null), ['spec: Required value']);
  assert.deepEqual(problems('x'), ['spec: expected an object, got string "x"']);
});

test('every problem at once, CRD first, then Istio in its order', () => {
  const r = check({
    hosts: ['*', 'a_b.com'],
    addresses: ['10.0.0.0/33', '10.0.0.0/8'],
    ports: [{ number: 0, name: 'Bad_Name', protocol: 'QUIC' }, { number: 0, name: 'p2', protocol: 'TCP' }],
    resolution: 'DNS',
    exportTo: ['~', '*'],
  });
  assert.deepEqual(r.problems, [
    'spec.hosts[0]: Invalid value: "string": hostname cannot be wildcard',
    'spec.ports[0].number: Invalid value: "integer": port must be between 1-65535',
    'spec.ports[1].number: Invalid value: "integer": port must be between 1-65535',
    'spec.ports: Invalid value: "array": port number cannot be duplicated',
    'spec: Invalid value: "object": CIDR addresses are allowed only for NONE/STATIC resolution types',
    'invalid host *',
    'domain name "a_b.com" invalid (label "a_b" invalid)',
    '10.0.0.0/33 is not a valid CIDR block',
    'CIDR addresses are allowed only for NONE/STATIC resolution types',
    'invalid port name: Bad_Name',
    'unsupported protocol: QUIC',
    'port number 0 must be in the range 1..65535 (spec.ports[0].number)',
    'service entry port 0 already defined (spec.ports[1].number)',
    'port number 0 must be in the range 1..65535 (spec.ports[1].number)',
    'hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode DNS, domain name "*" invalid (label "*" invalid)',
    'multiple hosts provided with non-HTTP, non-TLS ports',
    'cannot have both public (*) and non-public exportTo values for a resource',
    'cannot export service entry to no one (~) and someone',
  ]);
  assert.equal(r.spec, undefined);
});
