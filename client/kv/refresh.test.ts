/**
 * Read refresh: a SERIALIZABLE transaction whose write timestamp was pushed commits if nothing it
 * read changed in between, and only then. What counts as read is exactly what its reads covered:
 * a scan stopped by its limit read up to where it stopped, not its whole span.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KvBatch } from './batch.js';
import type { KvDB } from './kv-db.js';
import { kvErrorSqlState } from './kv-error-sqlstate.js';
import type { KvTxn } from './kv-txn.js';
import { startKvFixture, type KvFixture } from './testing/kv-fixture.js';
import { intValue, rowKey, rowOf, rowSpan } from './testing/test-data.js';

let fixture: KvFixture;
let db: KvDB;

beforeEach(async () => {
  fixture = await startKvFixture();
  db = fixture.newDb();
  const batch = new KvBatch();
  for (let i = 0; i < 10; i++) batch.put(rowKey(i), intValue(i));
  await db.run(batch);
});

afterEach(async () => {
  await fixture.close();
});

/** Another transaction writes row `changed`; then txn writes a key a later reader read, so its commit must refresh. */
async function commitAfterChange(txn: KvTxn, changed: number): Promise<string> {
  await db.txn((other) => other.put(rowKey(changed), intValue(100)));
  await db.txn((reader) => reader.get(rowKey(20)));
  await txn.put(rowKey(20), intValue(20));
  expect(txn.readTimestamp.less(txn.writeTimestamp)).toBe(true);
  return txn.commit().then(
    () => 'committed',
    async (err: unknown) => {
      await txn.rollback();
      return kvErrorSqlState(err)?.code ?? String(err);
    },
  );
}

describe('read refresh', () => {
  it('a pushed transaction whose reads still hold commits at its new timestamp', async () => {
    const txn = db.newTxn();
    await txn.get(rowKey(1));
    expect(await commitAfterChange(txn, 5)).toBe('committed');
  });

  it('a forward scan stopped by its limit refreshes only the part it read', async () => {
    for (const [changed, outcome] of [
      [8, 'committed'],
      [1, '40001'],
    ] as const) {
      const txn = db.newTxn();
      const page = await txn.scan(rowSpan(0, 10), { limit: 3 });
      expect(page.rows.map((row) => rowOf(row.key))).toEqual([0, 1, 2]);
      expect(await commitAfterChange(txn, changed), `row ${changed} changed`).toBe(outcome);
    }
  });

  it('a reverse scan stopped by its limit refreshes only the part it read', async () => {
    for (const [changed, outcome] of [
      [1, 'committed'],
      [8, '40001'],
    ] as const) {
      const txn = db.newTxn();
      const page = await txn.scan(rowSpan(0, 10), { limit: 3, reverse: true });
      expect(page.rows.map((row) => rowOf(row.key))).toEqual([9, 8, 7]);
      expect(await commitAfterChange(txn, changed), `row ${changed} changed`).toBe(outcome);
    }
  });

  it('a scan that found nothing still protects its span against a phantom', async () => {
    const txn = db.newTxn();
    expect((await txn.scan(rowSpan(10, 20))).rows).toEqual([]);
    expect(await commitAfterChange(txn, 15)).toBe('40001');
  });
});
