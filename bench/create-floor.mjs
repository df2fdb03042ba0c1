// The floor for bench/create.mjs: the least a Node program must do to create N EgressRules on the
// server of a kubeconfig, with nothing of egressctl (no YAML stream, no validation, no CLI).
// Prints one line per object, as `create` does, and exits as soon as the output is flushed.
//
//   node bench/create-floor.mjs KUBECONFIG N PREFIX [--h1] [--node-store]
//
// --h1: HTTP/1.1, one keep-alive connection, the POSTs one after another (what a minimal client
//       does); default: HTTP/2 when the server offers it (ALPN), 16 streams on one connection.
// --node-store: TLS through Node's `ca` option, which makes Node 20 build its bundled root store
//       (~140 certificates); default: a secure context without it, the server's certificate then
//       checked against the kubeconfig's CA here (chain signature, host, dates) before anything is sent.
import tls from 'node:tls';
import https from 'node:https';
import http2 from 'node:http2';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [kubeconfig, nText, prefix] = process.argv.slice(2);
const h1 = process.argv.includes('--h1');
const nodeStore = process.argv.includes('--node-store');
const n = Number(nText);
const text = readFileSync(kubeconfig, 'utf8');
const server = new URL(/server: (\S+)/.exec(text)[1]);
const token = /token: (\S+)/.exec(text)?.[1];
const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(text)[1], 'base64');
const path = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` };

function body(i) {
  return JSON.stringify({ apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: `${prefix}-${i}`, namespace: 'default' }, spec: { destination: { service: `10.${(i >> 8) & 255}.${i & 255}.0/24` }, ports: [{ port: 443, protocol: 'tcp' }] } });
}

/** A TLS connection whose server certificate has been checked; nothing is written before. */
function connect(alpn) {
  return new Promise((resolve, reject) => {
    const opts = { host: server.hostname, port: Number(server.port), ALPNProtocols: alpn, };
    if (nodeStore) Object.assign(opts, { ca });
    else Object.assign(opts, { secureContext: rawContext(), rejectUnauthorized: false });
    const socket = tls.connect(opts, () => {
      if (!nodeStore) {
        const leaf = socket.getPeerX509Certificate();
        const anchor = new X509Certificate(ca);
        const now = Date.now();
        const ok = leaf.checkIssued(anchor) && leaf.verify(anchor.publicKey) && leaf.checkIP(server.hostname) && Date.parse(leaf.validFrom) <= now && now <= Date.parse(leaf.validTo);
        if (!ok) return reject(new Error('server certificate not trusted'));
      }
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** A SecureContext with no trust store: what createSecureContext makes before it adds one. */
function rawContext() {
  const { SecureContext } = createRequire(import.meta.url)('_tls_common');
  return new SecureContext();
}

const out = new Array(n);
const socket = await connect(h1 ? ['http/1.1'] : ['h2', 'http/1.1']);
if (socket.alpnProtocol === 'h2') {
  const session = http2.connect(server.origin, { createConnection: () => socket });
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(16, n) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await new Promise((resolve, reject) => {
        const data = body(i);
        const req = session.request({ ':method': 'POST', ':path': path, ...headers, 'content-length': Buffer.byteLength(data) });
        let status = 0;
        let t = '';
        req.on('response', (h) => (status = h[':status']));
        req.setEncoding('utf8');
        req.on('data', (c) => (t += c));
        req.on('end', () => (status === 201 ? resolve(`egressrule.config.istio.io/${JSON.parse(t).metadata.name} created`) : reject(new Error(`${status} ${t}`))));
        req.on('error', reject);
        req.end(data);
      });
    }
  }));
} else {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  agent.createConnection = () => socket;
  for (let i = 0; i < n; i++) {
    out[i] = await new Promise((resolve, reject) => {
      const data = body(i);
      const req = https.request({ host: server.hostname, port: server.port, path, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(data) } }, (res) => {
        let t = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (t += c));
        res.on('end', () => (res.statusCode === 201 ? resolve(`egressrule.config.istio.io/${JSON.parse(t).metadata.name} created`) : reject(new Error(`${res.statusCode} ${t}`))));
      });
      req.on('error', reject);
      req.end(data);
    });
  }
}
process.stdout.write(out.join('\n') + '\n', () => process.exit(0));
