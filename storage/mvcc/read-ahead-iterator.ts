/**
 * An iterator that fetches entries from the one underneath in growing batches. A step of an engine
 * iterator can cost a trip to a thread pool (LevelDB), so stepping entry by entry through a scan
 * would pay that trip per entry; fetching in batches pays it per batch. Batches start small, since
 * most MVCC reads stop after a few entries, and double up to a bound. A seek drops what was
 * fetched and starts small again.
 */
import type { Bytes, EngineIterator, KeyValue } from '../engine.js';
import { iterateInBatches } from '../engine-async-iterable.js';
import { readAheadEntriesFirst, readAheadEntriesMax } from './limits.js';

export class ReadAheadIterator implements EngineIterator {
  private buffer: KeyValue[] = [];
  private position = 0;
  private batchSize = readAheadEntriesFirst;
  private exhausted = false;

  constructor(private readonly inner: EngineIterator) {}

  async next(): Promise<KeyValue | undefined> {
    if (this.position < this.buffer.length) return this.buffer[this.position++];
    if (this.exhausted) return undefined;
    // A short batch does not mean the end (an engine may cap a batch by bytes); an empty one does.
    this.buffer = await this.inner.nextBatch(this.batchSize);
    this.position = 0;
    this.batchSize = Math.min(this.batchSize * 2, readAheadEntriesMax);
    if (this.buffer.length === 0) {
      this.exhausted = true;
      return undefined;
    }
    return this.buffer[this.position++];
  }

  async nextBatch(max: number): Promise<KeyValue[]> {
    const out: KeyValue[] = [];
    while (out.length < max) {
      const kv = await this.next();
      if (kv === undefined) break;
      out.push(kv);
    }
    return out;
  }

  seek(target: Bytes): void {
    this.inner.seek(target);
    this.buffer = [];
    this.position = 0;
    this.batchSize = readAheadEntriesFirst;
    this.exhausted = false;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<KeyValue> {
    return iterateInBatches(this);
  }
}
