/**
 * PushTxn: a request that met another transaction's intent or lock asks that transaction to move
 * out of its way: above its read timestamp (a timestamp push: the reader may then read under the
 * intent), or out altogether (an abort push: the writer may then remove the intent).
 *
 * Against a finalized pushee the push succeeds at once (the pusher resolves what it met). Against
 * a pending one it succeeds when
 * - the pushee expired: no heartbeat (or, without a record, no sign of life since its
 *   minTimestamp) for txnExpiration: its coordinator is gone, and it is aborted;
 * - the push is forced (deadlock breaking), or the priorities allow it (only the extremes win,
 *   as in CockroachDB: TXN_PRIORITY_MAX against anything lower, anything against TXN_PRIORITY_MIN);
 * - it is a timestamp push and the pushee is read committed, which tolerates its commit timestamp
 *   moving (its reads are per statement).
 * Otherwise it fails with transactionPush, and the replica makes the pusher wait in the txn wait
 * queue until something changes. A touch push only ever succeeds against finalized or expired
 * pushees.
 */
import {
  TXN_PRIORITY_MAX,
  TXN_PRIORITY_MIN,
  type PushTxnRequest,
  type PushTxnResponse,
  type TransactionAbortedReason,
  type TxnMeta,
  type TxnRecordView,
} from '../../../proto/kv-api.js';
import { throwKv } from '../kv-error.js';
import { absentRecordView, isExpired, isFinalized, lastActive, recordView, type TxnRecord } from '../txn-record.js';
import type { EvalContext } from './context.js';
import { loadRecord, recordCreationRefused, storeRecord } from './records.js';

export function canPushWithPriority(pusher: number, pushee: number): boolean {
  return (pusher === TXN_PRIORITY_MAX && pushee < TXN_PRIORITY_MAX) || (pusher > TXN_PRIORITY_MIN && pushee === TXN_PRIORITY_MIN);
}

export async function evaluatePushTxn(ctx: EvalContext, request: PushTxnRequest): Promise<PushTxnResponse> {
  const pushee = request.pusheeTxn;
  const existing = await loadRecord(ctx, pushee);
  if (existing !== undefined && isFinalized(existing.status)) {
    // The pusher learns the outcome; waiters on it were woken when it was written.
    return { type: 'pushTxn', pusheeTxn: recordView(existing) };
  }
  if (existing === undefined) {
    const refused = recordCreationRefused(ctx, pushee);
    // The pushee may never write its record now, so it can never commit: its intents are garbage.
    if (refused !== undefined) return { type: 'pushTxn', pusheeTxn: { ...pushee, status: 'aborted', abortReason: refused } };
  }
  // The intent the pusher met may know of a later epoch or timestamp than the record.
  const current: TxnRecordView = existing === undefined ? absentRecordView(pushee) : recordView(mergeMeta(existing, pushee));
  if (request.pushType === 'timestamp' && !current.writeTimestamp.less(request.pushTo)) {
    return { type: 'pushTxn', pusheeTxn: current };
  }
  const expired = isExpired(lastActive(current), ctx.now, ctx.settings.txnExpirationNanos);
  const forced = request.force === true || request.deadlockCycle !== undefined;
  const byPriority = request.pusherTxn !== undefined && canPushWithPriority(request.pusherTxn.priority, current.priority);
  const tolerated = request.pushType === 'timestamp' && current.isolation === 'read-committed';
  const wins = request.pushType === 'touch' ? expired || forced : expired || forced || byPriority || tolerated;
  if (!wins) {
    throwKv({ type: 'transactionPush', pusheeTxn: current, message: `failed to push transaction ${pushee.id}: it is pending and alive` });
  }
  const base: TxnRecord = existing === undefined
    ? { meta: pushee, status: 'pending', lastHeartbeat: pushee.minTimestamp, lockSpans: [], ignoredSeqNums: [] }
    : mergeMeta(existing, pushee);
  if (request.pushType === 'timestamp' && !expired) {
    const pushed = storeRecord(ctx, { ...base, meta: { ...base.meta, writeTimestamp: base.meta.writeTimestamp.max(request.pushTo) } }, existing?.status ?? 'absent');
    return { type: 'pushTxn', pusheeTxn: pushed };
  }
  const reason: TransactionAbortedReason =
    request.deadlockCycle !== undefined ? 'DEADLOCK' : expired ? 'HEARTBEAT_EXPIRED' : 'PUSHED_BY_PRIORITY';
  const aborted = storeRecord(
    ctx,
    {
      ...base,
      status: 'aborted',
      abortReason: reason,
      ...(request.pusherTxn === undefined ? {} : { abortedBy: request.pusherTxn.id }),
      ...(request.deadlockCycle === undefined ? {} : { deadlockCycle: request.deadlockCycle }),
    },
    existing?.status ?? 'absent',
  );
  return { type: 'pushTxn', pusheeTxn: aborted };
}

function mergeMeta(record: TxnRecord, seen: TxnMeta): TxnRecord {
  if (seen.epoch < record.meta.epoch) return record;
  return {
    ...record,
    meta: {
      ...record.meta,
      epoch: Math.max(record.meta.epoch, seen.epoch),
      writeTimestamp: record.meta.writeTimestamp.max(seen.writeTimestamp),
    },
  };
}
