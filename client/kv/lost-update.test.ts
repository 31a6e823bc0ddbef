/**
 * Lost updates: "T1 reads x, T2 updates x, T1 updates x based on its earlier read and commits"
 * (phenomenon P4 in Berenson et al., "A Critique of ANSI SQL Isolation Levels", 1995). Many
 * transactions increment one counter with a read-modify-write, concurrently, in interleavings
 * chosen by a seed: the final value must equal the number of increments that committed.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import type { KvDB } from './kv-db.js';
import { kvErrorSqlState } from './kv-error-sqlstate.js';
import { startKvFixture } from './testing/kv-fixture.js';
import { testSeeds, withSeed } from './testing/seeds.js';
import { intValue, readInt, rowKey } from './testing/test-data.js';

const WORKERS = 6;
const INCREMENTS_PER_WORKER = 5;

interface RunResult {
  readonly finalValue: number;
  readonly committed: number;
  readonly retries: number;
}

type Increment = (db: KvDB, counter: Uint8Array, onRetry: () => void) => Promise<void>;

/** WORKERS concurrent workers spread over dbCount routers, each committing its increments. */
async function runIncrements(seed: number, dbCount: number, increment: Increment): Promise<RunResult> {
  const fixture = await startKvFixture({ seed });
  try {
    const prng = new Prng(seed);
    const dbs = Array.from({ length: dbCount }, () => fixture.newDb());
    const counter = rowKey(1);
    let committed = 0;
    let retries = 0;
    const onRetry = (): void => {
      retries++;
    };
    const workers = Array.from({ length: WORKERS }, async (_, worker) => {
      const db = dbs[worker % dbs.length] as KvDB;
      const pause = prng.nextInt(3);
      for (let i = 0; i < pause; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      for (let i = 0; i < INCREMENTS_PER_WORKER; i++) {
        await increment(db, counter, onRetry);
        committed++;
      }
    });
    await Promise.all(workers);
    const finalValue = readInt(await (dbs[0] as KvDB).get(counter));
    return { finalValue, committed, retries };
  } finally {
    await fixture.close();
  }
}

describe('no lost update', () => {
  it('SERIALIZABLE: read, then write, with automatic retries', async () => {
    let retries = 0;
    for (const seed of testSeeds(8, 1000)) {
      await withSeed(seed, async () => {
        const result = await runIncrements(seed, 3, (db, counter, onRetry) =>
          db.txn(
            async (txn) => {
              const value = readInt(await txn.get(counter));
              await txn.put(counter, intValue(value + 1));
            },
            { onRetry },
          ),
        );
        expect(result.committed).toBe(WORKERS * INCREMENTS_PER_WORKER);
        expect(result.finalValue).toBe(result.committed);
        retries += result.retries;
      });
    }
    // The workload really conflicted: some attempts had to be retried.
    expect(retries).toBeGreaterThan(0);
  });

  it('READ COMMITTED: a locking read (SELECT FOR UPDATE), then write', async () => {
    for (const seed of testSeeds(5, 2000)) {
      await withSeed(seed, async () => {
        const result = await runIncrements(seed, 2, (db, counter, onRetry) =>
          db.txn(
            async (txn) => {
              txn.stepReadTimestamp();
              const value = readInt(await txn.getForUpdate(counter));
              await txn.put(counter, intValue(value + 1));
            },
            { isolation: 'read-committed', onRetry },
          ),
        );
        expect(result.finalValue).toBe(WORKERS * INCREMENTS_PER_WORKER);
      });
    }
  });

  it('SERIALIZABLE: two interleaved read-modify-writes, the second is told to retry (40001)', async () => {
    const fixture = await startKvFixture();
    try {
      const db = fixture.newDb();
      const counter = rowKey(1);
      await db.put(counter, intValue(10));
      const t1 = db.newTxn();
      const t2 = db.newTxn();
      const seen1 = readInt(await t1.get(counter));
      const seen2 = readInt(await t2.get(counter));
      await t1.put(counter, intValue(seen1 + 1));
      await t1.commit();
      // t2's write lands above t1's commit, where its read of 10 no longer holds: the refresh at
      // commit finds t1's version and names its key.
      const error = await t2
        .put(counter, intValue(seen2 + 1))
        .then(() => t2.commit())
        .catch((err: unknown) => err);
      expect(kvErrorSqlState(error)?.code).toBe('40001');
      expect(kvErrorSqlState(error)?.message).toContain('/Table/100/1/');
      await t2.rollback();
      expect(readInt(await db.get(counter))).toBe(11);
    } finally {
      await fixture.close();
    }
  });
});
