/**
 * EndTxn: commits or aborts the header's transaction.
 *
 * Commit checks, in order: the record (if any) is not finalized; the epoch is current; the commit
 * timestamp (the write timestamp, forwarded by any push the record received) is below the deadline;
 * a serializable transaction reads where it commits (else RETRY_SERIALIZABLE: the client refreshes
 * its reads to the new timestamp and sends EndTxn again). Read committed commits at its write
 * timestamp directly.
 *
 * Then, in the same batch, the transaction's intents on this range are resolved (up to
 * endTxnLocalResolveKeysMax). When that covers every lock span the record is not needed: it is
 * deleted (or never written: a one-phase commit, whose writes arrived in this very batch) and the
 * timestamp cache remembers that the transaction finished. Otherwise a finalized record keeps the
 * remaining spans and the replica resolves them asynchronously.
 *
 * Replays are harmless: a second commit finds the record committed (transactionStatus) or, once it
 * is gone, is refused by the record creation rule (transactionAborted ..._POSSIBLE_REPLAY); a
 * second rollback succeeds without changing anything that matters.
 */
import type { EndTxnRequest, EndTxnResponse, Transaction, TransactionAbortedReason, TxnStatus } from '../../../proto/kv-api.js';
import { abortSpanKey } from '../../../storage/keys.js';
import { invalidRequest, serializableRetry, throwKv, transactionAborted } from '../kv-error.js';
import type { TxnRecord } from '../txn-record.js';
import { txnMetaOf, type EvalContext } from './context.js';
import { deleteRecord, loadRecord, recordCreationRefused, storeRecord } from './records.js';
import { resolveSpans } from './resolve-intent.js';

export async function evaluateEndTxn(ctx: EvalContext, request: EndTxnRequest): Promise<EndTxnResponse> {
  const txn = ctx.txn;
  if (txn === undefined) throw invalidRequest('EndTxn needs a transaction');
  const existing = await loadRecord(ctx, txnMetaOf(txn));
  let status: TxnStatus = request.commit ? 'committed' : 'aborted';
  let final: Transaction = txn;
  if (existing !== undefined) {
    if (existing.status === 'committed') {
      throwKv({ type: 'transactionStatus', status: 'committed', reason: 'ALREADY_COMMITTED', message: `transaction ${txn.id} is already committed` });
    }
    if (existing.status === 'aborted') {
      // A rollback of an aborted transaction goes on to clean up its intents; a commit cannot.
      if (request.commit) throwKv(abortedError(txn, existing));
      status = 'aborted';
    }
    if (existing.meta.epoch > txn.epoch) {
      throwKv({ type: 'transactionStatus', status: existing.status, reason: 'STALE_EPOCH', message: `transaction ${txn.id} at epoch ${txn.epoch} behind its record's ${existing.meta.epoch}` });
    }
    final = { ...final, writeTimestamp: final.writeTimestamp.max(existing.meta.writeTimestamp) };
  } else if (request.commit) {
    const refused = recordCreationRefused(ctx, txnMetaOf(txn));
    if (refused !== undefined) throwKv(transactionAborted(txn.id, refused));
  }
  if (status === 'committed') final = checkCommittable(ctx, final, request);
  if (status === 'committed' && request.require1PC === true && existing !== undefined) {
    throwKv({ type: 'transactionStatus', status: 'pending', reason: 'REQUIRE_1PC', message: `transaction ${txn.id} has a record: no one-phase commit` });
  }
  final = { ...final, status };
  ctx.txn = final;

  const target = { txn: txnMetaOf(final), status, ignoredSeqNums: final.ignoredSeqNums } as const;
  const { remaining } = await resolveSpans(ctx, request.lockSpans, target, ctx.settings.endTxnLocalResolveKeysMax);
  // Locks that were never intents (FOR UPDATE) end with the transaction, whatever is left to resolve.
  ctx.effects.locksReleased.push({ txnId: txn.id });
  // The coordinator knows its fate now: the range may forget the abort it recorded for it.
  ctx.rw.del(abortSpanKey(ctx.settings.rangeId, txn.id));
  ctx.effects.abortSpanRemoved.push(txn.id);

  const finalRecord: TxnRecord = {
    meta: txnMetaOf(final),
    status,
    lastHeartbeat: existing?.lastHeartbeat ?? ctx.now,
    ...(existing?.abortReason === undefined ? (status === 'aborted' ? { abortReason: 'CLIENT_REJECT' as const } : {}) : { abortReason: existing.abortReason }),
    lockSpans: remaining,
    ignoredSeqNums: final.ignoredSeqNums,
  };
  if (remaining.length === 0) {
    // Without a stored record this deletes nothing, and the marker alone refuses a later record.
    deleteRecord(ctx, finalRecord.meta);
    ctx.effects.recordsUpdated.push({ ...finalRecord.meta, status, lastHeartbeat: finalRecord.lastHeartbeat });
  } else {
    storeRecord(ctx, finalRecord, existing?.status ?? 'absent');
    ctx.effects.asyncResolutions.push(finalRecord);
  }
  return { type: 'endTxn', onePhaseCommit: status === 'committed' && existing === undefined && remaining.length === 0 };
}

/** The transaction as it may commit, or throws the retry error that says why it may not. */
function checkCommittable(ctx: EvalContext, txn: Transaction, request: EndTxnRequest): Transaction {
  if (request.deadline !== undefined && !txn.writeTimestamp.less(request.deadline)) {
    ctx.txn = txn;
    throwKv({
      type: 'transactionRetry',
      reason: 'RETRY_COMMIT_DEADLINE_EXCEEDED',
      message: `commit at ${txn.writeTimestamp.toString()} not below the deadline ${request.deadline.toString()}`,
    });
  }
  // With canForwardReadTimestamp the replica evaluates the batch again at the write timestamp
  // (a server-side refresh) rather than failing it.
  if (txn.isolation === 'serializable' && txn.readTimestamp.less(txn.writeTimestamp) && ctx.header.canForwardReadTimestamp !== true) {
    // The header of the error response carries the timestamp the client must refresh to.
    ctx.txn = txn;
    throwKv(
      serializableRetry(
        `transaction ${txn.id} must refresh its reads from ${txn.readTimestamp.toString()} to ${txn.writeTimestamp.toString()} before committing`,
      ),
    );
  }
  return txn;
}

export function abortedError(txn: { readonly id: Transaction['id'] }, record: TxnRecord): ReturnType<typeof transactionAborted> {
  const reason: TransactionAbortedReason = record.abortReason ?? 'ABORTED_RECORD_FOUND';
  return transactionAborted(txn.id, reason, {
    ...(record.abortedBy === undefined ? {} : { conflictingTxnId: record.abortedBy }),
    ...(record.deadlockCycle === undefined ? {} : { deadlockCycle: record.deadlockCycle }),
  });
}
