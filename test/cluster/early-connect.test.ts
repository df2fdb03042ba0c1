// create, apply and replace open their connection while the input is still being read, so that the
// TCP and TLS handshakes overlap reading and validating it; no request goes out before the whole
// input is known to be good. Shown with a TCP pass-through in front of serve that records when
// connections arrive, and a standard input held open by the test.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { CLI, HERMETIC_ENV, ROOT, startServer, type TestServer } from '../helpers/server.ts';

const COLLECTION = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
const RULE = 'kind: EgressRule\nmetadata:\n  name: early\nspec:\n  destination:\n    service: 10.9.0.0/16\n  ports:\n  - port: 443\n    protocol: tcp\n';

describe('the connection is opened while the input is read', () => {
  let server: TestServer;
  let proxy: net.Server;
  let connections = 0;
  let kubeconfig: string;

  before(async () => {
    server = await startServer();
    const target = new URL(server.url);
    proxy = net.createServer((client) => {
      connections++;
      const upstream = net.connect(Number(target.port), target.hostname);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
      client.on('close', close);
      upstream.on('close', close);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as net.AddressInfo).port;
    kubeconfig = join(server.dir, 'kubeconfig-proxied');
    writeFileSync(kubeconfig, readFileSync(server.kubeconfig, 'utf8').replace(server.url, `https://127.0.0.1:${port}`));
  });
  after(async () => {
    proxy.close();
    await server.stop();
  });
  beforeEach(async () => {
    connections = 0;
    await server.clearRequests();
  });

  /** Starts `egressctl VERB -f -` with its standard input open; resolves once the proxy saw a connection (or after 10 s). */
  async function startHeld(verb: string, t: { after(fn: () => void): void }): Promise<{ finish(input: string): Promise<{ code: number; stdout: string; stderr: string }>; connectedWhileReading: boolean }> {
    const child = spawn(process.execPath, [CLI, verb, '-f', '-'], { cwd: ROOT, env: { ...process.env, ...HERMETIC_ENV, KUBECONFIG: kubeconfig, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const done = new Promise<number>((r) => child.on('close', (code) => r(code ?? 1)));
    // A failed assertion must not leave the command waiting for its input.
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const deadline = Date.now() + 10_000;
    while (connections === 0 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    const connectedWhileReading = connections > 0 && child.exitCode === null;
    return {
      connectedWhileReading,
      async finish(input: string) {
        child.stdin.end(input);
        const code = await done;
        return { code, stdout, stderr };
      },
    };
  }

  test('create: connected before the input ended; then the object is created over that connection', async (t) => {
    const held = await startHeld('create', t);
    assert.equal(held.connectedWhileReading, true, 'no connection while the input was open');
    assert.deepEqual((await server.requests()).filter((q) => q.method === 'POST'), [], 'a request went out before the input ended');
    const r = await held.finish(RULE);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Created config egress-rule\/default\/early at revision \d+/);
    assert.equal(connections, 1);
    assert.equal((await server.requests()).filter((q) => q.method === 'POST' && q.path === COLLECTION).length, 1);
    await server.get(`${COLLECTION}/early`);
    const del = spawn(process.execPath, [CLI, 'delete', 'egressrule', 'early'], { env: { ...process.env, ...HERMETIC_ENV, KUBECONFIG: kubeconfig } });
    await new Promise((r) => del.on('close', r));
  });

  test('an invalid input after the connection was opened: its problem, exit 1, and no request at all', async (t) => {
    const held = await startHeld('apply', t);
    assert.equal(held.connectedWhileReading, true, 'no connection while the input was open');
    const r = await held.finish(RULE.replace('port: 443', 'port: 70000'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /<stdin>.*document 1.*line \d+/s);
    assert.equal(r.stdout, '');
    assert.deepEqual(await server.requests(), [], 'the server received a request for an invalid input');
  });
});
