// Durable state for --data DIR: a snapshot plus an append-only write-ahead log. Every record is
// written and fdatasync'ed before the store acknowledges the write, so an object a client saw
// acknowledged survives SIGKILL. On start the log is replayed over the snapshot and compacted into
// a new snapshot.
//
// Reading is strict: a torn last line (a write cut short by a kill, never acknowledged) is dropped,
// but any other record that cannot be read (not JSON, a checksum that does not match, a shape that
// is not a record, a resourceVersion out of sequence), or a snapshot that cannot be read, stops the
// start with a DamagedState naming the file, the record and why. Skipping such a record silently
// would bring back what it deleted or lose what it wrote. With `recover` (serve --recover-data) a
// copy of each damaged file is kept beside it and what cannot be read is dropped, and said so.
import { closeSync, copyFileSync, existsSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export interface StoredEntry {
  type: string; // typeKey: group/plural
  obj: Record<string, any>;
}

export interface WalRecord {
  rv: number;
  op: 'put' | 'del';
  type: string;
  ns: string;
  name: string;
  obj?: Record<string, any>;
}

export interface LoadedState {
  rv: number;
  entries: StoredEntry[];
}

export const SNAPSHOT = 'snapshot.json';
export const WAL = 'wal.jsonl';

/** A part of the state that cannot be read: the file, and for the log the record (1-based) and its byte offset. */
export interface Damage {
  file: string;
  record?: number;
  offset?: number;
  why: string;
}

export function describeDamage(d: Damage): string {
  return d.record === undefined ? d.file : `${d.file} record ${d.record} (byte offset ${d.offset})`;
}

/** Thrown by load() when the state cannot be read in full and recovery was not asked for. */
export class DamagedState extends Error {
  override name = 'DamagedState';
  constructor(readonly damage: Damage[]) {
    const first = damage[0];
    const more = damage.length > 1 ? ` (and ${damage.length - 1} more record${damage.length > 2 ? 's' : ''})` : '';
    super(`${describeDamage(first)} is damaged: ${first.why}${more}`);
  }
}

/** What a recovering load dropped, and where the copies of the damaged files are. */
export interface Recovery {
  dropped: Damage[];
  copies: string[];
}

// Each log line ends with a checksum of the record's JSON text: `{...,"sum":"<16 hex>"}`. Lines
// written before checksums existed have none and are read as they are.
const SUM = /,"sum":"([0-9a-f]{16})"\}$/;

function sumOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function encodeRecord(rec: WalRecord): string {
  const text = JSON.stringify(rec);
  return `${text.slice(0, -1)},"sum":"${sumOf(text)}"}`;
}

/** The record on one log line, or why it cannot be read. `afterRv`: the resourceVersion it must follow. */
export function decodeRecord(line: string, afterRv: number): WalRecord | string {
  let text = line;
  const m = SUM.exec(line);
  if (m) {
    text = `${line.slice(0, m.index)}}`;
    if (sumOf(text) !== m[1]) return 'its checksum does not match its content';
  }
  let rec: any;
  try {
    rec = JSON.parse(text);
  } catch (e) {
    return `it is not JSON (${(e as Error).message})`;
  }
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return 'it is not a record';
  if (!Number.isSafeInteger(rec.rv) || rec.rv <= 0) return `its resourceVersion ${JSON.stringify(rec.rv)} is not a positive integer`;
  if (rec.rv <= afterRv) return `its resourceVersion ${rec.rv} does not follow ${afterRv}`;
  if (rec.op !== 'put' && rec.op !== 'del') return `its operation ${JSON.stringify(rec.op)} is neither "put" nor "del"`;
  if (typeof rec.type !== 'string' || !rec.type.includes('/') || typeof rec.ns !== 'string' || typeof rec.name !== 'string' || rec.name === '') return 'its type, namespace or name is missing';
  if (rec.op === 'put') {
    const meta = rec.obj?.metadata;
    if (typeof meta !== 'object' || meta === null || meta.name !== rec.name || (meta.namespace ?? '') !== rec.ns) return 'its object does not carry the name and namespace of the record';
  }
  return rec as WalRecord;
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export class Persistence {
  private fd: number | undefined;
  /** Set by a load that had to drop something (recover mode). */
  recovery: Recovery | undefined;

  constructor(readonly dir: string, private readonly recover = false) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  load(): LoadedState {
    const damage: Damage[] = [];
    const objects = new Map<string, StoredEntry>();
    const keyOf = (type: string, ns: string, name: string) => `${type}\u0000${ns}\u0000${name}`;
    let rv = 0;
    const snapPath = join(this.dir, SNAPSHOT);
    if (existsSync(snapPath)) {
      const snap = readSnapshot(readFileSync(snapPath, 'utf8'));
      if (typeof snap === 'string') damage.push({ file: SNAPSHOT, why: snap });
      else {
        rv = snap.rv;
        for (const e of snap.entries) objects.set(keyOf(e.type, e.obj.metadata.namespace ?? '', e.obj.metadata.name), e);
      }
    }
    const walPath = join(this.dir, WAL);
    if (existsSync(walPath)) {
      const raw = readFileSync(walPath);
      let offset = 0;
      let n = 0;
      while (offset < raw.length) {
        const end = raw.indexOf(0x0a, offset);
        // A last line without its newline is a write cut short: never acknowledged, dropped.
        if (end < 0) break;
        n++;
        const line = raw.subarray(offset, end).toString('utf8');
        const rec = line === '' ? 'it is empty' : decodeRecord(line, rv);
        if (typeof rec === 'string') damage.push({ file: WAL, record: n, offset, why: rec });
        else {
          rv = rec.rv;
          const k = keyOf(rec.type, rec.ns, rec.name);
          if (rec.op === 'put') objects.set(k, { type: rec.type, obj: rec.obj! });
          else objects.delete(k);
        }
        offset = end + 1;
      }
    }
    if (damage.length) {
      if (!this.recover) throw new DamagedState(damage);
      const copies: string[] = [];
      for (const file of new Set(damage.map((d) => d.file))) {
        const copy = `${file}.damaged-${stamp()}`;
        copyFileSync(join(this.dir, file), join(this.dir, copy));
        copies.push(copy);
      }
      this.syncDir();
      this.recovery = { dropped: damage, copies };
    }
    return { rv, entries: [...objects.values()] };
  }

  /** Writes a fresh snapshot of the whole state and empties the log. */
  compact(state: LoadedState): void {
    this.close();
    const tmp = join(this.dir, `${SNAPSHOT}.tmp`);
    const fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(this.dir, SNAPSHOT));
    this.syncDir();
    this.fd = openSync(join(this.dir, WAL), 'w', 0o600);
    fsyncSync(this.fd);
    this.syncDir();
  }

  append(rec: WalRecord): void {
    if (this.fd === undefined) this.fd = openSync(join(this.dir, WAL), 'a', 0o600);
    writeSync(this.fd, encodeRecord(rec) + '\n');
    fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private syncDir(): void {
    try {
      const d = openSync(this.dir, 'r');
      fsyncSync(d);
      closeSync(d);
    } catch {
      // Some filesystems refuse fsync on a directory; the rename is then as durable as they allow.
    }
  }
}

/** The snapshot's state, or why it cannot be read. */
function readSnapshot(text: string): LoadedState | string {
  let snap: any;
  try {
    snap = JSON.parse(text);
  } catch (e) {
    return `it is not JSON (${(e as Error).message})`;
  }
  if (typeof snap !== 'object' || snap === null || !Number.isSafeInteger(snap.rv) || snap.rv < 0 || !Array.isArray(snap.entries)) return 'it is not a snapshot (rv and entries)';
  const bad = snap.entries.findIndex((e: any) => typeof e?.type !== 'string' || typeof e?.obj?.metadata?.name !== 'string');
  if (bad >= 0) return `its entry ${bad + 1} is not a stored object`;
  return snap as LoadedState;
}
