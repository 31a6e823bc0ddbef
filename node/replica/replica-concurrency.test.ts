/**
 * Many transactions at once on one replica, through a minimal retrying runner: serializable
 * read-modify-writes lose no update, transfers keep the total, opposite-order writers deadlock and
 * one of them is aborted, and nothing stays waiting. Interleavings come from seeded random yields
 * (the seed is in every failure message).
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import { Clock } from '../../storage/hlc.js';
import { MemoryEngine } from '../../storage/memory-engine.js';
import { LocalKvServer } from '../kv-server/local-kv-server.js';
import { runTxn, type RunStats } from './testing/mini-txn.js';

const b = (text: string): Uint8Array => new TextEncoder().encode(text);
const encodeInt = (n: number): Uint8Array => b(String(n));
const decodeInt = (value: Uint8Array | undefined): number => (value === undefined ? 0 : Number(new TextDecoder().decode(value)));

async function withServer<T>(fn: (server: LocalKvServer, clock: Clock) => Promise<T>): Promise<T> {
  const engine = new MemoryEngine();
  const clock = new Clock({ maxOffsetNanos: 500_000_000n });
  const server = await LocalKvServer.start({ engine, clock, syncWrites: false });
  try {
    return await fn(server, clock);
  } finally {
    await server.close();
    await engine.close();
  }
}

/** Yields to the event loop a seeded number of times, to vary interleavings. */
async function jitter(prng: Prng): Promise<void> {
  for (let i = prng.nextInt(3); i > 0; i--) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('replica under concurrent transactions', () => {
  it('loses no update among concurrent read-modify-write increments', async () => {
    const seed = 7;
    await withServer(async (server, clock) => {
      const prng = new Prng(seed);
      const workers = 8;
      const perWorker = 5;
      const stats: RunStats = { attempts: 0, deadlocks: 0 };
      await Promise.all(
        Array.from({ length: workers }, async () => {
          for (let i = 0; i < perWorker; i++) {
            await runTxn(
              server,
              clock,
              async (txn) => {
                const value = decodeInt(await txn.get(b('counter')));
                await jitter(prng);
                await txn.put(b('counter'), encodeInt(value + 1));
              },
              { stats },
            );
          }
        }),
      );
      const final = await server.send({ header: {}, requests: [{ type: 'get', key: b('counter') }] });
      expect(final.kind === 'ok' && final.responses[0]?.type === 'get' && decodeInt(final.responses[0].value), `seed ${seed}`).toBe(workers * perWorker);
      expect(server.replica.lockTable.keyCount, `seed ${seed}`).toBe(0);
      expect(server.replica.txnWaitQueue.size, `seed ${seed}`).toBe(0);
    });
  });

  it.each([11, 12, 13])('keeps the total of concurrent transfers exact, breaking the deadlocks they cause (seed %i)', async (seed) => {
    await withServer(async (server, clock) => {
      const prng = new Prng(seed);
      const accounts = 4;
      const initial = 100;
      await server.send({
        header: {},
        requests: Array.from({ length: accounts }, (_, i) => ({ type: 'put' as const, key: b(`acct${i}`), value: encodeInt(initial) })),
      });
      const stats: RunStats = { attempts: 0, deadlocks: 0 };
      let committed = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < 5; i++) {
            const from = prng.nextInt(accounts);
            const to = (from + 1 + prng.nextInt(accounts - 1)) % accounts;
            const amount = 1 + prng.nextInt(10);
            await runTxn(
              server,
              clock,
              async (txn) => {
                // Writing the source before reading the destination makes opposite transfers lock in opposite orders.
                const source = decodeInt(await txn.get(b(`acct${from}`)));
                await txn.put(b(`acct${from}`), encodeInt(source - amount));
                await jitter(prng);
                const target = decodeInt(await txn.get(b(`acct${to}`)));
                await txn.put(b(`acct${to}`), encodeInt(target + amount));
              },
              { stats },
            );
            committed++;
          }
        }),
      );
      const scan = await server.send({ header: {}, requests: [{ type: 'scan', key: b('acct'), endKey: b('acct~') }] });
      expect(scan.kind, `seed ${seed}`).toBe('ok');
      const rows = scan.kind === 'ok' && scan.responses[0]?.type === 'scan' ? scan.responses[0].rows : [];
      expect(rows.reduce((sum, row) => sum + decodeInt(row.value), 0), `seed ${seed}`).toBe(accounts * initial);
      expect(committed).toBe(40);
      // Opposite-order transfers did deadlock, and every deadlock was broken by aborting one side.
      expect(stats.deadlocks, `seed ${seed}`).toBeGreaterThan(0);
      expect(server.replica.txnWaitQueue.size, `seed ${seed}`).toBe(0);
    });
  });

  it('group-commits concurrent writes to different keys into fewer engine writes', async () => {
    await withServer(async (server) => {
      await Promise.all(Array.from({ length: 50 }, (_, i) => server.send({ header: {}, requests: [{ type: 'put', key: b(`k${i}`), value: b('v') }] })));
      const { batches, engineWrites } = server.replica.applyCounts;
      expect(batches).toBe(50);
      expect(engineWrites).toBeLessThan(batches);
      expect(server.replica.appliedIndex).toBe(50);
    });
  });
});
