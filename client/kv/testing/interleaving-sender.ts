/**
 * A KvSender for tests that varies the interleaving of concurrent transactions from a seed: before
 * a batch goes to the server and before its answer goes back, it yields to the event loop a
 * seeded number of times, so that requests of different transactions overtake each other in a
 * different (but, for one seed, repeatable) order. Over the in-memory engine with manual or no
 * timers, one seed replays one interleaving.
 */
import type { BatchRequest, BatchResponse, KvSender } from '../../../proto/kv-api.js';
import { Prng } from '../../../common/prng.js';

export class InterleavingSender implements KvSender {
  private readonly prng: Prng;
  /** Batches sent, for tests that count round trips. */
  sent = 0;

  constructor(
    private readonly inner: KvSender,
    seed: number,
    /** The most event-loop turns one hop may be delayed by. */
    private readonly turnsMax = 4,
  ) {
    this.prng = new Prng(seed);
  }

  async send(batch: BatchRequest): Promise<BatchResponse> {
    this.sent++;
    await yieldTurns(this.prng.nextInt(this.turnsMax + 1));
    const response = await this.inner.send(batch);
    await yieldTurns(this.prng.nextInt(this.turnsMax + 1));
    return response;
  }
}

async function yieldTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
