/**
 * KvTxn: one transaction, as the SQL layer uses it. Every method is one round trip to the KV
 * layer (a point read is one Get in one batch), except commit of a transaction whose timestamp
 * was pushed (a refresh first) and the rare re-send of a write that met a newer version. Build a
 * KvBatch to send several operations of a statement in one round trip.
 *
 * Operations of one transaction run one at a time in call order (a transaction is a sequence);
 * calls made while one is in flight wait their turn.
 *
 * Errors are KvError (errors.ts): `kvErrorSqlState(err)` gives the SQLSTATE. After a retry error
 * (40001) every operation fails the same way until `restart()` (KvDB.txn does it) or a rollback;
 * after an abort (40001 or 40P01) only rollback() is left.
 */
import { assert } from '../../common/assert.js';
import type { Key, LockStrength, TxnId, Value, WaitPolicy } from '../../proto/kv-api.js';
import type { Timestamp } from '../../storage/hlc.js';
import type { KeySpan } from '../../storage/keys.js';
import { BatchResults, KvBatch, type ReadOptions, type ScanOptions, type ScanResult } from './batch.js';
import type { Savepoint } from './savepoint.js';
import type { TxnCoordinator, TxnState } from './txn-coordinator.js';

export type { Savepoint };

/** How a request waits for a lock another transaction holds. */
export interface WaitOptions {
  /**
   * 'block' (default) waits (deadlocks are detected); 'error' fails at once (NOWAIT, 55P03).
   * SKIP LOCKED is not offered yet.
   */
  readonly waitPolicy?: WaitPolicy;
  /** Gives up waiting for a lock after this long (lock_timeout, 55P03); defaults to the transaction's. */
  readonly lockTimeoutMs?: number;
}

export type TxnReadOptions = ReadOptions & WaitOptions;
export type TxnScanOptions = ScanOptions & WaitOptions;

export interface CommitOptions extends WaitOptions {
  /** The commit must happen below this timestamp (descriptor leases); else a retry error. */
  readonly deadline?: Timestamp;
}

export class KvTxn {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly coordinator: TxnCoordinator,
    /** The transaction's lock_timeout, for requests that do not say otherwise. */
    private lockTimeoutMsDefault: number | undefined,
  ) {}

  get id(): TxnId {
    return this.coordinator.id;
  }

  get isolation(): 'serializable' | 'read-committed' {
    return this.coordinator.isolation;
  }

  /** Where the transaction (under READ COMMITTED: the current statement) reads. */
  get readTimestamp(): Timestamp {
    return this.coordinator.readTimestamp;
  }

  /** Where it writes and would commit now; at or above readTimestamp. */
  get writeTimestamp(): Timestamp {
    return this.coordinator.writeTimestamp;
  }

  /** 'pending', 'restart-required' (after a retry error), 'committed' or 'aborted'. */
  get state(): TxnState {
    return this.coordinator.state;
  }

  /** The restart count: 0 for the first attempt. */
  get epoch(): number {
    return this.coordinator.currentEpoch;
  }

  /** Sets lock_timeout for later requests (undefined: wait as long as it takes). */
  setLockTimeout(lockTimeoutMs: number | undefined): void {
    this.lockTimeoutMsDefault = lockTimeoutMs;
  }

  async get(key: Key, options: TxnReadOptions = {}): Promise<Value | undefined> {
    const batch = new KvBatch();
    const ref = batch.get(key, options);
    return (await this.run(batch, options)).of(ref);
  }

  /** get(key, { lock: 'exclusive' }): SELECT ... FOR UPDATE of one key. */
  async getForUpdate(key: Key, options: WaitOptions & { readonly strength?: LockStrength } = {}): Promise<Value | undefined> {
    return this.get(key, { ...options, lock: options.strength ?? 'exclusive' });
  }

  async scan(span: KeySpan, options: TxnScanOptions = {}): Promise<ScanResult> {
    const batch = new KvBatch();
    const ref = batch.scan(span, options);
    return (await this.run(batch, options)).of(ref);
  }

  async put(key: Key, value: Value): Promise<void> {
    const batch = new KvBatch();
    batch.put(key, value);
    await this.run(batch);
  }

  /** Conditional put; see KvBatch.cput. A failed condition is KvError kind 'conditionFailed'. */
  async cput(key: Key, value: Value, expected: Value | undefined, options: WaitOptions = {}): Promise<void> {
    const batch = new KvBatch();
    batch.cput(key, value, expected);
    await this.run(batch, options);
  }

  /** Deletes key; whether it held a value. */
  async del(key: Key, options: WaitOptions = {}): Promise<boolean> {
    const batch = new KvBatch();
    const ref = batch.del(key);
    return (await this.run(batch, options)).of(ref);
  }

  /** Deletes every key of span; the keys that held a value. */
  async delRange(span: KeySpan, options: WaitOptions = {}): Promise<readonly Key[]> {
    const batch = new KvBatch();
    const ref = batch.delRange(span);
    return (await this.run(batch, options)).of(ref);
  }

  async increment(key: Key, by: bigint, options: WaitOptions = {}): Promise<bigint> {
    const batch = new KvBatch();
    const ref = batch.increment(key, by);
    return (await this.run(batch, options)).of(ref);
  }

  /** Locks a key or every existing key of a span until the transaction ends; the keys locked. */
  async lock(target: Key | KeySpan, strength: LockStrength, options: WaitOptions = {}): Promise<readonly Key[]> {
    const batch = new KvBatch();
    const ref = batch.lock(target, strength);
    return (await this.run(batch, options)).of(ref);
  }

  /** Sends every operation of batch in one round trip; all apply or none does. */
  async run(batch: KvBatch, options: WaitOptions = {}): Promise<BatchResults> {
    const requests = batch.takeRequests();
    return this.exclusive(async () => new BatchResults(await this.coordinator.send(requests, this.sendOptions(options))));
  }

  /** Commits (nothing is sent for a transaction that only read). */
  async commit(options: CommitOptions = {}): Promise<void> {
    await this.exclusive(() => this.coordinator.commit([], this.commitOptions(options)));
  }

  /**
   * Sends batch and commits in the same round trip. When batch holds every write of the
   * transaction, the server commits it in one phase: no record, no intents left to resolve.
   */
  async commitInBatch(batch: KvBatch, options: CommitOptions = {}): Promise<BatchResults> {
    const requests = batch.takeRequests();
    return this.exclusive(async () => new BatchResults(await this.coordinator.commit(requests, this.commitOptions(options))));
  }

  /** Aborts and cleans up. Harmless after an abort; a bug after a commit. */
  async rollback(): Promise<void> {
    await this.exclusive(() => this.coordinator.rollback());
  }

  /**
   * READ COMMITTED: call before each statement; it then reads what was committed before it
   * began. SERIALIZABLE: does nothing, so the SQL layer may call it for every statement.
   */
  stepReadTimestamp(): void {
    this.coordinator.stepReadTimestamp();
  }

  /** After a retry error: starts the next attempt (a new epoch at a fresh timestamp). */
  restart(): void {
    this.coordinator.restart();
  }

  /** SAVEPOINT: a point to roll back to. Costs nothing. */
  createSavepoint(): Savepoint {
    return this.coordinator.savepoint();
  }

  /**
   * ROLLBACK TO SAVEPOINT: the writes made since are undone (this transaction's reads no longer
   * see them; the commit drops them). Locks taken since are kept, and reads made since still
   * count for serializability. Works after a failed statement; after a retry error only for a
   * savepoint taken before the attempt wrote anything (which restarts the transaction).
   */
  async rollbackToSavepoint(savepoint: Savepoint): Promise<void> {
    await this.exclusive(async () => this.coordinator.rollbackToSavepoint(savepoint));
  }

  /** RELEASE SAVEPOINT: forgets it; the writes stay. Nothing to send. */
  releaseSavepoint(savepoint: Savepoint): void {
    assert(savepoint.txnId === this.id, 'a savepoint of another transaction');
  }

  private sendOptions(options: WaitOptions): { waitPolicy?: WaitPolicy; lockTimeoutMs?: number } {
    const lockTimeoutMs = options.lockTimeoutMs ?? this.lockTimeoutMsDefault;
    return {
      ...(options.waitPolicy === undefined ? {} : { waitPolicy: options.waitPolicy }),
      ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }),
    };
  }

  private commitOptions(options: CommitOptions): { waitPolicy?: WaitPolicy; lockTimeoutMs?: number; deadline?: Timestamp } {
    return { ...this.sendOptions(options), ...(options.deadline === undefined ? {} : { deadline: options.deadline }) };
  }

  /** Runs fn when no other operation of this transaction is in flight. */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy = true;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.busy = false;
      else next();
    }
  }
}

