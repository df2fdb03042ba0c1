// Durable state for --data DIR: a snapshot plus an append-only write-ahead log. Every record is
// written and fdatasync'ed before the store acknowledges the write, so an object a client saw
// acknowledged survives SIGKILL. On start the log is replayed over the snapshot (a torn last line
// from a kill mid-write is dropped) and compacted into a new snapshot.
import { closeSync, existsSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
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

const SNAPSHOT = 'snapshot.json';
const WAL = 'wal.jsonl';

export class Persistence {
  private fd: number | undefined;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  load(): LoadedState {
    let rv = 0;
    const objects = new Map<string, StoredEntry>();
    const keyOf = (type: string, ns: string, name: string) => `${type}\u0000${ns}\u0000${name}`;
    const snapPath = join(this.dir, SNAPSHOT);
    if (existsSync(snapPath)) {
      const snap = JSON.parse(readFileSync(snapPath, 'utf8')) as { rv: number; entries: StoredEntry[] };
      rv = snap.rv;
      for (const e of snap.entries) objects.set(keyOf(e.type, e.obj.metadata.namespace ?? '', e.obj.metadata.name), e);
    }
    const walPath = join(this.dir, WAL);
    if (existsSync(walPath)) {
      const lines = readFileSync(walPath, 'utf8').split('\n');
      for (const line of lines) {
        if (!line) continue;
        let rec: WalRecord;
        try {
          rec = JSON.parse(line);
        } catch {
          // A torn record: the write never completed, so it was never acknowledged.
          continue;
        }
        rv = Math.max(rv, rec.rv);
        const k = keyOf(rec.type, rec.ns, rec.name);
        if (rec.op === 'put' && rec.obj) objects.set(k, { type: rec.type, obj: rec.obj });
        else objects.delete(k);
      }
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
    writeSync(this.fd, JSON.stringify(rec) + '\n');
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
