/**
 * The narrow part of client/kv that the SQL layer uses: one transaction's reads and writes over
 * key spans. Everything in router/sql reaches data through this interface only, so that the same
 * code runs over the in-process KV server today and over ranges on many nodes later.
 */
export interface KvPair {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface ScanOptions {
  /** At most this many pairs; the caller resumes after the last key to read more. */
  readonly limit?: number;
  readonly reverse?: boolean;
}

export interface SqlKvTxn {
  readonly isolation: IsolationLevel;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** The pairs of [start, end) in key order (or reverse order). */
  scan(start: Uint8Array, end: Uint8Array, options?: ScanOptions): Promise<KvPair[]>;
  put(key: Uint8Array, value: Uint8Array): Promise<void>;
  /**
   * Writes `value` only if no value exists under `key` (a conditional put expecting absence):
   * false, and nothing written, when one exists. Unique indexes rest on it.
   */
  putIfAbsent(key: Uint8Array, value: Uint8Array): Promise<boolean>;
  del(key: Uint8Array): Promise<void>;
  /**
   * Locks keys for update (SELECT ... FOR UPDATE), waiting for other holders, and answers their
   * newest committed values (a row changed meanwhile is seen as it is now, as PostgreSQL's
   * FOR UPDATE re-reads it; undefined for a row deleted meanwhile).
   */
  lockForUpdate(keys: readonly Uint8Array[], strength?: 'exclusive' | 'shared'): Promise<(Uint8Array | undefined)[]>;
  /** Called before each statement: READ COMMITTED reads what was committed before it began. */
  beginStatement(): void;
  delRange(start: Uint8Array, end: Uint8Array): Promise<void>;
  /** Marks a point the transaction can roll back to (SAVEPOINT). */
  savepoint(): Promise<SqlKvSavepoint>;
  rollbackToSavepoint(savepoint: SqlKvSavepoint): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /**
   * Milliseconds the oldest request of this transaction still waiting for an answer has been
   * waiting (undefined when none is). In-process KV answers in well under a millisecond unless a
   * request waits for another transaction's lock, so a long wait means a lock wait.
   */
  pendingRequestMs(): number | undefined;
}

/** An opaque savepoint token of one transaction. */
export interface SqlKvSavepoint {
  readonly token: unknown;
}

export type IsolationLevel = 'serializable' | 'read-committed';

export interface SqlKvDb {
  newTxn(options: { readonly isolation: IsolationLevel }): SqlKvTxn;
}
