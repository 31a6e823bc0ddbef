import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import { compareBytes, type Bytes } from '../engine.js';
import { MemoryEngine } from '../memory-engine.js';
import { IndexedBatch } from './indexed-batch.js';

const hex = (b: Bytes): string => Buffer.from(b).toString('hex');

function randomKey(prng: Prng): Uint8Array {
  return Uint8Array.from({ length: prng.nextIntBetween(1, 3) }, () => prng.pick([0x00, 0x01, 0x61, 0x62, 0xff]));
}

/** The merged view a batch must present: the engine's contents with the batch's writes applied. */
function expectedView(base: Map<string, string>, writes: Map<string, string | undefined>): [string, string][] {
  const merged = new Map(base);
  for (const [k, v] of writes) {
    if (v === undefined) merged.delete(k);
    else merged.set(k, v);
  }
  return [...merged.entries()].sort(([a], [b]) => compareBytes(Buffer.from(a, 'hex'), Buffer.from(b, 'hex')));
}

describe('IndexedBatch', () => {
  it('reads its own writes merged over the engine, in every direction, bound, limit and seek', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const prng = new Prng(seed);
      const engine = new MemoryEngine();
      const base = new Map<string, string>();
      for (let i = 0; i < 15; i++) {
        const key = randomKey(prng);
        const value = Uint8Array.of(prng.nextInt(256));
        await engine.put(key, value);
        base.set(hex(key), hex(value));
      }
      const batch = new IndexedBatch(engine);
      const writes = new Map<string, string | undefined>();
      for (let i = 0; i < 15; i++) {
        const key = randomKey(prng);
        if (prng.chance(0.4)) {
          batch.del(key);
          writes.set(hex(key), undefined);
        } else {
          const value = Uint8Array.of(prng.nextInt(256));
          batch.put(key, value);
          writes.set(hex(key), hex(value));
        }
      }
      const view = expectedView(base, writes);
      for (const [k, v] of view) expect(hex((await batch.get(Buffer.from(k, 'hex'))) as Bytes), `seed ${seed}`).toBe(v);
      for (const k of writes.keys()) {
        if (writes.get(k) === undefined) expect(await batch.get(Buffer.from(k, 'hex')), `seed ${seed}`).toBeUndefined();
      }
      for (let round = 0; round < 30; round++) {
        const start = prng.chance(0.3) ? undefined : randomKey(prng);
        const end = prng.chance(0.3) ? undefined : randomKey(prng);
        const reverse = prng.chance(0.5);
        const limit = prng.chance(0.5) ? undefined : prng.nextInt(5);
        const seekTo = prng.chance(0.3) ? randomKey(prng) : undefined;
        let want = view.filter(
          ([k]) =>
            (start === undefined || compareBytes(Buffer.from(k, 'hex'), start) >= 0) &&
            (end === undefined || compareBytes(Buffer.from(k, 'hex'), end) < 0),
        );
        if (reverse) want.reverse();
        const iterator = batch.iterator({
          ...(start === undefined ? {} : { start }),
          ...(end === undefined ? {} : { end }),
          reverse,
          ...(limit === undefined ? {} : { limit }),
        });
        const got: [string, string][] = [];
        if (seekTo !== undefined) {
          iterator.seek(seekTo);
          want = want.filter(([k]) => {
            const c = compareBytes(Buffer.from(k, 'hex'), seekTo);
            return reverse ? c <= 0 : c >= 0;
          });
        }
        if (limit !== undefined) want = want.slice(0, limit);
        for (;;) {
          const kv = await iterator.next();
          if (kv === undefined) break;
          got.push([hex(kv.key), hex(kv.value)]);
        }
        await iterator.close();
        expect(got, `seed ${seed} round ${round}`).toEqual(want);
      }
      await batch.commit(engine);
      const after: [string, string][] = [];
      for await (const kv of engine.iterator()) after.push([hex(kv.key), hex(kv.value)]);
      expect(after, `seed ${seed} after commit`).toEqual(view);
    }
  });

  it('lets a scan write behind its own position without disturbing the iteration', async () => {
    const engine = new MemoryEngine();
    for (const k of ['a', 'b', 'c', 'd']) await engine.put(Buffer.from(k), Buffer.from(k));
    const batch = new IndexedBatch(engine);
    batch.put(Buffer.from('bb'), Buffer.from('bb'));
    const seen: string[] = [];
    for await (const kv of batch.iterator()) {
      seen.push(Buffer.from(kv.key).toString());
      batch.del(kv.key);
      // '0' sorts before every key: behind the position, so this iteration never meets it.
      batch.put(Buffer.from('0'), Buffer.from('x'));
    }
    expect(seen).toEqual(['a', 'b', 'bb', 'c', 'd']);
    const remaining: string[] = [];
    for await (const kv of batch.iterator()) remaining.push(Buffer.from(kv.key).toString());
    expect(remaining).toEqual(['0']);
  });
});
