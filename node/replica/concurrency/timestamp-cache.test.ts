import { describe, expect, it } from 'vitest';
import { Prng } from '../../../common/prng.js';
import { Timestamp } from '../../../storage/hlc.js';
import { asTxnId } from '../../../storage/mvcc/index.js';
import type { TxnId } from '../../../proto/kv-api.js';
import { TimestampCache } from './timestamp-cache.js';

const b = (text: string): Uint8Array => new TextEncoder().encode(text);
const ts = (n: number): Timestamp => new Timestamp(BigInt(n));
const r = (start: string, end: string): { start: Uint8Array; end: Uint8Array } => ({ start: b(start), end: b(end) });

describe('TimestampCache', () => {
  it('keeps the highest read of every key and who read it', () => {
    const cache = new TimestampCache(ts(1));
    cache.add(r('b', 'd'), ts(10), asTxnId('t1'));
    cache.add(r('c', 'f'), ts(20), asTxnId('t2'));
    cache.add(r('a', 'c'), ts(5), asTxnId('t3'));
    expect(cache.getMax(r('a', 'b'))).toEqual({ ts: ts(5), txnId: 't3' });
    expect(cache.getMax(r('b', 'c'))).toEqual({ ts: ts(10), txnId: 't1' });
    expect(cache.getMax(r('c', 'd'))).toEqual({ ts: ts(20), txnId: 't2' });
    expect(cache.getMax(r('f', 'g'))).toEqual({ ts: ts(1), txnId: undefined });
    // Two readers at the same timestamp: no one owns it, so neither may write under it.
    cache.add(r('x', 'y'), ts(30), asTxnId('t1'));
    cache.add(r('x', 'y'), ts(30), asTxnId('t2'));
    expect(cache.getMax(r('x', 'y'))).toEqual({ ts: ts(30), txnId: undefined });
  });

  it('pushes a write above another transaction read, never above its own', () => {
    // "A write at or below the cached timestamp of its key is pushed just above it unless the read was the writer's own."
    const cache = new TimestampCache(ts(1));
    cache.add(r('k', 'l'), ts(10), asTxnId('reader'));
    expect(cache.pushedWriteTimestamp(r('k', 'l'), ts(5), asTxnId('writer'))).toEqual(ts(10).next());
    expect(cache.pushedWriteTimestamp(r('k', 'l'), ts(10), asTxnId('writer'))).toEqual(ts(10).next());
    expect(cache.pushedWriteTimestamp(r('k', 'l'), ts(11), asTxnId('writer'))).toBeUndefined();
    expect(cache.pushedWriteTimestamp(r('k', 'l'), ts(5), asTxnId('reader'))).toBeUndefined();
    expect(cache.pushedWriteTimestamp(r('k', 'l'), ts(5), undefined)).toEqual(ts(10).next());
    expect(cache.pushes).toBe(3);
  });

  it('agrees with a naive model on random reads, and stays sound after evictions', () => {
    const seed = 20241122;
    const prng = new Prng(seed);
    const keys = 'abcdefghijklmnop'.split('');
    const cache = new TimestampCache(ts(1), 20);
    const model = new Map<string, { ts: number; txn: TxnId | undefined }>();
    for (let step = 0; step < 2000; step++) {
      const i = prng.nextIntBetween(0, keys.length - 1);
      const j = prng.nextIntBetween(i + 1, keys.length);
      const at = prng.nextIntBetween(2, 500);
      const txn = prng.nextIntBetween(0, 3) === 0 ? undefined : asTxnId(`t${prng.nextIntBetween(0, 3)}`);
      cache.add(r(keys[i] as string, keys[j] ?? 'z'), ts(at), txn);
      for (let k = i; k < j; k++) {
        const old = model.get(keys[k] as string);
        if (old === undefined || old.ts < at) model.set(keys[k] as string, { ts: at, txn });
        else if (old.ts === at && old.txn !== txn) model.set(keys[k] as string, { ts: at, txn: undefined });
      }
      const q = prng.nextIntBetween(0, keys.length - 1);
      const got = cache.getMax(r(keys[q] as string, `${keys[q]}\u0000`));
      const want = model.get(keys[q] as string)?.ts ?? 1;
      // Soundness: never below the true maximum (evictions only raise it).
      expect(got.ts.wallTime >= BigInt(want), `seed ${seed} step ${step}`).toBe(true);
      if (got.ts.wallTime === BigInt(want) && cache.lowWaterMark.less(got.ts)) {
        expect(got.txnId, `seed ${seed} step ${step}`).toBe(model.get(keys[q] as string)?.txn);
      }
    }
    expect(cache.size).toBeLessThanOrEqual(21);
  });
});
