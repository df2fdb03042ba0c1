// The object store: every object by type, namespace and name; one global resourceVersion counter;
// a bounded history of changes for watches; persistence before acknowledgement.
import { Persistence, type StoredEntry } from './persistence.ts';

export type Obj = Record<string, any>;
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: EventType;
  typeKey: string;
  object: Obj;
  /** For MODIFIED: the object before the change (selector transitions). */
  prev?: Obj;
  rv: number;
}

export interface Watcher {
  typeKey: string;
  onEvent(e: WatchEvent): void;
}

const HISTORY = 10000;

function clone<T>(o: T): T {
  return structuredClone(o);
}

export class Store {
  private rv = 0;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private history: WatchEvent[] = [];
  /** Every change after this revision is still in `history`. */
  private historyStart = 0;
  private readonly watchers = new Set<Watcher>();

  /** `ephemeral` types (built-in objects regenerated at every start) are never persisted. */
  constructor(private readonly persistence?: Persistence, private readonly ephemeral: Set<string> = new Set()) {
    if (persistence) {
      const state = persistence.load();
      this.rv = state.rv;
      for (const e of state.entries) this.bucket(e.type).set(nsName(e.obj), e.obj);
    }
    this.historyStart = this.rv;
  }

  /** Writes the loaded state back as one snapshot (called once at start, after seeding). */
  compact(): void {
    if (!this.persistence) return;
    const entries: StoredEntry[] = [];
    for (const [type, m] of this.objects) {
      if (this.ephemeral.has(type)) continue;
      for (const obj of m.values()) entries.push({ type, obj });
    }
    this.persistence.compact({ rv: this.rv, entries });
  }

  close(): void {
    this.persistence?.close();
  }

  revision(): number {
    return this.rv;
  }

  get(typeKey: string, ns: string, name: string): Obj | undefined {
    const o = this.objects.get(typeKey)?.get(`${ns}/${name}`);
    return o && clone(o);
  }

  /** Objects of a type, sorted by namespace then name (etcd key order); `ns` undefined = all. */
  list(typeKey: string, ns?: string): Obj[] {
    const m = this.objects.get(typeKey);
    if (!m) return [];
    const keys = [...m.keys()].filter((k) => ns === undefined || k.startsWith(`${ns}/`)).sort();
    return keys.map((k) => clone(m.get(k)!));
  }

  /** Type keys that hold namespaced objects (for a namespace's deletion). */
  namespacedKeys(): string[] {
    return [...this.objects.entries()].filter(([, m]) => [...m.values()].some((o) => o.metadata.namespace)).map(([k]) => k);
  }

  count(typeKey: string): number {
    return this.objects.get(typeKey)?.size ?? 0;
  }

  /**
   * Stores an object (create or update) with the next resourceVersion, durably, then tells the
   * watchers.
   */
  put(typeKey: string, obj: Obj): Obj {
    const rv = ++this.rv;
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(rv);
    const key = nsName(stored);
    const prev = this.bucket(typeKey).get(key);
    if (this.persistence && !this.ephemeral.has(typeKey)) {
      this.persistence.append({ rv, op: 'put', type: typeKey, ns: stored.metadata.namespace ?? '', name: stored.metadata.name, obj: stored });
    }
    this.bucket(typeKey).set(key, stored);
    this.emit(prev ? { type: 'MODIFIED', typeKey, object: stored, prev, rv } : { type: 'ADDED', typeKey, object: stored, rv });
    return clone(stored);
  }

  delete(typeKey: string, ns: string, name: string): Obj | undefined {
    const m = this.objects.get(typeKey);
    const old = m?.get(`${ns}/${name}`);
    if (!m || !old) return undefined;
    const rv = ++this.rv;
    if (this.persistence && !this.ephemeral.has(typeKey)) this.persistence.append({ rv, op: 'del', type: typeKey, ns, name });
    m.delete(`${ns}/${name}`);
    const last = clone(old);
    last.metadata.resourceVersion = String(rv);
    this.emit({ type: 'DELETED', typeKey, object: last, rv });
    return clone(last);
  }

  /**
   * Registers a watcher from a revision: replays the retained changes after it. Returns false when
   * that revision is older than the retained history (the client must relist: 410 Expired).
   */
  watch(w: Watcher, fromRv: number): { ok: true; replay: WatchEvent[] } | { ok: false; oldest: number } {
    if (fromRv < this.historyStart) return { ok: false, oldest: this.historyStart };
    const replay = this.history.filter((e) => e.rv > fromRv && e.typeKey === w.typeKey).map((e) => ({ ...e, object: clone(e.object) }));
    this.watchers.add(w);
    return { ok: true, replay };
  }

  unwatch(w: Watcher): void {
    this.watchers.delete(w);
  }

  private emit(e: WatchEvent): void {
    this.history.push(e);
    if (this.history.length > HISTORY) {
      const dropped = this.history.splice(0, this.history.length - HISTORY);
      this.historyStart = dropped[dropped.length - 1].rv;
    }
    for (const w of this.watchers) if (w.typeKey === e.typeKey) w.onEvent({ ...e, object: clone(e.object) });
  }

  private bucket(typeKey: string): Map<string, Obj> {
    let m = this.objects.get(typeKey);
    if (!m) this.objects.set(typeKey, (m = new Map()));
    return m;
  }
}

function nsName(obj: Obj): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
