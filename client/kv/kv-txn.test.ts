/**
 * The KvTxn / KvDB API over the in-process server: what each call returns, what other
 * transactions see, and how many round trips each costs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchRequest, BatchResponse, KvSender, RequestType } from '../../proto/kv-api.js';
import { KvBatch } from './batch.js';
import { KvError, conditionFailure } from './errors.js';
import type { KvDB } from './kv-db.js';
import { kvErrorSqlState } from './kv-error-sqlstate.js';
import { startKvFixture, type KvFixture } from './testing/kv-fixture.js';
import { intValue, readInt, rowKey, rowOf, rowSpan, tableSpanAll } from './testing/test-data.js';

/** Counts batches and the request types in them. */
class CountingSender implements KvSender {
  batches: RequestType[][] = [];
  constructor(private readonly inner: KvSender) {}
  send(batch: BatchRequest): Promise<BatchResponse> {
    this.batches.push(batch.requests.map((request) => request.type));
    return this.inner.send(batch);
  }
}

let fixture: KvFixture;
let counting: CountingSender;
let db: KvDB;

beforeEach(async () => {
  fixture = await startKvFixture();
  counting = new CountingSender(fixture.server);
  db = fixture.newDb({ sender: counting });
});

afterEach(async () => {
  await fixture.close();
});

describe('reads and writes', () => {
  it('a transaction reads its own writes; others see them only after commit', async () => {
    const earlier = db.newTxn();
    const txn = db.newTxn();
    await txn.put(rowKey(1), intValue(10));
    expect(readInt(await txn.get(rowKey(1)))).toBe(10);
    // A transaction that began before the write reads underneath the intent, without waiting.
    expect(await earlier.get(rowKey(1))).toBeUndefined();
    await txn.commit();
    // Its snapshot does not change; a later reader sees the commit.
    expect(await earlier.get(rowKey(1))).toBeUndefined();
    expect(readInt(await db.get(rowKey(1)))).toBe(10);
    await earlier.commit();
  });

  it('a point read is one batch holding one Get', async () => {
    await db.put(rowKey(1), intValue(5));
    const txn = db.newTxn();
    counting.batches = [];
    expect(readInt(await txn.get(rowKey(1)))).toBe(5);
    expect(counting.batches).toEqual([['get']]);
    await txn.commit();
    // A transaction that only read commits without a round trip.
    expect(counting.batches).toEqual([['get']]);
  });

  it('a KvBatch is one round trip with typed results', async () => {
    await db.put(rowKey(1), intValue(1));
    const txn = db.newTxn();
    const batch = new KvBatch();
    const old = batch.get(rowKey(1));
    batch.put(rowKey(2), intValue(2));
    batch.cput(rowKey(3), intValue(3), undefined);
    const count = batch.increment(rowKey(4), 7n);
    const gone = batch.del(rowKey(1));
    counting.batches = [];
    const results = await txn.run(batch);
    expect(counting.batches).toEqual([['get', 'put', 'conditionalPut', 'increment', 'delete']]);
    expect(readInt(results.of(old))).toBe(1);
    expect(results.of(count)).toBe(7n);
    expect(results.of(gone)).toBe(true);
    await txn.commit();
    const rows = await db.scan(tableSpanAll);
    expect(rows.rows.map((row) => [rowOf(row.key), readInt(row.value)])).toEqual([
      [2, 2],
      [3, 3],
      [4, 7],
    ]);
  });

  it('commitInBatch sends the writes and the commit together', async () => {
    const txn = db.newTxn();
    const batch = new KvBatch();
    batch.put(rowKey(1), intValue(1));
    batch.put(rowKey(2), intValue(2));
    counting.batches = [];
    await txn.commitInBatch(batch);
    expect(counting.batches).toEqual([['put', 'put', 'endTxn']]);
    expect(txn.state).toBe('committed');
    expect(readInt(await db.get(rowKey(2)))).toBe(2);
  });

  it('scans with limits resume where they stopped, forward and in reverse', async () => {
    const batch = new KvBatch();
    for (let i = 0; i < 10; i++) batch.put(rowKey(i), intValue(i * 10));
    await db.run(batch);
    const txn = db.newTxn();
    const forward: number[] = [];
    let span = rowSpan(2, 9);
    for (;;) {
      const page = await txn.scan(span, { limit: 3 });
      forward.push(...page.rows.map((row) => rowOf(row.key)));
      if (page.resume === undefined) break;
      span = page.resume;
    }
    expect(forward).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const backward: number[] = [];
    span = rowSpan(2, 9);
    for (;;) {
      const page = await txn.scan(span, { limit: 2, reverse: true });
      backward.push(...page.rows.map((row) => rowOf(row.key)));
      if (page.resume === undefined) break;
      span = page.resume;
    }
    expect(backward).toEqual([8, 7, 6, 5, 4, 3, 2]);
    await txn.commit();
  });

  it('delRange deletes the live keys of a span and reports them', async () => {
    const batch = new KvBatch();
    for (let i = 0; i < 6; i++) batch.put(rowKey(i), intValue(i));
    await db.run(batch);
    await db.del(rowKey(3));
    const deleted = await db.txn((txn) => txn.delRange(rowSpan(1, 5)));
    expect(deleted.map(rowOf)).toEqual([1, 2, 4]);
    expect((await db.scan(tableSpanAll)).rows.map((row) => rowOf(row.key))).toEqual([0, 5]);
  });

  it('a failed conditional put reports the actual value and leaves the transaction usable', async () => {
    await db.put(rowKey(1), intValue(1));
    const txn = db.newTxn();
    await txn.put(rowKey(2), intValue(2));
    const error = await txn.cput(rowKey(1), intValue(9), undefined).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(KvError);
    expect(readInt(conditionFailure(error)?.actualValue)).toBe(1);
    expect(kvErrorSqlState(error)).toBeUndefined();
    expect(txn.state).toBe('pending');
    await txn.cput(rowKey(1), intValue(9), intValue(1));
    await txn.commit();
    expect(readInt(await db.get(rowKey(1)))).toBe(9);
    expect(readInt(await db.get(rowKey(2)))).toBe(2);
  });

  it('rollback discards the writes and releases the keys', async () => {
    const txn = db.newTxn();
    await txn.put(rowKey(1), intValue(1));
    await txn.rollback();
    expect(txn.state).toBe('aborted');
    // A writer after the rollback does not wait for anything and sees nothing underneath.
    await db.txn(async (other) => {
      expect(await other.get(rowKey(1))).toBeUndefined();
      await other.put(rowKey(1), intValue(2));
    });
    expect(readInt(await db.get(rowKey(1)))).toBe(2);
    await txn.rollback();
  });

  it('operations of one transaction run in call order even when not awaited one by one', async () => {
    const txn = db.newTxn();
    const writes = [1, 2, 3].map((i) => txn.put(rowKey(1), intValue(i)));
    const read = txn.get(rowKey(1));
    await Promise.all(writes);
    expect(readInt(await read)).toBe(3);
    await txn.commit();
  });

  it('NOWAIT fails at once with 55P03 naming the holder', async () => {
    const holder = db.newTxn();
    await holder.put(rowKey(1), intValue(1));
    const txn = db.newTxn();
    const error = await txn.getForUpdate(rowKey(1), { waitPolicy: 'error' }).catch((err: unknown) => err);
    expect(kvErrorSqlState(error)).toMatchObject({ code: '55P03', message: expect.stringContaining(holder.id) as unknown });
    expect(txn.state).toBe('pending');
    await txn.rollback();
    await holder.commit();
  });

  it('the transaction is a bug to use after commit', async () => {
    const txn = db.newTxn();
    await txn.put(rowKey(1), intValue(1));
    await txn.commit();
    await expect(txn.get(rowKey(1))).rejects.toThrow(/committed/);
  });

  it('closing a KvDB rolls back its open transactions, freeing their keys', async () => {
    const router = fixture.newDb();
    const txn = router.newTxn();
    await txn.put(rowKey(1), intValue(1));
    expect(router.openTxnCount).toBe(1);
    await router.close();
    expect(txn.state).toBe('aborted');
    // NOWAIT: an intent left behind would fail this read at once.
    const reader = db.newTxn();
    expect(await reader.get(rowKey(1), { waitPolicy: 'error' })).toBeUndefined();
    await reader.commit();
  });
});
