/**
 * Point writes: put, conditional put, delete and increment. Each first moves the write timestamp
 * above any read of the key by another transaction (the timestamp cache), then writes through the
 * MVCC layer: an intent for a transaction (which the lock table learns), a committed version
 * otherwise. Conflicts surface as the MVCC layer's typed errors (an intent in the way, a newer
 * committed version, a failed condition).
 */
import type {
  ConditionalPutRequest,
  ConditionalPutResponse,
  DeleteRequest,
  DeleteResponse,
  IncrementRequest,
  IncrementResponse,
  PutRequest,
  PutResponse,
} from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import { mvccConditionalPut, mvccDelete, mvccGet, mvccPut } from '../../../storage/mvcc/index.js';
import { invalidRequest } from '../kv-error.js';
import { mvccWriter, pointRange, pushWriteAboveReads, recordIntent, writeTimestamp, type EvalContext } from './context.js';

export async function evaluatePut(ctx: EvalContext, request: PutRequest): Promise<PutResponse> {
  pushWriteAboveReads(ctx, pointRange(request.key));
  await mvccPut(ctx.rw, request.key, writeTimestamp(ctx), request.value, { txn: mvccWriter(ctx, request.sequence), stats: ctx.stats });
  recordIntent(ctx, request.key);
  return { type: 'put' };
}

export async function evaluateConditionalPut(ctx: EvalContext, request: ConditionalPutRequest): Promise<ConditionalPutResponse> {
  pushWriteAboveReads(ctx, pointRange(request.key));
  await mvccConditionalPut(ctx.rw, request.key, writeTimestamp(ctx), request.value, request.expectedValue, {
    txn: mvccWriter(ctx, request.sequence),
    stats: ctx.stats,
  });
  recordIntent(ctx, request.key);
  return { type: 'conditionalPut' };
}

export async function evaluateDelete(ctx: EvalContext, request: DeleteRequest): Promise<DeleteResponse> {
  pushWriteAboveReads(ctx, pointRange(request.key));
  const found = await mvccDelete(ctx.rw, request.key, writeTimestamp(ctx), { txn: mvccWriter(ctx, request.sequence), stats: ctx.stats });
  recordIntent(ctx, request.key);
  return { type: 'delete', found };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Reads the key as the writer sees it (its own intent included) and writes the sum; the latch on
 * the key makes the read and the write one step. Values are signed 64-bit big-endian integers.
 */
export async function evaluateIncrement(ctx: EvalContext, request: IncrementRequest): Promise<IncrementResponse> {
  pushWriteAboveReads(ctx, pointRange(request.key));
  const ts = writeTimestamp(ctx);
  const writer = mvccWriter(ctx, request.sequence);
  const current = await mvccGet(ctx.rw, request.key, ts, { txn: writer });
  const newValue = decodeInt64(current) + request.by;
  if (newValue < INT64_MIN || newValue > INT64_MAX) throw invalidRequest(`increment of key overflows a 64-bit integer`);
  const encoded = new Uint8Array(8);
  new DataView(encoded.buffer).setBigInt64(0, newValue, false);
  await mvccPut(ctx.rw, request.key, ts, encoded, { txn: writer, stats: ctx.stats });
  recordIntent(ctx, request.key);
  return { type: 'increment', newValue };
}

function decodeInt64(value: Bytes | undefined): bigint {
  if (value === undefined) return 0n;
  if (value.length !== 8) throw invalidRequest(`increment of a key whose value is not an 8-byte integer (${value.length} bytes)`);
  return new DataView(value.buffer, value.byteOffset, value.byteLength).getBigInt64(0, false);
}
