/**
 * Seeded test runs: each seed is one reproducible run, and a failure names its seed so that
 * `KV_TEST_SEED=<seed>` replays exactly that run.
 */

/**
 * The seeds to run: KV_TEST_SEED alone when set; else count seeds from base, or KV_TEST_SEEDS of
 * them for a longer soak run.
 */
export function testSeeds(count: number, base: number): number[] {
  const fixed = process.env['KV_TEST_SEED'];
  if (fixed !== undefined && fixed !== '') return [Number(fixed)];
  const soak = process.env['KV_TEST_SEEDS'];
  const total = soak !== undefined && soak !== '' ? Number(soak) : count;
  return Array.from({ length: total }, (_, i) => base + i);
}

/** Runs fn for seed, adding the seed to any failure's message. */
export async function withSeed<T>(seed: number, fn: (seed: number) => Promise<T>): Promise<T> {
  try {
    return await fn(seed);
  } catch (err) {
    if (err instanceof Error) {
      err.message = `[seed ${seed}; replay with KV_TEST_SEED=${seed}] ${err.message}`;
      throw err;
    }
    throw new Error(`[seed ${seed}] ${String(err)}`);
  }
}
