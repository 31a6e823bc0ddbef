/**
 * QueryTxn: the record of a transaction as stored (or as it counts without a record), and the
 * transactions waiting for it here (for deadlock detection across ranges, later).
 *
 * Without a record: pending while the transaction may still write one; once it may not (it
 * finished and its record was cleaned up, or the range restarted since it began), 'aborted' with
 * the refusal as reason: ALREADY_COMMITTED_OR_ROLLED_BACK_POSSIBLE_REPLAY means "finished, either
 * way" — its intents are all resolved, and it can never commit again.
 */
import type { QueryTxnRequest, QueryTxnResponse } from '../../../proto/kv-api.js';
import { absentRecordView, recordView } from '../txn-record.js';
import type { EvalContext } from './context.js';
import { loadRecord, recordCreationRefused } from './records.js';

export async function evaluateQueryTxn(ctx: EvalContext, request: QueryTxnRequest): Promise<QueryTxnResponse> {
  const record = await loadRecord(ctx, request.txn);
  const waitingTxns = ctx.waitersOf(request.txn.id);
  if (record !== undefined) return { type: 'queryTxn', queriedTxn: recordView(record), waitingTxns };
  const refused = recordCreationRefused(ctx, request.txn);
  const queriedTxn =
    refused === undefined ? absentRecordView(request.txn) : { ...request.txn, status: 'aborted' as const, abortReason: refused };
  return { type: 'queryTxn', queriedTxn, waitingTxns };
}
