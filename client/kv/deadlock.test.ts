/**
 * Deadlocks: transactions that wait for each other in a cycle. PostgreSQL (13.3.4, Deadlocks):
 * "PostgreSQL automatically detects deadlock situations and resolves them by aborting one of the
 * transactions involved, allowing the other(s) to complete." The victim gets 40P01; a waiting
 * transaction is never stuck forever.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import type { KvDB } from './kv-db.js';
import { kvErrorSqlState } from './kv-error-sqlstate.js';
import type { KvError } from './errors.js';
import { startKvFixture } from './testing/kv-fixture.js';
import { testSeeds, withSeed } from './testing/seeds.js';
import { intValue, readInt, rowKey } from './testing/test-data.js';

describe('deadlock detection', () => {
  it('two transactions locking in opposite orders: one is aborted with 40P01, the other commits', async () => {
    const fixture = await startKvFixture();
    try {
      const db = fixture.newDb();
      const t1 = db.newTxn();
      const t2 = db.newTxn();
      await t1.put(rowKey(1), intValue(1));
      await t2.put(rowKey(2), intValue(2));
      // Each now waits for the other's intent.
      const outcomes = await Promise.allSettled([t1.put(rowKey(2), intValue(1)), t2.put(rowKey(1), intValue(2))]);
      const rejected = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [{ i, reason: outcome.reason as unknown }] : []));
      expect(rejected).toHaveLength(1);
      const victim = rejected[0] as { i: number; reason: unknown };
      const state = kvErrorSqlState(victim.reason);
      expect(state?.code).toBe('40P01');
      expect(state?.message).toBe('deadlock detected');
      const [loser, winner] = victim.i === 0 ? [t1, t2] : [t2, t1];
      expect(state?.detail).toContain(loser.id);
      expect(state?.detail).toContain(winner.id);
      expect(loser.state).toBe('aborted');
      await loser.rollback();
      await winner.commit();
      // The winner wrote both keys; nothing of the victim remains.
      const mark = winner === t1 ? 1 : 2;
      expect(readInt(await db.get(rowKey(1)))).toBe(mark);
      expect(readInt(await db.get(rowKey(2)))).toBe(mark);
    } finally {
      await fixture.close();
    }
  });

  it('a cycle of three through locking reads is broken too', async () => {
    const fixture = await startKvFixture();
    try {
      const db = fixture.newDb();
      const txns = [db.newTxn(), db.newTxn(), db.newTxn()];
      for (const [i, txn] of txns.entries()) await txn.getForUpdate(rowKey(i));
      // Each commits as soon as it has its second lock, which lets the next one in the chain go.
      const outcomes = await Promise.allSettled(txns.map((txn, i) => txn.getForUpdate(rowKey((i + 1) % 3)).then(() => txn.commit())));
      const codes = outcomes.map((outcome) => (outcome.status === 'rejected' ? kvErrorSqlState(outcome.reason)?.code : 'ok'));
      expect(codes.filter((code) => code === '40P01')).toHaveLength(1);
      expect(codes.filter((code) => code === 'ok')).toHaveLength(2);
      const victim = txns.find((txn) => txn.state === 'aborted');
      await victim?.rollback();
    } finally {
      await fixture.close();
    }
  });

  it('seeded: many transactions writing random keys in random orders all finish, deadlock victims retried', async () => {
    let deadlocks = 0;
    for (const seed of testSeeds(4, 7000)) {
      await withSeed(seed, async () => {
        const fixture = await startKvFixture({ seed });
        try {
          const prng = new Prng(seed);
          const dbs = [fixture.newDb(), fixture.newDb()];
          const KEYS = 4;
          const TXNS = 8;
          let committed = 0;
          await Promise.all(
            Array.from({ length: TXNS }, async (_, n) => {
              const order = prng.shuffle(Array.from({ length: KEYS }, (_, k) => k)).slice(0, 2 + prng.nextInt(KEYS - 1));
              await (dbs[n % 2] as KvDB).txn(
                async (txn) => {
                  for (const k of order) await txn.increment(rowKey(k), 1n);
                },
                {
                  onRetry: (error: KvError) => {
                    if (kvErrorSqlState(error)?.code === '40P01') deadlocks++;
                  },
                },
              );
              committed++;
            }),
          );
          expect(committed).toBe(TXNS);
        } finally {
          await fixture.close();
        }
      });
    }
    expect(deadlocks).toBeGreaterThan(0);
  });
});
