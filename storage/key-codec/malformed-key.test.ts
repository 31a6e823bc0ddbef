/**
 * Decoding bytes that are not a key (random, or a real key with a byte flipped, dropped or added)
 * either throws KeyDecodeError or returns values; it never throws anything else and never hangs.
 * And whatever it returns re-encodes to exactly the bytes given: every value has one encoding, so
 * two different byte strings never decode to the same key.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { compareBytes } from './compare-bytes.js';
import { decodeKey, encodeKey } from './key.js';
import { KeyDecodeError } from './key-decode-error.js';
import { datumArb, keyColumnArb } from './testing/arbitraries.js';

const mutationArb = fc.record({
  kind: fc.constantFrom('flip', 'drop', 'insert', 'truncate', 'replace-byte'),
  position: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

/** A real key for the columns, damaged once. */
const damagedKeyArb = fc.array(keyColumnArb, { minLength: 1, maxLength: 3 }).chain((columns) =>
  fc.tuple(fc.constant(columns), fc.tuple(...columns.map((c) => datumArb(c.type))), mutationArb).map(([cols, row, mutation]) => {
    const key = Array.from(encodeKey(row, cols));
    const at = mutation.position % (key.length + 1);
    switch (mutation.kind) {
      case 'flip':
        if (at < key.length) key[at] = (key[at] as number) ^ (1 << (mutation.byte % 8));
        break;
      case 'drop':
        key.splice(at, 1);
        break;
      case 'insert':
        key.splice(at, 0, mutation.byte);
        break;
      case 'truncate':
        key.length = at;
        break;
      case 'replace-byte':
        if (at < key.length) key[at] = mutation.byte;
        break;
    }
    return { columns: cols, bytes: Uint8Array.from(key) };
  }),
);

const randomKeyArb = fc.record({
  columns: fc.array(keyColumnArb, { minLength: 1, maxLength: 3 }),
  bytes: fc.uint8Array({ maxLength: 48 }),
});

describe('malformed keys', () => {
  it('throw KeyDecodeError or decode to values that re-encode to the same bytes', () => {
    fc.assert(
      fc.property(fc.oneof(damagedKeyArb, randomKeyArb), ({ columns, bytes }) => {
        let values;
        try {
          values = decodeKey(bytes, columns);
        } catch (error) {
          if (error instanceof KeyDecodeError) return;
          throw error;
        }
        if (compareBytes(encodeKey(values, columns), bytes) !== 0) {
          throw new Error('decoded values re-encode to other bytes: a second encoding of one value');
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
