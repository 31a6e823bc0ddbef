/**
 * Write skew, the on-call doctors of PostgreSQL's manual (13.2.3, Serializable Isolation Level,
 * and the wiki's SSI page): each transaction checks that at least two doctors are on call and then
 * takes one off. Alone, each keeps the rule "at least one doctor on call"; run concurrently under
 * snapshot isolation both commit and nobody is on call. SERIALIZABLE must refuse one of them
 * ("could not serialize access", 40001); READ COMMITTED, as in PostgreSQL, lets both commit.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import { KvBatch } from './batch.js';
import type { KvDB } from './kv-db.js';
import { kvErrorSqlState } from './kv-error-sqlstate.js';
import type { KvTxn } from './kv-txn.js';
import { startKvFixture } from './testing/kv-fixture.js';
import { testSeeds, withSeed } from './testing/seeds.js';
import { intValue, readInt, rowKey, rowOf, rowSpan } from './testing/test-data.js';

/** Doctors of shift s are rows s*10 .. s*10+9; a value of 1 means on call. */
const doctor = (shift: number, i: number): Uint8Array => rowKey(shift * 10 + i);
const shiftSpan = (shift: number) => rowSpan(shift * 10, shift * 10 + 10);

async function onCall(txn: KvTxn, shift: number): Promise<number[]> {
  const rows = await txn.scan(shiftSpan(shift));
  return rows.rows.filter((row) => readInt(row.value) === 1).map((row) => rowOf(row.key) - shift * 10);
}

/** Takes doctor `me` off call if another one stays on call, as the doctors saw it. */
async function goOffCall(txn: KvTxn, shift: number, me: number, present?: number[]): Promise<boolean> {
  const seen = present ?? (await onCall(txn, shift));
  if (seen.length < 2 || !seen.includes(me)) return false;
  await txn.put(doctor(shift, me), intValue(0));
  return true;
}

async function seedDoctors(db: KvDB, shifts: number, perShift: number): Promise<void> {
  const batch = new KvBatch();
  for (let s = 0; s < shifts; s++) for (let i = 0; i < perShift; i++) batch.put(doctor(s, i), intValue(1));
  await db.run(batch);
}

describe('write skew', () => {
  it('SERIALIZABLE refuses one of two doctors going off call, naming the key and the other transaction', async () => {
    const fixture = await startKvFixture();
    try {
      const db = fixture.newDb();
      await seedDoctors(db, 1, 2);
      const alice = db.newTxn();
      const bob = db.newTxn();
      // Both look before either writes (else the second would wait for the first's intent and
      // then see it: no skew to prevent).
      const aliceSees = await onCall(alice, 0);
      const bobSees = await onCall(bob, 0);
      expect(await goOffCall(alice, 0, 0, aliceSees)).toBe(true);
      expect(await goOffCall(bob, 0, 1, bobSees)).toBe(true);
      const outcomes = await Promise.allSettled([alice.commit(), bob.commit()]);
      const failed = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(failed).toHaveLength(1);
      const state = kvErrorSqlState(failed[0]);
      expect(state?.code).toBe('40001');
      const loser = outcomes[0]?.status === 'rejected' ? alice : bob;
      const winner = loser === alice ? bob : alice;
      expect(state?.message).toContain('/Table/100/1/');
      expect(state?.message).toContain(winner.id);
      await loser.rollback();
      const check = db.newTxn();
      expect(await onCall(check, 0)).toHaveLength(1);
      await check.commit();
    } finally {
      await fixture.close();
    }
  });

  it('READ COMMITTED lets both commit, as PostgreSQL does: nobody is left on call', async () => {
    const fixture = await startKvFixture();
    try {
      const db = fixture.newDb();
      await seedDoctors(db, 1, 2);
      const alice = db.newTxn({ isolation: 'read-committed' });
      const bob = db.newTxn({ isolation: 'read-committed' });
      alice.stepReadTimestamp();
      bob.stepReadTimestamp();
      const aliceSees = await onCall(alice, 0);
      const bobSees = await onCall(bob, 0);
      expect(await goOffCall(alice, 0, 0, aliceSees)).toBe(true);
      expect(await goOffCall(bob, 0, 1, bobSees)).toBe(true);
      await Promise.all([alice.commit(), bob.commit()]);
      const check = db.newTxn();
      expect(await onCall(check, 0)).toHaveLength(0);
      await check.commit();
    } finally {
      await fixture.close();
    }
  });

  it('SERIALIZABLE, many doctors and shifts, seeded interleavings: every shift keeps a doctor on call', async () => {
    const SHIFTS = 3;
    const PER_SHIFT = 4;
    let refused = 0;
    for (const seed of testSeeds(4, 3000)) {
      await withSeed(seed, async () => {
        const fixture = await startKvFixture({ seed });
        try {
          const prng = new Prng(seed);
          const dbs = [fixture.newDb(), fixture.newDb()];
          await seedDoctors(dbs[0] as KvDB, SHIFTS, PER_SHIFT);
          const attempts = Array.from({ length: SHIFTS * PER_SHIFT }, (_, n) => ({ shift: n % SHIFTS, me: Math.floor(n / SHIFTS) }));
          prng.shuffle(attempts);
          await Promise.all(
            attempts.map(({ shift, me }, n) =>
              (dbs[n % 2] as KvDB).txn((txn) => goOffCall(txn, shift, me), {
                onRetry: () => {
                  refused++;
                },
              }),
            ),
          );
          const check = (dbs[0] as KvDB).newTxn();
          for (let s = 0; s < SHIFTS; s++) expect(await onCall(check, s), `shift ${s}`).toHaveLength(1);
          await check.commit();
        } finally {
          await fixture.close();
        }
      });
    }
    // Some attempts were refused and retried: the interleavings did produce the skew pattern.
    expect(refused).toBeGreaterThan(0);
  });
});
