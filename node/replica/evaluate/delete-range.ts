/**
 * DeleteRange: deletes every key visible in a span at the write timestamp (the writer's own
 * intents included) and returns them. The whole span counts as read at the write timestamp, so
 * that no write can later slip a key into it below the deletion.
 */
import type { DeleteRangeRequest, DeleteRangeResponse } from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import { mvccDelete, mvccScan } from '../../../storage/mvcc/index.js';
import { limitExceeded, throwKv } from '../kv-error.js';
import { spanWriteKeysMax } from '../limits.js';
import { mvccReader, mvccWriter, pushWriteAboveReads, recordIntent, recordRead, writeTimestamp, type EvalContext } from './context.js';

export async function evaluateDeleteRange(ctx: EvalContext, request: DeleteRangeRequest): Promise<DeleteRangeResponse> {
  const range = { start: request.key, end: request.endKey };
  pushWriteAboveReads(ctx, range);
  const ts = writeTimestamp(ctx);
  const { rows, resumeKey } = await mvccScan(ctx.rw, request.key, request.endKey, ts, { txn: mvccReader(ctx), limit: spanWriteKeysMax });
  if (resumeKey !== undefined) throwKv(limitExceeded('spanWriteKeysMax', `a deleteRange over more than ${spanWriteKeysMax} keys`));
  const keys: Bytes[] = [];
  for (const row of rows) {
    await mvccDelete(ctx.rw, row.key, ts, { txn: mvccWriter(ctx, request.sequence), stats: ctx.stats });
    recordIntent(ctx, row.key);
    keys.push(row.key);
  }
  recordRead(ctx, range, ts);
  return { type: 'deleteRange', keys };
}
