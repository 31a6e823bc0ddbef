/**
 * Bank transfers: concurrent transactions move money between accounts while auditors read every
 * balance. Transfers never create or destroy money, so a serializable history keeps the total
 * exact in every audit and at the end, and no balance goes negative (each transfer checks the
 * balance it reads). The interleavings come from a seed; a failure prints it.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import type { BatchRequest, BatchResponse, KvSender } from '../../proto/kv-api.js';
import { KvBatch } from './batch.js';
import type { IsolationLevel } from '../../proto/kv-api.js';
import type { KvDB } from './kv-db.js';
import type { KvTxn } from './kv-txn.js';
import { startKvFixture } from './testing/kv-fixture.js';
import { testSeeds, withSeed } from './testing/seeds.js';
import { intValue, readInt, rowKey, rowSpan } from './testing/test-data.js';

const ACCOUNTS = 8;
const INITIAL_BALANCE = 100;
const TOTAL = ACCOUNTS * INITIAL_BALANCE;
const TRANSFER_WORKERS = 5;
const TRANSFERS_PER_WORKER = 6;
const AUDITS = 6;

async function audit(txn: KvTxn): Promise<number[]> {
  const rows = await txn.scan(rowSpan(0, ACCOUNTS));
  expect(rows.rows).toHaveLength(ACCOUNTS);
  return rows.rows.map((row) => readInt(row.value));
}

interface BankRun {
  readonly seed: number;
  readonly isolation: IsolationLevel;
  /** Read the two accounts with SELECT FOR UPDATE (what READ COMMITTED needs). */
  readonly lockingReads: boolean;
  /** Send the writes with the commit (one phase), or first the writes, then the commit alone. */
  readonly onePhase: boolean;
  readonly wrapSender?: (sender: KvSender) => KvSender;
}

async function runBank(run: BankRun): Promise<{ transfers: number; audits: number[][] }> {
  const fixture = await startKvFixture({ seed: run.seed });
  try {
    const prng = new Prng(run.seed);
    const sender = run.wrapSender === undefined ? fixture.sender : run.wrapSender(fixture.sender);
    const dbs = [fixture.newDb({ sender }), fixture.newDb({ sender })];
    const setup = new KvBatch();
    for (let i = 0; i < ACCOUNTS; i++) setup.put(rowKey(i), intValue(INITIAL_BALANCE));
    await (dbs[0] as KvDB).run(setup);
    let transfers = 0;
    const audits: number[][] = [];
    const transferWorkers = Array.from({ length: TRANSFER_WORKERS }, async (_, w) => {
      const workerPrng = prng.fork();
      const db = dbs[w % dbs.length] as KvDB;
      for (let t = 0; t < TRANSFERS_PER_WORKER; t++) {
        const from = workerPrng.nextInt(ACCOUNTS);
        const to = (from + 1 + workerPrng.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        const amount = 1 + workerPrng.nextInt(60);
        const moved = await db.txn(
          async (txn) => {
            txn.stepReadTimestamp();
            const read = (key: Uint8Array) => (run.lockingReads ? txn.getForUpdate(key) : txn.get(key));
            const fromBalance = readInt(await read(rowKey(from)));
            const toBalance = readInt(await read(rowKey(to)));
            if (fromBalance < amount) return false;
            const batch = new KvBatch();
            batch.put(rowKey(from), intValue(fromBalance - amount));
            batch.put(rowKey(to), intValue(toBalance + amount));
            if (run.onePhase) await txn.commitInBatch(batch);
            else await txn.run(batch);
            return true;
          },
          { isolation: run.isolation },
        );
        if (moved) transfers++;
      }
    });
    const auditors = Array.from({ length: AUDITS }, async (_, a) => {
      const db = dbs[a % dbs.length] as KvDB;
      for (let i = 0; i < a; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      audits.push(await db.txn((txn) => audit(txn)));
    });
    await Promise.all([...transferWorkers, ...auditors]);
    audits.push(await (dbs[0] as KvDB).txn((txn) => audit(txn)));
    return { transfers, audits };
  } finally {
    await fixture.close();
  }
}

function expectBalanced(audits: readonly number[][]): void {
  for (const balances of audits) {
    expect(balances.reduce((sum, balance) => sum + balance, 0)).toBe(TOTAL);
    for (const balance of balances) expect(balance).toBeGreaterThanOrEqual(0);
  }
}

describe('bank transfers keep the total exact', () => {
  it('SERIALIZABLE with plain reads', async () => {
    for (const seed of testSeeds(6, 4000)) {
      await withSeed(seed, async () => {
        const { transfers, audits } = await runBank({ seed, isolation: 'serializable', lockingReads: false, onePhase: true });
        expect(transfers).toBeGreaterThan(0);
        expectBalanced(audits);
      });
    }
  });

  it('READ COMMITTED with locking reads', async () => {
    for (const seed of testSeeds(3, 5000)) {
      await withSeed(seed, async () => {
        const { audits } = await runBank({ seed, isolation: 'read-committed', lockingReads: true, onePhase: false });
        expectBalanced(audits);
      });
    }
  });

  it('with every lone EndTxn (commit or rollback) delivered twice: replays are harmless', async () => {
    for (const seed of testSeeds(2, 6000)) {
      await withSeed(seed, async () => {
        let replays = 0;
        const { audits } = await runBank({
          seed,
          isolation: 'serializable',
          lockingReads: false,
          onePhase: false,
          wrapSender: (inner) => ({
            async send(batch: BatchRequest): Promise<BatchResponse> {
              const response = await inner.send(batch);
              // Only batches that hold nothing but an EndTxn: re-sending writes would be a new
              // request, not a replay.
              if (batch.requests.length === 1 && batch.requests[0]?.type === 'endTxn') {
                replays++;
                const replay = await inner.send(batch);
                // A replay never changes the outcome: it fails, or reports the same final status.
                if (replay.kind === 'ok') expect(replay.header.txn?.status).toBe(response.header.txn?.status);
              }
              return response;
            },
          }),
        });
        expect(replays).toBeGreaterThan(0);
        expectBalanced(audits);
      });
    }
  });
});
