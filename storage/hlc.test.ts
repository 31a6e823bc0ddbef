import { describe, expect, it } from 'vitest';
import { Prng } from '../common/prng.js';
import { compareBytes } from './engine.js';
import {
  Clock,
  ClockOffsetError,
  LOGICAL_MAX,
  TIMESTAMP_ENCODED_BYTES,
  Timestamp,
  TimestampParseError,
  WALL_TIME_MAX_NANOS,
  decodeTimestamp,
  decodeTimestampDescending,
  encodeTimestamp,
  encodeTimestampDescending,
  timestampToBytes,
} from './hlc.js';

const ts = (wall: bigint | number, logical = 0): Timestamp => new Timestamp(BigInt(wall), logical);

function randomTimestamp(prng: Prng): Timestamp {
  // Mix small values, values around the edges of each field and full-range values.
  const wall = prng.pick([
    () => BigInt(prng.nextInt(4)),
    () => WALL_TIME_MAX_NANOS - BigInt(prng.nextInt(4)),
    () => (BigInt(prng.nextUint32()) << 32n) | BigInt(prng.nextUint32()),
  ])();
  const logical = prng.pick([() => prng.nextInt(3), () => LOGICAL_MAX - prng.nextInt(3), () => prng.nextUint32()])();
  return ts(wall, logical);
}

describe('Timestamp', () => {
  it('orders by wall time, then logical counter', () => {
    expect(ts(5, 9).less(ts(6, 0))).toBe(true);
    expect(ts(5, 1).less(ts(5, 2))).toBe(true);
    expect(ts(5, 2).less(ts(5, 2))).toBe(false);
    expect(ts(5, 2).lessEq(ts(5, 2))).toBe(true);
    expect(ts(5, 2).equal(ts(5, 2))).toBe(true);
    expect(ts(5, 2).compare(ts(5, 1))).toBeGreaterThan(0);
    expect(ts(7).max(ts(6, 9)).equal(ts(7))).toBe(true);
  });

  it('steps to the adjacent timestamps, carrying across the logical counter', () => {
    expect(ts(5, 1).next().equal(ts(5, 2))).toBe(true);
    expect(ts(5, LOGICAL_MAX).next().equal(ts(6, 0))).toBe(true);
    expect(ts(6, 0).prev().equal(ts(5, LOGICAL_MAX))).toBe(true);
    expect(ts(5, 2).prev().equal(ts(5, 1))).toBe(true);
    const prng = new Prng(11);
    for (let i = 0; i < 500; i++) {
      const t = randomTimestamp(prng);
      if (!t.equal(Timestamp.maximum)) {
        expect(t.less(t.next())).toBe(true);
        expect(t.next().prev().equal(t)).toBe(true);
      }
    }
  });

  it('prints seconds.nanoseconds,logical and parses it back', () => {
    const t = ts(1_700_000_000_000_000_123n, 4);
    expect(t.toString()).toBe('1700000000.000000123,4');
    expect(Timestamp.parse('1700000000.000000123,4').equal(t)).toBe(true);
    expect(Timestamp.parse('0.000000005').equal(ts(5))).toBe(true);
    const prng = new Prng(12);
    for (let i = 0; i < 500; i++) {
      const r = randomTimestamp(prng);
      expect(Timestamp.parse(r.toString()).equal(r)).toBe(true);
    }
  });

  it('rejects malformed and out-of-range text with a typed error', () => {
    for (const bad of ['', '5', '5.1', '5.000000001,', '-1.000000000', '1.000000000,4294967296', '18446744074.000000000', 'x']) {
      expect(() => Timestamp.parse(bad), bad).toThrow(TimestampParseError);
    }
  });

  it('encodes into 12 bytes whose order is timestamp order, and the descending variant reverses it', () => {
    const prng = new Prng(13);
    const stamps = Array.from({ length: 400 }, () => randomTimestamp(prng));
    stamps.push(Timestamp.zero, Timestamp.maximum);
    const asc = stamps.map((t) => timestampToBytes(t));
    const desc = stamps.map((t) => {
      const b = new Uint8Array(TIMESTAMP_ENCODED_BYTES + 3);
      encodeTimestampDescending(t, b, 3);
      expect(decodeTimestampDescending(b, 3).equal(t)).toBe(true);
      return b.subarray(3);
    });
    for (let i = 0; i < stamps.length; i++) {
      expect(decodeTimestamp(asc[i] as Uint8Array, 0).equal(stamps[i] as Timestamp)).toBe(true);
      const j = prng.nextInt(stamps.length);
      const byTime = Math.sign((stamps[i] as Timestamp).compare(stamps[j] as Timestamp));
      expect(Math.sign(compareBytes(asc[i] as Uint8Array, asc[j] as Uint8Array))).toBe(byTime);
      expect(Math.sign(compareBytes(desc[i] as Uint8Array, desc[j] as Uint8Array))).toBe(-byTime || 0);
    }
    const at = new Uint8Array(14);
    encodeTimestamp(ts(0x0102030405060708n, 0x090a0b0c), at, 1);
    expect(Array.from(at)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0]);
  });
});

describe('Clock', () => {
  function manualClock(maxOffsetNanos = 100n): { clock: Clock; set: (n: bigint) => void } {
    let physical = 1_000n;
    return { clock: new Clock({ physicalClockNanos: () => physical, maxOffsetNanos }), set: (n) => (physical = n) };
  }

  it('follows the physical clock and bumps the logical counter when it does not move', () => {
    const { clock, set } = manualClock();
    expect(clock.now().equal(ts(1_000, 0))).toBe(true);
    expect(clock.now().equal(ts(1_000, 1))).toBe(true);
    set(1_005n);
    expect(clock.now().equal(ts(1_005, 0))).toBe(true);
  });

  it('never goes backwards when the physical clock does', () => {
    const { clock, set } = manualClock();
    const prng = new Prng(21);
    let last = clock.now();
    for (let i = 0; i < 1_000; i++) {
      set(BigInt(900 + prng.nextInt(300)));
      const t = clock.now();
      expect(last.less(t)).toBe(true);
      last = t;
    }
  });

  it('moves past a remote timestamp within the maximum offset', () => {
    const { clock } = manualClock(100n);
    clock.update(ts(1_100, 7));
    expect(clock.peek().equal(ts(1_100, 7))).toBe(true);
    expect(clock.now().equal(ts(1_100, 8))).toBe(true);
    // An older remote timestamp changes nothing.
    clock.update(ts(10, 0));
    expect(clock.now().equal(ts(1_100, 9))).toBe(true);
  });

  it('rejects a remote timestamp too far ahead and keeps its own time', () => {
    const { clock } = manualClock(100n);
    const before = clock.now();
    let caught: unknown;
    try {
      clock.update(ts(1_101, 0));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ClockOffsetError);
    expect((caught as ClockOffsetError).code).toBe('CLOCK_OFFSET_EXCEEDED');
    expect((caught as ClockOffsetError).remote.equal(ts(1_101))).toBe(true);
    expect(clock.peek().equal(before)).toBe(true);
    expect(clock.maxOffsetNanos).toBe(100n);
  });

  it('uses the system clock by default, in nanoseconds since the epoch', () => {
    const clock = new Clock({ maxOffsetNanos: 500_000_000n });
    const nowNanos = BigInt(Date.now()) * 1_000_000n;
    const t = clock.now();
    // Within a day of the system clock: it is the right unit and epoch.
    expect(t.wallTime > nowNanos - 86_400_000_000_000n && t.wallTime < nowNanos + 86_400_000_000_000n).toBe(true);
  });
});
