/**
 * Intent resolution: giving a transaction's intents the fate its record decided. Committed intents
 * become versions at the commit timestamp (skipping savepoint rollbacks), aborted ones disappear,
 * and a pending transaction's intents move up to where a push put it. Resolution is idempotent: a
 * missing intent, or one of another transaction, is left alone, so replays and races are harmless.
 *
 * Resolving an aborted transaction's intents on behalf of someone else (poison) also records the
 * abort in the range's abort span, so that the transaction, if it is still running, cannot go on
 * to read there as if its vanished writes never happened.
 */
import type {
  ResolveIntentRangeRequest,
  ResolveIntentRangeResponse,
  ResolveIntentRequest,
  ResolveIntentResponse,
  ResolveStatus,
  SeqNumRange,
  Span,
  TxnMeta,
} from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import { abortSpanKey } from '../../../storage/keys.js';
import { mvccResolveIntent, mvccScanIntents, type IntentResolution } from '../../../storage/mvcc/index.js';
import { asyncResolveBatchKeysMax } from '../limits.js';
import { pointRange, spanRange, type EvalContext } from './context.js';

export interface ResolveTarget {
  readonly txn: TxnMeta;
  readonly status: ResolveStatus;
  readonly ignoredSeqNums?: readonly SeqNumRange[] | undefined;
}

function resolution(target: ResolveTarget): IntentResolution {
  const { txn, status } = target;
  switch (status) {
    case 'committed':
      return { status, txnId: txn.id, epoch: txn.epoch, commitTimestamp: txn.writeTimestamp, ignoredSeqNums: target.ignoredSeqNums };
    case 'aborted':
      return { status, txnId: txn.id };
    case 'pending':
      return { status, txnId: txn.id, epoch: txn.epoch, pushTimestamp: txn.writeTimestamp };
  }
}

/** Resolves the intent of target.txn on key, if there is one; true when something changed. */
export async function resolveKey(ctx: EvalContext, key: Bytes, target: ResolveTarget): Promise<boolean> {
  const outcome = await mvccResolveIntent(ctx.rw, key, resolution(target), { stats: ctx.stats });
  if (target.status === 'pending') {
    if (outcome === 'pushed') ctx.effects.intentsPushed.push({ key, txnId: target.txn.id, ts: target.txn.writeTimestamp });
  } else {
    ctx.effects.locksReleased.push({ txnId: target.txn.id, ranges: [pointRange(key)], durability: 'replicated' });
  }
  return outcome !== 'noop';
}

export interface SpansResolved {
  readonly resolvedCount: number;
  /** The spans (or parts of them) not visited because the budget ran out. */
  readonly remaining: Span[];
}

/** Resolves target's intents in spans, at most budget keys; what is left comes back. */
export async function resolveSpans(ctx: EvalContext, spans: readonly Span[], target: ResolveTarget, budget: number): Promise<SpansResolved> {
  let resolvedCount = 0;
  let visited = 0;
  const remaining: Span[] = [];
  for (const span of spans) {
    if (visited >= budget) {
      remaining.push(span);
      continue;
    }
    if (span.endKey === undefined) {
      visited++;
      if (await resolveKey(ctx, span.key, target)) resolvedCount++;
      continue;
    }
    const { intents, resumeKey } = await mvccScanIntents(ctx.rw, span.key, span.endKey, { txnId: target.txn.id, max: budget - visited });
    for (const intent of intents) {
      visited++;
      if (await resolveKey(ctx, intent.key, target)) resolvedCount++;
    }
    if (target.status !== 'pending') {
      // Later writes in the span are of other transactions; the lock table forgets ours there.
      const range = resumeKey === undefined ? spanRange(span) : { start: span.key, end: resumeKey };
      ctx.effects.locksReleased.push({ txnId: target.txn.id, ranges: [range], durability: 'replicated' });
    }
    if (resumeKey !== undefined) remaining.push({ key: resumeKey, endKey: span.endKey });
  }
  return { resolvedCount, remaining };
}

export function poisonAbortSpan(ctx: EvalContext, txn: TxnMeta): void {
  ctx.rw.put(abortSpanKey(ctx.settings.rangeId, txn.id), Uint8Array.of(1));
  ctx.effects.abortSpanAdded.push(txn.id);
}

export async function evaluateResolveIntent(ctx: EvalContext, request: ResolveIntentRequest): Promise<ResolveIntentResponse> {
  const resolved = await resolveKey(ctx, request.key, { txn: request.intentTxn, status: request.status, ignoredSeqNums: request.ignoredSeqNums });
  if (request.status === 'aborted' && request.poison === true) poisonAbortSpan(ctx, request.intentTxn);
  return { type: 'resolveIntent', resolved };
}

export async function evaluateResolveIntentRange(ctx: EvalContext, request: ResolveIntentRangeRequest): Promise<ResolveIntentRangeResponse> {
  const target = { txn: request.intentTxn, status: request.status, ignoredSeqNums: request.ignoredSeqNums };
  const { resolvedCount, remaining } = await resolveSpans(ctx, [{ key: request.key, endKey: request.endKey }], target, asyncResolveBatchKeysMax);
  if (request.status === 'aborted' && request.poison === true) poisonAbortSpan(ctx, request.intentTxn);
  const resume = remaining[0];
  return resume === undefined ? { type: 'resolveIntentRange', resolvedCount } : { type: 'resolveIntentRange', resolvedCount, resumeSpan: resume };
}
