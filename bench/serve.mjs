// Requests per second of `egressctl serve` for create and get over loopback, one keep-alive agent.
// Plain Node (not a test): `npm run build && node bench/serve.mjs [--n 2000] [--concurrency 1,16] [--data] [--http]`.
// Bounded: N creates then N gets per concurrency level, loopback only; the server is stopped at the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import https from 'node:https';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const N = Math.min(Number(opt('n', '2000')), 20000);
const levels = opt('concurrency', '1,16').split(',').map(Number);
const withData = argv.includes('--data');
const plain = argv.includes('--http');

const dir = mkdtempSync(join(tmpdir(), 'egressctl-bench-'));
const args = [join(root, 'bin/egressctl.js'), 'serve', '--listen', '127.0.0.1:0', '--kubeconfig-out', join(dir, 'kc')];
if (withData) args.push('--data', join(dir, 'data'));
if (plain) args.push('--insecure-http');
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
    const m = /^Serving on (\S+)\n/.exec(out);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
});
const kc = readFileSync(join(dir, 'kc'), 'utf8');
const token = /token: (\S+)/.exec(kc)?.[1];
const caData = /certificate-authority-data: (\S+)/.exec(kc)?.[1];
const mod = url.startsWith('https') ? https : http;
const agent = new mod.Agent({ keepAlive: true, maxSockets: Math.max(...levels), ca: caData ? Buffer.from(caData, 'base64') : undefined });

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : undefined;
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
    const req = mod.request(new URL(path, url), { method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`${method} ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function run(label, concurrency, fn) {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < N) await fn(next++);
  }));
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label.padEnd(8)} concurrency ${String(concurrency).padStart(2)}: ${N} requests in ${secs.toFixed(2)} s = ${Math.round(N / secs)} req/s`);
}

const base = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
console.log(`egressctl serve at ${url} (${withData ? '--data: fsync per write' : 'memory only'}), node ${process.version}`);
try {
  for (const c of levels) {
    const prefix = `c${c}-`;
    await run('create', c, (i) => call('POST', base, { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: `${prefix}${i}` }, spec: { destination: { service: `${i}.example.com` }, ports: [{ port: 443, protocol: 'https' }] } }));
    await run('get', c, (i) => call('GET', `${base}/${prefix}${i}`));
  }
} finally {
  agent.destroy();
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
