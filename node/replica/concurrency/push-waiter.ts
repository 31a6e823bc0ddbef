/**
 * Serving a PushTxn on the range of the pushee's record: evaluate the push; when it fails because
 * the pushee is pending and alive, wait in the txn wait queue and evaluate again when something
 * changes (see txn-wait-queue.ts). A deadlock found while waiting is broken here: the victim is
 * aborted with reason DEADLOCK by a forced push, and if the victim is the pusher itself, its push
 * fails with that abort.
 */
import { assert } from '../../../common/assert.js';
import type { BatchRequest, BatchResponse, PushTxnRequest, TxnId, TxnRecordView } from '../../../proto/kv-api.js';
import type { Clock } from '../../../storage/hlc.js';
import type { InternalSender } from '../internal-sender.js';
import { transactionAborted } from '../kv-error.js';
import { pushRecheckIntervalMs } from '../limits.js';
import { lastActive } from '../txn-record.js';
import type { TxnWaitQueue } from './txn-wait-queue.js';

export interface PushWaitDeps {
  readonly queue: TxnWaitQueue;
  readonly clock: Clock;
  readonly router: InternalSender;
  readonly txnExpirationNanos: bigint;
  /** Evaluates the push batch under latches (no waiting). */
  readonly evaluate: (batch: BatchRequest) => Promise<BatchResponse>;
  /** Finalized records seen lately on this replica: a pusher found there is told at once. */
  readonly finalizedLately: (txnId: TxnId) => TxnRecordView | undefined;
  readonly errorResponse: (batch: BatchRequest, error: ReturnType<typeof transactionAborted>) => BatchResponse;
}

export async function pushWithWait(deps: PushWaitDeps, batch: BatchRequest, signal: AbortSignal | undefined): Promise<BatchResponse> {
  const request = batch.requests[0];
  assert(request?.type === 'pushTxn', 'pushWithWait serves a pushTxn batch');
  for (;;) {
    const response = await deps.evaluate(batch);
    if (response.kind === 'ok' || response.error.type !== 'transactionPush' || batch.header.waitPolicy === 'error') return response;
    const pusher = request.pusherTxn;
    if (pusher !== undefined) {
      const own = deps.finalizedLately(pusher.id);
      if (own !== undefined && own.status === 'aborted') return deps.errorResponse(batch, pusherAborted(request, own));
    }
    const outcome = await deps.queue.wait(pusher, request.pusheeTxn, {
      recheckDelayMs: recheckDelayMs(deps, response.error.pusheeTxn),
      ...(signal === undefined ? {} : { signal }),
    });
    switch (outcome.kind) {
      case 'pushee-updated':
      case 'recheck':
        continue;
      case 'cancelled':
        // The caller gave up, or the replica is closing: one more evaluation says which answer fits.
        return signal?.aborted === true ? response : deps.evaluate(batch);
      case 'pusher-finalized':
        return deps.errorResponse(batch, pusherAborted(request, outcome.record));
      case 'deadlock': {
        const cycle = [outcome.victim.id, ...outcome.cycle.map((m) => m.id).filter((id) => id !== outcome.victim.id)];
        const forced = await deps.router.send({
          header: { now: deps.clock.now() },
          requests: [
            {
              type: 'pushTxn',
              key: outcome.victim.key,
              ...(pusher === undefined ? {} : { pusherTxn: pusher }),
              pusheeTxn: outcome.victim,
              pushTo: deps.clock.now(),
              pushType: 'abort',
              deadlockCycle: cycle,
            },
          ],
        });
        if (forced.kind === 'error') return forced;
        if (pusher !== undefined && outcome.victim.id === pusher.id) {
          return deps.errorResponse(
            batch,
            transactionAborted(pusher.id, 'DEADLOCK', { conflictingTxnId: request.pusheeTxn.id, deadlockCycle: cycle }),
          );
        }
        continue;
      }
    }
  }
}

function pusherAborted(request: PushTxnRequest, record: TxnRecordView): ReturnType<typeof transactionAborted> {
  const pusherId = request.pusherTxn?.id ?? record.id;
  return record.abortReason === 'DEADLOCK'
    ? transactionAborted(pusherId, 'DEADLOCK', { conflictingTxnId: request.pusheeTxn.id })
    : transactionAborted(pusherId, 'PUSHER_ABORTED', { conflictingTxnId: request.pusheeTxn.id });
}

/** Until the pushee would expire (plus a millisecond), never more than pushRecheckIntervalMs. */
function recheckDelayMs(deps: PushWaitDeps, pushee: TxnRecordView): number {
  const expiresNanos = lastActive(pushee).wallTime + deps.txnExpirationNanos - deps.clock.now().wallTime;
  const untilExpiryMs = Number(expiresNanos / 1_000_000n) + 1;
  return Math.max(1, Math.min(pushRecheckIntervalMs, untilExpiryMs));
}
