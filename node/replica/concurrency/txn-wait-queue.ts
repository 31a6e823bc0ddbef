/**
 * The txn wait queue: pushers that cannot push a pending transaction wait here, on the range that
 * holds the pushee's record, until
 * - the pushee's record changes (it committed, aborted, heartbeat, was pushed): the push is
 *   evaluated again;
 * - the pusher's own record is finalized (someone aborted the pusher while it waited);
 * - a timer fires (the pushee may have expired: its coordinator stopped heartbeating);
 * - the pusher closes a cycle of waiters: a deadlock. Every transaction of the cycle waits for the
 *   next, so none can finish by itself; one victim is chosen by a rule every member computes the
 *   same way (lowest priority, then the youngest, then the largest id) and aborted with reason
 *   DEADLOCK, which breaks the cycle.
 *
 * Waiting pushers form a wait-for graph (pusher -> pushee). Cycles are looked for when an edge is
 * added, so detection is immediate and deterministic. Today every record is on this one range and
 * the graph is whole; with many ranges the edges of other ranges arrive through QueryTxn
 * (waitingTxns), which reads waitersOf().
 */
import { assert } from '../../../common/assert.js';
import type { TxnId, TxnMeta, TxnRecordView } from '../../../proto/kv-api.js';
import { txnWaitQueuePushersMax } from '../limits.js';
import { isFinalized } from '../txn-record.js';
import type { Timers } from '../timers.js';

export type WaitOutcome =
  | { readonly kind: 'pushee-updated' }
  | { readonly kind: 'recheck' }
  | { readonly kind: 'pusher-finalized'; readonly record: TxnRecordView }
  | { readonly kind: 'deadlock'; readonly victim: TxnMeta; readonly cycle: readonly TxnMeta[] }
  | { readonly kind: 'cancelled' };

interface Waiter {
  readonly pusher: TxnMeta | undefined;
  readonly pushee: TxnMeta;
  readonly finish: (outcome: WaitOutcome) => void;
}

export class TxnWaitQueueFullError extends Error {
  override readonly name = 'TxnWaitQueueFullError';
}

export class TxnWaitQueue {
  private readonly waiters = new Set<Waiter>();
  /** Deadlocks found (for metrics and tests). */
  deadlocksDetected = 0;

  constructor(
    private readonly timers: Timers,
    private readonly pushersMax = txnWaitQueuePushersMax,
  ) {}

  get size(): number {
    return this.waiters.size;
  }

  /**
   * Waits as pusher (undefined: a non-transactional request) for pushee, at most recheckDelayMs.
   * Resolves at once with a deadlock outcome when the new edge closes a cycle.
   */
  wait(pusher: TxnMeta | undefined, pushee: TxnMeta, options: { recheckDelayMs: number; signal?: AbortSignal }): Promise<WaitOutcome> {
    assert(pusher === undefined || pusher.id !== pushee.id, 'a transaction never pushes itself');
    if (pusher !== undefined) {
      const cycle = this.findCycle(pusher, pushee);
      if (cycle !== undefined) {
        this.deadlocksDetected++;
        return Promise.resolve({ kind: 'deadlock', victim: chooseVictim(cycle), cycle });
      }
    }
    if (this.waiters.size >= this.pushersMax) throw new TxnWaitQueueFullError(`more than txnWaitQueuePushersMax waiting pushers`);
    if (options.signal?.aborted === true) return Promise.resolve({ kind: 'cancelled' });
    return new Promise<WaitOutcome>((resolve) => {
      let done = false;
      const cancelTimer = this.timers.schedule(options.recheckDelayMs, () => waiter.finish({ kind: 'recheck' }));
      const onAbort = (): void => waiter.finish({ kind: 'cancelled' });
      const waiter: Waiter = {
        pusher,
        pushee,
        finish: (outcome) => {
          if (done) return;
          done = true;
          // Leaving the graph synchronously keeps it exact for the next cycle search.
          this.waiters.delete(waiter);
          cancelTimer();
          options.signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      this.waiters.add(waiter);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A record was written (or found finalized): wake whoever waits on it or as it. */
  onRecordUpdated(record: TxnRecordView): void {
    const finalized = isFinalized(record.status);
    for (const waiter of [...this.waiters]) {
      if (waiter.pushee.id === record.id) waiter.finish({ kind: 'pushee-updated' });
      else if (finalized && waiter.pusher?.id === record.id) waiter.finish({ kind: 'pusher-finalized', record });
    }
  }

  /** Ends every wait (the replica is closing): each pusher evaluates again and learns why. */
  cancelAll(): void {
    for (const waiter of [...this.waiters]) waiter.finish({ kind: 'cancelled' });
  }

  /** The transactions waiting for txnId (QueryTxn's waitingTxns). */
  waitersOf(txnId: TxnId): TxnId[] {
    const out = new Set<TxnId>();
    for (const waiter of this.waiters) if (waiter.pushee.id === txnId && waiter.pusher !== undefined) out.add(waiter.pusher.id);
    return [...out].sort();
  }

  /**
   * The cycle the edge pusher -> pushee would close: a path from pushee back to pusher along
   * waiting edges, as [pusher, pushee, ...]; undefined when there is none.
   */
  private findCycle(pusher: TxnMeta, pushee: TxnMeta): TxnMeta[] | undefined {
    const edges = new Map<TxnId, TxnMeta[]>();
    for (const waiter of this.waiters) {
      if (waiter.pusher === undefined) continue;
      let list = edges.get(waiter.pusher.id);
      if (list === undefined) edges.set(waiter.pusher.id, (list = []));
      if (!list.some((m) => m.id === waiter.pushee.id)) list.push(waiter.pushee);
    }
    // Depth-first from pushee, in a stable order so that the same graph gives the same cycle.
    const visited = new Set<TxnId>();
    const path: TxnMeta[] = [pusher, pushee];
    const search = (at: TxnMeta): boolean => {
      if (at.id === pusher.id) return true;
      if (visited.has(at.id)) return false;
      visited.add(at.id);
      const next = [...(edges.get(at.id) ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const meta of next) {
        if (meta.id === pusher.id) return true;
        path.push(meta);
        if (search(meta)) return true;
        path.pop();
      }
      return false;
    };
    return search(pushee) ? path : undefined;
  }
}

/**
 * The transaction of a cycle to abort: the lowest priority; among equals the youngest (it has
 * done the least work, as in most databases' deadlock victims); then the largest id, so that
 * every detector of the same cycle picks the same one.
 */
export function chooseVictim(cycle: readonly TxnMeta[]): TxnMeta {
  assert(cycle.length >= 2, 'a cycle has at least two transactions');
  let victim = cycle[0] as TxnMeta;
  for (const meta of cycle.slice(1)) {
    if (meta.priority !== victim.priority) {
      if (meta.priority < victim.priority) victim = meta;
      continue;
    }
    const age = meta.minTimestamp.compare(victim.minTimestamp);
    if (age > 0 || (age === 0 && meta.id > victim.id)) victim = meta;
  }
  return victim;
}
