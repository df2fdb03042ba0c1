// A stored object that does not validate (another client wrote it: the API server does not check
// EgressRule specs; the real one keeps any spec its CRD's schema lets through) is still listed; its
// odd cells say so, and a warning says what is wrong. On each server of the run.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachServer } from '../helpers/cluster.ts';

const COLLECTION = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';

forEachServer('stored objects that do not validate', (server) => {
  before(async () => {
    const odd = (name: string, spec: unknown) => server.request('POST', COLLECTION, { body: { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name }, ...(spec === undefined ? {} : { spec }) } });
    for (const [name, spec] of [
      ['a-null-port', { destination: { service: '10.0.0.0/8' }, ports: [null, { port: 443, protocol: 'tcp' }] }],
      ['b-number-destination', { destination: 5, ports: 'all' }],
      ['c-no-spec', undefined],
      ['d-good', { destination: { service: '10.0.0.0/8' }, ports: [{ port: 443, protocol: 'tcp' }] }],
    ] as const) {
      const r = await odd(name, spec);
      assert.equal(r.status, 201, r.body);
    }
  });

  test('get -o wide and the default table list every object; odd cells say <invalid>; a warning per odd object', async () => {
    const wide = await server.egressctl(['get', 'egressrules', '-o', 'wide']);
    assert.equal(wide.code, 0, wide.stderr);
    const rows = wide.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows.map((r) => [r[0], r[3], r[4]]), [
      ['a-null-port', '10.0.0.0/8', '<invalid>,443/TCP'],
      ['b-number-destination', '<invalid>', '<invalid>'],
      ['c-no-spec', '<none>', '<none>'],
      ['d-good', '10.0.0.0/8', '443/TCP'],
    ]);
    assert.deepEqual(wide.stderr.trim().split('\n'), [
      'Warning: default/a-null-port: the stored spec is not a valid EgressRule: spec.ports[0]: expected an object, got null',
      'Warning: default/b-number-destination: the stored spec is not a valid EgressRule: spec.destination: expected an object, got number 5 (and 1 more)',
      'Warning: default/c-no-spec: the stored spec is not a valid EgressRule: spec is required',
    ]);
    const short = await server.egressctl(['get', 'egressrules']);
    assert.equal(short.code, 0, short.stderr);
    assert.equal(short.stdout.trim().split('\n').length, 5);
    for (const format of ['yaml', 'json', 'name']) {
      const r = await server.egressctl(['get', 'egressrules', '-o', format]);
      assert.equal(r.code, 0, `${format}: ${r.stderr}`);
      assert.match(r.stdout, /b-number-destination/);
      assert.equal(r.stderr, '', format);
    }
  });
});
