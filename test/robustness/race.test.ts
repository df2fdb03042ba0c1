// Two replace commands racing on one object: exactly one wins, the other reports the conflict, and
// the server holds the winner's version. Optimistic concurrency, never a silent overwrite. On each
// server of the run (the real one: etcd's compare-and-swap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachServer } from '../helpers/cluster.ts';

const rule = (service: string, rv?: string) =>
  `kind: EgressRule\nmetadata:\n  name: raced\n  namespace: default\n${rv ? `  resourceVersion: "${rv}"\n` : ''}spec:\n  destination:\n    service: ${service}\n  ports:\n  - port: 443\n    protocol: tcp\n`;

forEachServer('optimistic concurrency', (server) => {
  test('two replaces of the same object from the same revision: one wins, one conflicts', async () => {
    for (let round = 0; round < 3; round++) {
      const c = await server.egressctl(round === 0 ? ['create', '-f', '-'] : ['apply', '-f', '-'], { input: rule('10.0.0.0/8') });
      assert.equal(c.code, 0, c.stderr);
      const rv: string = (await server.get('/apis/config.istio.io/v1alpha2/namespaces/default/egressrules/raced')).metadata.resourceVersion;
      const [a, b] = await Promise.all([
        server.egressctl(['replace', '-f', '-'], { input: rule('10.1.0.0/16', rv) }),
        server.egressctl(['replace', '-f', '-'], { input: rule('10.2.0.0/16', rv) }),
      ]);
      const codes = [a.code, b.code].sort();
      assert.deepEqual(codes, [0, 1], `round ${round}: a=${a.code} ${a.stderr} b=${b.code} ${b.stderr}`);
      const [winner, loser] = a.code === 0 ? [a, b] : [b, a];
      assert.match(winner.stdout, /^Updated config egress-rule\/default\/raced to revision \d+\n$/);
      assert.match(loser.stderr, /Conflict/);
      assert.match(loser.stderr, /the object has been modified/);
      const stored = await server.get('/apis/config.istio.io/v1alpha2/namespaces/default/egressrules/raced');
      const want = winner === a ? '10.1.0.0/16' : '10.2.0.0/16';
      assert.equal(stored.spec.destination.service, want, `round ${round}: the winner's version is stored`);
      assert.equal(stored.metadata.resourceVersion, /revision (\d+)/.exec(winner.stdout)![1]);
    }
  });
});
