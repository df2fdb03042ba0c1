// End to end: how egressctl verifies the API server's certificate. With a CA in the kubeconfig the
// chain is checked before anything is written on the connection (tls-verify.ts; OpenSSL for chains
// that check does not know): a wrong CA, a wrong host, an expired or not yet valid certificate, a
// missing intermediate all fail with their message and the server receives no byte of a request
// (so never the token); a good chain, an intermediate sent by the server or held in the bundle,
// tls-server-name, a client certificate and insecure-skip-tls-verify work. The server here is a
// bare TLS server that records every byte it receives and answers an empty list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { egressctl } from '../helpers/server.ts';
import { CA_EXT, Pki, SERVER_EXT, dateIn, hasOpenssl, type Issued } from '../helpers/pki.ts';

const TOKEN = 'tls-test-token-5f2c9a';
const LIST = JSON.stringify({ apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRuleList', metadata: { resourceVersion: '1' }, items: [] });

interface Recorder {
  port: number;
  /** Application bytes received, over every connection. */
  received(): string;
  handshakes(): number;
  close(): Promise<void>;
}

async function tlsServer(chain: Issued[], key: Issued, extra: tls.TlsOptions = {}): Promise<Recorder> {
  let bytes = '';
  let handshakes = 0;
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ key: key.key, cert: chain.map((c) => c.cert).join(''), ALPNProtocols: ['http/1.1'], ...extra }, (socket) => {
    handshakes++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = '';
    socket.on('data', (d) => {
      bytes += d.toString('latin1');
      pending += d.toString('latin1');
      while (pending.includes('\r\n\r\n')) {
        pending = pending.slice(pending.indexOf('\r\n\r\n') + 4);
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${LIST.length}\r\n\r\n${LIST}`);
      }
    });
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    received: () => bytes,
    handshakes: () => handshakes,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

describe('the API server\'s certificate', { skip: !hasOpenssl && 'openssl is not installed' }, () => {
  let pki: Pki;
  let dir: string;
  let root: Issued;
  let inter: Issued;
  before(() => {
    pki = new Pki();
    dir = mkdtempSync(join(tmpdir(), 'egressctl-tls-'));
    root = pki.issue('root', { ext: CA_EXT });
    inter = pki.issue('inter', { issuer: root, ext: [...CA_EXT, 'authorityKeyIdentifier=keyid'] });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  function kubeconfig(port: number, cluster: Record<string, string | boolean>, user: Record<string, string> = { token: TOKEN }, host = '127.0.0.1'): string {
    const file = join(dir, `kubeconfig-${n++}`);
    const c = Object.entries({ server: `https://${host}:${port}`, ...cluster }).map(([k, v]) => `    ${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}`).join('\n');
    const u = Object.entries(user).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`).join('\n');
    writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n${c}\nusers:\n- name: u\n  user:\n${u}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`);
    return file;
  }
  const caData = (...certs: Issued[]) => Buffer.from(certs.map((c) => c.cert).join('')).toString('base64');

  async function get(chain: Issued[], key: Issued, cluster: (port: number) => Record<string, string | boolean>, opts: { user?: Record<string, string>; server?: tls.TlsOptions; host?: string } = {}) {
    const server = await tlsServer(chain, key, opts.server);
    try {
      const r = await egressctl(['get', 'egressrules', '-v', '4', '--request-timeout', '10s'], { env: { KUBECONFIG: kubeconfig(server.port, cluster(server.port), opts.user, opts.host), NO_COLOR: '1' } });
      return { ...r, received: server.received(), handshakes: server.handshakes() };
    } finally {
      await server.close();
    }
  }

  const ok = (r: Awaited<ReturnType<typeof get>>) => {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /No resources found\./);
    assert.match(r.received, new RegExp(`^GET /apis/config\\.istio\\.io/v1alpha2/namespaces/default/egressrules\\?limit=500&timeout=10s HTTP/1\\.1\\r\\n[\\s\\S]*Authorization: Bearer ${TOKEN}\\r\\n`));
  };
  const refused = (r: Awaited<ReturnType<typeof get>>, message: RegExp) => {
    assert.equal(r.code, 1);
    assert.match(r.stderr, message);
    // The message says the certificate was seen and judged; the server got not a byte after the handshake.
    assert.equal(r.received, '', 'nothing of the request (nor the token) reached the server');
  };
  const quick = /verifying it with OpenSSL/;

  test('a certificate from the kubeconfig\'s CA: the request goes out, checked without OpenSSL\'s store', async () => {
    const leaf = pki.issue('good', { issuer: root, ext: SERVER_EXT('IP:127.0.0.1,DNS:localhost') });
    const r = await get([leaf], leaf, () => ({ 'certificate-authority-data': caData(root) }));
    ok(r);
    assert.doesNotMatch(r.stderr, quick);
  });

  test('a certificate from another CA: refused, nothing sent', async () => {
    const otherRoot = pki.issue('other-root', { ext: CA_EXT });
    const leaf = pki.issue('other-leaf', { issuer: otherRoot, ext: SERVER_EXT('IP:127.0.0.1') });
    refused(await get([leaf], leaf, () => ({ 'certificate-authority-data': caData(root) })), /TLS failed: certificate signed by unknown authority/);
  });

  test('a certificate for another host: refused, nothing sent', async () => {
    const leaf = pki.issue('other-host', { issuer: root, ext: SERVER_EXT('IP:127.0.0.2,DNS:elsewhere.example') });
    refused(await get([leaf], leaf, () => ({ 'certificate-authority-data': caData(root) })), /TLS failed: the server's certificate is not valid for this host \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
    const named = pki.issue('named', { issuer: root, ext: SERVER_EXT('DNS:api.example') });
    refused(await get([named], named, () => ({ 'certificate-authority-data': caData(root) }), { host: 'localhost' }), /ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  test('an expired certificate, and one not yet valid: refused, nothing sent', async () => {
    const old = pki.issue('expired', { issuer: root, ext: SERVER_EXT('IP:127.0.0.1'), start: dateIn(-30 * 86400_000), end: dateIn(-86400_000) });
    refused(await get([old], old, () => ({ 'certificate-authority-data': caData(root) })), /TLS failed: the server's certificate has expired \(CERT_HAS_EXPIRED\)/);
    const future = pki.issue('future', { issuer: root, ext: SERVER_EXT('IP:127.0.0.1'), start: dateIn(86400_000), end: dateIn(30 * 86400_000) });
    refused(await get([future], future, () => ({ 'certificate-authority-data': caData(root) })), /TLS failed: the server's certificate is not yet valid \(CERT_NOT_YET_VALID\)/);
  });

  test('an intermediate CA: sent by the server, or in the kubeconfig\'s bundle, it works; missing from both, refused', async () => {
    const leaf = pki.issue('via-inter', { issuer: inter, ext: SERVER_EXT('IP:127.0.0.1') });
    const sent = await get([leaf, inter], leaf, () => ({ 'certificate-authority-data': caData(root) }));
    ok(sent);
    assert.doesNotMatch(sent.stderr, quick);
    const bundled = await get([leaf], leaf, () => ({ 'certificate-authority-data': caData(root, inter) }));
    ok(bundled);
    assert.doesNotMatch(bundled.stderr, quick);
    refused(await get([leaf], leaf, () => ({ 'certificate-authority-data': caData(root) })), /TLS failed: certificate signed by unknown authority/);
  });

  test('tls-server-name: the name checked (and sent) instead of the URL\'s host', async () => {
    const leaf = pki.issue('sni', { issuer: root, ext: SERVER_EXT('DNS:kubernetes.default.svc') });
    ok(await get([leaf], leaf, () => ({ 'certificate-authority-data': caData(root), 'tls-server-name': 'kubernetes.default.svc' })));
    refused(await get([leaf], leaf, () => ({ 'certificate-authority-data': caData(root), 'tls-server-name': 'other.default.svc' })), /ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  test('a chain the quick check does not know goes to OpenSSL, which decides: accepted, or refused with nothing sent', async () => {
    const odd = pki.issue('odd-ext', { issuer: root, ext: [...SERVER_EXT('IP:127.0.0.1'), '1.2.3.4=ASN1:UTF8String:odd'] });
    const accepted = await get([odd], odd, () => ({ 'certificate-authority-data': caData(root) }));
    ok(accepted);
    assert.match(accepted.stderr, /not one the quick check knows \(the extension 1\.2\.3\.4\); verifying it with OpenSSL/);
    const critical = pki.issue('crit-ext', { issuer: root, ext: [...SERVER_EXT('IP:127.0.0.1'), '1.2.3.4=critical,ASN1:UTF8String:odd'] });
    refused(await get([critical], critical, () => ({ 'certificate-authority-data': caData(root) })), /Unable to connect to the server 127\.0\.0\.1:\d+: unhandled critical extension/);
  });

  test('a client certificate (mutual TLS) goes with the quick check too', async () => {
    const clientCa = pki.issue('client-ca', { ext: CA_EXT });
    const client = pki.issue('client', { issuer: clientCa, ext: ['extendedKeyUsage=clientAuth'] });
    const leaf = pki.issue('mtls', { issuer: root, ext: SERVER_EXT('IP:127.0.0.1') });
    const r = await get([leaf], leaf, () => ({ 'certificate-authority-data': caData(root) }), {
      user: { 'client-certificate-data': Buffer.from(client.cert).toString('base64'), 'client-key-data': Buffer.from(client.key).toString('base64') },
      server: { requestCert: true, rejectUnauthorized: true, ca: clientCa.cert },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.received, /^GET \/apis\//);
    assert.doesNotMatch(r.stderr, quick);
  });

  test('insecure-skip-tls-verify: any certificate, as kubectl', async () => {
    const self = pki.issue('self', { ext: SERVER_EXT('DNS:nowhere.example') });
    ok(await get([self], self, () => ({ 'insecure-skip-tls-verify': true })));
  });

  test('no CA in the kubeconfig: the system store, which does not know a private CA', async () => {
    const leaf = pki.issue('private', { issuer: root, ext: SERVER_EXT('IP:127.0.0.1') });
    refused(await get([leaf], leaf, () => ({})), /TLS failed: certificate signed by unknown authority/);
  });
});
