// validate --cluster: the stream is analysed together with the rules already stored (on each server
// of the run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { egressctl } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';

forEachServer('validate --cluster', (server) => {
  test('validate --cluster warns about a conflict with a stored rule, and ignores the rule the input redefines', async () => {
    const stored = 'kind: EgressRule\nmetadata: {name: wiki-all}\nspec:\n  destination: {service: 208.80.152.0/22}\n  ports: [{port: 443, protocol: tcp}]\n---\n' +
      'kind: EgressRule\nmetadata: {name: redefined}\nspec:\n  destination: {service: 10.0.0.0/8}\n  ports: [{port: 443, protocol: tcp}]\n';
    const created = await server.egressctl(['create', '-f', '-'], { input: stored });
    assert.equal(created.code, 0, created.stderr);
    const input = 'kind: EgressRule\nmetadata: {name: wiki-range4}\nspec:\n  destination: {service: 208.80.153.224/27}\n  ports: [{port: 443, protocol: tcp}]\n---\n' +
      'kind: EgressRule\nmetadata: {name: redefined}\nspec:\n  destination: {service: 10.0.0.0/8}\n  ports: [{port: 443, protocol: tcp}]\n';
    const offline = await server.egressctl(['validate', '-f', '-'], { input });
    assert.equal(offline.stderr, '', 'offline, the stream alone has no conflict');
    const r = await server.egressctl(['validate', '--cluster', '-f', '-'], { input });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'warning: <stdin>: document 1 (line 1): CIDR block 208.80.153.224/27 of default/wiki-range4 overlaps 208.80.152.0/22 of default/wiki-all (cluster egress-rule/default/wiki-all) on port 443\n');
    assert.equal(r.stdout, '2 objects checked: 0 errors, 1 warning\n');
  });
});

test('validate --cluster with no cluster is a clear error, exit 1', async () => {
  const r = await egressctl(['validate', '--cluster', '-f', 'fixtures/seed/wikipedia-rules.yaml'], { env: { KUBECONFIG: '/nonexistent/kubeconfig', HOME: '/nonexistent', NO_COLOR: '1' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: .*kubeconfig/m);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
