// The floor for bench/create.mjs: POSTs N EgressRules to the server of a kubeconfig with a bare
// Node https keep-alive agent, 16 in flight, and nothing else (no YAML, no validation, no CLI).
// Prints one line per object so the caller can check the count. Usage: KUBECONFIG N PREFIX
import https from 'node:https';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const [kubeconfig, nText, prefix] = process.argv.slice(2);
const n = Number(nText);
const kc = yaml.load(readFileSync(kubeconfig, 'utf8'));
const cluster = kc.clusters[0].cluster;
const token = kc.users[0].user?.token;
const url = new URL(cluster.server);
const ca = cluster['certificate-authority-data'] ? Buffer.from(cluster['certificate-authority-data'], 'base64') : undefined;
const agent = url.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 16, ca }) : new http.Agent({ keepAlive: true, maxSockets: 16 });
const mod = url.protocol === 'https:' ? https : http;

function post(i) {
  const body = JSON.stringify({ apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: `${prefix}-${i}`, namespace: 'default' }, spec: { destination: { service: `10.${(i >> 8) & 255}.${i & 255}.0/24` }, ports: [{ port: 443, protocol: 'tcp' }] } });
  return new Promise((resolve, reject) => {
    const req = mod.request(new URL('/apis/config.istio.io/v1alpha2/namespaces/default/egressrules', url), { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...(token ? { Authorization: `Bearer ${token}` } : {}) } }, (res) => {
      let t = '';
      res.on('data', (c) => (t += c));
      res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(t)) : reject(new Error(`${res.statusCode} ${t}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const out = new Array(n);
let next = 0;
await Promise.all(Array.from({ length: Math.min(16, n) }, async () => {
  while (next < n) {
    const i = next++;
    const o = await post(i);
    out[i] = `created ${o.metadata.name} ${o.metadata.resourceVersion}`;
  }
}));
process.stdout.write(out.join('\n') + '\n');
agent.destroy();
