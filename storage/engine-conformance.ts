/**
 * The conformance suite of the engine contract (`engine.ts`): every engine registers the same
 * tests with `engineConformanceTests(harness)` inside a vitest `describe`, the way every
 * abstract-level store runs the abstract-level suite. A behaviour is part of the contract only if
 * this file checks it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Prng } from '../common/prng.js';
import { EngineError, type BatchOp, type Bytes, type Engine, type EngineErrorCode, type EngineIterator, type IterateOptions, type KeyValue } from './engine.js';

export interface EngineHarness {
  /** Opens a new, empty engine. The suite closes it after the test. */
  open(): Promise<Engine>;
  /** Runs after each test, once its engines are closed (to remove temporary directories). */
  cleanup?(): Promise<void>;
  /** approximateSize is exactly the bytes of the keys and values in the span. */
  readonly exactSizes: boolean;
  /** Operations of the randomized model test per seed (fewer for slow engines). */
  readonly modelOpsPerSeed?: number;
}

/** Keys written as latin1 strings, so that '\x00' and '\xff' are the bytes 0x00 and 0xff. */
export function bytes(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}

export function text(value: Bytes): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
}

/**
 * The reference the engines are compared with: a map from latin1 strings, whose JavaScript order
 * (UTF-16 code units, all below 256 here) is the bytewise order of the engines.
 */
export class SortedModel {
  readonly entries = new Map<string, string>();

  apply(ops: readonly BatchOp[]): void {
    for (const op of ops) {
      if (op.type === 'put') this.entries.set(text(op.key), text(op.value));
      else this.entries.delete(text(op.key));
    }
  }

  copy(): SortedModel {
    const model = new SortedModel();
    for (const [key, value] of this.entries) model.entries.set(key, value);
    return model;
  }

  /** The entries an iterator with these options returns, as "key=value" strings. */
  scan(options: IterateOptions = {}): string[] {
    const start = options.start === undefined ? undefined : text(options.start);
    const end = options.end === undefined ? undefined : text(options.end);
    const keys = [...this.entries.keys()]
      .filter((key) => (start === undefined || key >= start) && (end === undefined || key < end))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (options.reverse === true) keys.reverse();
    return keys.slice(0, options.limit ?? Infinity).map((key) => `${key}=${this.entries.get(key)}`);
  }
}

export function show(entries: readonly KeyValue[]): string[] {
  return entries.map((kv) => `${text(kv.key)}=${text(kv.value)}`);
}

export async function drain(iterator: EngineIterator, style: 'next' | 'batch' | 'for-await' = 'next'): Promise<string[]> {
  const out: KeyValue[] = [];
  if (style === 'for-await') {
    for await (const kv of iterator) out.push(kv);
    return show(out);
  }
  for (;;) {
    if (style === 'next') {
      const kv = await iterator.next();
      if (kv === undefined) break;
      out.push(kv);
    } else {
      const batch = await iterator.nextBatch(2);
      expect(batch.length).toBeLessThanOrEqual(2);
      if (batch.length === 0) break;
      out.push(...batch);
    }
  }
  await iterator.close();
  return show(out);
}

export async function scan(reader: { iterator(options?: IterateOptions): EngineIterator }, options?: IterateOptions): Promise<string[]> {
  return drain(reader.iterator(options));
}

export async function expectRejects(promise: Promise<unknown>, code: EngineErrorCode): Promise<void> {
  const error: unknown = await promise.then(
    () => new Error(`resolved, expected a rejection with ${code}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe(code);
}

export function expectThrows(fn: () => unknown, code: EngineErrorCode): void {
  let error: unknown = new Error(`returned, expected a throw of ${code}`);
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe(code);
}

const put = (key: string, value: string): BatchOp => ({ type: 'put', key: bytes(key), value: bytes(value) });
const del = (key: string): BatchOp => ({ type: 'del', key: bytes(key) });

/** The order of binary keys, written by hand so the test does not trust compareBytes. */
const binaryKeysInOrder = ['\x00', '\x00\x00', '\x00\x01', 'a', 'a\x00', 'a\x00\x00', 'a\x01', 'ab', 'a\xff', 'b', '\x7f', '\x80', '\xfe\xff', '\xff', '\xff\x00', '\xff\xff'];

export function engineConformanceTests(harness: EngineHarness): void {
  const opened: Engine[] = [];

  async function fresh(): Promise<Engine> {
    const engine = await harness.open();
    opened.push(engine);
    return engine;
  }

  async function filled(entries: Record<string, string>): Promise<{ engine: Engine; model: SortedModel }> {
    const engine = await fresh();
    const ops = Object.entries(entries).map(([key, value]) => put(key, value));
    await engine.write(ops);
    const model = new SortedModel();
    model.apply(ops);
    return { engine, model };
  }

  afterEach(async () => {
    for (const engine of opened.splice(0)) await engine.close();
    await harness.cleanup?.();
  });

  describe('point operations', () => {
    it('puts, gets, overwrites and deletes', async () => {
      const engine = await fresh();
      expect(await engine.get(bytes('k'))).toBeUndefined();
      await engine.put(bytes('k'), bytes('v1'));
      expect(text((await engine.get(bytes('k')))!)).toBe('v1');
      await engine.put(bytes('k'), bytes('v2'));
      expect(text((await engine.get(bytes('k')))!)).toBe('v2');
      await engine.del(bytes('k'));
      expect(await engine.get(bytes('k'))).toBeUndefined();
      await engine.del(bytes('never-written'));
      expect(await scan(engine)).toEqual([]);
    });

    it('returns Uint8Array values', async () => {
      const engine = await fresh();
      await engine.put(bytes('k'), bytes('v'));
      const value = await engine.get(bytes('k'));
      expect(value).toBeInstanceOf(Uint8Array);
      const [kv] = await engine.iterator().nextBatch(1);
      expect(kv?.key).toBeInstanceOf(Uint8Array);
      expect(kv?.value).toBeInstanceOf(Uint8Array);
    });

    it('keeps an empty value apart from an absent key', async () => {
      const engine = await fresh();
      await engine.put(bytes('empty'), new Uint8Array(0));
      const value = await engine.get(bytes('empty'));
      expect(value).toBeDefined();
      expect(value?.length).toBe(0);
      expect(await scan(engine)).toEqual(['empty=']);
      await engine.write([put('b', '')]);
      expect(await scan(engine, { reverse: true })).toEqual(['empty=', 'b=']);
    });

    it('copies keys and values, so callers may reuse their buffers', async () => {
      const engine = await fresh();
      const key = bytes('key');
      const value = bytes('value');
      await engine.put(key, value);
      key[0] = 0x7a;
      value[0] = 0x7a;
      const stored = await engine.get(bytes('key'));
      expect(text(stored!)).toBe('value');
      stored![0] = 0x7a;
      expect(text((await engine.get(bytes('key')))!)).toBe('value');
      const [kv] = await engine.iterator().nextBatch(1);
      kv!.key[0] = 0x7a;
      kv!.value[0] = 0x7a;
      expect(await scan(engine)).toEqual(['key=value']);
    });

    it('accepts keys and values that are views into a larger buffer', async () => {
      const engine = await fresh();
      const backing = bytes('xxkeyyyvalzz');
      await engine.put(backing.subarray(2, 5), backing.subarray(7, 10));
      expect(text((await engine.get(bytes('key')))!)).toBe('val');
      expect(await scan(engine)).toEqual(['key=val']);
    });

    it('takes the sync option', async () => {
      const engine = await fresh();
      await engine.put(bytes('a'), bytes('1'), { sync: true });
      await engine.del(bytes('a'), { sync: true });
      await engine.write([put('b', '2')], { sync: false });
      await engine.write([put('c', '3')], {});
      expect(await scan(engine)).toEqual(['b=2', 'c=3']);
    });
  });

  describe('binary keys', () => {
    it('orders keys bytewise, a prefix before its extensions', async () => {
      const engine = await fresh();
      const shuffled = new Prng(3).shuffle([...binaryKeysInOrder]);
      for (const key of shuffled) await engine.put(bytes(key), bytes(`v${key}`));
      const expected = binaryKeysInOrder.map((key) => `${key}=v${key}`);
      expect(await scan(engine)).toEqual(expected);
      expect(await scan(engine, { reverse: true })).toEqual([...expected].reverse());
      for (const key of binaryKeysInOrder) expect(text((await engine.get(bytes(key)))!)).toBe(`v${key}`);
    });

    it('never confuses a key with its prefix or extension', async () => {
      const engine = await fresh();
      await engine.write([put('a\x00', '1'), put('a\x00\x00', '2')]);
      expect(await engine.get(bytes('a'))).toBeUndefined();
      expect(text((await engine.get(bytes('a\x00')))!)).toBe('1');
      expect(await engine.get(bytes('a\x00\x00\x00'))).toBeUndefined();
      await engine.del(bytes('a'));
      expect(await scan(engine, { start: bytes('a'), end: bytes('a\x00\x00') })).toEqual(['a\x00=1']);
      expect(await scan(engine, { start: bytes('a\x00\x00') })).toEqual(['a\x00\x00=2']);
    });
  });

  describe('batches', () => {
    it('applies ops in order, a later op on a key winning', async () => {
      const engine = await fresh();
      await engine.write([put('a', '1'), put('a', '2'), put('b', '1'), del('b'), del('c'), put('c', '3'), put('d', '4')]);
      expect(await scan(engine)).toEqual(['a=2', 'c=3', 'd=4']);
      await engine.write([del('d'), put('d', '5'), del('a')]);
      expect(await scan(engine)).toEqual(['c=3', 'd=5']);
    });

    it('applies nothing of a batch that holds an invalid op', async () => {
      const engine = await fresh();
      await engine.put(bytes('a'), bytes('1'));
      const bad = { type: 'put', key: bytes('c'), value: 'not bytes' } as unknown as BatchOp;
      await expectRejects(engine.write([put('b', '2'), del('a'), bad]), 'ENGINE_INVALID_ARGUMENT');
      await expectRejects(engine.write([put('b', '2'), { type: 'del', key: new Uint8Array(0) }]), 'ENGINE_INVALID_ARGUMENT');
      expect(await scan(engine)).toEqual(['a=1']);
    });

    it('accepts an empty batch', async () => {
      const engine = await fresh();
      await engine.write([]);
      await engine.write([], { sync: true });
      expect(await scan(engine)).toEqual([]);
    });

    it('makes a batch visible all at once to snapshots and iterators', async () => {
      const engine = await fresh();
      await engine.write([put('a', '0'), put('z', '0')]);
      const before = engine.snapshot();
      await engine.write([put('a', '1'), put('m', '1'), del('z')]);
      const after = engine.snapshot();
      expect(await scan(before)).toEqual(['a=0', 'z=0']);
      expect(await scan(after)).toEqual(['a=1', 'm=1']);
      await before.close();
      await after.close();
    });
  });

  describe('iteration', () => {
    const data = { b: '1', d: '2', f: '3', h: '4' };
    const bounds = [undefined, '', 'a', 'b', 'c', 'f', 'h', 'h\x00', 'z'];
    const limits = [undefined, 0, 1, 2, 10];

    it('honours every combination of start, end, direction and limit', async () => {
      const { engine, model } = await filled(data);
      let combination = 0;
      for (const start of bounds) {
        for (const end of bounds) {
          for (const reverse of [false, true]) {
            for (const limit of limits) {
              const options: IterateOptions = {
                ...(start !== undefined && { start: bytes(start) }),
                ...(end !== undefined && { end: bytes(end) }),
                reverse,
                ...(limit !== undefined && { limit }),
              };
              const style = (['next', 'batch', 'for-await'] as const)[combination++ % 3]!;
              const got = await drain(engine.iterator(options), style);
              expect(got, JSON.stringify({ start, end, reverse, limit, style })).toEqual(model.scan(options));
            }
          }
        }
      }
    });

    it('keeps returning nothing once exhausted', async () => {
      const { engine } = await filled(data);
      for (const reverse of [false, true]) {
        const iterator = engine.iterator({ reverse, limit: 2 });
        expect(show(await iterator.nextBatch(10))).toEqual(reverse ? ['h=4', 'f=3'] : ['b=1', 'd=2']);
        expect(await iterator.next()).toBeUndefined();
        expect(await iterator.nextBatch(5)).toEqual([]);
        expect(await iterator.next()).toBeUndefined();
        await iterator.close();
      }
    });

    it('batches with nextBatch and mixes it with next', async () => {
      const engine = await fresh();
      const model = new SortedModel();
      const ops = Array.from({ length: 2500 }, (_, i) => put(`k${String(i).padStart(5, '0')}`, `v${i}`));
      await engine.write(ops);
      model.apply(ops);
      for (const reverse of [false, true]) {
        const iterator = engine.iterator({ reverse });
        const got: KeyValue[] = [];
        const first = await iterator.next();
        got.push(first!);
        // A batch may stop short of max before the end (LevelDB hands out what it has fetched);
        // only an empty batch means the end.
        for (let round = 0; got.length < 2500; round++) {
          const size = [1, 7, 1000, 1, 2000][round % 5]!;
          const batch = await iterator.nextBatch(size);
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(size);
          got.push(...batch);
          const one = await iterator.next();
          if (one !== undefined) got.push(one);
        }
        expect(await iterator.nextBatch(10)).toEqual([]);
        expect(await iterator.next()).toBeUndefined();
        await iterator.close();
        expect(show(got)).toEqual(model.scan({ reverse }));
      }
    });

    it('closes the iterator when a for-await loop stops early', async () => {
      const { engine } = await filled(data);
      const iterator = engine.iterator();
      const seen: string[] = [];
      for await (const kv of iterator) {
        seen.push(text(kv.key));
        if (seen.length === 2) break;
      }
      expect(seen).toEqual(['b', 'd']);
      await expectRejects(iterator.next(), 'ENGINE_CLOSED');
    });

    it('lets many iterators run interleaved', async () => {
      const { engine } = await filled(data);
      const forward = engine.iterator();
      const backward = engine.iterator({ reverse: true });
      const got: string[] = [];
      for (let i = 0; i < 4; i++) {
        got.push(text((await forward.next())!.key), text((await backward.next())!.key));
      }
      expect(got.join('')).toBe('bhdffdhb');
      await forward.close();
      await backward.close();
    });
  });

  describe('seek', () => {
    const data = { b: '1', d: '2', f: '3', h: '4', j: '5' };
    const bounds = [undefined, 'c', 'd', 'h', 'i'];
    const targets = ['', 'a', 'b', 'c', 'd', 'e', 'h', 'i', 'j', 'k', '\xff'];

    it('lands forward on the first key >= target and in reverse on the last key <= target, within the bounds', async () => {
      const { engine, model } = await filled(data);
      for (const start of bounds) {
        for (const end of bounds) {
          for (const reverse of [false, true]) {
            const options: IterateOptions = { ...(start !== undefined && { start: bytes(start) }), ...(end !== undefined && { end: bytes(end) }), reverse };
            const inRange = model.scan(options);
            for (const target of targets) {
              const iterator = engine.iterator(options);
              // Read one entry first: a seek must also work on an iterator already under way.
              await iterator.next();
              iterator.seek(bytes(target));
              const expected = inRange.filter((entry) => {
                const key = entry.slice(0, entry.indexOf('='));
                return reverse ? key <= target : key >= target;
              });
              expect(await drain(iterator), JSON.stringify({ start, end, reverse, target })).toEqual(expected);
            }
          }
        }
      }
    });

    it('revives an exhausted iterator and can move back', async () => {
      const { engine } = await filled(data);
      const iterator = engine.iterator();
      expect((await iterator.nextBatch(10)).length).toBe(5);
      iterator.seek(bytes('f'));
      expect(text((await iterator.next())!.key)).toBe('f');
      iterator.seek(bytes('a'));
      expect(show(await iterator.nextBatch(2))).toEqual(['b=1', 'd=2']);
      await iterator.close();
      const reverse = engine.iterator({ reverse: true });
      expect((await reverse.nextBatch(10)).length).toBe(5);
      reverse.seek(bytes('e'));
      expect(show(await reverse.nextBatch(10))).toEqual(['d=2', 'b=1']);
      reverse.seek(bytes('z'));
      expect(text((await reverse.next())!.key)).toBe('j');
      await reverse.close();
    });

    it('counts the limit across seeks', async () => {
      const { engine } = await filled(data);
      const iterator = engine.iterator({ limit: 3 });
      expect(show(await iterator.nextBatch(2))).toEqual(['b=1', 'd=2']);
      iterator.seek(bytes('h'));
      expect(show(await iterator.nextBatch(5))).toEqual(['h=4']);
      iterator.seek(bytes('a'));
      expect(await iterator.next()).toBeUndefined();
      await iterator.close();
    });

    it('seeks within the view of the iterator, not the current data', async () => {
      const { engine } = await filled(data);
      const iterator = engine.iterator();
      await engine.write([put('c', 'new'), del('f'), put('g', 'new')]);
      iterator.seek(bytes('c'));
      expect(await drain(iterator)).toEqual(['d=2', 'f=3', 'h=4', 'j=5']);
    });
  });

  describe('isolation', () => {
    it('gives an iterator the data as of its creation', async () => {
      for (const reverse of [false, true]) {
        const { engine, model } = await filled({ b: '1', d: '2', f: '3', h: '4' });
        const iterator = engine.iterator({ reverse });
        const first = await iterator.next();
        await engine.write([put('a', 'new'), put('c', 'new'), put('e', 'new'), put('i', 'new'), del('d'), del('f'), put('h', 'changed'), put('b', 'changed')]);
        await engine.put(bytes('g'), bytes('new'));
        await engine.del(bytes('b'));
        const rest = await drain(iterator);
        expect([...show([first!]), ...rest]).toEqual(model.scan({ reverse }));
      }
    });

    it('takes the view of an iterator when it is created, before its first read', async () => {
      const { engine } = await filled({ b: '1' });
      const iterator = engine.iterator();
      await engine.put(bytes('a'), bytes('late'));
      await engine.del(bytes('b'));
      expect(await drain(iterator)).toEqual(['b=1']);
      expect(await scan(engine)).toEqual(['a=late']);
    });

    it('hides from a snapshot every write and delete made after it', async () => {
      const { engine, model } = await filled({ a: '1', b: '2', c: '3' });
      const snapshot = engine.snapshot();
      await engine.write([put('a', 'changed'), del('b'), put('d', 'new')]);
      await engine.del(bytes('c'));
      await engine.put(bytes('aa'), bytes('new'));
      const second = engine.snapshot();
      await engine.put(bytes('e'), bytes('newer'));
      expect(text((await snapshot.get(bytes('a')))!)).toBe('1');
      expect(text((await snapshot.get(bytes('b')))!)).toBe('2');
      expect(text((await snapshot.get(bytes('c')))!)).toBe('3');
      expect(await snapshot.get(bytes('d'))).toBeUndefined();
      expect(await scan(snapshot)).toEqual(model.scan());
      expect(await scan(snapshot, { reverse: true, start: bytes('b') })).toEqual(model.scan({ reverse: true, start: bytes('b') }));
      expect(await scan(second)).toEqual(['a=changed', 'aa=new', 'd=new']);
      expect(await scan(engine)).toEqual(['a=changed', 'aa=new', 'd=new', 'e=newer']);
      await snapshot.close();
      await second.close();
    });

    it('lets an iterator of a snapshot outlive the snapshot', async () => {
      const { engine } = await filled({ a: '1', b: '2' });
      const snapshot = engine.snapshot();
      await engine.del(bytes('a'));
      const iterator = snapshot.iterator();
      expect(text((await iterator.next())!.key)).toBe('a');
      await snapshot.close();
      await engine.del(bytes('b'));
      expect(text((await iterator.next())!.key)).toBe('b');
      expect(await iterator.next()).toBeUndefined();
      await iterator.close();
    });

    it('reflects in a snapshot every write that has resolved', async () => {
      const engine = await fresh();
      await Promise.all(Array.from({ length: 50 }, (_, i) => engine.put(bytes(`k${String(i).padStart(2, '0')}`), bytes(`${i}`))));
      const snapshot = engine.snapshot();
      expect((await scan(snapshot)).length).toBe(50);
      await snapshot.close();
    });
  });

  describe('closing', () => {
    it('rejects every use of a closed engine with ENGINE_CLOSED', async () => {
      const { engine } = await filled({ a: '1', b: '2' });
      const iterator = engine.iterator();
      const snapshot = engine.snapshot();
      const snapshotIterator = snapshot.iterator();
      await engine.close();
      await engine.close();
      await expectRejects(engine.get(bytes('a')), 'ENGINE_CLOSED');
      await expectRejects(engine.put(bytes('a'), bytes('1')), 'ENGINE_CLOSED');
      await expectRejects(engine.del(bytes('a')), 'ENGINE_CLOSED');
      await expectRejects(engine.write([put('a', '1')]), 'ENGINE_CLOSED');
      await expectRejects(engine.approximateSize(bytes('a'), bytes('z')), 'ENGINE_CLOSED');
      expectThrows(() => engine.iterator(), 'ENGINE_CLOSED');
      expectThrows(() => engine.snapshot(), 'ENGINE_CLOSED');
      for (const it of [iterator, snapshotIterator]) {
        await expectRejects(it.next(), 'ENGINE_CLOSED');
        await expectRejects(it.nextBatch(2), 'ENGINE_CLOSED');
        expectThrows(() => it.seek(bytes('a')), 'ENGINE_CLOSED');
        await it.close();
      }
      await expectRejects(snapshot.get(bytes('a')), 'ENGINE_CLOSED');
      expectThrows(() => snapshot.iterator(), 'ENGINE_CLOSED');
      await snapshot.close();
    });

    it('rejects every use of a closed iterator or snapshot with ENGINE_CLOSED', async () => {
      const { engine } = await filled({ a: '1' });
      const iterator = engine.iterator();
      await iterator.close();
      await iterator.close();
      await expectRejects(iterator.next(), 'ENGINE_CLOSED');
      await expectRejects(iterator.nextBatch(1), 'ENGINE_CLOSED');
      expectThrows(() => iterator.seek(bytes('a')), 'ENGINE_CLOSED');
      const snapshot = engine.snapshot();
      await snapshot.close();
      await snapshot.close();
      await expectRejects(snapshot.get(bytes('a')), 'ENGINE_CLOSED');
      expectThrows(() => snapshot.iterator(), 'ENGINE_CLOSED');
      expect(text((await engine.get(bytes('a')))!)).toBe('1');
    });
  });

  describe('invalid arguments', () => {
    const notBytes = ['a', undefined, null, 42, [1, 2], { length: 1 }] as unknown as Bytes[];

    it('rejects keys that are not non-empty Uint8Arrays and values that are not Uint8Arrays', async () => {
      const engine = await fresh();
      for (const key of [...notBytes, new Uint8Array(0)]) {
        await expectRejects(engine.get(key), 'ENGINE_INVALID_ARGUMENT');
        await expectRejects(engine.put(key, bytes('v')), 'ENGINE_INVALID_ARGUMENT');
        await expectRejects(engine.del(key), 'ENGINE_INVALID_ARGUMENT');
        await expectRejects(engine.write([{ type: 'put', key, value: bytes('v') }]), 'ENGINE_INVALID_ARGUMENT');
      }
      for (const value of notBytes) {
        await expectRejects(engine.put(bytes('k'), value), 'ENGINE_INVALID_ARGUMENT');
        await expectRejects(engine.write([{ type: 'put', key: bytes('k'), value }]), 'ENGINE_INVALID_ARGUMENT');
      }
      const snapshot = engine.snapshot();
      await expectRejects(snapshot.get(new Uint8Array(0)), 'ENGINE_INVALID_ARGUMENT');
      await snapshot.close();
      expect(await scan(engine)).toEqual([]);
    });

    it('rejects malformed batches and options', async () => {
      const engine = await fresh();
      await expectRejects(engine.write('ops' as unknown as BatchOp[]), 'ENGINE_INVALID_ARGUMENT');
      await expectRejects(engine.write([null as unknown as BatchOp]), 'ENGINE_INVALID_ARGUMENT');
      await expectRejects(engine.write([{ type: 'merge', key: bytes('k') } as unknown as BatchOp]), 'ENGINE_INVALID_ARGUMENT');
      await expectRejects(engine.put(bytes('k'), bytes('v'), { sync: 'yes' } as unknown as { sync: boolean }), 'ENGINE_INVALID_ARGUMENT');
      await expectRejects(engine.approximateSize('a' as unknown as Bytes, bytes('b')), 'ENGINE_INVALID_ARGUMENT');
      expectThrows(() => engine.iterator({ start: 'a' as unknown as Bytes }), 'ENGINE_INVALID_ARGUMENT');
      expectThrows(() => engine.iterator({ end: [1] as unknown as Bytes }), 'ENGINE_INVALID_ARGUMENT');
      expectThrows(() => engine.iterator({ limit: -1 }), 'ENGINE_INVALID_ARGUMENT');
      expectThrows(() => engine.iterator({ limit: 1.5 }), 'ENGINE_INVALID_ARGUMENT');
      expectThrows(() => engine.iterator({ reverse: 1 as unknown as boolean }), 'ENGINE_INVALID_ARGUMENT');
      const iterator = engine.iterator();
      await expectRejects(iterator.nextBatch(0), 'ENGINE_INVALID_ARGUMENT');
      await expectRejects(iterator.nextBatch(1.5), 'ENGINE_INVALID_ARGUMENT');
      expectThrows(() => iterator.seek('a' as unknown as Bytes), 'ENGINE_INVALID_ARGUMENT');
      await iterator.close();
      expect(await scan(engine)).toEqual([]);
    });
  });

  describe('approximateSize', () => {
    it(harness.exactSizes ? 'counts exactly the key and value bytes in the span' : 'answers a non-negative integer', async () => {
      const engine = await fresh();
      const all = [bytes(''), bytes('\xff\xff\xff')] as const;
      expect(await engine.approximateSize(...all)).toBe(0);
      await engine.write([put('a', '12345'), put('b', ''), put('c', '123'), put('d', '1234567890')]);
      const sizes = [
        await engine.approximateSize(...all),
        await engine.approximateSize(bytes('a'), bytes('c')),
        await engine.approximateSize(bytes('b'), bytes('b')),
        await engine.approximateSize(bytes('x'), bytes('z')),
      ];
      for (const size of sizes) expect(Number.isInteger(size) && size >= 0).toBe(true);
      if (harness.exactSizes) {
        expect(sizes).toEqual([1 + 5 + 1 + 0 + 1 + 3 + 1 + 10, 6 + 1, 0, 0]);
        await engine.del(bytes('a'));
        expect(await engine.approximateSize(bytes('a'), bytes('c'))).toBe(1);
      }
    });
  });

  describe('randomized model', () => {
    // Few keys, so that puts, deletes and batches collide often; binary bytes and prefixes included.
    const keyPool = ['\x00', 'a', 'a\x00', 'a\x00\x00', 'a\x01', 'ab', 'abc', 'b', 'b\xff', 'c', 'k1', 'k2', 'k3', 'zz', '\xff', '\xff\xff'];

    function randomKey(prng: Prng): string {
      return prng.pick(keyPool);
    }

    function randomOptions(prng: Prng): IterateOptions {
      const start = prng.chance(0.6) ? randomKey(prng) : undefined;
      const end = prng.chance(0.6) ? randomKey(prng) : undefined;
      const limit = prng.chance(0.3) ? prng.nextInt(5) : undefined;
      return {
        ...(start !== undefined && { start: bytes(start) }),
        ...(end !== undefined && { end: bytes(end) }),
        reverse: prng.chance(0.5),
        ...(limit !== undefined && { limit }),
      };
    }

    interface OpenReader {
      readonly model: SortedModel;
      readonly iterator: EngineIterator;
      readonly options: IterateOptions;
      /** Entries read since creation or the last seek. */
      read: string[];
      /** Entries read in all, which the limit caps across seeks. */
      returned: number;
      /** What the reader must return from its creation or last seek on. */
      expected: string[];
    }

    /** The entries an iterator returns after seek(target), given how many it returned before. */
    function afterSeek(reader: OpenReader, target: string): string[] {
      const { limit, ...unlimited } = reader.options;
      const left = (limit ?? Infinity) - reader.returned;
      return reader.model
        .scan(unlimited)
        .filter((entry) => {
          const key = entry.slice(0, entry.indexOf('='));
          return unlimited.reverse === true ? key <= target : key >= target;
        })
        .slice(0, Math.max(0, left));
    }

    for (const seed of [1, 2, 3, 4, 5, 6]) {
      it(`matches a sorted map under random writes, scans, seeks and snapshots (seed ${seed})`, async () => {
        const prng = new Prng(seed);
        const engine = await fresh();
        const model = new SortedModel();
        const snapshots: { model: SortedModel; snapshot: ReturnType<Engine['snapshot']> }[] = [];
        const readers: OpenReader[] = [];
        const steps = harness.modelOpsPerSeed ?? 600;
        for (let step = 0; step < steps; step++) {
          const roll = prng.nextInt(100);
          const where = `seed ${seed} step ${step}`;
          if (roll < 30) {
            const key = randomKey(prng);
            const value = `v${step}`.repeat(prng.nextInt(3));
            await engine.put(bytes(key), bytes(value));
            model.apply([put(key, value)]);
          } else if (roll < 40) {
            const key = randomKey(prng);
            await engine.del(bytes(key));
            model.apply([del(key)]);
          } else if (roll < 55) {
            const ops = Array.from({ length: 1 + prng.nextInt(6) }, () => (prng.chance(0.7) ? put(randomKey(prng), `b${step}`) : del(randomKey(prng))));
            await engine.write(ops, { sync: prng.chance(0.2) });
            model.apply(ops);
          } else if (roll < 65) {
            const options = randomOptions(prng);
            expect(await drain(engine.iterator(options), prng.pick(['next', 'batch', 'for-await'] as const)), where).toEqual(model.scan(options));
          } else if (roll < 70) {
            const key = randomKey(prng);
            const value = await engine.get(bytes(key));
            expect(value === undefined ? undefined : text(value), where).toBe(model.entries.get(key));
          } else if (roll < 75 && snapshots.length < 4) {
            snapshots.push({ model: model.copy(), snapshot: engine.snapshot() });
          } else if (roll < 82 && snapshots.length > 0) {
            const index = prng.nextInt(snapshots.length);
            const { model: frozen, snapshot } = snapshots[index]!;
            const options = randomOptions(prng);
            expect(await scan(snapshot, options), where).toEqual(frozen.scan(options));
            const key = randomKey(prng);
            const value = await snapshot.get(bytes(key));
            expect(value === undefined ? undefined : text(value), where).toBe(frozen.entries.get(key));
            if (prng.chance(0.3)) {
              await snapshot.close();
              snapshots.splice(index, 1);
            }
          } else if (roll < 87 && readers.length < 4) {
            const options = randomOptions(prng);
            const frozen = model.copy();
            readers.push({ model: frozen, iterator: engine.iterator(options), options, read: [], returned: 0, expected: frozen.scan(options) });
          } else if (readers.length > 0) {
            // Advance an open iterator a little while writes go on around it.
            const index = prng.nextInt(readers.length);
            const reader = readers[index]!;
            if (prng.chance(0.2)) {
              const target = prng.chance(0.1) ? '' : randomKey(prng);
              reader.iterator.seek(bytes(target));
              reader.expected = afterSeek(reader, target);
              reader.read = [];
            }
            const batch = show(await reader.iterator.nextBatch(1 + prng.nextInt(3)));
            reader.read.push(...batch);
            reader.returned += batch.length;
            if (batch.length === 0) {
              expect(reader.read, where).toEqual(reader.expected);
              await reader.iterator.close();
              readers.splice(index, 1);
            }
          }
        }
        for (const reader of readers) {
          reader.read.push(...(await drain(reader.iterator)));
          expect(reader.read, `seed ${seed} final reader`).toEqual(reader.expected);
        }
        for (const { model: frozen, snapshot } of snapshots) {
          expect(await scan(snapshot), `seed ${seed} final snapshot`).toEqual(frozen.scan());
          await snapshot.close();
        }
        expect(await scan(engine)).toEqual(model.scan());
      });
    }
  });
}
