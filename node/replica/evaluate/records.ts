/**
 * Reading and writing transaction records inside evaluation, and the rule for creating one.
 *
 * A record may be created only if its transaction cannot have finished already. When a finalized
 * record is deleted (its intents all resolved), the timestamp cache remembers the record's key at
 * that moment; a new replica's cache starts at its clock's now. A transaction whose minTimestamp is
 * at or below what the cache says for its record key may therefore have finished, and must not
 * start a record again: a replayed EndTxn or HeartbeatTxn is refused, and a pusher treats such a
 * transaction as aborted (it can never commit).
 */
import { assert } from '../../../common/assert.js';
import type { TransactionAbortedReason, TxnMeta, TxnRecordView, TxnStatus } from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import { txnRecordKey } from '../../../storage/keys.js';
import { ByteSourceError } from '../byte-codec.js';
import { throwKv } from '../kv-error.js';
import { canTransition, decodeTxnRecord, encodeTxnRecord, recordView, type TxnRecord } from '../txn-record.js';
import { pointRange, type EvalContext } from './context.js';

export function recordKeyOf(meta: TxnMeta): Bytes {
  return txnRecordKey(meta.key, meta.id);
}

export async function loadRecord(ctx: EvalContext, meta: TxnMeta): Promise<TxnRecord | undefined> {
  const key = recordKeyOf(meta);
  const stored = await ctx.rw.get(key);
  if (stored === undefined) return undefined;
  try {
    const record = decodeTxnRecord(key, stored);
    if (record.meta.id !== meta.id) throwKv({ type: 'storage', code: 'CORRUPT_DATA', key, message: `the record at the key of ${meta.id} names ${record.meta.id}` });
    return record;
  } catch (err) {
    if (err instanceof ByteSourceError) throwKv({ type: 'storage', code: 'CORRUPT_DATA', key, message: `transaction record of ${meta.id}: ${err.message}` });
    throw err;
  }
}

/**
 * Writes the record, which was in status `from` (absent: not stored), and tells the txn wait queue
 * (after the batch applies). A finalized record never changes: writing over one is a bug.
 */
export function storeRecord(ctx: EvalContext, record: TxnRecord, from: TxnStatus | 'absent'): TxnRecordView {
  assert(canTransition(from, record.status), `transaction record of ${record.meta.id} from ${from} to ${record.status}`);
  const key = recordKeyOf(record.meta);
  ctx.rw.put(key, encodeTxnRecord(key, record));
  const view = recordView(record);
  ctx.effects.recordsUpdated.push(view);
  return view;
}

/** Deletes a finalized record whose intents are all resolved. */
export function deleteRecord(ctx: EvalContext, meta: TxnMeta): void {
  ctx.rw.del(recordKeyOf(meta));
  // Remember that this transaction finished, so that its record is never created again. The mark
  // must reach the transaction's minTimestamp even when its clock ran ahead of this one.
  const mark = ctx.now.max(meta.writeTimestamp).max(meta.minTimestamp);
  ctx.effects.reads.push({ range: pointRange(recordKeyOf(meta)), ts: mark, txnId: meta.id });
}

/** Why a record of meta can no longer be created, or undefined when it can. */
export function recordCreationRefused(ctx: EvalContext, meta: TxnMeta): TransactionAbortedReason | undefined {
  const read = ctx.tscache.getMax(pointRange(recordKeyOf(meta)));
  if (read.ts.less(meta.minTimestamp)) return undefined;
  return read.txnId === meta.id ? 'ALREADY_COMMITTED_OR_ROLLED_BACK_POSSIBLE_REPLAY' : 'TIMESTAMP_CACHE_REJECTED';
}
