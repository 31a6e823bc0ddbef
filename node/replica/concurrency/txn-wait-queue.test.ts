import { describe, expect, it } from 'vitest';
import { TXN_PRIORITY_NORMAL, type TxnMeta, type TxnRecordView } from '../../../proto/kv-api.js';
import { Timestamp } from '../../../storage/hlc.js';
import { asTxnId } from '../../../storage/mvcc/index.js';
import { ManualTimers } from '../timers.js';
import { TxnWaitQueue, chooseVictim, type WaitOutcome } from './txn-wait-queue.js';

const ts = (n: number): Timestamp => new Timestamp(BigInt(n));

function meta(id: string, minTs = 10, priority = TXN_PRIORITY_NORMAL): TxnMeta {
  return { id: asTxnId(id), key: new TextEncoder().encode(id), isolation: 'serializable', epoch: 0, writeTimestamp: ts(minTs), minTimestamp: ts(minTs), priority, sequence: 0 };
}

const view = (m: TxnMeta, status: TxnRecordView['status']): TxnRecordView => ({ ...m, status });

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function track(promise: Promise<WaitOutcome>): { outcome?: WaitOutcome } {
  const box: { outcome?: WaitOutcome } = {};
  void promise.then((o) => (box.outcome = o));
  return box;
}

describe('TxnWaitQueue', () => {
  it('wakes a pusher when its pushee record changes, and tells it when it was aborted itself', async () => {
    const queue = new TxnWaitQueue(new ManualTimers());
    const a = meta('a');
    const b = meta('b');
    const c = meta('c');
    const w1 = track(queue.wait(a, b, { recheckDelayMs: 1000 }));
    const w2 = track(queue.wait(c, b, { recheckDelayMs: 1000 }));
    expect(queue.waitersOf(b.id)).toEqual(['a', 'c']);
    queue.onRecordUpdated(view(b, 'committed'));
    await flush();
    expect(w1.outcome).toEqual({ kind: 'pushee-updated' });
    expect(w2.outcome).toEqual({ kind: 'pushee-updated' });
    const w3 = track(queue.wait(a, c, { recheckDelayMs: 1000 }));
    queue.onRecordUpdated(view(a, 'aborted'));
    await flush();
    expect(w3.outcome).toMatchObject({ kind: 'pusher-finalized', record: { id: 'a', status: 'aborted' } });
    expect(queue.size).toBe(0);
  });

  it('re-checks after the delay (an expiring pushee) and honours cancellation', async () => {
    const timers = new ManualTimers();
    const queue = new TxnWaitQueue(timers);
    const w = track(queue.wait(meta('a'), meta('b'), { recheckDelayMs: 50 }));
    await timers.advance(49);
    expect(w.outcome).toBeUndefined();
    await timers.advance(1);
    expect(w.outcome).toEqual({ kind: 'recheck' });
    const controller = new AbortController();
    const c = track(queue.wait(meta('a'), meta('b'), { recheckDelayMs: 50, signal: controller.signal }));
    controller.abort();
    await flush();
    expect(c.outcome).toEqual({ kind: 'cancelled' });
    expect(queue.size).toBe(0);
    expect(timers.pendingCount).toBe(0);
  });

  it('finds a deadlock of two at the wait that closes it, choosing the younger as victim', async () => {
    const queue = new TxnWaitQueue(new ManualTimers());
    const older = meta('older', 10);
    const younger = meta('younger', 20);
    const first = track(queue.wait(older, younger, { recheckDelayMs: 1000 }));
    const second = await queue.wait(younger, older, { recheckDelayMs: 1000 });
    expect(second).toMatchObject({ kind: 'deadlock', victim: { id: 'younger' } });
    expect(second.kind === 'deadlock' && second.cycle.map((m) => m.id)).toEqual(['younger', 'older']);
    expect(queue.deadlocksDetected).toBe(1);
    expect(first.outcome).toBeUndefined();
  });

  it('finds a deadlock of three, and the same victim whichever wait closes the cycle', async () => {
    for (const closing of [0, 1, 2]) {
      const queue = new TxnWaitQueue(new ManualTimers());
      const ring = [meta('t1', 10), meta('t2', 30), meta('t3', 20)];
      const edges = [0, 1, 2].map((i) => [ring[i] as TxnMeta, ring[(i + 1) % 3] as TxnMeta] as const);
      const order = [...edges.slice(closing + 1), ...edges.slice(0, closing + 1)];
      let found: WaitOutcome | undefined;
      for (const [pusher, pushee] of order) {
        const outcome = queue.wait(pusher, pushee, { recheckDelayMs: 1000 });
        const settled = await Promise.race([outcome, flush().then(() => undefined)]);
        if (settled !== undefined) found = settled;
      }
      expect(found).toMatchObject({ kind: 'deadlock', victim: { id: 't2' } });
    }
  });

  it('does not see a cycle in a chain, nor count non-transactional waiters', async () => {
    const queue = new TxnWaitQueue(new ManualTimers());
    const [a, b, c] = [meta('a'), meta('b'), meta('c')];
    const w1 = track(queue.wait(a, b, { recheckDelayMs: 1000 }));
    const w2 = track(queue.wait(b, c, { recheckDelayMs: 1000 }));
    const w3 = track(queue.wait(undefined, a, { recheckDelayMs: 1000 }));
    await flush();
    expect([w1.outcome, w2.outcome, w3.outcome]).toEqual([undefined, undefined, undefined]);
    expect(queue.waitersOf(a.id)).toEqual([]);
  });

  it('chooses victims by priority first, then youth, then id', () => {
    expect(chooseVictim([meta('a', 10, 5), meta('b', 20, 9)]).id).toBe('a');
    expect(chooseVictim([meta('a', 10), meta('b', 20)]).id).toBe('b');
    expect(chooseVictim([meta('a', 10), meta('b', 10)]).id).toBe('b');
  });
});
