/**
 * Scan: the newest visible value of every key of a span at the read timestamp, forward or in
 * reverse, at most limit rows (and never more than scanRowsMax: past it the response carries a
 * resume span). The timestamp cache learns only the part of the span actually read. A locking scan
 * also locks every key it returns.
 */
import type { ScanRequest, ScanResponse, Span } from '../../../proto/kv-api.js';
import { mvccScan } from '../../../storage/mvcc/index.js';
import { invalidRequest } from '../kv-error.js';
import { scanRowsMax } from '../limits.js';
import { mvccReader, readTimestamp, recordRead, type EvalContext } from './context.js';
import { lockKey } from './lock.js';

export async function evaluateScan(ctx: EvalContext, request: ScanRequest): Promise<ScanResponse> {
  const ts = readTimestamp(ctx);
  const requested = request.limit === undefined || request.limit === 0 ? Infinity : request.limit;
  if (!(requested === Infinity || (Number.isSafeInteger(requested) && requested > 0))) {
    throw invalidRequest(`scan limit must be a non-negative integer, not ${request.limit}`);
  }
  const limit = Math.min(requested, scanRowsMax);
  const reverse = request.reverse === true;
  const result = await mvccScan(ctx.rw, request.key, request.endKey, ts, { txn: mvccReader(ctx), limit, reverse });
  let resumeSpan: Span | undefined;
  if (result.resumeKey === undefined) {
    recordRead(ctx, { start: request.key, end: request.endKey }, ts);
  } else if (reverse) {
    resumeSpan = { key: request.key, endKey: result.resumeKey };
    recordRead(ctx, { start: result.resumeKey, end: request.endKey }, ts);
  } else {
    resumeSpan = { key: result.resumeKey, endKey: request.endKey };
    recordRead(ctx, { start: request.key, end: result.resumeKey }, ts);
  }
  const rows = result.rows.map((row) => ({ key: row.key, value: new Uint8Array(row.value) }));
  if (request.lockStrength !== undefined) {
    if (ctx.txn === undefined) throw invalidRequest('a locking read needs a transaction');
    for (const row of rows) await lockKey(ctx, row.key, request.lockStrength);
  }
  return resumeSpan === undefined ? { type: 'scan', rows } : { type: 'scan', rows, resumeSpan };
}
