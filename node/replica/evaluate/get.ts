/**
 * Get: the newest visible value of a key at the read timestamp. A locking get (FOR UPDATE / FOR
 * SHARE) also locks the key for the transaction, existing or not, and fails with writeTooOld when
 * a newer committed value exists (the lock must protect the value the transaction read).
 */
import type { GetRequest, GetResponse } from '../../../proto/kv-api.js';
import { mvccGet } from '../../../storage/mvcc/index.js';
import { invalidRequest } from '../kv-error.js';
import { mvccReader, pointRange, readTimestamp, recordRead, type EvalContext } from './context.js';
import { lockKey } from './lock.js';

export async function evaluateGet(ctx: EvalContext, request: GetRequest): Promise<GetResponse> {
  const ts = readTimestamp(ctx);
  const value = await mvccGet(ctx.rw, request.key, ts, { txn: mvccReader(ctx) });
  recordRead(ctx, pointRange(request.key), ts);
  if (request.lockStrength !== undefined) {
    if (ctx.txn === undefined) throw invalidRequest('a locking read needs a transaction');
    await lockKey(ctx, request.key, request.lockStrength);
  }
  return { type: 'get', value: value === undefined ? undefined : new Uint8Array(value) };
}
