/**
 * HeartbeatTxn: keeps a pending record alive, creating it on the first heartbeat (unless the
 * transaction may have finished already: see records.ts). A finalized record is returned as it is,
 * so the coordinator learns that someone aborted its transaction.
 */
import type { HeartbeatTxnRequest, HeartbeatTxnResponse } from '../../../proto/kv-api.js';
import { invalidRequest, throwKv, transactionAborted } from '../kv-error.js';
import { isFinalized, recordView } from '../txn-record.js';
import { txnMetaOf, type EvalContext } from './context.js';
import { loadRecord, recordCreationRefused, storeRecord } from './records.js';

export async function evaluateHeartbeatTxn(ctx: EvalContext, request: HeartbeatTxnRequest): Promise<HeartbeatTxnResponse> {
  const txn = ctx.txn;
  if (txn === undefined) throw invalidRequest('HeartbeatTxn needs a transaction');
  const meta = txnMetaOf(txn);
  const existing = await loadRecord(ctx, meta);
  const heartbeat = ctx.now.max(request.now);
  if (existing === undefined) {
    const refused = recordCreationRefused(ctx, meta);
    if (refused !== undefined) throwKv(transactionAborted(txn.id, refused));
    const view = storeRecord(ctx, { meta, status: 'pending', lastHeartbeat: heartbeat, lockSpans: [], ignoredSeqNums: [] }, 'absent');
    return { type: 'heartbeatTxn', txn: view };
  }
  if (isFinalized(existing.status)) return { type: 'heartbeatTxn', txn: recordView(existing) };
  const updated = {
    ...existing,
    meta: { ...existing.meta, epoch: Math.max(existing.meta.epoch, txn.epoch) },
    lastHeartbeat: existing.lastHeartbeat.max(heartbeat),
  };
  // Pushers need not hear of a heartbeat: it changes nothing they wait for.
  const view = storeRecord(ctx, updated, existing.status);
  ctx.effects.recordsUpdated.pop();
  return { type: 'heartbeatTxn', txn: view };
}
