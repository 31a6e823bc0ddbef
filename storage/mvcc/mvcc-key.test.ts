import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import { compareBytes } from '../engine.js';
import { LOGICAL_MAX, Timestamp, WALL_TIME_MAX_NANOS } from '../hlc.js';
import { MvccError } from './errors.js';
import {
  decodeMvccKey,
  encodeKeyEnd,
  encodeMetaKey,
  encodeVersionKey,
  prefixBefore,
  prefixEnd,
  prefixLength,
} from './mvcc-key.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

/** A logical MVCC key: the metadata slot when ts is undefined. */
interface Logical {
  key: Uint8Array;
  ts: Timestamp | undefined;
}

/** The order the layout promises: user key bytewise, then the metadata slot, then newest first. */
function compareLogical(a: Logical, b: Logical): number {
  const byKey = compareBytes(a.key, b.key);
  if (byKey !== 0) return byKey;
  if (a.ts === undefined || b.ts === undefined) return (a.ts === undefined ? 0 : 1) - (b.ts === undefined ? 0 : 1);
  return b.ts.compare(a.ts);
}

function encode(k: Logical): Uint8Array {
  return k.ts === undefined ? encodeMetaKey(k.key) : encodeVersionKey(k.key, k.ts);
}

function randomUserKey(prng: Prng): Uint8Array {
  // Few distinct byte values, biased to 0x00, 0x01 and 0xFF, so that prefixes and escapes collide often.
  const alphabet = [0x00, 0x00, 0x01, 0x02, 0x61, 0xfe, 0xff, 0xff];
  return Uint8Array.from({ length: prng.nextInt(5) }, () => prng.pick(alphabet));
}

function randomTimestamp(prng: Prng): Timestamp {
  return prng.pick([
    () => new Timestamp(BigInt(prng.nextInt(3)), prng.nextInt(3)),
    () => new Timestamp(WALL_TIME_MAX_NANOS - BigInt(prng.nextInt(2)), LOGICAL_MAX - prng.nextInt(2)),
    () => new Timestamp(BigInt(prng.nextUint32()) * 1_000_000n, prng.nextUint32()),
  ])();
}

describe('MVCC key layout', () => {
  it('sorts keys, then the metadata slot, then versions newest first, for keys with 0x00/0xFF and prefixes', () => {
    const ts = (w: number, l = 0): Timestamp => new Timestamp(BigInt(w), l);
    // Listed in the order the layout promises.
    const ordered: Logical[] = [
      { key: bytes(), ts: undefined },
      { key: bytes(), ts: ts(9) },
      { key: bytes(0x00), ts: undefined },
      { key: bytes(0x00), ts: ts(2) },
      { key: bytes(0x00, 0x00), ts: undefined },
      { key: bytes(0x00, 0x01), ts: ts(1) },
      { key: bytes(0x00, 0xff), ts: ts(1) },
      { key: bytes(0x01), ts: undefined },
      { key: bytes(0x61), ts: undefined },
      { key: bytes(0x61), ts: ts(7, 1) },
      { key: bytes(0x61), ts: ts(7, 0) },
      { key: bytes(0x61), ts: ts(3) },
      { key: bytes(0x61), ts: ts(0) },
      { key: bytes(0x61, 0x00), ts: ts(5) },
      { key: bytes(0x61, 0x00, 0x00), ts: undefined },
      { key: bytes(0x61, 0x00, 0x01), ts: ts(5) },
      { key: bytes(0x61, 0x01), ts: undefined },
      { key: bytes(0x61, 0x62), ts: ts(1) },
      { key: bytes(0xff), ts: ts(1) },
      { key: bytes(0xff, 0x00), ts: ts(1) },
      { key: bytes(0xff, 0xff), ts: undefined },
    ];
    const encoded = ordered.map(encode);
    for (let i = 1; i < encoded.length; i++) {
      expect(compareBytes(encoded[i - 1] as Uint8Array, encoded[i] as Uint8Array), `entry ${i}`).toBeLessThan(0);
    }
  });

  it('agrees with the logical order on random keys and round-trips', () => {
    const prng = new Prng(31);
    const keys: Logical[] = Array.from({ length: 600 }, () => ({
      key: randomUserKey(prng),
      ts: prng.chance(0.2) ? undefined : randomTimestamp(prng),
    }));
    for (const k of keys) {
      const decoded = decodeMvccKey(encode(k));
      expect(compareBytes(decoded.userKey, k.key)).toBe(0);
      expect(decoded.ts === undefined ? k.ts === undefined : k.ts !== undefined && decoded.ts.equal(k.ts)).toBe(true);
    }
    for (let n = 0; n < 5_000; n++) {
      const a = prng.pick(keys);
      const b = prng.pick(keys);
      expect(Math.sign(compareBytes(encode(a), encode(b))) || 0).toBe(Math.sign(compareLogical(a, b)) || 0);
    }
  });

  it('bounds every entry of a key between prefixBefore and the key end', () => {
    const prng = new Prng(32);
    const userKeys = Array.from({ length: 50 }, () => randomUserKey(prng));
    for (const key of userKeys) {
      const meta = encodeMetaKey(key);
      expect(compareBytes(encodeKeyEnd(key), prefixEnd(meta))).toBe(0);
      for (const other of userKeys) {
        const entries = [encodeMetaKey(other), encodeVersionKey(other, randomTimestamp(prng))];
        for (const entry of entries) {
          const cmp = compareBytes(other, key);
          if (cmp === 0) {
            expect(compareBytes(prefixBefore(meta), entry)).toBeLessThan(0);
            expect(compareBytes(entry, encodeKeyEnd(key))).toBeLessThan(0);
          } else if (cmp < 0) {
            expect(compareBytes(entry, prefixBefore(meta))).toBeLessThan(0);
          } else {
            expect(compareBytes(entry, encodeKeyEnd(key))).toBeGreaterThanOrEqual(0);
          }
        }
      }
    }
  });

  it('rejects engine keys outside the layout with a typed error', () => {
    for (const bad of [bytes(0x61), bytes(0x61, 0x00), bytes(0x61, 0x00, 0x02), bytes(0x61, 0x00, 0x01, 0x05)]) {
      expect(() => prefixLength(bad)).toThrow(MvccError);
    }
  });
});
