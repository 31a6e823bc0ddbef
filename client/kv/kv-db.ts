/**
 * KvDB: the SQL layer's handle on the KV layer. It starts transactions (`newTxn`, or `txn(fn)`,
 * which also retries), and runs non-transactional operations for system work (each one batch,
 * atomic on its own, at the server's current time).
 *
 * It reaches the data through one KvSender: the in-process server today; a sender that routes
 * each batch to its ranges' leaseholders over gRPC in the cluster. Nothing above this file knows
 * which.
 */
import { randomUUID } from 'node:crypto';
import { assert } from '../../common/assert.js';
import {
  TXN_HEARTBEAT_INTERVAL_MS,
  TXN_PRIORITY_MAX,
  TXN_PRIORITY_MIN,
  TXN_PRIORITY_NORMAL,
  type BatchHeader,
  type IsolationLevel,
  type Key,
  type KvSender,
  type RequestUnion,
  type ResponseUnion,
  type TxnId,
  type Value,
} from '../../proto/kv-api.js';
import type { Clock, Timestamp } from '../../storage/hlc.js';
import type { KeySpan } from '../../storage/keys.js';
import { asTxnId } from '../../storage/mvcc/txn.js';
import { BatchResults, KvBatch, type ScanOptions, type ScanResult } from './batch.js';
import { KvError, isRetryableKvError } from './errors.js';
import { KvTxn, type WaitOptions } from './kv-txn.js';
import { batchRetriesMax, txnAttemptsMax } from './limits.js';
import { realTimers, type Timers } from './timers.js';
import { TxnCoordinator } from './txn-coordinator.js';

export interface KvDBOptions {
  readonly sender: KvSender;
  /** The router's clock: transactions begin at its now(), and every answer ratchets it. */
  readonly clock: Clock;
  /** Timers for heartbeats; tests inject manual ones. */
  readonly timers?: Timers;
  readonly heartbeatIntervalMs?: number;
  /** Transaction ids; random UUIDs unless a test wants them predictable. */
  readonly newTxnId?: () => TxnId;
}

/**
 * low and high map to the protocol's extremes: a high-priority transaction pushes (aborts or
 * moves) a normal one instead of waiting for it; a low one is pushed by everyone.
 */
export type TxnPriority = 'low' | 'normal' | 'high';

const PRIORITIES: Record<TxnPriority, number> = { low: TXN_PRIORITY_MIN, normal: TXN_PRIORITY_NORMAL, high: TXN_PRIORITY_MAX };

export interface TxnOptions {
  /** SERIALIZABLE unless asked otherwise. */
  readonly isolation?: IsolationLevel;
  readonly priority?: TxnPriority;
  /** Shown with the transaction in the server's introspection. */
  readonly name?: string;
  /** lock_timeout for every request of the transaction (55P03 when it runs out). */
  readonly lockTimeoutMs?: number;
}

export interface RunTxnOptions extends TxnOptions {
  /** Attempts before the last retryable error is reported; default txnAttemptsMax. */
  readonly attemptsMax?: number;
  /** Called before each new attempt, with the error that ended the previous one. */
  readonly onRetry?: (error: KvError, attempt: number) => void;
}

export class KvDB {
  private readonly sender: KvSender;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly heartbeatIntervalMs: number;
  private readonly newTxnId: () => TxnId;
  private readonly open = new Set<TxnCoordinator>();
  private readonly background = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: KvDBOptions) {
    this.sender = options.sender;
    this.clock = options.clock;
    this.timers = options.timers ?? realTimers;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? TXN_HEARTBEAT_INTERVAL_MS;
    this.newTxnId = options.newTxnId ?? (() => asTxnId(randomUUID()));
  }

  /** Transactions begun and not yet finished. */
  get openTxnCount(): number {
    return this.open.size;
  }

  /** Begins a transaction at the clock's now. The caller commits or rolls it back. */
  newTxn(options: TxnOptions = {}): KvTxn {
    assert(!this.closed, 'KvDB is closed');
    const coordinator = new TxnCoordinator(
      {
        sender: this.sender,
        clock: this.clock,
        timers: this.timers,
        heartbeatIntervalMs: this.heartbeatIntervalMs,
        track: (work) => this.track(work),
        onFinished: (finished) => this.open.delete(finished),
      },
      {
        id: this.newTxnId(),
        isolation: options.isolation ?? 'serializable',
        priority: PRIORITIES[options.priority ?? 'normal'],
        name: options.name,
      },
    );
    this.open.add(coordinator);
    return new KvTxn(coordinator, options.lockTimeoutMs);
  }

  /**
   * Runs fn in a transaction and commits it (unless fn did), retrying the whole of fn on a
   * retryable error (a restart or an abort: SQLSTATE 40001/40P01). fn must therefore be safe to
   * run again: it may only have effects through the transaction. Any other error rolls back and
   * is rethrown.
   */
  async txn<T>(fn: (txn: KvTxn) => Promise<T>, options: RunTxnOptions = {}): Promise<T> {
    const attemptsMax = options.attemptsMax ?? txnAttemptsMax;
    let txn = this.newTxn(options);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await fn(txn);
        if (txn.state !== 'committed') await txn.commit();
        return result;
      } catch (err) {
        if (!isRetryableKvError(err) || attempt >= attemptsMax) {
          await this.rollbackQuietly(txn);
          throw err;
        }
        options.onRetry?.(err, attempt);
        if (txn.state === 'aborted' || txn.state === 'committed') txn = this.newTxn(options);
        else txn.restart();
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Non-transactional operations: each is one atomic batch at the server's current time.

  async get(key: Key): Promise<Value | undefined> {
    const batch = new KvBatch();
    const ref = batch.get(key);
    return (await this.run(batch)).of(ref);
  }

  async scan(span: KeySpan, options: Omit<ScanOptions, 'lock'> = {}): Promise<ScanResult> {
    const batch = new KvBatch();
    const ref = batch.scan(span, options);
    return (await this.run(batch)).of(ref);
  }

  async put(key: Key, value: Value): Promise<void> {
    const batch = new KvBatch();
    batch.put(key, value);
    await this.run(batch);
  }

  async cput(key: Key, value: Value, expected: Value | undefined): Promise<void> {
    const batch = new KvBatch();
    batch.cput(key, value, expected);
    await this.run(batch);
  }

  async del(key: Key): Promise<boolean> {
    const batch = new KvBatch();
    const ref = batch.del(key);
    return (await this.run(batch)).of(ref);
  }

  async delRange(span: KeySpan): Promise<readonly Key[]> {
    const batch = new KvBatch();
    const ref = batch.delRange(span);
    return (await this.run(batch)).of(ref);
  }

  async increment(key: Key, by: bigint): Promise<bigint> {
    const batch = new KvBatch();
    const ref = batch.increment(key, by);
    return (await this.run(batch)).of(ref);
  }

  /**
   * Runs a batch outside any transaction: atomic, at one timestamp. Locks are a transaction's
   * and not allowed here. Meeting a lock, it waits like a transaction would.
   */
  async run(batch: KvBatch, options: WaitOptions = {}): Promise<BatchResults> {
    const requests = batch.takeRequests();
    assert(
      requests.every((request) => request.type !== 'lock' && !('lockStrength' in request && request.lockStrength !== undefined)),
      'locks belong to transactions',
    );
    return new BatchResults(await this.sendNonTransactional(requests, options));
  }

  private async sendNonTransactional(requests: readonly RequestUnion[], options: WaitOptions): Promise<readonly ResponseUnion[]> {
    let timestamp: Timestamp | undefined;
    for (let attempt = 0; ; attempt++) {
      const header: BatchHeader = {
        now: this.clock.now(),
        ...(timestamp === undefined ? {} : { timestamp }),
        ...(options.waitPolicy === undefined ? {} : { waitPolicy: options.waitPolicy }),
        ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
      };
      const response = await this.sender.send({ header, requests });
      this.clock.update(response.header.now);
      if (response.kind === 'ok') return response.responses;
      // A version above the server's clock (a transaction committed at a pushed timestamp):
      // the batch, being its own transaction, may simply happen above it.
      if (response.error.type === 'writeTooOld' && attempt < batchRetriesMax) {
        timestamp = response.error.actualTimestamp;
        continue;
      }
      throw new KvError(response.error, { index: response.index });
    }
  }

  /**
   * Rolls back every open transaction (their heartbeats stop) and waits for background cleanup.
   * The sender is the caller's to close afterwards.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const coordinator of [...this.open]) this.track(coordinator.rollback());
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  private track(work: Promise<unknown>): void {
    // Background cleanup is best effort: the server cleans up after an expired record anyway.
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.background.add(settled);
    void settled.then(() => this.background.delete(settled));
  }

  private async rollbackQuietly(txn: KvTxn): Promise<void> {
    if (txn.state === 'committed') return;
    try {
      await txn.rollback();
    } catch {
      // The error that ended fn is the one to report; an unreachable record expires on its own.
    }
  }
}
