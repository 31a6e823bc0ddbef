/**
 * ReadIndex bookkeeping on a leader (thesis 6.4). A read request records the commit index at the
 * time it arrives; the leader then confirms it is still the leader by a heartbeat round carrying
 * the request's context. Once a quorum has answered that round, every request queued up to and
 * including it may be served at its recorded index: no other leader could have committed anything
 * newer when that quorum answered.
 */
import { assert } from '../../common/assert.js';
import { pendingReadIndexRequestsMax } from './limits.js';
import type { LogIndex, MsgReadIndex, NodeId, ReadOnlyOption } from './types.js';

export interface ReadIndexStatus {
  readonly request: MsgReadIndex;
  readonly index: LogIndex;
  /** Voters that acknowledged the heartbeat round, the leader included. */
  readonly acks: Map<NodeId, boolean>;
}

/** Request contexts are bytes; they are keyed here by their hex text. */
export function contextKey(context: Uint8Array): string {
  let s = '';
  for (const b of context) s += b.toString(16).padStart(2, '0');
  return s;
}

export class ReadOnly {
  private pending = new Map<string, ReadIndexStatus>();
  /** Keys of pending requests in arrival order. */
  private queue: string[] = [];

  constructor(readonly option: ReadOnlyOption) {}

  /**
   * Records a request to be served at index once confirmed. Returns false if it is a duplicate
   * (already pending) or the queue is full; the request is then dropped.
   */
  addRequest(index: LogIndex, request: MsgReadIndex): boolean {
    const key = contextKey(request.context);
    if (this.pending.has(key)) return false;
    if (this.queue.length >= pendingReadIndexRequestsMax) return false;
    this.pending.set(key, { request, index, acks: new Map() });
    this.queue.push(key);
    return true;
  }

  /** Records id's acknowledgement of the round for context; returns the acks so far. */
  recvAck(id: NodeId, context: Uint8Array): ReadonlyMap<NodeId, boolean> {
    const status = this.pending.get(contextKey(context));
    if (status === undefined) return new Map();
    status.acks.set(id, true);
    return status.acks;
  }

  /**
   * The round for context has a quorum: dequeues and returns every request up to and including it,
   * in arrival order.
   */
  advance(context: Uint8Array): ReadIndexStatus[] {
    const key = contextKey(context);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    return done.map((k) => {
      const status = this.pending.get(k);
      assert(status !== undefined, 'cannot find the corresponding read state from pending map');
      this.pending.delete(k);
      return status;
    });
  }

  /** The context of the newest pending request (heartbeats carry it), or undefined. */
  lastPendingRequestContext(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    return key === undefined ? undefined : this.pending.get(key)?.request.context;
  }

  pendingCount(): number {
    return this.queue.length;
  }
}
