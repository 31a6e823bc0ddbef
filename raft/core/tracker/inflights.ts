/**
 * Inflights: the sliding window of MsgApps sent to one follower in replicate state and not yet
 * acknowledged, recorded by the last index each carried. It bounds how far the leader runs ahead
 * of a follower (flow control): when it is full, only empty MsgApps are sent until
 * acknowledgements free space.
 */
import { assert } from '../../../common/assert.js';
import type { LogIndex } from '../types.js';

export class Inflights {
  /** Last indexes of the messages in flight, in increasing order. */
  private indexes: LogIndex[] = [];

  constructor(readonly capacity: number) {
    assert(capacity > 0, 'inflights capacity must be positive');
  }

  /** Records a message whose last entry is index. Indexes must be added in increasing order. */
  add(index: LogIndex): void {
    assert(!this.full(), 'cannot add into a full inflights');
    const last = this.indexes[this.indexes.length - 1];
    assert(last === undefined || index > last, `inflight ${index} added out of order after ${last}`);
    this.indexes.push(index);
  }

  /** Frees every message whose last index is at or below index (acknowledged). */
  freeLE(index: LogIndex): void {
    let n = 0;
    while (n < this.indexes.length && (this.indexes[n] as LogIndex) <= index) n++;
    if (n > 0) this.indexes = this.indexes.slice(n);
  }

  full(): boolean {
    return this.indexes.length >= this.capacity;
  }

  count(): number {
    return this.indexes.length;
  }

  reset(): void {
    this.indexes = [];
  }
}
