// --request-timeout: Node's setTimeout fires after 1 ms for anything above 2^31-1 ms, so such a
// value made every request "time out"; a non-zero value under a millisecond rounded to 0, which
// means no limit. Both are usage errors now (exit 2), refused before anything is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { egressctl } from '../helpers/server.ts';
import { MAX_TIMEOUT_MS, parseDuration, requestTimeoutProblem } from '../../src/cluster/duration.ts';
import { Transport } from '../../src/cluster/transport.ts';

test('request timeouts: 0 and ordinary values pass; over 2^31-1 ms and under 1 ms (not 0) are refused', () => {
  for (const ok of ['0', '0s', '30s', '500ms', '1ms', '1.5ms', '24h', '596h', `${MAX_TIMEOUT_MS}ms`]) assert.equal(requestTimeoutProblem(ok), undefined, ok);
  for (const big of ['25d', '597h', `${MAX_TIMEOUT_MS + 1}ms`, '2147484s', '99999999999999999999h']) {
    if (big === '25d') assert.match(requestTimeoutProblem(big)!, /use a duration/);
    else assert.match(requestTimeoutProblem(big)!, /longer than the longest timeout/, big);
  }
  for (const tiny of ['0.1ms', '0.4ms', '0.0001s']) assert.match(requestTimeoutProblem(tiny)!, /under a millisecond/, tiny);
  assert.equal(parseDuration('0.6ms'), 1);
  const agent = new http.Agent();
  const base = { server: new URL('http://127.0.0.1:1'), agent, headers: {}, verbosity: 0, log() {}, warn() {} };
  assert.throws(() => new Transport({ ...base, timeoutMs: MAX_TIMEOUT_MS + 1 }), RangeError);
  assert.throws(() => new Transport({ ...base, timeoutMs: -1 }), RangeError);
  new Transport({ ...base, timeoutMs: MAX_TIMEOUT_MS });
  agent.destroy();
});

test('egressctl refuses --request-timeout 597h and 0.5ms with exit 2 and the usage line, before any request', async () => {
  let requests = 0;
  const stub = http.createServer((req, res) => {
    requests++;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"items":[]}');
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', () => r()));
  const dir = mkdtempSync(join(tmpdir(), 'egressctl-timeouts-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    const port = (stub.address() as { port: number }).port;
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster:\n    server: http://127.0.0.1:${port}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: s\n  context:\n    cluster: s\n    user: u\ncurrent-context: s\n`);
    const env = { KUBECONFIG: kubeconfig, NO_COLOR: '1' };
    const ok = await egressctl(['get', 'egressrules', '--request-timeout', '24h'], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(requests, 1);
    for (const [value, problem] of [['597h', /longer than the longest timeout/], ['0.5ms', /under a millisecond/]] as const) {
      for (const args of [['get', 'egressrules'], ['delete', 'egressrule', 'x'], ['create', '-f', '-']]) {
        const r = await egressctl([...args, '--request-timeout', value], { env, input: 'kind: EgressRule\nmetadata:\n  name: x\nspec:\n  destination:\n    service: 10.0.0.0/8\n  ports:\n  - port: 80\n    protocol: http\n' });
        assert.equal(r.code, 2, `${args.join(' ')} ${value}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`^error: invalid --request-timeout "${value.replace('.', '\\.')}": it is ${problem.source}.*\\nUsage: egressctl ${args[0]} `));
      }
    }
    assert.equal(requests, 1);
  } finally {
    stub.closeAllConnections();
    await new Promise<void>((r) => stub.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});
