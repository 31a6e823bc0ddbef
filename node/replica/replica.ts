/**
 * A replica of one range: serves BatchRequests on its span.
 *
 * The path of a batch (send):
 * 1. validate it; ratchet the clock to the sender's;
 * 2. sequence: acquire latches on every span it touches, then check the lock table; on a
 *    conflicting lock, drop the latches and wait for the lock while pushing its holder
 *    (concurrency/lock-waiter.ts), then sequence again;
 * 3. evaluate every request against one IndexedBatch (evaluate/): deterministic, writes only into
 *    the batch; an intent met here joins the lock table and the batch waits as in 2; a write too
 *    old or a pushed timestamp may evaluate the batch again higher (non-transactional batches, or
 *    transactions that allow it) up to serverSideRetriesMax;
 * 4. apply: the batch's writes and the new applied state in one engine write (apply-queue.ts,
 *    group-committed with concurrent batches), then the in-memory side effects (timestamp cache,
 *    lock table, txn wait queue, abort span, async resolution); then release the latches.
 *
 * A PushTxn additionally waits in the txn wait queue while its pushee is pending and alive
 * (concurrency/push-waiter.ts).
 *
 * Evaluation (3) and application (4) are apart so that later the batch from 3 is what a leaseholder
 * proposes through Raft and 4 is what every replica applies.
 */
import { assert } from '../../common/assert.js';
import type {
  BatchRequest,
  BatchResponse,
  KvError,
  RequestUnion,
  ResponseUnion,
  Transaction,
  TxnId,
  TxnRecordView,
} from '../../proto/kv-api.js';
import type { Engine } from '../../storage/engine.js';
import { ClockOffsetError, type Clock, type Timestamp } from '../../storage/hlc.js';
import { decodeAbortSpanKey, decodeRangeLocalKey, rangeIdLocalSuffixSpan, rangeKeyLocalSpan, txnRecordKey, type KeySpan } from '../../storage/keys.js';
import { IndexedBatch, WriteIntentError, WriteTooOldError, computeStats, emptyStats, type IntentConflict, type MvccStats } from '../../storage/mvcc/index.js';
import { ApplyQueue } from './apply-queue.js';
import { loadAppliedState } from './applied-state.js';
import { LatchManager } from './concurrency/latch-manager.js';
import { waitForLock } from './concurrency/lock-waiter.js';
import { LockTable, LockTableFullError, type LockConflictFound } from './concurrency/lock-table.js';
import { pushWithWait } from './concurrency/push-waiter.js';
import { TimestampCache } from './concurrency/timestamp-cache.js';
import { TxnWaitQueue, TxnWaitQueueFullError } from './concurrency/txn-wait-queue.js';
import { declareSpans } from './declare-spans.js';
import { emptySideEffects, pointRange, readTimestamp, type EvalContext, type ReplicaSettings, type SideEffects } from './evaluate/context.js';
import { evaluateRequest } from './evaluate/index.js';
import { deleteRecord, loadRecord } from './evaluate/records.js';
import { IntentResolver } from './intent-resolver.js';
import type { InternalSender, SendOptions } from './internal-sender.js';
import { KvErrorThrown, kvErrorFromLower, limitExceeded, transactionAborted } from './kv-error.js';
import { abortSpanEntriesMax, endTxnLocalResolveKeysMax, finalizedTxnsRememberedMax, serverSideRetriesMax } from './limits.js';
import type { Timers } from './timers.js';
import { validateBatch } from './validate.js';
import { decodeIntentDetails, decodeTxnRecord, isFinalized, type TxnRecord } from './txn-record.js';

export interface ReplicaOptions {
  readonly engine: Engine;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly rangeId: number;
  readonly span: KeySpan;
  readonly txnExpirationNanos: bigint;
  readonly syncWrites: boolean;
  /** Where pushes and resolutions go (the store, which routes them to the right replica). */
  readonly router: InternalSender;
  /** Failures of background work (asynchronous resolution). */
  readonly onBackgroundError?: (err: unknown) => void;
  /** Tests only: a smaller endTxnLocalResolveKeysMax, to reach asynchronous resolution cheaply. */
  readonly endTxnLocalResolveKeysMax?: number;
}

/** Requests that do not read or write user data as the transaction: the abort span does not stop them. */
const TXN_CONTROL: ReadonlySet<RequestUnion['type']> = new Set(['endTxn', 'heartbeatTxn', 'pushTxn', 'queryTxn', 'resolveIntent', 'resolveIntentRange']);

type Evaluated =
  | { readonly kind: 'done'; readonly response: BatchResponse }
  | { readonly kind: 'conflict'; readonly conflict: LockConflictFound; readonly readTs: Timestamp | undefined };

export class Replica {
  readonly settings: ReplicaSettings;
  readonly latches = new LatchManager();
  readonly lockTable = new LockTable();
  readonly tscache: TimestampCache;
  readonly txnWaitQueue: TxnWaitQueue;
  private readonly applyQueue: ApplyQueue;
  private readonly resolver: IntentResolver;
  private readonly abortSpan = new Set<TxnId>();
  private readonly finalizedLately = new Map<TxnId, TxnRecordView>();
  private readonly leftToResolve: TxnRecord[] = [];
  private closed = false;

  private constructor(
    private readonly options: ReplicaOptions,
    applied: { appliedIndex: number; stats: MvccStats },
  ) {
    this.settings = {
      rangeId: options.rangeId,
      span: options.span,
      txnExpirationNanos: options.txnExpirationNanos,
      endTxnLocalResolveKeysMax: options.endTxnLocalResolveKeysMax ?? endTxnLocalResolveKeysMax,
    };
    // Nothing is known of reads before this replica started: everything counts as read until now.
    this.tscache = new TimestampCache(options.clock.now());
    this.txnWaitQueue = new TxnWaitQueue(options.timers);
    this.applyQueue = new ApplyQueue(options.engine, options.rangeId, applied, options.syncWrites);
    this.resolver = new IntentResolver({
      router: options.router,
      clock: options.clock,
      cleanupRecord: (record) => this.cleanupRecord(record),
      onError: (err) => options.onBackgroundError?.(err),
    });
  }

  /** Opens the replica over its engine: reads the applied state, the abort span and the records left to resolve. */
  static async open(options: ReplicaOptions): Promise<Replica> {
    const applied = (await loadAppliedState(options.engine, options.rangeId)) ?? {
      appliedIndex: 0,
      stats: await computeStats(options.engine, options.span),
    };
    const replica = new Replica(options, applied);
    const abortSpan = rangeIdLocalSuffixSpan(options.rangeId, 'abortSpan');
    for await (const { key } of options.engine.iterator(abortSpan)) {
      const txnId = decodeAbortSpanKey(options.rangeId, key);
      if (txnId !== undefined) replica.rememberAborted(txnId as TxnId);
    }
    for await (const { key, value } of options.engine.iterator(rangeKeyLocalSpan(options.span))) {
      if (decodeRangeLocalKey(key)?.suffix !== 'txnRecord') continue;
      const record = decodeTxnRecord(key, value);
      if (isFinalized(record.status)) replica.leftToResolve.push(record);
    }
    return replica;
  }

  /**
   * Starts background work once the router can reach this replica: the resolution of the intents
   * that finalized records found at open still name.
   */
  start(): void {
    for (const record of this.leftToResolve.splice(0)) this.resolver.enqueue(record);
  }

  get stats(): MvccStats {
    return { ...this.applyQueue.applied.stats };
  }

  get appliedIndex(): number {
    return this.applyQueue.applied.appliedIndex;
  }

  /** Batches applied and engine writes issued (their ratio is the group-commit factor). */
  get applyCounts(): { readonly batches: number; readonly engineWrites: number } {
    return { batches: this.applyQueue.batchesApplied, engineWrites: this.applyQueue.engineWrites };
  }

  /** Resolves when asynchronous intent resolution has nothing left to do (tests). */
  resolverIdle(): Promise<void> {
    return this.resolver.idle();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.resolver.close();
    this.txnWaitQueue.cancelAll();
    // Let an engine write in flight finish: nothing half-applied stays in memory.
    await this.applyQueue.idle();
  }

  async send(batch: BatchRequest, options: SendOptions = {}): Promise<BatchResponse> {
    try {
      if (this.closed) return this.errorResponse(batch.header.txn, { type: 'unavailable', message: 'the replica is closed' });
      this.admit(batch);
      if (batch.requests[0]?.type === 'pushTxn') {
        return await pushWithWait(
          {
            queue: this.txnWaitQueue,
            clock: this.options.clock,
            router: this.options.router,
            txnExpirationNanos: this.options.txnExpirationNanos,
            evaluate: (b) => this.execute(b),
            finalizedLately: (txnId) => this.finalizedLately.get(txnId),
            errorResponse: (b, error) => this.errorResponse(b.header.txn, error),
          },
          batch,
          options.signal,
        );
      }
      return await this.execute(batch);
    } catch (err) {
      const error = err instanceof TxnWaitQueueFullError ? limitExceeded('txnWaitQueuePushersMax', err.message) : kvErrorFromLower(err);
      if (error === undefined) throw err;
      return this.errorResponse(batch.header.txn, error);
    }
  }

  /** Sequences and evaluates a batch, waiting on locks as needed; never waits in the txn wait queue. */
  private async execute(batch: BatchRequest): Promise<BatchResponse> {
    const { header } = batch;
    const txn = header.txn;
    const ts = txn === undefined ? (header.timestamp ?? this.options.clock.now()) : undefined;
    for (;;) {
      if (this.closed) return this.errorResponse(txn, { type: 'unavailable', message: 'the replica is closed' });
      if (txn !== undefined && this.abortSpan.has(txn.id) && batch.requests.some((r) => !TXN_CONTROL.has(r.type))) {
        return this.errorResponse(txn, transactionAborted(txn.id, 'ABORT_SPAN'));
      }
      const readTs = txn?.readTimestamp ?? (ts as Timestamp);
      const declared = declareSpans(batch.requests, readTs, () => (txn !== undefined && txn.key.length > 0 ? txnRecordKey(txn.key, txn.id) : undefined));
      const guard = await this.latches.acquire(declared.latches);
      let conflict: LockConflictFound | undefined;
      let waitReadTs: Timestamp | undefined;
      try {
        for (const lock of declared.locks) {
          conflict = this.lockTable.findConflict(lock.range, lock.access, txn?.id);
          if (conflict !== undefined) {
            waitReadTs = lock.access.kind === 'read' ? lock.access.ts : undefined;
            break;
          }
        }
        if (conflict === undefined) {
          const evaluated = await this.evaluateAndApply(batch, ts);
          if (evaluated.kind === 'done') return evaluated.response;
          conflict = evaluated.conflict;
          waitReadTs = evaluated.readTs;
        }
      } finally {
        this.latches.release(guard);
      }
      await waitForLock(
        { lockTable: this.lockTable, timers: this.options.timers, clock: this.options.clock, router: this.options.router },
        conflict,
        { header, txn, readTs: waitReadTs },
      );
    }
  }

  /** Evaluates under the latches held by the caller, again higher when allowed, and applies. */
  private async evaluateAndApply(batch: BatchRequest, initialTs: Timestamp | undefined): Promise<Evaluated> {
    const { header, requests } = batch;
    let txn = header.txn;
    let ts = initialTs ?? (txn as Transaction).readTimestamp;
    for (let attempt = 0; ; attempt++) {
      const ctx = this.newContext(batch, txn, ts);
      const retriesLeft = attempt < serverSideRetriesMax;
      let index = 0;
      try {
        const responses: ResponseUnion[] = [];
        for (; index < requests.length; index++) responses.push(await evaluateRequest(ctx, requests[index] as RequestUnion));
        if (ctx.retryAt !== undefined) {
          // A non-transactional write was pushed above the batch's timestamp: all of it moves there.
          if (!retriesLeft) return { kind: 'done', response: this.errorResponse(txn, tooOldAfterRetries(ctx.retryAt)) };
          ts = ctx.retryAt;
          continue;
        }
        const moved = ctx.txn;
        if (moved !== undefined && header.canForwardReadTimestamp === true && moved.readTimestamp.less(moved.writeTimestamp) && retriesLeft) {
          // A server-side refresh: nothing was read before this batch, so it may all read higher.
          txn = { ...(txn as Transaction), readTimestamp: moved.writeTimestamp, writeTimestamp: moved.writeTimestamp };
          continue;
        }
        const failure = await this.apply(ctx);
        if (failure !== undefined) return { kind: 'done', response: this.errorResponse(txn, failure) };
        const now = this.options.clock.now();
        return { kind: 'done', response: { kind: 'ok', header: { ...(ctx.txn === undefined ? {} : { txn: ctx.txn }), timestamp: ts, now }, responses } };
      } catch (err) {
        if (err instanceof WriteIntentError) return this.discovered(ctx, requests[index] as RequestUnion, err.intents);
        if (err instanceof WriteTooOldError && retriesLeft) {
          if (txn === undefined) {
            ts = ts.max(err.actualTimestamp);
            continue;
          }
          if (header.canForwardReadTimestamp === true) {
            const to = (ctx.txn ?? txn).writeTimestamp.max(err.actualTimestamp);
            txn = { ...txn, readTimestamp: to, writeTimestamp: to };
            continue;
          }
        }
        const error = err instanceof LockTableFullError ? limitExceeded('lockTableKeysMax', err.message) : kvErrorFromLower(err);
        if (error === undefined) throw err;
        return { kind: 'done', response: this.errorResponse(ctx.txn ?? txn, error, index) };
      }
    }
  }

  private newContext(batch: BatchRequest, txn: Transaction | undefined, ts: Timestamp): EvalContext {
    return {
      rw: new IndexedBatch(this.options.engine),
      stats: emptyStats(),
      now: this.options.clock.now(),
      settings: this.settings,
      header: batch.header,
      txn,
      timestamp: ts,
      tscache: this.tscache,
      waitersOf: (txnId) => this.txnWaitQueue.waitersOf(txnId),
      effects: emptySideEffects(),
      retryAt: undefined,
    };
  }

  /** Intents met during evaluation join the lock table; the batch then waits on the first. */
  private discovered(ctx: EvalContext, request: RequestUnion, intents: readonly IntentConflict[]): Evaluated {
    let first: LockConflictFound | undefined;
    for (const intent of intents) {
      if (intent.details === undefined) {
        throw new KvErrorThrown({ type: 'storage', code: 'CORRUPT_DATA', key: intent.key, message: 'an intent without its transaction details' });
      }
      const stored = decodeIntentDetails(intent.details);
      const txn = { ...stored, epoch: intent.epoch, writeTimestamp: stored.writeTimestamp.max(intent.timestamp) };
      const holder = { txn, strength: 'exclusive' as const, durability: 'replicated' as const, ts: intent.timestamp };
      this.lockTable.acquire(intent.key, holder);
      first ??= { key: intent.key, holder };
    }
    assert(first !== undefined, 'a WriteIntentError names at least one intent');
    const plainRead = (request.type === 'get' || request.type === 'scan') && request.lockStrength === undefined;
    return { kind: 'conflict', conflict: first, readTs: plainRead ? readTimestamp(ctx) : undefined };
  }

  /** Applies the evaluated batch: locks first (they can fail), then the engine write, then the effects. */
  private async apply(ctx: EvalContext): Promise<KvError | undefined> {
    for (const { key, holder } of ctx.effects.locksAcquired) {
      if (holder.durability !== 'unreplicated') continue;
      try {
        this.lockTable.acquire(key, holder);
      } catch (err) {
        if (err instanceof LockTableFullError) return limitExceeded('lockTableKeysMax', err.message);
        throw err;
      }
    }
    const ops = ctx.rw.ops();
    if (ops.length > 0) await this.applyQueue.apply(ops, ctx.stats);
    this.applySideEffects(ctx.effects);
    return undefined;
  }

  private applySideEffects(effects: SideEffects): void {
    for (const read of effects.reads) this.tscache.add(read.range, read.ts, read.txnId);
    for (const { key, holder } of effects.locksAcquired) if (holder.durability === 'replicated') this.lockTable.acquire(key, holder);
    for (const release of effects.locksReleased) {
      this.lockTable.releaseTxn(release.txnId, {
        ...(release.ranges === undefined ? {} : { ranges: release.ranges }),
        ...(release.durability === undefined ? {} : { durability: release.durability }),
      });
    }
    for (const pushed of effects.intentsPushed) this.lockTable.updateTimestamp(pushed.key, pushed.txnId, pushed.ts);
    for (const txnId of effects.abortSpanAdded) this.rememberAborted(txnId);
    for (const txnId of effects.abortSpanRemoved) this.abortSpan.delete(txnId);
    for (const view of effects.recordsUpdated) {
      if (isFinalized(view.status)) this.rememberFinalized(view);
      this.txnWaitQueue.onRecordUpdated(view);
    }
    for (const record of effects.asyncResolutions) this.resolver.enqueue(record);
  }

  private rememberAborted(txnId: TxnId): void {
    this.abortSpan.add(txnId);
    if (this.abortSpan.size > abortSpanEntriesMax) {
      const oldest = this.abortSpan.values().next().value;
      if (oldest !== undefined) this.abortSpan.delete(oldest);
    }
  }

  private rememberFinalized(view: TxnRecordView): void {
    this.finalizedLately.delete(view.id);
    this.finalizedLately.set(view.id, view);
    if (this.finalizedLately.size > finalizedTxnsRememberedMax) {
      const oldest = this.finalizedLately.keys().next().value;
      if (oldest !== undefined) this.finalizedLately.delete(oldest);
    }
  }

  /** Deletes a finalized record once the resolver has resolved its intents. */
  private async cleanupRecord(record: TxnRecord): Promise<void> {
    const key = txnRecordKey(record.meta.key, record.meta.id);
    const guard = await this.latches.acquire([{ ...pointRange(key), access: 'write' }]);
    try {
      if (this.closed) return;
      const ctx = this.newContext({ header: {}, requests: [] }, undefined, this.options.clock.now());
      const stored = await loadRecord(ctx, record.meta);
      if (stored === undefined || !isFinalized(stored.status)) return;
      deleteRecord(ctx, stored.meta);
      await this.apply(ctx);
    } finally {
      this.latches.release(guard);
    }
  }

  /** Validates the batch and moves the clock past the sender's (the HLC receive rule). */
  private admit(batch: BatchRequest): void {
    validateBatch(batch, this.settings.span);
    const now = batch.header.now;
    if (now === undefined) return;
    try {
      this.options.clock.update(now);
    } catch (err) {
      if (err instanceof ClockOffsetError) throw new KvErrorThrown({ type: 'invalidRequest', message: err.message });
      throw err;
    }
  }

  errorResponse(txn: Transaction | undefined, error: KvError, index?: number): BatchResponse {
    const now = this.options.clock.now();
    return {
      kind: 'error',
      header: { ...(txn === undefined ? {} : { txn }), timestamp: txn?.writeTimestamp ?? now, now },
      error,
      ...(index === undefined ? {} : { index }),
    };
  }
}

function tooOldAfterRetries(ts: Timestamp): KvError {
  return {
    type: 'writeTooOld',
    key: new Uint8Array(0),
    timestamp: ts,
    actualTimestamp: ts,
    message: `a non-transactional batch was pushed ${serverSideRetriesMax} times by concurrent reads; retry at ${ts.toString()}`,
  };
}
