/**
 * How a replica reaches the range holding a given key (its own, or another): pushes go to the
 * pushee's record range, resolution to the intent's range. In-process it is the store; in the
 * cluster, the node's KV client. A push can be abandoned (the lock it was for went away, a lock
 * timeout): the signal says so.
 */
import type { BatchRequest, BatchResponse } from '../../proto/kv-api.js';

export interface SendOptions {
  readonly signal?: AbortSignal;
}

export interface InternalSender {
  send(batch: BatchRequest, options?: SendOptions): Promise<BatchResponse>;
}
