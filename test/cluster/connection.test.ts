// The dispatcher on its own (src/cluster/connection.ts) against a local HTTP/2 server: whether a
// failed request can have reached the server (requestSent), the stream limit, and a request that
// times out while waiting for a stream giving its place back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { ServerDispatcher } from '../../src/cluster/connection.ts';
import { CA_EXT, Pki, SERVER_EXT, hasOpenssl, type Issued } from '../helpers/pki.ts';

describe('ServerDispatcher over HTTP/2', { skip: !hasOpenssl && 'openssl is not installed' }, () => {
  let root: Issued;
  let server: http2.Http2SecureServer;
  let port: number;
  const stalled: http2.ServerHttp2Stream[] = [];
  before(async () => {
    const pki = new Pki();
    root = pki.issue('root', { ext: CA_EXT });
    const leaf = pki.issue('leaf', { issuer: root, ext: SERVER_EXT('IP:127.0.0.1') });
    server = http2.createSecureServer({ key: leaf.key, cert: leaf.cert });
    server.on('stream', (stream, headers) => {
      stream.on('error', () => {});
      const path = String(headers[':path']);
      if (path === '/refuse') stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      else if (path === '/reset') stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      else if (path === '/stall') stalled.push(stream);
      else {
        stream.respond({ ':status': 200, 'content-type': 'text/plain' });
        stream.end(`ok ${path}`);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    for (const s of stalled) s.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const dispatcher = (concurrency: number) =>
    new ServerDispatcher({ server: new URL(`https://127.0.0.1:${port}`), tls: { ca: Buffer.from(root.cert) }, concurrency, log: () => {} });
  const timeout = () => Object.assign(new Error('timed out'), { code: 'Timeout' });

  test('answers come back with their status and body; one connection, HTTP/2', async () => {
    const d = dispatcher(4);
    try {
      const rs = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => d.exchange('GET', `/x${i}`, {}, undefined, 5000, timeout)));
      assert.deepEqual(rs.map((r) => [r.status, r.text]), [1, 2, 3, 4, 5, 6].map((i) => [200, `ok /x${i}`]));
      assert.equal(d.protocol, 'h2');
    } finally {
      d.close();
    }
  });

  test('a refused stream was not processed (requestSent false); a reset one may have been (true)', async () => {
    const d = dispatcher(4);
    try {
      await assert.rejects(d.exchange('POST', '/refuse', {}, Buffer.from('{}'), 5000, timeout), (e: any) => e.code === 'ECONNRESET' && e.requestSent === false);
      await assert.rejects(d.exchange('POST', '/reset', {}, Buffer.from('{}'), 5000, timeout), (e: any) => e.code === 'ECONNRESET' && e.requestSent === true);
    } finally {
      d.close();
    }
  });

  test('a request that times out waiting for a stream was never sent, and gives the stream back', async () => {
    const d = dispatcher(1);
    try {
      await d.exchange('GET', '/warm', {}, undefined, 5000, timeout);
      const first = d.exchange('GET', '/stall', {}, undefined, 400, timeout);
      const queued = d.exchange('GET', '/never', {}, undefined, 100, timeout);
      await assert.rejects(queued, (e: any) => e.code === 'Timeout' && e.requestSent === false);
      await assert.rejects(first, (e: any) => e.code === 'Timeout' && e.requestSent === true);
      // Both places are free again: the next request goes out at once.
      const r = await d.exchange('GET', '/after', {}, undefined, 2000, timeout);
      assert.equal(r.text, 'ok /after');
    } finally {
      d.close();
    }
  });

  test('no server listening: the request was never sent', async () => {
    const d = new ServerDispatcher({ server: new URL('https://127.0.0.1:1'), tls: { ca: Buffer.from(root.cert) }, concurrency: 1, log: () => {} });
    try {
      await assert.rejects(d.exchange('GET', '/', {}, undefined, 2000, timeout), (e: any) => e.code === 'ECONNREFUSED' && e.requestSent === false);
    } finally {
      d.close();
    }
  });
});
