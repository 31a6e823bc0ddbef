/**
 * Refresh and RefreshRange: a transaction whose write timestamp was pushed asks whether what it
 * read at refreshFrom still holds at its new read timestamp (the header's txn.readTimestamp). Any
 * committed write in (refreshFrom, readTimestamp] on the span, or another transaction's intent at
 * or below readTimestamp, means no: RETRY_SERIALIZABLE naming the key (and the writer, for an
 * intent). Yes means the span counts as read at the new timestamp: the timestamp cache moves, so
 * no write can slip in below it afterwards.
 */
import type { RefreshRangeRequest, RefreshRangeResponse, RefreshRequest, RefreshResponse } from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import { mvccRefreshCheck, printKey } from '../../../storage/mvcc/index.js';
import type { Timestamp } from '../../../storage/hlc.js';
import { invalidRequest, serializableRetry, throwKv } from '../kv-error.js';
import { pointRange, recordRead, type EvalContext } from './context.js';

export async function evaluateRefresh(ctx: EvalContext, request: RefreshRequest): Promise<RefreshResponse> {
  await refreshSpan(ctx, request.key, undefined, request.refreshFrom);
  return { type: 'refresh' };
}

export async function evaluateRefreshRange(ctx: EvalContext, request: RefreshRangeRequest): Promise<RefreshRangeResponse> {
  await refreshSpan(ctx, request.key, request.endKey, request.refreshFrom);
  return { type: 'refreshRange' };
}

async function refreshSpan(ctx: EvalContext, start: Bytes, end: Bytes | undefined, from: Timestamp): Promise<void> {
  const txn = ctx.txn;
  if (txn === undefined) throw invalidRequest('a refresh needs a transaction');
  const to = txn.readTimestamp;
  const conflict = await mvccRefreshCheck(ctx.rw, { start, end }, from, to, txn.id);
  if (conflict !== undefined) {
    const who = conflict.txnId === undefined ? 'a committed write' : `an intent of transaction ${conflict.txnId}`;
    throwKv(
      serializableRetry(
        `refresh from ${from.toString()} to ${to.toString()} failed: ${who} on key ${printKey(conflict.key)} at ${conflict.timestamp.toString()}`,
        { key: conflict.key, timestamp: conflict.timestamp, ...(conflict.txnId === undefined ? {} : { txnId: conflict.txnId }) },
      ),
    );
  }
  recordRead(ctx, end === undefined ? pointRange(start) : { start, end }, to);
}
