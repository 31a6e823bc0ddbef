/**
 * FaultyEngine's model of a disk: what survives a crash, and faults that leave no trace.
 *
 * The rule checked is LevelDB's, from the comment on WriteOptions::sync in include/leveldb/options.h:
 * "If this flag is false, and the machine crashes, some recent writes may be lost." With it set,
 * "the write will be flushed from the operating system buffer cache (by calling
 * WritableFile::Sync()) before the write is considered complete." And a WriteBatch is applied
 * atomically. Since the log is written in order, a synced write also makes every earlier write
 * durable.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../common/prng.js';
import type { BatchOp } from './engine.js';
import { bytes, expectRejects, expectThrows, scan, SortedModel, text } from './engine-conformance.js';
import { FaultyEngine } from './faulty-engine.js';

const put = (key: string, value: string): BatchOp => ({ type: 'put', key: bytes(key), value: bytes(value) });
const del = (key: string): BatchOp => ({ type: 'del', key: bytes(key) });

/** A random batch over few keys, so that later batches overwrite and delete what earlier ones wrote. */
function randomBatch(prng: Prng, tag: string): BatchOp[] {
  return Array.from({ length: 1 + prng.nextInt(4) }, () => {
    const key = `k${prng.nextInt(12)}`;
    return prng.chance(0.75) ? put(key, tag) : del(key);
  });
}

describe('FaultyEngine crash', () => {
  it('keeps every synced batch whole and a whole-batch prefix of the unsynced ones, over many seeds', async () => {
    const keptCounts = new Set<string>();
    for (let seed = 1; seed <= 150; seed++) {
      const prng = new Prng(seed);
      const engine = new FaultyEngine({ seed });
      // states[i] is the content after the first i batches.
      const states = [new SortedModel()];
      let lastSynced = 0;
      const batches = 1 + prng.nextInt(12);
      for (let i = 1; i <= batches; i++) {
        const ops = randomBatch(prng, `s${seed}b${i}`);
        const sync = prng.chance(0.3);
        await engine.write(ops, { sync });
        const next = states[i - 1]!.copy();
        next.apply(ops);
        states.push(next);
        if (sync) lastSynced = i;
      }
      expect(engine.unsyncedBatchCount).toBe(batches - lastSynced);
      const { engine: recovered, unsyncedBatchesKept, unsyncedBatchesLost } = engine.crash();
      expect(unsyncedBatchesKept + unsyncedBatchesLost).toBe(batches - lastSynced);
      const survived = lastSynced + unsyncedBatchesKept;
      expect(await scan(recovered), `seed ${seed}`).toEqual(states[survived]!.scan());
      keptCounts.add(unsyncedBatchesLost === 0 ? 'all' : unsyncedBatchesKept === 0 ? 'none' : 'some');
      // Everything that survived is on disk now: a second crash loses nothing of it.
      const again = recovered.crash();
      expect(again.unsyncedBatchesKept + again.unsyncedBatchesLost).toBe(0);
      expect(await scan(again.engine)).toEqual(states[survived]!.scan());
      await again.engine.close();
    }
    // The seeds reach every outcome: a crash that always kept (or lost) everything would fail here.
    expect([...keptCounts].sort()).toEqual(['all', 'none', 'some']);
  });

  it('replays the same crash from the same seed', async () => {
    const outcomes: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const engine = new FaultyEngine({ seed: 77 });
      const prng = new Prng(5);
      for (let i = 0; i < 20; i++) await engine.write(randomBatch(prng, `b${i}`));
      const { engine: recovered, unsyncedBatchesKept } = engine.crash();
      outcomes.push([String(unsyncedBatchesKept), ...(await scan(recovered))]);
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
  });

  it('keeps exactly the requested number of unsynced batches', async () => {
    for (const keep of [0, 1, 2, 3, 10]) {
      const engine = new FaultyEngine();
      await engine.write([put('a', '1'), put('b', '1')], { sync: true });
      await engine.write([put('a', '2'), del('b')]);
      await engine.put(bytes('c'), bytes('3'));
      await engine.write([del('a'), put('d', '4')]);
      const { engine: recovered, unsyncedBatchesKept } = engine.crash({ keepUnsyncedBatches: keep });
      expect(unsyncedBatchesKept).toBe(Math.min(keep, 3));
      const expected = [['a=1', 'b=1'], ['a=2'], ['a=2', 'c=3'], ['c=3', 'd=4']][Math.min(keep, 3)];
      expect(await scan(recovered)).toEqual(expected);
    }
  });

  it('makes every earlier write durable with a synced one', async () => {
    const engine = new FaultyEngine();
    await engine.put(bytes('a'), bytes('1'));
    await engine.write([put('b', '2'), put('c', '3')]);
    await engine.del(bytes('c'), { sync: true });
    await engine.put(bytes('d'), bytes('4'));
    expect(engine.unsyncedBatchCount).toBe(1);
    const { engine: recovered } = engine.crash({ keepUnsyncedBatches: 0 });
    expect(await scan(recovered)).toEqual(['a=1', 'b=2']);
  });

  it('loses unsynced writes even after a clean close, and closes the crashed engine', async () => {
    const engine = new FaultyEngine();
    await engine.put(bytes('a'), bytes('1'), { sync: true });
    const iterator = engine.iterator();
    const snapshot = engine.snapshot();
    await engine.put(bytes('b'), bytes('2'));
    const { engine: recovered } = engine.crash({ keepUnsyncedBatches: 0 });
    await expectRejects(engine.get(bytes('a')), 'ENGINE_CLOSED');
    await expectRejects(engine.put(bytes('a'), bytes('x')), 'ENGINE_CLOSED');
    await expectRejects(iterator.next(), 'ENGINE_CLOSED');
    await expectRejects(snapshot.get(bytes('a')), 'ENGINE_CLOSED');
    expect(await scan(recovered)).toEqual(['a=1']);

    await recovered.put(bytes('c'), bytes('3'));
    await recovered.close();
    const { engine: afterClose } = recovered.crash({ keepUnsyncedBatches: 0 });
    expect(await scan(afterClose)).toEqual(['a=1']);
  });

  it('keeps the log apart from buffers the caller reuses', async () => {
    const engine = new FaultyEngine();
    const key = bytes('k');
    const value = bytes('v1');
    await engine.put(key, value);
    key[0] = 0x6a;
    value[1] = 0x32;
    const { engine: recovered } = engine.crash({ keepUnsyncedBatches: 1 });
    expect(await scan(recovered)).toEqual(['k=v1']);
  });
});

describe('FaultyEngine faults', () => {
  it('fails the next N writes with ENGINE_IO, leaving no trace even in the durable state', async () => {
    const engine = new FaultyEngine();
    await engine.put(bytes('a'), bytes('1'));
    engine.failNextWrites(3);
    await expectRejects(engine.put(bytes('b'), bytes('2'), { sync: true }), 'ENGINE_IO');
    await expectRejects(engine.write([put('c', '3'), del('a')], { sync: true }), 'ENGINE_IO');
    await expectRejects(engine.del(bytes('a'), { sync: true }), 'ENGINE_IO');
    expect(await scan(engine)).toEqual(['a=1']);
    // The failed synced writes did not sync the earlier unsynced one.
    expect(engine.unsyncedBatchCount).toBe(1);
    await engine.put(bytes('d'), bytes('4'));
    expect(await scan(engine)).toEqual(['a=1', 'd=4']);
    const { engine: recovered } = engine.crash({ keepUnsyncedBatches: 0 });
    expect(await scan(recovered)).toEqual([]);
  });

  it('checks arguments before drawing a fault', async () => {
    const engine = new FaultyEngine();
    engine.failNextWrites(1);
    await expectRejects(engine.put(new Uint8Array(0), bytes('v')), 'ENGINE_INVALID_ARGUMENT');
    await expectRejects(engine.put(bytes('k'), bytes('v')), 'ENGINE_IO');
    await engine.put(bytes('k'), bytes('v'));
    expect(await scan(engine)).toEqual(['k=v']);
    expect(() => engine.failNextWrites(-1)).toThrow();
    expect(() => engine.setFaults({ writeFailureProbability: 2 })).toThrow();
  });

  it('fails writes at random with the given probability, the same ones for the same seed', async () => {
    const runs: boolean[][] = [];
    for (let run = 0; run < 2; run++) {
      const engine = new FaultyEngine({ seed: 9, writeFailureProbability: 0.3 });
      const model = new SortedModel();
      const outcomes: boolean[] = [];
      for (let i = 0; i < 400; i++) {
        const ops = [put(`k${i % 17}`, `v${i}`), del(`k${(i * 5) % 17}`)];
        const ok = await engine.write(ops, { sync: i % 7 === 0 }).then(
          () => true,
          (error: unknown) => {
            expect((error as { code?: string }).code).toBe('ENGINE_IO');
            return false;
          },
        );
        if (ok) model.apply(ops);
        outcomes.push(ok);
      }
      expect(await scan(engine)).toEqual(model.scan());
      runs.push(outcomes);
    }
    expect(runs[0]).toEqual(runs[1]);
    const failures = runs[0]!.filter((ok) => !ok).length;
    // 400 draws at p = 0.3: the count is 120 +- 9 (one standard deviation); the bounds are 5 of them.
    expect(failures).toBeGreaterThan(75);
    expect(failures).toBeLessThan(165);
    const engine = new FaultyEngine({ seed: 9, writeFailureProbability: 0.3 });
    engine.setFaults({});
    for (let i = 0; i < 50; i++) await engine.put(bytes('k'), bytes('v'));
  });

  it('fails the next N reads, and an iterator resumes where it was', async () => {
    const engine = new FaultyEngine();
    await engine.write([put('a', '1'), put('b', '2'), put('c', '3')]);
    const iterator = engine.iterator();
    const snapshot = engine.snapshot();
    expect(text((await iterator.next())!.key)).toBe('a');
    engine.failNextReads(4);
    await expectRejects(engine.get(bytes('a')), 'ENGINE_IO');
    await expectRejects(iterator.next(), 'ENGINE_IO');
    await expectRejects(iterator.nextBatch(5), 'ENGINE_IO');
    await expectRejects(snapshot.get(bytes('a')), 'ENGINE_IO');
    expect(text((await engine.get(bytes('a')))!)).toBe('1');
    expect((await iterator.nextBatch(5)).map((kv) => text(kv.key))).toEqual(['b', 'c']);
    expect(await scan(snapshot)).toEqual(['a=1', 'b=2', 'c=3']);
    await iterator.close();
    await snapshot.close();
  });

  it('fails reads at random with the given probability', async () => {
    const engine = new FaultyEngine({ seed: 4, readFailureProbability: 0.5 });
    engine.setFaults({});
    await engine.put(bytes('k'), bytes('v'));
    engine.setFaults({ readFailureProbability: 0.5 });
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      await engine.get(bytes('k')).then(
        (value) => expect(text(value!)).toBe('v'),
        () => failures++,
      );
    }
    // 200 draws at p = 0.5: 100 +- 7; the bounds are 5 standard deviations.
    expect(failures).toBeGreaterThan(65);
    expect(failures).toBeLessThan(135);
    expectThrows(() => engine.failNextReads(1.5), 'ENGINE_INVALID_ARGUMENT');
  });
});
