/**
 * Lock: SELECT FOR UPDATE / FOR SHARE without reading values. A point locks its key (existing or
 * not); a span locks every key visible in it at the read timestamp. Locks are unreplicated: held
 * in the lock table until the transaction ends.
 *
 * A key may be locked only as of the newest committed value: when one is newer than the
 * transaction's read timestamp, the lock fails with writeTooOld (the transaction reads again
 * higher, or refreshes), since locking a value it never saw would protect nothing.
 */
import type { LockRequest, LockResponse, LockStrength } from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import { mvccCheckLockable, mvccScan } from '../../../storage/mvcc/index.js';
import { invalidRequest, limitExceeded, throwKv } from '../kv-error.js';
import { spanWriteKeysMax } from '../limits.js';
import { mvccReader, pointRange, readTimestamp, recordRead, txnMetaOf, type EvalContext } from './context.js';

export async function evaluateLock(ctx: EvalContext, request: LockRequest): Promise<LockResponse> {
  if (ctx.txn === undefined) throw invalidRequest('a lock request needs a transaction');
  const ts = readTimestamp(ctx);
  if (request.endKey === undefined) {
    recordRead(ctx, pointRange(request.key), ts);
    await lockKey(ctx, request.key, request.strength);
    return { type: 'lock', keys: [request.key] };
  }
  const { rows, resumeKey } = await mvccScan(ctx.rw, request.key, request.endKey, ts, { txn: mvccReader(ctx), limit: spanWriteKeysMax });
  if (resumeKey !== undefined) throwKv(limitExceeded('spanWriteKeysMax', `a lock request over more than ${spanWriteKeysMax} keys`));
  recordRead(ctx, { start: request.key, end: request.endKey }, ts);
  const keys: Bytes[] = [];
  for (const row of rows) {
    await lockKey(ctx, row.key, request.strength);
    keys.push(row.key);
  }
  return { type: 'lock', keys };
}

/** Checks that the transaction may lock key and records the lock (taken once the batch applies). */
export async function lockKey(ctx: EvalContext, key: Bytes, strength: LockStrength): Promise<void> {
  const txn = ctx.txn;
  if (txn === undefined) throw invalidRequest('a lock needs a transaction');
  await mvccCheckLockable(ctx.rw, key, txn.readTimestamp, { id: txn.id, epoch: txn.epoch, writeTimestamp: txn.writeTimestamp });
  ctx.effects.locksAcquired.push({ key, holder: { txn: txnMetaOf(txn), strength, durability: 'unreplicated', ts: txn.writeTimestamp } });
}
