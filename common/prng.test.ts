import { describe, expect, it } from 'vitest';
import { Prng } from './prng.js';

describe('Prng', () => {
  it('replays the same sequence from the same seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const seqA = Array.from({ length: 100 }, () => a.nextUint32());
    const seqB = Array.from({ length: 100 }, () => b.nextUint32());
    expect(seqA).toEqual(seqB);
    expect(new Set(seqA).size).toBeGreaterThan(95);
  });

  it('gives different sequences for different seeds', () => {
    expect(new Prng(1).nextUint32()).not.toBe(new Prng(2).nextUint32());
  });

  it('keeps nextInt within bounds and covers them', () => {
    const prng = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const v = prng.nextInt(10);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(10);
      seen.add(v);
    }
    expect(seen.size).toBe(10);
    expect(() => prng.nextInt(0)).toThrow(RangeError);
  });
});
