/**
 * Automatic retries. PostgreSQL (13.4, Serialization Failure Handling): "it is recommended that
 * applications ... retry the complete transaction, including all logic that decides which SQL to
 * issue and/or which values to use". KvDB.txn does that for the SQL layer's implicit transactions:
 * it runs the whole function again on a retryable error, and not on any other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchRequest, BatchResponse, KvSender, RequestType } from '../../proto/kv-api.js';
import { KvBatch } from './batch.js';
import type { KvError } from './errors.js';
import type { KvDB } from './kv-db.js';
import { kvErrorSqlState } from './kv-error-sqlstate.js';
import { startKvFixture, type KvFixture } from './testing/kv-fixture.js';
import { intValue, readInt, rowKey } from './testing/test-data.js';

let fixture: KvFixture;
let db: KvDB;

beforeEach(async () => {
  fixture = await startKvFixture();
  db = fixture.newDb();
  await db.put(rowKey(1), intValue(100));
});

afterEach(async () => {
  await fixture.close();
});

describe('KvDB.txn', () => {
  it('retries the whole function after a conflict, and the retry sees the conflicting write', async () => {
    const errors: KvError[] = [];
    let attempts = 0;
    const result = await db.txn(
      async (txn) => {
        attempts++;
        const balance = readInt(await txn.get(rowKey(1)));
        if (attempts === 1) {
          // Someone else changes the balance after this attempt read it.
          await db.txn((other) => other.put(rowKey(1), intValue(150)));
          // And a reader makes this attempt's write land above that change.
          await db.txn((reader) => reader.get(rowKey(2)));
        }
        await txn.put(rowKey(2), intValue(balance));
        return balance;
      },
      { onRetry: (error) => errors.push(error) },
    );
    expect(attempts).toBe(2);
    expect(result).toBe(150);
    expect(readInt(await db.get(rowKey(2)))).toBe(150);
    expect(errors).toHaveLength(1);
    const state = kvErrorSqlState(errors[0]);
    expect(state?.code).toBe('40001');
    expect(state?.message).toContain('/Table/100/1/\\x00\\x00\\x00\\x01');
  });

  it('an attempt after a restart does not commit what an earlier attempt wrote', async () => {
    let attempts = 0;
    await db.txn(async (txn) => {
      attempts++;
      await txn.get(rowKey(1));
      if (attempts === 1) {
        await txn.put(rowKey(10), intValue(1));
        await db.txn((other) => other.put(rowKey(1), intValue(0)));
        await db.txn((reader) => reader.get(rowKey(11)));
      }
      await txn.put(rowKey(11), intValue(attempts));
    });
    expect(attempts).toBe(2);
    expect(await db.get(rowKey(10))).toBeUndefined();
    expect(readInt(await db.get(rowKey(11)))).toBe(2);
  });

  it('does not retry other errors, and rolls back', async () => {
    let attempts = 0;
    const error = await db
      .txn(async (txn) => {
        attempts++;
        await txn.put(rowKey(3), intValue(3));
        throw new Error('application error');
      })
      .catch((err: unknown) => err);
    expect((error as Error).message).toBe('application error');
    expect(attempts).toBe(1);
    expect(db.openTxnCount).toBe(0);
    // The write was rolled back: a new writer does not wait for it, and sees nothing.
    expect(await db.get(rowKey(3))).toBeUndefined();
  });

  it('gives up after attemptsMax and reports the last retry error', async () => {
    let attempts = 0;
    const error = await db
      .txn(
        async (txn) => {
          attempts++;
          await txn.get(rowKey(1));
          await db.txn((other) => other.put(rowKey(1), intValue(attempts)));
          // A fresh key each attempt: the earlier attempts' intents stay until the end, and a
          // reader of one of them would wait for this very transaction.
          await db.txn((reader) => reader.get(rowKey(40 + attempts)));
          await txn.put(rowKey(40 + attempts), intValue(4));
        },
        { attemptsMax: 3 },
      )
      .catch((err: unknown) => err);
    expect(attempts).toBe(3);
    expect(kvErrorSqlState(error)?.code).toBe('40001');
  });

  it('an implicit single-batch transaction pushed by a later reader commits in one round trip, without a retry', async () => {
    const batches: RequestType[][] = [];
    const counting: KvSender = {
      send(batch: BatchRequest): Promise<BatchResponse> {
        batches.push(batch.requests.map((request) => request.type));
        return fixture.server.send(batch);
      },
    };
    const implicit = fixture.newDb({ sender: counting });
    const txn = implicit.newTxn();
    // A read above the transaction's timestamp: its write must move above it.
    await db.txn((reader) => reader.get(rowKey(5)));
    const batch = new KvBatch();
    batch.put(rowKey(5), intValue(5));
    batch.put(rowKey(6), intValue(6));
    await txn.commitInBatch(batch);
    expect(batches).toEqual([['put', 'put', 'endTxn']]);
    expect(txn.writeTimestamp.equal(txn.readTimestamp)).toBe(true);
    expect(readInt(await db.get(rowKey(5)))).toBe(5);
  });
});
