import { describe, expect, it } from 'vitest';
import { encodeMetaKey, encodeVersionKey } from './mvcc/mvcc-key.js';
import { Timestamp } from './hlc.js';
import {
  KEY_MAX,
  abortSpanKey,
  addressableSpan,
  decodeAbortSpanKey,
  decodeRangeLocalKey,
  indexKeyPrefix,
  indexSpan,
  keyAddress,
  metaKey,
  nodeLocalSpan,
  rangeDescriptorKey,
  rangeIdLocalKey,
  rangeKeyLocalSpan,
  rangeLocalSpan,
  spanContainsKey,
  spanContainsSpan,
  tableKeyPrefix,
  tableSpan,
  txnRecordKey,
  userSpan,
} from './keys.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const cmp = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);

describe('key space layout', () => {
  it('orders the regions node-local < range-local < meta < tables', () => {
    const txn = txnRecordKey(tableKeyPrefix(0), 'a');
    expect(spanContainsKey(nodeLocalSpan, bytes(0x01, 0x72, 0, 0))).toBe(true);
    expect(spanContainsKey(rangeLocalSpan, txn)).toBe(true);
    expect(spanContainsKey(rangeLocalSpan, abortSpanKey(1, 'a'))).toBe(true);
    expect(cmp(nodeLocalSpan.end, rangeLocalSpan.start)).toBeLessThanOrEqual(0);
    expect(cmp(rangeLocalSpan.end, metaKey(bytes(0x40)))).toBeLessThanOrEqual(0);
    expect(cmp(metaKey(KEY_MAX), userSpan.start)).toBeLessThan(0);
  });

  it('keeps every table id above the local and meta prefixes and below KEY_MAX', () => {
    for (const id of [0, 1, 50, 127, 128, 1000, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      const prefix = tableKeyPrefix(id);
      expect(spanContainsKey(userSpan, prefix)).toBe(true);
      expect(spanContainsKey(addressableSpan, prefix)).toBe(true);
    }
  });

  it('orders table and index prefixes numerically and nests index spans in table spans', () => {
    const ids = [0, 1, 2, 127, 128, 255, 256, 70_000];
    for (let i = 1; i < ids.length; i++) {
      expect(cmp(tableKeyPrefix(ids[i - 1] as number), tableKeyPrefix(ids[i] as number))).toBeLessThan(0);
      expect(cmp(indexKeyPrefix(7, ids[i - 1] as number), indexKeyPrefix(7, ids[i] as number))).toBeLessThan(0);
    }
    const table = tableSpan(7);
    const index = indexSpan(7, 300);
    expect(spanContainsSpan(table, index.start, index.end)).toBe(true);
    expect(spanContainsKey(table, tableKeyPrefix(8))).toBe(false);
  });

  it('never lets an addressable MVCC key land in local space', () => {
    // MVCC keys keep their user key's first byte, and requests may only address >= 0x03.
    for (const key of [metaKey(bytes(0x40)), tableKeyPrefix(0), bytes(0x03, 0x00), bytes(0xfe, 0xff)]) {
      expect(spanContainsKey(addressableSpan, key)).toBe(true);
      expect(spanContainsKey(rangeLocalSpan, encodeMetaKey(key))).toBe(false);
      expect(spanContainsKey(rangeLocalSpan, encodeVersionKey(key, new Timestamp(5n, 1)))).toBe(false);
    }
    expect(spanContainsKey(addressableSpan, bytes(0x02, 0x6b))).toBe(false);
  });

  it('addresses a transaction record by its anchor and decodes it back', () => {
    const anchor = bytes(0x89, 0x00, 0x41, 0xff);
    const key = txnRecordKey(anchor, '6f1c-uuid');
    expect(keyAddress(key)).toEqual(anchor);
    const decoded = decodeRangeLocalKey(key);
    expect(decoded).toEqual({ kind: 'rangeKeyLocal', anchor, suffix: 'txnRecord', detail: new TextEncoder().encode('6f1c-uuid') });
    expect(decodeRangeLocalKey(rangeDescriptorKey(anchor))).toMatchObject({ kind: 'rangeKeyLocal', suffix: 'rangeDescriptor' });
    expect(keyAddress(abortSpanKey(3, 'x'))).toBeUndefined();
    expect(keyAddress(tableKeyPrefix(4))).toEqual(tableKeyPrefix(4));
  });

  it('keeps the records of anchors in a span inside rangeKeyLocalSpan, and others out', () => {
    const span = { start: bytes(0x89, 0x10), end: bytes(0x89, 0x20) };
    const local = rangeKeyLocalSpan(span);
    const inside = [bytes(0x89, 0x10), bytes(0x89, 0x10, 0x00), bytes(0x89, 0x1f, 0xff, 0xff)];
    const outside = [bytes(0x89, 0x0f, 0xff), bytes(0x89, 0x20), bytes(0x89, 0x20, 0x00), bytes(0x89)];
    for (const anchor of inside) expect(spanContainsKey(local, txnRecordKey(anchor, 't'))).toBe(true);
    for (const anchor of outside) expect(spanContainsKey(local, txnRecordKey(anchor, 't'))).toBe(false);
  });

  it('round-trips range-id-local keys and abort span entries', () => {
    const key = abortSpanKey(2 ** 40 + 3, 'txn-1');
    expect(decodeAbortSpanKey(2 ** 40 + 3, key)).toBe('txn-1');
    expect(decodeAbortSpanKey(2 ** 40 + 4, key)).toBeUndefined();
    expect(decodeRangeLocalKey(rangeIdLocalKey(9, 'appliedState'))).toEqual({
      kind: 'rangeIdLocal',
      rangeId: 9,
      suffix: 'appliedState',
      detail: new Uint8Array(0),
    });
    // Range-id-local state of one range is contiguous and sorts by range id.
    expect(cmp(rangeIdLocalKey(9, 'lease'), rangeIdLocalKey(10, 'appliedState'))).toBeLessThan(0);
  });
});
