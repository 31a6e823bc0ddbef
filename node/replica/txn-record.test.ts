import { describe, expect, it } from 'vitest';
import { TXN_PRIORITY_NORMAL, type TxnStatus } from '../../proto/kv-api.js';
import { Timestamp } from '../../storage/hlc.js';
import { txnRecordKey } from '../../storage/keys.js';
import { asTxnId } from '../../storage/mvcc/index.js';
import { ByteSourceError } from './byte-codec.js';
import {
  canTransition,
  decodeIntentDetails,
  decodeTxnRecord,
  encodeIntentDetails,
  encodeTxnRecord,
  isExpired,
  lastActive,
  type TxnRecord,
} from './txn-record.js';

const ts = (n: number, logical = 0): Timestamp => new Timestamp(BigInt(n), logical);
const b = (text: string): Uint8Array => new TextEncoder().encode(text);

const record: TxnRecord = {
  meta: {
    id: asTxnId('0b6f0d8e-1f6a-4c7e-9c55-6f3f2a1d9e01'),
    key: b('anchor\u0000key'),
    isolation: 'read-committed',
    epoch: 3,
    writeTimestamp: ts(1_700_000_000_000_000_123, 7),
    minTimestamp: ts(1_700_000_000_000_000_000),
    priority: TXN_PRIORITY_NORMAL,
    sequence: 42,
  },
  status: 'aborted',
  lastHeartbeat: ts(1_700_000_000_500_000_000, 1),
  abortReason: 'DEADLOCK',
  abortedBy: asTxnId('other'),
  deadlockCycle: [asTxnId('0b6f0d8e-1f6a-4c7e-9c55-6f3f2a1d9e01'), asTxnId('other')],
  lockSpans: [{ key: b('a') }, { key: b('b'), endKey: b('c') }],
  ignoredSeqNums: [{ start: 2, end: 5 }],
};

describe('transaction records', () => {
  it('round-trip through their encoding, and a flipped bit is caught', () => {
    const key = txnRecordKey(record.meta.key, record.meta.id);
    const encoded = encodeTxnRecord(key, record);
    expect(decodeTxnRecord(key, encoded)).toEqual(record);
    for (const at of [0, 10, encoded.length - 1]) {
      const corrupt = encoded.slice();
      corrupt[at] = (corrupt[at] as number) ^ 0x10;
      expect(() => decodeTxnRecord(key, corrupt)).toThrow(ByteSourceError);
    }
    // The checksum covers the key: a record copied under another transaction's key is refused.
    expect(() => decodeTxnRecord(txnRecordKey(record.meta.key, 'x'), encoded)).toThrow(ByteSourceError);
  });

  it('never leave a final status, and move only forward', () => {
    const statuses: TxnStatus[] = ['pending', 'staging', 'committed', 'aborted'];
    const allowed = (from: TxnStatus | 'absent'): TxnStatus[] => statuses.filter((to) => canTransition(from, to));
    expect(allowed('absent')).toEqual(statuses);
    expect(allowed('pending')).toEqual(statuses);
    expect(allowed('staging')).toEqual(['staging', 'committed', 'aborted']);
    expect(allowed('committed')).toEqual([]);
    expect(allowed('aborted')).toEqual([]);
  });

  it('expire strictly after the expiration since the last sign of life', () => {
    const view = { ...record.meta, status: 'pending' as const, lastHeartbeat: ts(1_000) };
    expect(lastActive(view)).toEqual(record.meta.minTimestamp);
    const alive = { ...record.meta, minTimestamp: ts(100), status: 'pending' as const, lastHeartbeat: ts(1_000) };
    expect(lastActive(alive)).toEqual(ts(1_000));
    expect(isExpired(ts(1_000), ts(1_500), 500n)).toBe(false);
    expect(isExpired(ts(1_000), ts(1_501), 500n)).toBe(true);
  });

  it('carry the whole transaction meta in intent details', () => {
    expect(decodeIntentDetails(encodeIntentDetails(record.meta))).toEqual(record.meta);
  });
});
