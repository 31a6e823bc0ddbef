/**
 * What only the in-memory engine shows: old versions are kept exactly while a reader can see them,
 * and it stays correct and usable at 100k keys. The shared behaviour is in engine.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../common/prng.js';
import type { BatchOp } from './engine.js';
import { bytes, drain, scan, SortedModel, text } from './engine-conformance.js';
import { MemoryEngine } from './memory-engine.js';

describe('MemoryEngine versions', () => {
  it('writes in place while no reader is open', async () => {
    const engine = new MemoryEngine();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) await engine.put(bytes(`k${i}`), bytes(`v${round}`));
    }
    for (let i = 0; i < 50; i++) await engine.del(bytes(`k${i}`));
    expect(engine.stats()).toEqual({ entries: 50, versions: 50, pinnedReaders: 0, leaves: 1 });
  });

  it('keeps the versions an open snapshot sees and collects them when it closes', async () => {
    const engine = new MemoryEngine();
    await engine.write(Array.from({ length: 100 }, (_, i): BatchOp => ({ type: 'put', key: bytes(`k${i}`), value: bytes('old') })));
    const snapshot = engine.snapshot();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) await engine.put(bytes(`k${i}`), bytes(`v${round}`));
    }
    for (let i = 0; i < 50; i++) await engine.del(bytes(`k${i}`));
    // Each key keeps the snapshot's version and its newest one (a deletion for half of them);
    // the versions in between were seen by no reader and are gone.
    expect(engine.stats()).toEqual({ entries: 100, versions: 200, pinnedReaders: 1, leaves: 1 });
    expect((await scan(snapshot)).length).toBe(100);
    await snapshot.close();
    expect(engine.stats()).toEqual({ entries: 50, versions: 50, pinnedReaders: 0, leaves: 1 });
    expect((await scan(engine)).every((entry) => entry.endsWith('=v2'))).toBe(true);
  });

  it('keeps one version per reader that sees it, and drops a closed reader\'s on the next write', async () => {
    const engine = new MemoryEngine();
    const key = bytes('k');
    await engine.put(key, bytes('1'));
    const first = engine.snapshot();
    await engine.put(key, bytes('2'));
    const second = engine.snapshot();
    const iterator = engine.iterator();
    await engine.put(key, bytes('3'));
    await engine.put(key, bytes('4'));
    const third = engine.snapshot();
    await engine.put(key, bytes('5'));
    expect(engine.stats().versions).toBe(4);
    await second.close();
    // The iterator still sees '2'.
    await engine.put(key, bytes('6'));
    expect(engine.stats().versions).toBe(4);
    expect(await drain(iterator)).toEqual(['k=2']);
    await engine.put(key, bytes('7'));
    expect(engine.stats().versions).toBe(3);
    expect(text((await first.get(key))!)).toBe('1');
    expect(text((await third.get(key))!)).toBe('4');
    await first.close();
    await third.close();
    expect(engine.stats()).toEqual({ entries: 1, versions: 1, pinnedReaders: 0, leaves: 1 });
  });

  it('clones an independent copy', async () => {
    const engine = new MemoryEngine();
    await engine.write([{ type: 'put', key: bytes('a'), value: bytes('1') }, { type: 'put', key: bytes('b'), value: bytes('2') }]);
    const copy = engine.clone();
    await engine.del(bytes('a'));
    await copy.put(bytes('c'), bytes('3'));
    expect(await scan(engine)).toEqual(['b=2']);
    expect(await scan(copy)).toEqual(['a=1', 'b=2', 'c=3']);
    expect(copy.entries().map((kv) => text(kv.key))).toEqual(['a', 'b', 'c']);
  });
});

describe('MemoryEngine at 100k keys', () => {
  it('stays sorted and isolated while 100k keys arrive in random order', async () => {
    const engine = new MemoryEngine();
    const prng = new Prng(100);
    const count = 100_000;
    const ids = prng.shuffle(Array.from({ length: count }, (_, i) => i));
    const key = (id: number): Uint8Array => bytes(`key/${String(id).padStart(6, '0')}`);
    const model = new SortedModel();
    const first: BatchOp[] = ids.slice(0, 1000).map((id) => ({ type: 'put', key: key(id), value: bytes('a') }));
    await engine.write(first);
    model.apply(first);
    const early = engine.iterator({ reverse: true });
    const earlyExpected = model.scan({ reverse: true });
    const earlyRead: string[] = [];
    for (let i = 1000; i < count; i += 1000) {
      await engine.write(ids.slice(i, i + 1000).map((id): BatchOp => ({ type: 'put', key: key(id), value: bytes('b') })));
      earlyRead.push(...(await early.nextBatch(10)).map((kv) => `${text(kv.key)}=${text(kv.value)}`));
    }
    earlyRead.push(...(await drain(early)));
    expect(earlyRead).toEqual(earlyExpected);

    const all = await engine.iterator().nextBatch(count + 1);
    expect(all.length).toBe(count);
    const outOfPlace = all.findIndex((kv, i) => text(kv.key) !== `key/${String(i).padStart(6, '0')}`);
    expect(outOfPlace).toBe(-1);
    let missing = 0;
    for (let probe = 0; probe < 1000; probe++) {
      if ((await engine.get(key(prng.nextInt(count)))) === undefined) missing++;
    }
    expect(missing).toBe(0);
    const iterator = engine.iterator({ start: key(50_000), limit: 3 });
    iterator.seek(key(99_998));
    expect((await iterator.nextBatch(5)).map((kv) => text(kv.key))).toEqual(['key/099998', 'key/099999']);
    await iterator.close();
    expect(await engine.approximateSize(key(0), key(10))).toBe(10 * (10 + 1));
  });
});
