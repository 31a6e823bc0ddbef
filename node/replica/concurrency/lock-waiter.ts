/**
 * Waiting on a lock: what a request does when the lock table says another transaction holds a key
 * it needs. It waits for the lock to be released while pushing the holder:
 * - a plain read pushes the holder's timestamp above its own (then reads under the intent);
 * - a write or a locking read pushes to abort, which succeeds only if the holder is finished,
 *   expired, of lower priority, or a deadlock victim; otherwise the push waits in the holder's txn
 *   wait queue until one of those happens.
 * When the push succeeds the waiter resolves what it met (the intent gets its transaction's fate;
 * the locks of a finished transaction go), then the request sequences again. A waitPolicy of
 * 'error' fails at once, a lock timeout after lockTimeoutMs; never is a request left waiting on a
 * transaction that cannot finish.
 */
import { assert } from '../../../common/assert.js';
import type { BatchHeader, BatchResponse, Transaction, TxnMeta, TxnRecordView } from '../../../proto/kv-api.js';
import type { Clock, Timestamp } from '../../../storage/hlc.js';
import type { InternalSender } from '../internal-sender.js';
import { KvErrorThrown, writeIntentError } from '../kv-error.js';
import { txnMetaOf } from '../evaluate/context.js';
import type { Timers } from '../timers.js';
import { isFinalized } from '../txn-record.js';
import { WaitQueueFullError, type LockConflictFound, type LockTable } from './lock-table.js';

export interface LockWaitDeps {
  readonly lockTable: LockTable;
  readonly timers: Timers;
  readonly clock: Clock;
  readonly router: InternalSender;
}

export interface LockWaitRequest {
  readonly header: BatchHeader;
  readonly txn: Transaction | undefined;
  /** Where the waiting request reads; undefined for writes and locking reads (they push to abort). */
  readonly readTs: Timestamp | undefined;
}

/** Resolves when the request should sequence again; throws KvErrorThrown when it must fail. */
export async function waitForLock(deps: LockWaitDeps, conflict: LockConflictFound, request: LockWaitRequest): Promise<void> {
  const { key, holder } = conflict;
  if (request.header.waitPolicy === 'error') throw new KvErrorThrown(writeIntentError('WAIT_POLICY', key, holder.txn));
  let released: ReturnType<LockTable['waitForRelease']>;
  try {
    released = deps.lockTable.waitForRelease(key, holder.txn.id);
  } catch (err) {
    if (err instanceof WaitQueueFullError) throw new KvErrorThrown(writeIntentError('WAIT_QUEUE_FULL', key, holder.txn));
    throw err;
  }
  const controller = new AbortController();
  let cancelTimeout = (): void => {};
  const timedOut = new Promise<'timeout'>((resolve) => {
    if (request.header.lockTimeoutMs !== undefined) cancelTimeout = deps.timers.schedule(request.header.lockTimeoutMs, () => resolve('timeout'));
  });
  const pushTimestamp = request.readTs !== undefined && holder.durability === 'replicated';
  const pushed = deps.router.send(
    {
      header: { now: deps.clock.now() },
      requests: [
        {
          type: 'pushTxn',
          key: holder.txn.key,
          ...(request.txn === undefined ? {} : { pusherTxn: txnMetaOf(request.txn) }),
          pusheeTxn: holder.txn,
          pushTo: pushTimestamp ? (request.readTs as Timestamp).next() : deps.clock.now(),
          pushType: pushTimestamp ? 'timestamp' : 'abort',
        },
      ],
    },
    { signal: controller.signal },
  );
  let outcome: 'released' | 'timeout' | BatchResponse;
  try {
    // A lock the table could not keep (it was full) is waited for through the push alone, so that
    // the request does not spin re-discovering it.
    const lockReleased = released.tracked ? released.released.then(() => 'released' as const) : new Promise<never>(() => {});
    outcome = await Promise.race([lockReleased, timedOut, pushed]);
  } finally {
    controller.abort();
    released.cancel();
    cancelTimeout();
  }
  if (outcome === 'released') return;
  if (outcome === 'timeout') throw new KvErrorThrown(writeIntentError('LOCK_TIMEOUT', key, holder.txn));
  // A push that failed ends the wait with its error: the pusher was aborted, or is a deadlock victim.
  if (outcome.kind === 'error') throw new KvErrorThrown(outcome.error);
  const response = outcome.responses[0];
  assert(response?.type === 'pushTxn', 'a push answers with a pushTxn response');
  await resolveAfterPush(deps, conflict, response.pusheeTxn);
}

/** Gives the lock the fate the push learned; errors here are the resolving request's. */
async function resolveAfterPush(deps: LockWaitDeps, conflict: LockConflictFound, pushee: TxnRecordView): Promise<void> {
  const { key, holder } = conflict;
  if (isFinalized(pushee.status)) {
    // Every lock of a finished transaction goes; its intents are resolved as they are met.
    deps.lockTable.releaseTxn(holder.txn.id, { durability: 'unreplicated' });
  }
  if (holder.durability !== 'replicated') return;
  // Pending: only an intent below where the push put its transaction needs to move.
  if (!isFinalized(pushee.status) && !holder.ts.less(pushee.writeTimestamp)) return;
  const intentTxn: TxnMeta = { ...holder.txn, epoch: Math.max(holder.txn.epoch, pushee.epoch), writeTimestamp: pushee.writeTimestamp };
  const response = await deps.router.send({
    header: { now: deps.clock.now() },
    requests: [
      {
        type: 'resolveIntent',
        key,
        intentTxn,
        status: pushee.status === 'committed' ? 'committed' : pushee.status === 'aborted' ? 'aborted' : 'pending',
        ...(pushee.ignoredSeqNums === undefined ? {} : { ignoredSeqNums: pushee.ignoredSeqNums }),
        poison: pushee.status === 'aborted',
      },
    ],
  });
  if (response.kind === 'error') throw new KvErrorThrown(response.error);
}
