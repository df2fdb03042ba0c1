// Requests per second of `egressctl serve`: creates then gets of N objects, 1 and 16 in flight,
// over HTTP/1.1 (keep-alive connections, one per request in flight) and HTTP/2 (one connection,
// a stream per request in flight), in memory and with --data (an fdatasync per write). The client is
// this process, on the same 2 cores. Every cell is measured in each of ROUNDS interleaved rounds;
// the median (min..max) is shown.
//
//   npm run build && node bench/serve.mjs [--n 2000] [--rounds 3] [--concurrency 1,16] [--protocols h1,h2] [--modes memory,data]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import http2 from 'node:http2';
import { load, median, startServe, table } from './lib.mjs';

const argv = process.argv.slice(2);
const opt = (name, def) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : def);
const N = Math.min(Number(opt('n', '2000')), 20000);
const ROUNDS = Number(opt('rounds', '3'));
const levels = opt('concurrency', '1,16').split(',').map(Number);
const protocols = opt('protocols', 'h1,h2').split(',');
const modes = opt('modes', 'memory,data').split(',');
const base = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';

function h1Client(url, ca, token, concurrency) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency, ca });
  return {
    call: (method, path, body) => new Promise((resolve, reject) => {
      const data = body ? JSON.stringify(body) : undefined;
      const headers = { Accept: 'application/json', Authorization: `Bearer ${token}` };
      if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
      const req = https.request(new URL(path, url), { method, headers, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`${method} ${path}: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(data);
    }),
    close: () => agent.destroy(),
  };
}

async function h2Client(url, ca, token) {
  const session = http2.connect(url, { ca });
  await new Promise((resolve, reject) => {
    session.once('connect', resolve);
    session.once('error', reject);
  });
  if (session.alpnProtocol !== 'h2') throw new Error('the server does not offer h2');
  return {
    call: (method, path, body) => new Promise((resolve, reject) => {
      const data = body ? JSON.stringify(body) : undefined;
      const headers = { ':method': method, ':path': path, accept: 'application/json', authorization: `Bearer ${token}` };
      if (data) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
      const req = session.request(headers);
      let status = 0;
      req.on('response', (h) => (status = h[':status']));
      req.resume();
      req.on('end', () => (status < 300 ? resolve() : reject(new Error(`${method} ${path}: ${status}`))));
      req.on('error', reject);
      req.end(data);
    }),
    close: () => session.close(),
  };
}

async function rate(concurrency, fn) {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < N) await fn(next++);
  }));
  return N / (Number(process.hrtime.bigint() - start) / 1e9);
}

const results = new Map();
const record = (key, v) => results.set(key, [...(results.get(key) ?? []), v]);
const servers = {};
const dir = mkdtempSync(join(tmpdir(), 'egressctl-bench-'));
const before = load();
try {
  for (const mode of modes) {
    const d = mkdtempSync(join(dir, mode));
    servers[mode] = await startServe(d, mode === 'data' ? ['--data', join(d, 'data')] : []);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of modes) {
      const s = servers[mode];
      const kc = readFileSync(s.kubeconfig, 'utf8');
      const token = /token: (\S+)/.exec(kc)[1];
      const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kc)[1], 'base64');
      for (const proto of protocols) {
        for (const c of levels) {
          let client;
          try {
            client = proto === 'h2' ? await h2Client(s.url, ca, token) : h1Client(s.url, ca, token, c);
          } catch (e) {
            record(`${mode} ${proto} ${c} create`, NaN);
            record(`${mode} ${proto} ${c} get`, NaN);
            continue;
          }
          const prefix = `r${round}-${proto}-c${c}-`;
          const created = await rate(c, (i) => client.call('POST', base, { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: `${prefix}${i}` }, spec: { destination: { service: `${i}.example.com` }, ports: [{ port: 443, protocol: 'https' }] } }));
          const got = await rate(c, (i) => client.call('GET', `${base}/${prefix}${i}`));
          record(`${mode} ${proto} ${c} create`, created);
          record(`${mode} ${proto} ${c} get`, got);
          client.close();
        }
      }
    }
  }
} finally {
  for (const s of Object.values(servers)) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}

const cell = (key) => {
  const xs = results.get(key) ?? [];
  if (xs.some((x) => Number.isNaN(x))) return 'no h2';
  return `${Math.round(median(xs))}/s (${Math.round(Math.min(...xs))}..${Math.round(Math.max(...xs))})`;
};
console.log(`egressctl serve over HTTPS, ${N} creates then ${N} gets per cell, median (min..max) of ${ROUNDS} interleaved rounds, node ${process.version}; ${before} before, ${load()} after`);
const rows = [['state', 'protocol', 'in flight', 'create', 'get']];
for (const mode of modes) for (const proto of protocols) for (const c of levels) rows.push([mode === 'data' ? '--data (fdatasync)' : 'memory', proto === 'h2' ? 'HTTP/2' : 'HTTP/1.1', String(c), cell(`${mode} ${proto} ${c} create`), cell(`${mode} ${proto} ${c} get`)]);
console.log(table(rows));
