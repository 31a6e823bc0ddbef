import { describe, expect, it } from 'vitest';
import { Timestamp } from '../hlc.js';
import { MvccError } from './errors.js';
import { encodeMetaKey, encodeVersionKey } from './mvcc-key.js';
import { decodeStoredValue, encodeIntentValue, encodeVersionValue } from './mvcc-value.js';
import { asTxnId } from './txn.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    if (err instanceof MvccError) return err.code;
    throw err;
  }
}

describe('MVCC values', () => {
  const versionKey = encodeVersionKey(text('k'), new Timestamp(5n, 1));
  const metaKey = encodeMetaKey(text('k'));
  const samples = [
    { key: versionKey, value: encodeVersionValue(versionKey, text('payload')) },
    { key: versionKey, value: encodeVersionValue(versionKey, new Uint8Array(0)) },
    { key: versionKey, value: encodeVersionValue(versionKey, undefined) },
    { key: metaKey, value: encodeIntentValue(metaKey, { txnId: asTxnId('a-txn'), epoch: 3, timestamp: new Timestamp(9n, 2), payload: text('p') }) },
    { key: metaKey, value: encodeIntentValue(metaKey, { txnId: asTxnId('a-txn'), epoch: 0, timestamp: new Timestamp(9n), payload: undefined }) },
  ];

  it('round-trips values, empty values, tombstones and intents', () => {
    const [value, empty, tombstone, intent, deletion] = samples.map((s) => decodeStoredValue(s.key, s.value));
    expect(value).toEqual({ kind: 'value', payload: text('payload') });
    expect(empty).toEqual({ kind: 'value', payload: new Uint8Array(0) });
    expect(tombstone).toEqual({ kind: 'tombstone' });
    expect(intent?.kind === 'intent' && [intent.txnId, intent.epoch, intent.timestamp.toString(), intent.payload]).toEqual([
      'a-txn',
      3,
      '0.000000009,2',
      text('p'),
    ]);
    expect(deletion?.kind === 'intent' && deletion.payload).toBeUndefined();
  });

  it('detects a flipped bit anywhere in a value', () => {
    for (const { key, value } of samples) {
      for (let byte = 0; byte < value.length; byte++) {
        for (const bit of [0x01, 0x80]) {
          const corrupt = value.slice();
          corrupt[byte] = (corrupt[byte] as number) ^ bit;
          expect(codeOf(() => decodeStoredValue(key, corrupt)), `byte ${byte} bit ${bit}`).toBe('CHECKSUM_MISMATCH');
        }
      }
      expect(codeOf(() => decodeStoredValue(key, value.subarray(0, value.length - 1)))).toBe('CHECKSUM_MISMATCH');
      expect(codeOf(() => decodeStoredValue(key, value.subarray(0, 3)))).toBe('CHECKSUM_MISMATCH');
    }
  });

  it('detects a value stored under another key or another version of its key', () => {
    const { value } = samples[0] as { value: Uint8Array };
    for (const wrongKey of [encodeVersionKey(text('k'), new Timestamp(5n, 2)), encodeVersionKey(text('j'), new Timestamp(5n, 1)), metaKey]) {
      expect(codeOf(() => decodeStoredValue(wrongKey, value))).toBe('CHECKSUM_MISMATCH');
    }
  });
});
