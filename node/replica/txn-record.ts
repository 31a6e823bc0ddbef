/**
 * Transaction records: the one place where a transaction's fate is decided. A record lives in
 * range-local replicated state beside its anchor key (storage/keys.ts txnRecordKey) and moves
 *
 *     (absent) -> pending -> committed
 *                        \-> aborted
 *     (absent) -> aborted            (a pusher aborts a transaction that never wrote its record)
 *
 * committed and aborted are final: nothing moves a record out of them, so a replayed request can
 * never commit twice nor resurrect an aborted transaction. A pending record carries the latest
 * heartbeat; once it is older than the expiration, any pusher may abort it (its coordinator is
 * gone). A transaction without a record counts as pending with its minTimestamp as heartbeat.
 *
 * A finalized record stays while its intents are being resolved (lockSpans says where); then it is
 * deleted and the timestamp cache remembers, on the record's key, that it may not be created again.
 */
import { assert } from '../../common/assert.js';
import type {
  IsolationLevel,
  Span,
  TransactionAbortedReason,
  TxnId,
  TxnMeta,
  TxnRecordView,
  TxnStatus,
} from '../../proto/kv-api.js';
import type { Bytes } from '../../storage/engine.js';
import type { Timestamp } from '../../storage/hlc.js';
import { valueChecksum } from '../../storage/mvcc/checksum.js';
import { asTxnId } from '../../storage/mvcc/txn.js';
import { ByteSink, ByteSource, ByteSourceError } from './byte-codec.js';

export interface TxnRecord {
  readonly meta: TxnMeta;
  readonly status: TxnStatus;
  readonly lastHeartbeat: Timestamp;
  readonly abortReason?: TransactionAbortedReason;
  /** For a DEADLOCK abort: the transactions of the cycle, the victim first. */
  readonly deadlockCycle?: readonly TxnId[];
  /** The transaction that caused the abort (pusher), when one did. */
  readonly abortedBy?: TxnId;
  /** Finalized records: the spans whose intents are still to be resolved. */
  readonly lockSpans: readonly Span[];
  /** Committed records: the savepoint rollbacks that the remaining resolution must honour. */
  readonly ignoredSeqNums: readonly { readonly start: number; readonly end: number }[];
}

export function isFinalized(status: TxnStatus): boolean {
  return status === 'committed' || status === 'aborted';
}

/**
 * Whether a record in status `from` may be written in status `to`. Finalized records never change
 * status; the caller treats an attempt as a replay or a race that lost.
 */
export function canTransition(from: TxnStatus | 'absent', to: TxnStatus): boolean {
  switch (from) {
    case 'absent':
      return to === 'pending' || to === 'aborted' || to === 'committed' || to === 'staging';
    case 'pending':
      return true;
    case 'staging':
      return to === 'committed' || to === 'aborted' || to === 'staging';
    case 'committed':
    case 'aborted':
      return false;
  }
}

/**
 * Whether a pending transaction is abandoned: its last sign of life (the record's heartbeat, or
 * without a record its minTimestamp) is more than expirationNanos before now.
 */
export function isExpired(lastActive: Timestamp, now: Timestamp, expirationNanos: bigint): boolean {
  return lastActive.wallTime + expirationNanos < now.wallTime;
}

/** When a pending transaction last showed life. */
export function lastActive(view: TxnRecordView): Timestamp {
  return view.lastHeartbeat === undefined ? view.minTimestamp : view.minTimestamp.max(view.lastHeartbeat);
}

export function recordView(record: TxnRecord): TxnRecordView {
  return {
    ...record.meta,
    status: record.status,
    lastHeartbeat: record.lastHeartbeat,
    ...(record.abortReason === undefined ? {} : { abortReason: record.abortReason }),
    ...(record.ignoredSeqNums.length === 0 ? {} : { ignoredSeqNums: record.ignoredSeqNums }),
  };
}

/** A transaction that has no record (yet): pending, alive since its minTimestamp. */
export function absentRecordView(meta: TxnMeta): TxnRecordView {
  return { ...meta, status: 'pending' };
}

// ---------------------------------------------------------------------------------------------
// Encoding: version byte, then fields in order, then a 4-byte checksum of (key, body).

const RECORD_VERSION = 1;
const STATUS_CODES: Record<TxnStatus, number> = { pending: 1, staging: 2, committed: 3, aborted: 4 };
const ISOLATION_CODES: Record<IsolationLevel, number> = { serializable: 1, 'read-committed': 2 };
const ABORT_REASONS: readonly TransactionAbortedReason[] = [
  'ABORTED_RECORD_FOUND',
  'CLIENT_REJECT',
  'PUSHER_ABORTED',
  'DEADLOCK',
  'HEARTBEAT_EXPIRED',
  'PUSHED_BY_PRIORITY',
  'ABORT_SPAN',
  'ALREADY_COMMITTED_OR_ROLLED_BACK_POSSIBLE_REPLAY',
  'TIMESTAMP_CACHE_REJECTED',
];

function decodeFrom<T extends string>(table: Record<T, number>, code: number, what: string): T {
  for (const [name, value] of Object.entries(table) as [T, number][]) if (value === code) return name;
  throw new ByteSourceError(`unknown ${what} ${code}`);
}

/** Writes the fields of a TxnMeta (all of them). */
export function writeTxnMeta(sink: ByteSink, meta: TxnMeta): void {
  sink
    .string(meta.id)
    .bytes(meta.key)
    .u8(ISOLATION_CODES[meta.isolation])
    .u32(meta.epoch)
    .timestamp(meta.writeTimestamp)
    .timestamp(meta.minTimestamp)
    .u32(meta.priority)
    .u32(meta.sequence);
}

export function readTxnMeta(source: ByteSource): TxnMeta {
  return {
    id: asTxnId(source.string()),
    key: source.bytes(),
    isolation: decodeFrom(ISOLATION_CODES, source.u8(), 'isolation'),
    epoch: source.u32(),
    writeTimestamp: source.timestamp(),
    minTimestamp: source.timestamp(),
    priority: source.u32(),
    sequence: source.u32(),
  };
}

export function encodeTxnRecord(key: Bytes, record: TxnRecord): Uint8Array {
  const sink = new ByteSink().u8(RECORD_VERSION);
  writeTxnMeta(sink, record.meta);
  sink.u8(STATUS_CODES[record.status]).timestamp(record.lastHeartbeat);
  sink.u8(record.abortReason === undefined ? 0 : ABORT_REASONS.indexOf(record.abortReason) + 1);
  sink.string(record.abortedBy ?? '');
  sink.u32(record.deadlockCycle?.length ?? 0);
  for (const id of record.deadlockCycle ?? []) sink.string(id);
  sink.u32(record.lockSpans.length);
  for (const span of record.lockSpans) {
    sink.bytes(span.key).u8(span.endKey === undefined ? 0 : 1);
    if (span.endKey !== undefined) sink.bytes(span.endKey);
  }
  sink.u32(record.ignoredSeqNums.length);
  for (const range of record.ignoredSeqNums) sink.u32(range.start).u32(range.end);
  const body = sink.finish();
  const out = new Uint8Array(body.length + 4);
  out.set(body, 0);
  new DataView(out.buffer).setUint32(body.length, valueChecksum(key, body), false);
  return out;
}

/** Decodes a stored record; throws ByteSourceError when it is corrupt (checksum or layout). */
export function decodeTxnRecord(key: Bytes, stored: Bytes): TxnRecord {
  if (stored.length < 5) throw new ByteSourceError('transaction record too short');
  const body = stored.subarray(0, stored.length - 4);
  const checksum = new DataView(stored.buffer, stored.byteOffset, stored.byteLength).getUint32(stored.length - 4, false);
  if (checksum !== valueChecksum(key, body)) throw new ByteSourceError('transaction record checksum mismatch');
  const source = new ByteSource(body);
  const version = source.u8();
  if (version !== RECORD_VERSION) throw new ByteSourceError(`transaction record version ${version}`);
  const meta = readTxnMeta(source);
  const status = decodeFrom(STATUS_CODES, source.u8(), 'status');
  const lastHeartbeat = source.timestamp();
  const reasonCode = source.u8();
  const abortReason = reasonCode === 0 ? undefined : ABORT_REASONS[reasonCode - 1];
  if (reasonCode !== 0 && abortReason === undefined) throw new ByteSourceError(`unknown abort reason ${reasonCode}`);
  const abortedBy = source.string();
  const cycle: TxnId[] = [];
  for (let i = source.u32(); i > 0; i--) cycle.push(asTxnId(source.string()));
  const lockSpans: Span[] = [];
  for (let i = source.u32(); i > 0; i--) {
    const spanKey = source.bytes();
    lockSpans.push(source.u8() === 0 ? { key: spanKey } : { key: spanKey, endKey: source.bytes() });
  }
  const ignoredSeqNums: { start: number; end: number }[] = [];
  for (let i = source.u32(); i > 0; i--) ignoredSeqNums.push({ start: source.u32(), end: source.u32() });
  source.end();
  assert(meta.id.length > 0, 'a record always names its transaction');
  return {
    meta,
    status,
    lastHeartbeat,
    ...(abortReason === undefined ? {} : { abortReason }),
    ...(abortedBy === '' ? {} : { abortedBy: asTxnId(abortedBy) }),
    ...(cycle.length === 0 ? {} : { deadlockCycle: cycle }),
    lockSpans,
    ignoredSeqNums,
  };
}

/**
 * The details an intent carries (storage/mvcc TxnMeta.details) so that whoever meets it can find
 * the record and judge the transaction: the whole TxnMeta, as of the write.
 */
export function encodeIntentDetails(meta: TxnMeta): Uint8Array {
  const sink = new ByteSink().u8(RECORD_VERSION);
  writeTxnMeta(sink, meta);
  return sink.finish();
}

export function decodeIntentDetails(details: Bytes): TxnMeta {
  const source = new ByteSource(details);
  const version = source.u8();
  if (version !== RECORD_VERSION) throw new ByteSourceError(`intent details version ${version}`);
  const meta = readTxnMeta(source);
  source.end();
  return meta;
}
