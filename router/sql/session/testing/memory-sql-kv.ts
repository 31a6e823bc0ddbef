/**
 * A single-node, single-version key-value store behind the SqlKvDb interface, for tests of the SQL
 * layer that do not exercise concurrency: a transaction buffers its writes and applies them at
 * commit, and sees its own writes over the committed state. It detects no conflicts, so it is no
 * substitute for client/kv where transactions overlap.
 */
import type { KvPair, IsolationLevel, ScanOptions, SqlKvDb, SqlKvSavepoint, SqlKvTxn } from '../sql-kv.js';

/** Hex keeps byte order, so string order of the map's keys is key order. */
function hex(key: Uint8Array): string {
  return Buffer.from(key).toString('hex');
}

function unhex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export class MemorySqlKvDb implements SqlKvDb {
  readonly committed = new Map<string, Uint8Array>();

  newTxn(options: { readonly isolation: IsolationLevel }): SqlKvTxn {
    return new MemorySqlKvTxn(this.committed, options.isolation);
  }
}

type Write = { readonly key: string; readonly value: Uint8Array | undefined };

class MemorySqlKvTxn implements SqlKvTxn {
  private writes: Write[] = [];
  private finished = false;

  constructor(
    private readonly committed: Map<string, Uint8Array>,
    readonly isolation: IsolationLevel,
  ) {}

  private view(): Map<string, Uint8Array | undefined> {
    const overlay = new Map<string, Uint8Array | undefined>();
    for (const w of this.writes) overlay.set(w.key, w.value);
    return overlay;
  }

  private read(key: string, overlay: Map<string, Uint8Array | undefined>): Uint8Array | undefined {
    return overlay.has(key) ? overlay.get(key) : this.committed.get(key);
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.read(hex(key), this.view()));
  }

  scan(start: Uint8Array, end: Uint8Array, options: ScanOptions = {}): Promise<KvPair[]> {
    const from = hex(start);
    const to = hex(end);
    const overlay = this.view();
    const keys = new Set<string>();
    for (const k of this.committed.keys()) if (k >= from && k < to) keys.add(k);
    for (const k of overlay.keys()) if (k >= from && k < to) keys.add(k);
    const sorted = [...keys].sort();
    if (options.reverse === true) sorted.reverse();
    const out: KvPair[] = [];
    for (const k of sorted) {
      const value = this.read(k, overlay);
      if (value === undefined) continue;
      out.push({ key: unhex(k), value });
      if (options.limit !== undefined && out.length >= options.limit) break;
    }
    return Promise.resolve(out);
  }

  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    this.writes.push({ key: hex(key), value });
    return Promise.resolve();
  }

  async putIfAbsent(key: Uint8Array, value: Uint8Array): Promise<boolean> {
    if ((await this.get(key)) !== undefined) return false;
    await this.put(key, value);
    return true;
  }

  del(key: Uint8Array): Promise<void> {
    this.writes.push({ key: hex(key), value: undefined });
    return Promise.resolve();
  }

  async lockForUpdate(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    // One transaction at a time: there is nobody to lock against.
    return Promise.all(keys.map((k) => this.get(k)));
  }

  beginStatement(): void {
    // A single version: every statement sees the latest state anyway.
  }

  async delRange(start: Uint8Array, end: Uint8Array): Promise<void> {
    for (const pair of await this.scan(start, end)) await this.del(pair.key);
  }

  savepoint(): Promise<SqlKvSavepoint> {
    return Promise.resolve({ token: this.writes.length });
  }

  rollbackToSavepoint(savepoint: SqlKvSavepoint): Promise<void> {
    this.writes = this.writes.slice(0, savepoint.token as number);
    return Promise.resolve();
  }

  pendingRequestMs(): number | undefined {
    return undefined;
  }

  commit(): Promise<void> {
    if (!this.finished) {
      for (const w of this.writes) {
        if (w.value === undefined) this.committed.delete(w.key);
        else this.committed.set(w.key, w.value);
      }
    }
    this.finished = true;
    return Promise.resolve();
  }

  rollback(): Promise<void> {
    this.finished = true;
    this.writes = [];
    return Promise.resolve();
  }
}
