// --request-timeout: Node's setTimeout fires after 1 ms for anything above 2^31-1 ms, so such a
// value made every request "time out": a usage error (exit 2), refused before anything is sent. A
// non-zero value under a millisecond (`1ns`, which kubectl takes) is one millisecond, never 0
// (which would mean no limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { egressctl } from '../helpers/server.ts';
import { MAX_TIMEOUT_MS, goDuration, parseDuration, requestTimeoutProblem } from '../../src/cluster/duration.ts';
import { Transport } from '../../src/cluster/transport.ts';

test('request timeouts: 0, Go units down to ns pass; over 2^31-1 ms is refused; under 1 ms is 1 ms', () => {
  for (const ok of ['0', '0s', '30s', '500ms', '1ms', '1.5ms', '24h', '596h', `${MAX_TIMEOUT_MS}ms`, '1ns', '500us', '2µs', '1m30s']) assert.equal(requestTimeoutProblem(ok), undefined, ok);
  for (const big of ['25d', '597h', `${MAX_TIMEOUT_MS + 1}ms`, '2147484s', '99999999999999999999h']) {
    if (big === '25d') assert.match(requestTimeoutProblem(big)!, /use a duration/);
    else assert.match(requestTimeoutProblem(big)!, /longer than the longest timeout/, big);
  }
  for (const tiny of ['0.1ms', '0.4ms', '0.0001s', '1ns', '999us']) assert.equal(parseDuration(tiny), 1, tiny);
  assert.equal(parseDuration('0.6ms'), 1);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('1x'), undefined);
  for (const [ms, go] of [[1, '1ms'], [500, '500ms'], [2000, '2s'], [1500, '1.5s'], [90_000, '1m30s'], [3_600_000, '1h0m0s']] as const) assert.equal(goDuration(ms), go);
  const agent = new http.Agent();
  const base = { server: new URL('http://127.0.0.1:1'), agent, headers: {}, verbosity: 0, log() {}, warn() {} };
  assert.throws(() => new Transport({ ...base, timeoutMs: MAX_TIMEOUT_MS + 1 }), RangeError);
  assert.throws(() => new Transport({ ...base, timeoutMs: -1 }), RangeError);
  new Transport({ ...base, timeoutMs: MAX_TIMEOUT_MS });
  agent.destroy();
});

test('egressctl refuses --request-timeout 597h with exit 2 and the usage line, before any request', async () => {
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
    for (const [value, problem] of [['597h', /longer than the longest timeout/]] as const) {
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

/** A kubeconfig for `server` (no credentials) in a new temporary directory. */
function kubeconfigFor(server: string): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'egressctl-timeouts-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: s\n  context:\n    cluster: s\n    user: u\ncurrent-context: s\n`);
  return { dir, env: { KUBECONFIG: kubeconfig, NO_COLOR: '1' } };
}

const RULE = 'kind: EgressRule\nmetadata:\n  name: x\nspec:\n  destination:\n    service: 10.0.0.0/8\n  ports:\n  - port: 443\n    protocol: tcp\n';

test('a server that never answers: the command ends at --request-timeout (not after every retry), and a create sent is "unknown", not "not created"', async () => {
  const seen: string[] = [];
  const blackHole = http.createServer((req) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume(); // read the request, never answer
  });
  await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', () => r()));
  const { dir, env } = kubeconfigFor(`http://127.0.0.1:${(blackHole.address() as { port: number }).port}`);
  try {
    let started = Date.now();
    const g = await egressctl(['get', 'egressrules', '--request-timeout', '2s'], { env });
    let took = Date.now() - started;
    assert.equal(g.code, 1);
    assert.match(g.stderr, /no response within the request timeout of 2s \(--request-timeout\)\n$/);
    assert.ok(took < 8_000, `get took ${took} ms for a limit of 2s (it used to take 17 s)`);
    assert.equal(seen.length, 1);
    assert.match(seen[0]!, /^GET \/apis\/config\.istio\.io\/v1alpha2\/namespaces\/default\/egressrules\?.*timeout=2s/);
    started = Date.now();
    const c = await egressctl(['create', '-f', '-', '--request-timeout', '1s'], { env, input: RULE });
    took = Date.now() - started;
    assert.equal(c.code, 1);
    // The POST reached the server: whether it was carried out is unknown; the check got no answer either.
    assert.match(c.stderr, /^error: x: unknown, no answer came within the request timeout after the request was sent; it may have been created\n/);
    assert.match(c.stderr, /error: whether 1 of 1 objects were created is unknown \(the answer was lost and could not be checked; they may have been created\): x \(timed out\)\n$/);
    assert.doesNotMatch(c.stderr, /were not created/);
    assert.ok(took < 8_000, `create took ${took} ms`);
  } finally {
    blackHole.closeAllConnections();
    await new Promise<void>((r) => blackHole.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a TLS handshake that never completes: nothing reached the server, so a create is "not created", not "unknown"', async () => {
  const net = await import('node:net');
  const sockets: import('node:net').Socket[] = [];
  const silent = net.createServer((s) => {
    sockets.push(s);
    s.resume(); // accept the TCP connection, never answer the ClientHello
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const { dir, env } = kubeconfigFor(`https://127.0.0.1:${(silent.address() as { port: number }).port}`);
  try {
    const c = await egressctl(['create', '-f', '-', '--request-timeout', '500ms'], { env, input: RULE });
    assert.equal(c.code, 1);
    assert.doesNotMatch(c.stderr, /unknown|may have been/);
    assert.match(c.stderr, /no response within the request timeout of 500ms/);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});
