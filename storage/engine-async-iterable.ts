/**
 * The `for await` protocol of every engine iterator, built on nextBatch so that a loop pays one
 * engine call per batch rather than one per entry. Leaving the loop (break, return, throw) closes
 * the iterator, as abstract-level iterators do.
 */
import type { EngineIterator, KeyValue } from './engine.js';
import { asyncIterationBatchEntries, asyncIterationFirstBatchEntries } from './limits.js';

export async function* iterateInBatches(iterator: EngineIterator): AsyncGenerator<KeyValue, void, undefined> {
  try {
    let size = asyncIterationFirstBatchEntries;
    for (;;) {
      const batch = await iterator.nextBatch(size);
      if (batch.length === 0) return;
      yield* batch;
      size = asyncIterationBatchEntries;
    }
  } finally {
    await iterator.close();
  }
}
