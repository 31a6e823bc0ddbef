/**
 * Evaluation: one function per request type, dispatched by a table that fails to compile when a
 * request type has no evaluator.
 */
import type { RequestType, RequestUnion, ResponseUnion } from '../../../proto/kv-api.js';
import type { EvalContext } from './context.js';
import { evaluateDeleteRange } from './delete-range.js';
import { evaluateEndTxn } from './end-txn.js';
import { evaluateGet } from './get.js';
import { evaluateHeartbeatTxn } from './heartbeat-txn.js';
import { evaluateLock } from './lock.js';
import { evaluatePushTxn } from './push-txn.js';
import { evaluateQueryTxn } from './query-txn.js';
import { evaluateRefresh, evaluateRefreshRange } from './refresh.js';
import { evaluateResolveIntent, evaluateResolveIntentRange } from './resolve-intent.js';
import { evaluateScan } from './scan.js';
import { evaluateConditionalPut, evaluateDelete, evaluateIncrement, evaluatePut } from './write.js';

type Evaluators = { [T in RequestType]: (ctx: EvalContext, request: Extract<RequestUnion, { type: T }>) => Promise<ResponseUnion> };

const evaluators: Evaluators = {
  get: evaluateGet,
  scan: evaluateScan,
  put: evaluatePut,
  conditionalPut: evaluateConditionalPut,
  delete: evaluateDelete,
  deleteRange: evaluateDeleteRange,
  increment: evaluateIncrement,
  lock: evaluateLock,
  endTxn: evaluateEndTxn,
  heartbeatTxn: evaluateHeartbeatTxn,
  pushTxn: evaluatePushTxn,
  queryTxn: evaluateQueryTxn,
  resolveIntent: evaluateResolveIntent,
  resolveIntentRange: evaluateResolveIntentRange,
  refresh: evaluateRefresh,
  refreshRange: evaluateRefreshRange,
};

export function evaluateRequest(ctx: EvalContext, request: RequestUnion): Promise<ResponseUnion> {
  const evaluate = evaluators[request.type] as (ctx: EvalContext, request: RequestUnion) => Promise<ResponseUnion>;
  return evaluate(ctx, request);
}
