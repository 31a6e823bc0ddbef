/**
 * Single-key transactions and non-transactional operations, issued concurrently by many clients
 * in seeded interleavings, must form a linearizable history (for single-key operations, strict
 * serializability and linearizability coincide: Herlihy & Wing, 1990). Reads, blind writes,
 * compare-and-swap and append (both read-modify-write transactions that depend on refreshes and
 * retries) are checked by the Wing & Gong search of common/linearizability against a sequential
 * key-value model.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import { checkLinearizability, describeLinearizabilityResult } from '../../common/linearizability/checker.js';
import type { Operation } from '../../common/linearizability/history.js';
import { kvModel, type KvInput, type KvOutput } from '../../common/linearizability/kv-model.js';
import type { Value } from '../../proto/kv-api.js';
import type { KvDB } from './kv-db.js';
import { startKvFixture } from './testing/kv-fixture.js';
import { testSeeds, withSeed } from './testing/seeds.js';
import { rowKey } from './testing/test-data.js';

const CLIENTS = 6;
const OPS_PER_CLIENT = 8;
const KEYS = 3;

const utf8 = new TextEncoder();
const text = new TextDecoder();
const decode = (value: Value | undefined): string | undefined => (value === undefined ? undefined : text.decode(value));

/** Runs one operation; transactional unless `direct` (a non-transactional one-shot request). */
async function execute(db: KvDB, input: KvInput, direct: boolean): Promise<KvOutput> {
  const key = rowKey(Number(input.key));
  switch (input.kind) {
    case 'get':
      return { kind: 'get', value: decode(direct ? await db.get(key) : await db.txn((txn) => txn.get(key))) };
    case 'put':
      if (direct) await db.put(key, utf8.encode(input.value));
      else await db.txn((txn) => txn.put(key, utf8.encode(input.value)));
      return { kind: 'put' };
    case 'cas': {
      const swapped = await db.txn(async (txn) => {
        if (decode(await txn.get(key)) !== input.expected) return false;
        await txn.put(key, utf8.encode(input.value));
        return true;
      });
      return { kind: 'cas', swapped };
    }
    case 'append':
      await db.txn(async (txn) => {
        const current = decode(await txn.get(key)) ?? '';
        await txn.put(key, utf8.encode(current + input.value));
      });
      return { kind: 'append' };
  }
}

function randomInput(prng: Prng, client: number, n: number, seen: readonly string[]): KvInput {
  const key = String(prng.nextInt(KEYS));
  const value = `${client}.${n};`;
  switch (prng.nextInt(4)) {
    case 0:
      return { kind: 'get', key };
    case 1:
      return { kind: 'put', key, value };
    case 2:
      return { kind: 'cas', key, expected: prng.chance(0.2) ? undefined : prng.pick(seen.length > 0 ? seen : ['none']), value };
    default:
      return { kind: 'append', key, value };
  }
}

describe('linearizability of single-key operations', () => {
  it('transactional and one-shot gets, puts, compare-and-swaps and appends', async () => {
    for (const seed of testSeeds(10, 8000)) {
      await withSeed(seed, async () => {
        const fixture = await startKvFixture({ seed });
        try {
          const prng = new Prng(seed);
          const dbs = [fixture.newDb(), fixture.newDb(), fixture.newDb()];
          let tick = 0;
          const history: Operation<KvInput, KvOutput>[] = [];
          const seen: string[] = [];
          await Promise.all(
            Array.from({ length: CLIENTS }, async (_, client) => {
              const clientPrng = prng.fork();
              const db = dbs[client % dbs.length] as KvDB;
              for (let n = 0; n < OPS_PER_CLIENT; n++) {
                const input = randomInput(clientPrng, client, n, seen);
                const callTime = tick++;
                const output = await execute(db, input, clientPrng.chance(0.3));
                if (output.kind === 'get' && output.value !== undefined) seen.push(output.value);
                history.push({ clientId: client, input, callTime, completion: { output, returnTime: tick++ } });
              }
            }),
          );
          const result = checkLinearizability(kvModel, history);
          expect(result.kind, describeLinearizabilityResult(kvModel, result)).toBe('linearizable');
        } finally {
          await fixture.close();
        }
      });
    }
  });
});
