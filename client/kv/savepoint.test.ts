/**
 * Savepoints. PostgreSQL (ROLLBACK TO SAVEPOINT): "Roll back all commands that were executed after
 * the savepoint was established. The savepoint remains valid and can be rolled back to again
 * later, if needed." and (RELEASE SAVEPOINT) it "does not undo the effects of commands executed
 * after the savepoint was established".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KvError, conditionFailure } from './errors.js';
import type { KvDB } from './kv-db.js';
import { kvErrorSqlState } from './kv-error-sqlstate.js';
import type { KvTxn } from './kv-txn.js';
import { startKvFixture, type KvFixture } from './testing/kv-fixture.js';
import { intValue, readInt, rowKey } from './testing/test-data.js';

let fixture: KvFixture;
let db: KvDB;

beforeEach(async () => {
  fixture = await startKvFixture();
  db = fixture.newDb();
});

afterEach(async () => {
  await fixture.close();
});

/** Makes txn's next locking read fail with a retry error: another transaction changes what txn read. */
async function forceRetryError(txn: KvTxn): Promise<unknown> {
  await txn.get(rowKey(50));
  await db.txn(async (other) => {
    await other.put(rowKey(50), intValue(1));
    await other.put(rowKey(51), intValue(1));
  });
  // The locking read must see row 51's new version, so the transaction must move to its
  // timestamp; its read of row 50 does not hold there.
  return txn.getForUpdate(rowKey(51)).catch((err: unknown) => err);
}

describe('savepoints', () => {
  it('rolling back undoes the writes since the savepoint, for the transaction and for its commit', async () => {
    const txn = db.newTxn();
    await txn.put(rowKey(1), intValue(1));
    const savepoint = txn.createSavepoint();
    await txn.put(rowKey(1), intValue(2));
    await txn.put(rowKey(2), intValue(2));
    expect(readInt(await txn.get(rowKey(1)))).toBe(2);
    await txn.rollbackToSavepoint(savepoint);
    expect(readInt(await txn.get(rowKey(1)))).toBe(1);
    expect(await txn.get(rowKey(2))).toBeUndefined();
    // The savepoint stays valid: write again, roll back again.
    await txn.put(rowKey(3), intValue(3));
    await txn.rollbackToSavepoint(savepoint);
    expect(await txn.get(rowKey(3))).toBeUndefined();
    await txn.commit();
    expect(readInt(await db.get(rowKey(1)))).toBe(1);
    expect(await db.get(rowKey(2))).toBeUndefined();
    expect(await db.get(rowKey(3))).toBeUndefined();
  });

  it('nested savepoints roll back to the one named; release keeps the writes', async () => {
    const txn = db.newTxn();
    const outer = txn.createSavepoint();
    await txn.put(rowKey(1), intValue(1));
    const inner = txn.createSavepoint();
    await txn.put(rowKey(1), intValue(2));
    await txn.rollbackToSavepoint(inner);
    expect(readInt(await txn.get(rowKey(1)))).toBe(1);
    const kept = txn.createSavepoint();
    await txn.put(rowKey(2), intValue(2));
    txn.releaseSavepoint(kept);
    await txn.rollbackToSavepoint(outer);
    expect(await txn.get(rowKey(1))).toBeUndefined();
    expect(await txn.get(rowKey(2))).toBeUndefined();
    await txn.put(rowKey(4), intValue(4));
    const last = txn.createSavepoint();
    await txn.put(rowKey(5), intValue(5));
    txn.releaseSavepoint(last);
    await txn.commit();
    const rows = await Promise.all([1, 2, 4, 5].map((i) => db.get(rowKey(i))));
    expect(rows.map((value) => (value === undefined ? undefined : readInt(value)))).toEqual([undefined, undefined, 4, 5]);
  });

  it('a failed statement (a uniqueness check) is rolled back to the savepoint and the transaction goes on', async () => {
    await db.put(rowKey(1), intValue(1));
    const txn = db.newTxn();
    await txn.put(rowKey(2), intValue(2));
    const statement = txn.createSavepoint();
    await txn.put(rowKey(3), intValue(3));
    const error = await txn.cput(rowKey(1), intValue(9), undefined).catch((err: unknown) => err);
    expect(conditionFailure(error)).toBeDefined();
    await txn.rollbackToSavepoint(statement);
    await txn.put(rowKey(4), intValue(4));
    await txn.commit();
    const values = await Promise.all([1, 2, 3, 4].map(async (i) => readInt(await db.get(rowKey(i)))));
    expect(values).toEqual([1, 2, 0, 4]);
  });

  it('after a retry error, only a savepoint from before the first write works, and it restarts the transaction', async () => {
    const txn = db.newTxn();
    const start = txn.createSavepoint();
    await txn.put(rowKey(1), intValue(1));
    const middle = txn.createSavepoint();
    const error = await forceRetryError(txn);
    expect(kvErrorSqlState(error)?.code).toBe('40001');
    expect(txn.state).toBe('restart-required');
    // Every operation repeats the error until the transaction restarts.
    await expect(txn.get(rowKey(1))).rejects.toBe(error);
    await expect(txn.rollbackToSavepoint(middle)).rejects.toBeInstanceOf(KvError);
    await txn.rollbackToSavepoint(start);
    expect(txn.state).toBe('pending');
    expect(txn.epoch).toBe(1);
    // The first attempt's write is gone; the new attempt writes something else and commits.
    expect(await txn.get(rowKey(1))).toBeUndefined();
    await txn.put(rowKey(2), intValue(2));
    await txn.commit();
    expect(await db.get(rowKey(1))).toBeUndefined();
    expect(readInt(await db.get(rowKey(2)))).toBe(2);
  });

  it('locks taken after the savepoint are kept when rolling back to it', async () => {
    const txn = db.newTxn();
    const savepoint = txn.createSavepoint();
    await txn.getForUpdate(rowKey(1));
    await txn.rollbackToSavepoint(savepoint);
    const other = db.newTxn();
    const error = await other.getForUpdate(rowKey(1), { waitPolicy: 'error' }).catch((err: unknown) => err);
    expect(kvErrorSqlState(error)?.code).toBe('55P03');
    await other.rollback();
    await txn.commit();
  });

  it('reads made after the savepoint still count for serializability after rolling back to it', async () => {
    const txn = db.newTxn();
    const savepoint = txn.createSavepoint();
    expect(await txn.get(rowKey(1))).toBeUndefined();
    await txn.rollbackToSavepoint(savepoint);
    // Another transaction changes what txn read, and a later reader pushes txn's write up.
    await db.txn((other) => other.put(rowKey(1), intValue(1)));
    await db.txn((reader) => reader.get(rowKey(2)));
    await txn.put(rowKey(2), intValue(2));
    const error = await txn.commit().catch((err: unknown) => err);
    const state = kvErrorSqlState(error);
    expect(state?.code).toBe('40001');
    expect(state?.message).toContain('/Table/100/1/\\x00\\x00\\x00\\x01');
    await txn.rollback();
  });
});
