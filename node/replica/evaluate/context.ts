/**
 * What evaluation sees and produces. Evaluation is deterministic given the engine state and these
 * inputs (the clock reading `now` is an input, taken once per attempt): it reads through one
 * IndexedBatch, writes only into it, and describes every in-memory consequence as a side effect
 * that the replica carries out after the batch is durably applied. Nothing here mutates the
 * replica, so a batch could be proposed through Raft and applied elsewhere.
 */
import type { BatchHeader, Span, Transaction, TxnId, TxnMeta, TxnRecordView } from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import type { Timestamp } from '../../../storage/hlc.js';
import type { KeySpan } from '../../../storage/keys.js';
import type { IndexedBatch, MvccStats, TxnMeta as MvccTxnMeta } from '../../../storage/mvcc/index.js';
import type { LockHolder } from '../concurrency/lock-table.js';
import { keyNext, type KeyRange } from '../concurrency/spans.js';
import type { TimestampCache } from '../concurrency/timestamp-cache.js';
import type { TxnRecord } from '../txn-record.js';
import { encodeIntentDetails } from '../txn-record.js';

export interface ReplicaSettings {
  readonly rangeId: number;
  /** The keys this replica serves (MVCC keys). */
  readonly span: KeySpan;
  /** A pending transaction silent for longer than this may be aborted by any pusher. */
  readonly txnExpirationNanos: bigint;
  /** limits.ts endTxnLocalResolveKeysMax, lowered by tests. */
  readonly endTxnLocalResolveKeysMax: number;
}

/** In-memory consequences of a batch, carried out only after its writes are durable. */
export interface SideEffects {
  /** Timestamp cache entries: the batch read these ranges. */
  readonly reads: { readonly range: KeyRange; readonly ts: Timestamp; readonly txnId: TxnId | undefined }[];
  readonly locksAcquired: { readonly key: Bytes; readonly holder: LockHolder }[];
  /** Locks to drop: of one transaction, in ranges (all when absent), of one durability (all when absent). */
  readonly locksReleased: { readonly txnId: TxnId; readonly ranges?: readonly KeyRange[]; readonly durability?: 'replicated' }[];
  readonly intentsPushed: { readonly key: Bytes; readonly txnId: TxnId; readonly ts: Timestamp }[];
  /** Records written or found finalized: the txn wait queue wakes their waiters. */
  readonly recordsUpdated: TxnRecordView[];
  readonly abortSpanAdded: TxnId[];
  readonly abortSpanRemoved: TxnId[];
  /** Finalized records whose remaining intents are resolved asynchronously. */
  readonly asyncResolutions: TxnRecord[];
}

export function emptySideEffects(): SideEffects {
  return {
    reads: [],
    locksAcquired: [],
    locksReleased: [],
    intentsPushed: [],
    recordsUpdated: [],
    abortSpanAdded: [],
    abortSpanRemoved: [],
    asyncResolutions: [],
  };
}

export interface EvalContext {
  readonly rw: IndexedBatch;
  /** The batch's MVCC stats delta. */
  readonly stats: MvccStats;
  readonly now: Timestamp;
  readonly settings: ReplicaSettings;
  readonly header: BatchHeader;
  /** The transaction as evaluation moves it (pushed write timestamp, status after EndTxn). */
  txn: Transaction | undefined;
  /** Non-transactional batches: where they read and write. */
  readonly timestamp: Timestamp;
  /** Read only: consulted for pushes and record creation; updates go through effects.reads. */
  readonly tscache: TimestampCache;
  /** The transactions waiting on txnId (QueryTxn). */
  readonly waitersOf: (txnId: TxnId) => TxnId[];
  readonly effects: SideEffects;
  /** Set by a non-transactional write pushed above the batch timestamp: evaluate again there. */
  retryAt: Timestamp | undefined;
  detailsCache?: { readonly txn: Transaction; readonly details: Uint8Array };
}

export function readTimestamp(ctx: EvalContext): Timestamp {
  return ctx.txn?.readTimestamp ?? ctx.timestamp;
}

export function writeTimestamp(ctx: EvalContext): Timestamp {
  return ctx.txn?.writeTimestamp ?? ctx.timestamp;
}

export function txnMetaOf(txn: Transaction): TxnMeta {
  return {
    id: txn.id,
    key: txn.key,
    isolation: txn.isolation,
    epoch: txn.epoch,
    writeTimestamp: txn.writeTimestamp,
    minTimestamp: txn.minTimestamp,
    priority: txn.priority,
    sequence: txn.sequence,
  };
}

/** The transaction as the MVCC layer sees it, for reads. */
export function mvccReader(ctx: EvalContext): MvccTxnMeta | undefined {
  const txn = ctx.txn;
  if (txn === undefined) return undefined;
  return { id: txn.id, epoch: txn.epoch, writeTimestamp: txn.writeTimestamp, ignoredSeqNums: txn.ignoredSeqNums };
}

/** The transaction as the MVCC layer sees it, for a write at sequence (the intent carries the details). */
export function mvccWriter(ctx: EvalContext, sequence: number | undefined): MvccTxnMeta | undefined {
  const txn = ctx.txn;
  if (txn === undefined) return undefined;
  if (ctx.detailsCache?.txn !== txn) ctx.detailsCache = { txn, details: encodeIntentDetails(txnMetaOf(txn)) };
  return {
    id: txn.id,
    epoch: txn.epoch,
    writeTimestamp: txn.writeTimestamp,
    sequence: sequence ?? txn.sequence,
    ignoredSeqNums: txn.ignoredSeqNums,
    details: ctx.detailsCache.details,
  };
}

export function pointRange(key: Bytes): KeyRange {
  return { start: key, end: keyNext(key) };
}

export function spanRange(span: Span): KeyRange {
  return span.endKey === undefined ? pointRange(span.key) : { start: span.key, end: span.endKey };
}

/** Records that the batch read range at ts (the timestamp cache gets it after the batch applies). */
export function recordRead(ctx: EvalContext, range: KeyRange, ts: Timestamp): void {
  ctx.effects.reads.push({ range, ts, txnId: ctx.txn?.id });
}

/**
 * Before writing range: moves the write timestamp above any read of another transaction (the
 * timestamp cache). A transaction writes on at the pushed timestamp and learns of it in the
 * response; a non-transactional batch is evaluated again at the pushed timestamp.
 */
export function pushWriteAboveReads(ctx: EvalContext, range: KeyRange): void {
  const txn = ctx.txn;
  const pushed = ctx.tscache.pushedWriteTimestamp(range, writeTimestamp(ctx), txn?.id);
  if (pushed === undefined) return;
  if (txn !== undefined) ctx.txn = { ...txn, writeTimestamp: pushed };
  else ctx.retryAt = ctx.retryAt === undefined ? pushed : ctx.retryAt.max(pushed);
}

/** Records the intent txn wrote on key (the lock table learns it after the batch applies). */
export function recordIntent(ctx: EvalContext, key: Bytes): void {
  const txn = ctx.txn;
  if (txn === undefined) return;
  ctx.effects.locksAcquired.push({
    key,
    holder: { txn: txnMetaOf(txn), strength: 'exclusive', durability: 'replicated', ts: txn.writeTimestamp },
  });
}
