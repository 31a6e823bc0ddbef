import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import { addIgnoredRange } from './savepoint.js';
import { SpanSet, keyNext } from './span-set.js';

const k = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);
const show = (set: SpanSet): string[] =>
  set.spans().map((span) => (span.endKey === undefined ? `${[...span.key]}` : `[${[...span.key]})..[${[...span.endKey]})`));

describe('SpanSet', () => {
  it('merges duplicates, overlaps and touching spans, keeping point keys as points', () => {
    const set = new SpanSet(1 << 20);
    set.add(k(5));
    set.add(k(5));
    set.add(k(1), k(3));
    set.add(k(2), k(4));
    set.add(k(4), k(4, 1));
    set.add(k(9));
    expect(show(set)).toEqual(['[1)..[4,1)', '5', '9']);
  });

  it('ignores empty and inverted spans', () => {
    const set = new SpanSet(1 << 20);
    set.add(k(3), k(3));
    set.add(k(4), k(2));
    expect(set.isEmpty).toBe(true);
  });

  it('answers containsKey like a linear search over the added spans', () => {
    const prng = new Prng(7);
    const set = new SpanSet(1 << 20);
    const added: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < 60; i++) {
      const start = k(prng.nextInt(50), prng.nextInt(4));
      const end = prng.chance(0.3) ? keyNext(start) : k(start[0] as number, prng.nextInt(4) + 1 + (start[1] as number));
      set.add(start, end);
      added.push([start, end]);
    }
    for (let a = 0; a < 52; a++) {
      for (let b = 0; b < 6; b++) {
        const key = k(a, b);
        const expected = added.some(([s, e]) => Buffer.compare(s, key) <= 0 && Buffer.compare(key, e) < 0);
        expect(set.containsKey(key), `key ${a},${b}`).toBe(expected);
      }
    }
  });

  it('condenses past its budget into fewer spans that still cover every key added', () => {
    const set = new SpanSet(2_000);
    const keys: Uint8Array[] = [];
    for (let i = 0; i < 400; i++) {
      const key = k(0x50, i >> 8, i & 0xff, 7);
      keys.push(key);
      set.add(key);
    }
    expect(set.sizeBytes).toBeLessThanOrEqual(2_000);
    expect(set.spans().length).toBeLessThan(400);
    for (const key of keys) expect(set.containsKey(key)).toBe(true);
  });
});

describe('addIgnoredRange', () => {
  it('keeps ranges sorted and disjoint, merging overlapping and adjacent ones', () => {
    let ranges = addIgnoredRange([], { start: 5, end: 7 });
    ranges = addIgnoredRange(ranges, { start: 1, end: 2 });
    ranges = addIgnoredRange(ranges, { start: 10, end: 12 });
    expect(ranges).toEqual([
      { start: 1, end: 2 },
      { start: 5, end: 7 },
      { start: 10, end: 12 },
    ]);
    expect(addIgnoredRange(ranges, { start: 3, end: 4 })).toEqual([
      { start: 1, end: 7 },
      { start: 10, end: 12 },
    ]);
    expect(addIgnoredRange(ranges, { start: 6, end: 11 })).toEqual([
      { start: 1, end: 2 },
      { start: 5, end: 12 },
    ]);
    expect(addIgnoredRange(ranges, { start: 0, end: 20 })).toEqual([{ start: 0, end: 20 }]);
    expect(addIgnoredRange(ranges, { start: 4, end: 3 })).toEqual(ranges);
  });
});
