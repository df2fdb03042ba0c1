// The bad-input corpus against the cluster commands: each refuses each file with its place, exit 1,
// no stack trace, and the server receives no write at all (asserted on the server's request log:
// serve's, or the real kube-apiserver's audit log). On each server of the run.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from './helpers/run.ts';
import { forEachServer } from './helpers/cluster.ts';
import { BAD_INPUT_DIR as dir, expected, assertRefused } from './helpers/bad-input.ts';
forEachServer('the bad-input corpus', (server) => {
  before(async () => {
    // Something to lose: a rule that a wrongly sent delete or replace would touch.
    const r = await runCli(['create', '-f', 'fixtures/seed/wikipedia-rules.yaml'], { env: { KUBECONFIG: server.kubeconfig, NO_COLOR: '1' } });
    assert.equal(r.code, 0, r.stderr);
    await server.clearRequests();
  });

  for (const command of ['create', 'apply', 'replace', 'delete']) {
    test(`${command} -f refuses every bad input and writes nothing`, async () => {
      const before = await server.get('/apis/config.istio.io/v1alpha2/egressrules');
      for (const [file, e] of Object.entries(expected)) {
        const r = await runCli([command, '-f', join(dir, file), ...(e.args ?? [])], { env: { KUBECONFIG: server.kubeconfig, NO_COLOR: '1' } });
        if (e.message === 'no objects passed to') {
          assert.equal(r.code, 1, `${command} ${file}`);
          assert.equal(r.stderr, `error: ${join(dir, file)}: no objects passed to ${command}\n`, `${command} ${file}`);
          continue;
        }
        assertRefused(file, e, r, command);
      }
      const writes = (await server.requests()).filter((q) => q.method !== 'GET');
      assert.deepEqual(writes, [], `${command} sent writes`);
      const after = await server.get('/apis/config.istio.io/v1alpha2/egressrules');
      assert.deepEqual(after.items, before.items);
    });
  }
});

