/**
 * The SQL layer's KV interface over client/kv's transaction coordinator (KvDB / KvTxn): the one
 * place router/sql meets client/kv. A failed conditional put expecting absence is a unique
 * violation for the caller to report, so it answers false; every other KV error propagates and
 * becomes a SQLSTATE in toPgError.
 */
import { conditionFailure, type KvDB, type KvTxn } from '../../../client/kv/index.js';
import type { Savepoint } from '../../../client/kv/index.js';
import type { IsolationLevel, KvPair, ScanOptions, SqlKvDb, SqlKvSavepoint, SqlKvTxn } from './sql-kv.js';

export class ClientKvSqlDb implements SqlKvDb {
  constructor(private readonly db: KvDB) {}

  newTxn(options: { readonly isolation: IsolationLevel }): SqlKvTxn {
    return new ClientKvSqlTxn(this.db.newTxn({ isolation: options.isolation }));
  }
}

class ClientKvSqlTxn implements SqlKvTxn {
  /** Start times (ms) of the requests waiting for an answer, by request number. */
  private readonly pending = new Map<number, number>();
  private requestCount = 0;

  constructor(private readonly txn: KvTxn) {}

  get isolation(): IsolationLevel {
    return this.txn.isolation;
  }

  pendingRequestMs(): number | undefined {
    if (this.pending.size === 0) return undefined;
    return Date.now() - Math.min(...this.pending.values());
  }

  private async tracked<T>(request: Promise<T>): Promise<T> {
    const id = ++this.requestCount;
    this.pending.set(id, Date.now());
    try {
      return await request;
    } finally {
      this.pending.delete(id);
    }
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.tracked(this.txn.get(key));
  }

  async scan(start: Uint8Array, end: Uint8Array, options: ScanOptions = {}): Promise<KvPair[]> {
    const result = await this.tracked(this.txn.scan(
      { start, end },
      { ...(options.limit === undefined ? {} : { limit: options.limit }), ...(options.reverse === undefined ? {} : { reverse: options.reverse }) },
    ));
    return result.rows.map((r) => ({ key: r.key, value: r.value }));
  }

  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    return this.tracked(this.txn.put(key, value));
  }

  async putIfAbsent(key: Uint8Array, value: Uint8Array): Promise<boolean> {
    try {
      await this.tracked(this.txn.cput(key, value, undefined));
      return true;
    } catch (err) {
      if (conditionFailure(err) !== undefined) return false;
      throw err;
    }
  }

  async del(key: Uint8Array): Promise<void> {
    await this.tracked(this.txn.del(key));
  }

  async lockForUpdate(keys: readonly Uint8Array[], strength: 'exclusive' | 'shared' = 'exclusive'): Promise<(Uint8Array | undefined)[]> {
    const values: (Uint8Array | undefined)[] = [];
    for (const key of keys) values.push(await this.tracked(this.txn.getForUpdate(key, { strength })));
    return values;
  }

  beginStatement(): void {
    this.txn.stepReadTimestamp();
  }

  async delRange(start: Uint8Array, end: Uint8Array): Promise<void> {
    await this.tracked(this.txn.delRange({ start, end }));
  }

  savepoint(): Promise<SqlKvSavepoint> {
    return Promise.resolve({ token: this.txn.createSavepoint() });
  }

  rollbackToSavepoint(savepoint: SqlKvSavepoint): Promise<void> {
    return this.txn.rollbackToSavepoint(savepoint.token as Savepoint);
  }

  commit(): Promise<void> {
    return this.tracked(this.txn.commit());
  }

  async rollback(): Promise<void> {
    if (this.txn.state === 'committed' || this.txn.state === 'aborted') return;
    await this.txn.rollback();
  }
}
