// A --data directory whose log cannot be read in full: serve refuses to start and names the record
// (a silently skipped record made a deleted rule come back); --recover-data keeps a copy of the
// log, drops what cannot be read, says what it dropped, and starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, startServer } from '../helpers/server.ts';
import { serveRefusal, spawnServe } from './serve-process.ts';

const BASE = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
const rule = (name: string) => ({ apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name }, spec: { destination: { service: `${name}.example.com` }, ports: [{ port: 443, protocol: 'https' }] } });

/** A data directory whose log holds: create gone, delete gone, create kept (no compaction since). */
async function dataWithDeletedRule(dataDir: string): Promise<void> {
  const s = await startServer({ dataDir });
  try {
    assert.equal((await request(s, 'POST', BASE, { body: rule('gone') })).status, 201);
    assert.equal((await request(s, 'DELETE', `${BASE}/gone`)).status, 200);
    assert.equal((await request(s, 'POST', BASE, { body: rule('kept') })).status, 201);
  } finally {
    await s.kill();
  }
}

/** Damages the log's record (1-based) that deletes `name`; returns its number and byte offset. */
function damageDelete(dataDir: string, name: string): { n: number; offset: number } {
  const file = join(dataDir, 'wal.jsonl');
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes('"op":"del"') && l.includes(`"name":"${name}"`));
  assert.ok(i >= 0, `no delete record for ${name} in ${text}`);
  const offset = Buffer.byteLength(lines.slice(0, i).map((l) => `${l}\n`).join(''));
  // One byte flipped, as a bad disk block would: the line is no longer JSON.
  lines[i] = lines[i].replace('"op":"del"', '"op":"del\u0000');
  writeFileSync(file, lines.join('\n'));
  return { n: i + 1, offset };
}

test('a damaged record in the middle of the log: serve refuses to start and names the record', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'egressctl-corrupt-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  await dataWithDeletedRule(dataDir);
  const { n, offset } = damageDelete(dataDir, 'gone');
  const before = readFileSync(join(dataDir, 'wal.jsonl'));

  const r = await serveRefusal(['--data', dataDir]);
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^error: --data ${dataDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read the state: wal\\.jsonl record ${n} \\(byte offset ${offset}\\) is damaged: `));
  assert.match(r.stderr, /--recover-data/);
  // Nothing was changed: the log is as it was, and no snapshot was rewritten from a partial state.
  assert.deepEqual(readFileSync(join(dataDir, 'wal.jsonl')), before);
});

test('--recover-data: a copy of the log is kept, the damaged record is dropped and named, the server starts', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'egressctl-corrupt-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  await dataWithDeletedRule(dataDir);
  const { n } = damageDelete(dataDir, 'gone');
  const damaged = readFileSync(join(dataDir, 'wal.jsonl'), 'utf8');

  const s = await spawnServe(['--data', dataDir, '--recover-data']);
  t.after(() => s.stop());
  const copies = readdirSync(dataDir).filter((f) => f.startsWith('wal.jsonl.damaged-'));
  assert.equal(copies.length, 1, readdirSync(dataDir).join(' '));
  assert.equal(readFileSync(join(dataDir, copies[0]), 'utf8'), damaged);
  assert.equal((await request(s, 'GET', `${BASE}/kept`)).status, 200);
  // The delete could not be read, so the rule is back: the operator was told which record went.
  assert.equal((await request(s, 'GET', `${BASE}/gone`)).status, 200);
  assert.match(s.stderr(), new RegExp(`dropped wal\\.jsonl record ${n} \\(byte offset \\d+\\): `));
  assert.match(s.stderr(), new RegExp(`a copy of wal\\.jsonl before recovery is in ${copies[0]}`));
});

test('a torn last record (a write cut short, never acknowledged) is still dropped without a word', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'egressctl-corrupt-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  await dataWithDeletedRule(dataDir);
  writeFileSync(join(dataDir, 'wal.jsonl'), readFileSync(join(dataDir, 'wal.jsonl'), 'utf8') + '{"rv":99,"op":"put","type":"config.is');
  const s = await startServer({ dataDir });
  t.after(() => s.stop());
  assert.equal((await request(s, 'GET', `${BASE}/gone`)).status, 404);
  assert.equal((await request(s, 'GET', `${BASE}/kept`)).status, 200);
});

test('a damaged snapshot: refused and named; --recover-data keeps a copy and starts from the log alone', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'egressctl-corrupt-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  await dataWithDeletedRule(dataDir);
  writeFileSync(join(dataDir, 'snapshot.json'), '{"rv":3,"entries":[{"type"');
  const r = await serveRefusal(['--data', dataDir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read the state: snapshot\.json is damaged: .*--recover-data/s);
  const s = await spawnServe(['--data', dataDir, '--recover-data']);
  t.after(() => s.stop());
  assert.ok(readdirSync(dataDir).some((f) => f.startsWith('snapshot.json.damaged-')));
  assert.ok(existsSync(join(dataDir, 'snapshot.json')));
  assert.equal((await request(s, 'GET', `${BASE}/kept`)).status, 200);
});

test('each log record carries a checksum: damage that leaves valid JSON is found too', async () => {
  const { decodeRecord, encodeRecord } = await import('../../src/server/persistence.ts');
  const line = encodeRecord({ rv: 7, op: 'del', type: 'config.istio.io/egressrules', ns: 'default', name: 'gone' });
  assert.deepEqual(decodeRecord(line, 6), { rv: 7, op: 'del', type: 'config.istio.io/egressrules', ns: 'default', name: 'gone' });
  assert.equal(decodeRecord(line.replace('"gone"', '"gona"'), 6), 'its checksum does not match its content');
  assert.equal(decodeRecord(line, 7), 'its resourceVersion 7 does not follow 7');
  // Records written before checksums existed are read as they are.
  assert.deepEqual(decodeRecord('{"rv":8,"op":"del","type":"/services","ns":"default","name":"x"}', 7), { rv: 8, op: 'del', type: '/services', ns: 'default', name: 'x' });
});
