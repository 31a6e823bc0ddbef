import { describe, expect, it } from 'vitest';
import type { KvError as KvErrorValue, TxnId } from '../../proto/kv-api.js';
import { Timestamp } from '../../storage/hlc.js';
import { indexKeyPrefix } from '../../storage/keys.js';
import { KvError, conditionFailure, isRetryableKvError } from './errors.js';
import { kvErrorSqlState } from './kv-error-sqlstate.js';
import { prettyKey } from './pretty-key.js';

const a = 'aaaaaaaa-0000-4000-8000-000000000001' as TxnId;
const b = 'bbbbbbbb-0000-4000-8000-000000000002' as TxnId;
const rowKey = Uint8Array.from([...indexKeyPrefix(104, 1), 0x89]);
const sql = (error: KvErrorValue) => kvErrorSqlState(new KvError(error));

describe('kvErrorSqlState', () => {
  it('makes a failed refresh 40001 naming the conflicting key and transaction', () => {
    const state = sql({
      type: 'transactionRetry',
      reason: 'RETRY_SERIALIZABLE',
      key: rowKey,
      conflictingTxnId: b,
      conflictingTimestamp: new Timestamp(5n, 1),
      message: 'refresh failed',
    });
    expect(state?.code).toBe('40001');
    expect(state?.message).toContain('/Table/104/1/\\x89');
    expect(state?.message).toContain(b);
    expect(state?.message).toContain('RETRY_SERIALIZABLE');
    // PostgreSQL's own hint for serialization failures.
    expect(state?.hint).toBe('The transaction might succeed if retried.');
  });

  it('makes a deadlock victim 40P01 with the cycle in the detail, and other aborts 40001', () => {
    const deadlock = sql({ type: 'transactionAborted', reason: 'DEADLOCK', txnId: a, deadlockCycle: [a, b], message: 'x' });
    expect(deadlock?.code).toBe('40P01');
    expect(deadlock?.message).toBe('deadlock detected');
    expect(deadlock?.detail).toContain(`${a} waits for ${b} waits for ${a}`);
    const expired = sql({ type: 'transactionAborted', reason: 'HEARTBEAT_EXPIRED', txnId: a, conflictingTxnId: b, message: 'x' });
    expect(expired?.code).toBe('40001');
    expect(expired?.message).toContain(`aborted by transaction ${b}`);
  });

  it('makes NOWAIT and lock timeouts 55P03 naming the holder', () => {
    const conflicts = [{ key: rowKey, txn: { id: b } as never }];
    expect(sql({ type: 'writeIntent', reason: 'WAIT_POLICY', conflicts, message: 'x' })).toMatchObject({
      code: '55P03',
      message: expect.stringContaining(b) as unknown,
    });
    expect(sql({ type: 'writeIntent', reason: 'LOCK_TIMEOUT', conflicts, message: 'x' })?.message).toContain('lock timeout');
  });

  it('leaves a failed conditional put to the SQL layer, and non-KV errors alone', () => {
    const failed = new KvError({ type: 'conditionFailed', key: rowKey, actualValue: Uint8Array.of(1), message: 'x' });
    expect(kvErrorSqlState(failed)).toBeUndefined();
    expect(conditionFailure(failed)?.actualValue).toEqual(Uint8Array.of(1));
    expect(kvErrorSqlState(new Error('boom'))).toBeUndefined();
  });

  it('maps limits, storage and shutdown to their classes', () => {
    expect(sql({ type: 'limitExceeded', limitName: 'scanRowsMax', message: 'x' })).toMatchObject({ code: '54000', detail: 'limit: scanRowsMax' });
    expect(sql({ type: 'storage', code: 'CHECKSUM_MISMATCH', message: 'x' })?.code).toBe('XX001');
    expect(sql({ type: 'storage', code: 'ENGINE_IO', message: 'x' })?.code).toBe('58030');
    expect(sql({ type: 'unavailable', message: 'x' })?.code).toBe('57P01');
    expect(sql({ type: 'invalidRequest', message: 'x' })?.code).toBe('XX000');
  });

  it('calls exactly retries and aborts retryable', () => {
    expect(isRetryableKvError(new KvError({ type: 'transactionRetry', reason: 'RETRY_WRITE_TOO_OLD', message: 'x' }))).toBe(true);
    expect(isRetryableKvError(new KvError({ type: 'transactionAborted', reason: 'DEADLOCK', txnId: a, message: 'x' }))).toBe(true);
    expect(isRetryableKvError(new KvError({ type: 'conditionFailed', key: rowKey, actualValue: undefined, message: 'x' }))).toBe(false);
    expect(isRetryableKvError(new Error('x'))).toBe(false);
  });
});

describe('prettyKey', () => {
  it('decodes table and index ids and prints the rest as bytes', () => {
    expect(prettyKey(rowKey)).toBe('/Table/104/1/\\x89');
    expect(prettyKey(Uint8Array.of(0x03, 0x41))).toBe('/MetaA');
    expect(prettyKey(new Uint8Array(0))).toBe('/Min');
    expect(prettyKey(Uint8Array.of(0xff, 0xff))).toBe('\\xff\\xff');
  });
});
