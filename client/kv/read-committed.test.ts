/**
 * READ COMMITTED against SERIALIZABLE, the behaviours PostgreSQL documents (13.2.1, Read Committed
 * Isolation Level): "a SELECT query (without a FOR UPDATE/SHARE clause) sees only data committed
 * before the query began"; "two successive SELECT commands can see different data, even though
 * they are within a single transaction"; and for UPDATE/SELECT FOR UPDATE, "the would-be updater
 * will wait for the first updating transaction to commit or roll back ... the second updater ...
 * will attempt to apply its operation to the updated version of the row".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KvDB } from './kv-db.js';
import { kvErrorSqlState } from './kv-error-sqlstate.js';
import { startKvFixture, type KvFixture } from './testing/kv-fixture.js';
import { intValue, readInt, rowKey } from './testing/test-data.js';

let fixture: KvFixture;
let db: KvDB;

beforeEach(async () => {
  fixture = await startKvFixture();
  db = fixture.newDb();
  await db.put(rowKey(1), intValue(1));
});

afterEach(async () => {
  await fixture.close();
});

describe('READ COMMITTED and SERIALIZABLE', () => {
  it('READ COMMITTED: each statement sees what committed before it began; SERIALIZABLE: one snapshot', async () => {
    const rc = db.newTxn({ isolation: 'read-committed' });
    const ser = db.newTxn({ isolation: 'serializable' });
    for (const txn of [rc, ser]) {
      txn.stepReadTimestamp();
      expect(readInt(await txn.get(rowKey(1)))).toBe(1);
    }
    await db.txn((other) => other.put(rowKey(1), intValue(2)));
    for (const txn of [rc, ser]) txn.stepReadTimestamp();
    expect(readInt(await rc.get(rowKey(1)))).toBe(2);
    expect(readInt(await ser.get(rowKey(1)))).toBe(1);
    await rc.commit();
    await ser.commit();
  });

  it('a locking read waits for the writer, then returns its committed value; other reads keep the statement snapshot', async () => {
    const rc = db.newTxn({ isolation: 'read-committed' });
    rc.stepReadTimestamp();
    const snapshot = rc.readTimestamp;
    // A writer that began after the statement's snapshot.
    const writer = db.newTxn();
    await writer.put(rowKey(1), intValue(5));
    await writer.put(rowKey(2), intValue(5));
    const locked = rc.getForUpdate(rowKey(1));
    await writer.commit();
    expect(readInt(await locked)).toBe(5);
    // EvalPlanQual re-reads only the locked row; the statement's snapshot is unchanged.
    expect(rc.readTimestamp.equal(snapshot)).toBe(true);
    expect(await rc.get(rowKey(2))).toBeUndefined();
    await rc.put(rowKey(1), intValue(6));
    await rc.commit();
    expect(readInt(await db.get(rowKey(1)))).toBe(6);
  });

  it('READ COMMITTED commits writes pushed above its reads without refreshing; SERIALIZABLE must restart', async () => {
    for (const isolation of ['read-committed', 'serializable'] as const) {
      const txn = db.newTxn({ isolation });
      txn.stepReadTimestamp();
      const seen = readInt(await txn.get(rowKey(1)));
      // Someone changes what txn read, and a later reader pushes txn's write above that change.
      await db.txn((other) => other.put(rowKey(1), intValue(seen + 10)));
      await db.txn((reader) => reader.get(rowKey(3)));
      await txn.put(rowKey(3), intValue(seen));
      const outcome = await txn.commit().then(
        () => 'committed',
        (err: unknown) => kvErrorSqlState(err)?.code,
      );
      expect(outcome, isolation).toBe(isolation === 'read-committed' ? 'committed' : '40001');
      if (outcome !== 'committed') await txn.rollback();
    }
  });

  it('READ COMMITTED allows the lost update of a plain read-then-write, as PostgreSQL does; FOR UPDATE prevents it', async () => {
    for (const locking of [false, true]) {
      await db.put(rowKey(7), intValue(0));
      const t1 = db.newTxn({ isolation: 'read-committed' });
      const t2 = db.newTxn({ isolation: 'read-committed' });
      t1.stepReadTimestamp();
      t2.stepReadTimestamp();
      const read = (txn: typeof t1) => (locking ? txn.getForUpdate(rowKey(7)) : txn.get(rowKey(7)));
      const v1 = readInt(await read(t1));
      // Without locks t2 reads 0 too; with them it waits until t1 commits and reads 1.
      const v2Promise = read(t2);
      await t1.put(rowKey(7), intValue(v1 + 1));
      await t1.commit();
      const v2 = readInt(await v2Promise);
      await t2.put(rowKey(7), intValue(v2 + 1));
      await t2.commit();
      expect(readInt(await db.get(rowKey(7))), locking ? 'FOR UPDATE' : 'plain').toBe(locking ? 2 : 1);
    }
  });
});
