/**
 * A write batch that reads its own writes. A replica evaluates a command's reads and writes against
 * one batch (a conditional put reads what an earlier put of the same command wrote) and then
 * commits the batch atomically; reads see the pending writes merged over the reader underneath
 * (the engine, or a snapshot of it).
 *
 * The batch takes ownership of the keys and values it is given: the MVCC layer builds fresh
 * buffers for every write and never touches them again.
 */
import { assert } from '../../common/assert.js';
import type { BatchOp, Bytes, Engine, EngineIterator, EngineReader, IterateOptions, KeyValue, WriteOptions } from '../engine.js';
import { iterateInBatches } from '../engine-async-iterable.js';
import { PendingWrites, compareKeys, type PendingNode } from './pending-writes.js';
import { ReadAheadIterator } from './read-ahead-iterator.js';

/** What MVCC writes need: reads, plus writes that land later, all together. */
export interface ReadWriter extends EngineReader {
  put(key: Bytes, value: Bytes): void;
  del(key: Bytes): void;
}

export class IndexedBatch implements ReadWriter {
  private readonly writes = new PendingWrites();
  private committed = false;

  constructor(private readonly base: EngineReader) {}

  /** Distinct keys written (the last write of a key replaces earlier ones). */
  get count(): number {
    return this.writes.size;
  }

  async get(key: Bytes): Promise<Bytes | undefined> {
    const node = this.writes.find(key);
    if (node !== undefined) return node.value;
    return this.base.get(key);
  }

  /**
   * Iterates the merged view. Writes made while the iterator is open are seen where the iterator
   * has not yet passed, so a scan may write behind its own position (GC does).
   */
  iterator(options: IterateOptions = {}): EngineIterator {
    const { limit: _limit, ...bounds } = options;
    return new BatchIterator(this.writes, new ReadAheadIterator(this.base.iterator(bounds)), {
      start: options.start,
      end: options.end,
      reverse: options.reverse === true,
      limit: options.limit ?? Infinity,
    });
  }

  put(key: Bytes, value: Bytes): void {
    assert(!this.committed, 'write to a committed batch');
    this.writes.set(key, value);
  }

  del(key: Bytes): void {
    assert(!this.committed, 'write to a committed batch');
    this.writes.set(key, undefined);
  }

  /** The writes as engine ops, in key order, one per key. */
  ops(): BatchOp[] {
    const ops: BatchOp[] = [];
    for (let node = this.writes.first(); node !== undefined; node = node.next[0]) {
      ops.push(node.value === undefined ? { type: 'del', key: node.key } : { type: 'put', key: node.key, value: node.value });
    }
    return ops;
  }

  /** Writes everything to engine atomically. The batch is spent afterwards. */
  async commit(engine: Engine, options?: WriteOptions): Promise<void> {
    assert(!this.committed, 'batch committed twice');
    this.committed = true;
    if (this.writes.size > 0) await engine.write(this.ops(), options);
  }
}

interface Range {
  readonly start: Bytes | undefined;
  readonly end: Bytes | undefined;
  readonly reverse: boolean;
  readonly limit: number;
}

/** Merges the pending writes over the base iterator; a pending write wins over the base entry of its key. */
class BatchIterator implements EngineIterator {
  private baseHead: KeyValue | undefined;
  private baseLoaded = false;
  private returned = 0;
  /** The last key returned (or passed): the next entry is strictly beyond it. */
  private after: Bytes | undefined;
  /** Set by seek: the next entry is at or beyond it. */
  private from: Bytes | undefined;

  constructor(
    private readonly writes: PendingWrites,
    private readonly base: EngineIterator,
    private readonly range: Range,
  ) {}

  async next(): Promise<KeyValue | undefined> {
    const { reverse } = this.range;
    while (this.returned < this.range.limit) {
      if (!this.baseLoaded) {
        this.baseHead = await this.base.next();
        this.baseLoaded = true;
      }
      const pending = this.pendingCandidate();
      const baseHead = this.baseHead;
      if (pending === undefined) {
        if (baseHead === undefined) return undefined;
        return this.takeBase(baseHead);
      }
      if (baseHead !== undefined) {
        const order = reverse ? compareKeys(baseHead.key, pending.key) : compareKeys(pending.key, baseHead.key);
        // The base entry comes first and no pending write touches its key.
        if (order > 0) return this.takeBase(baseHead);
        // The pending write shadows the base entry of the same key.
        if (order === 0) this.baseLoaded = false;
      }
      this.position(pending.key);
      if (pending.value !== undefined) {
        this.returned++;
        return { key: pending.key, value: pending.value };
      }
      // A pending delete: nothing to return here, look further.
    }
    return undefined;
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
    this.base.seek(target);
    this.baseLoaded = false;
    this.after = undefined;
    this.from = target;
  }

  async close(): Promise<void> {
    await this.base.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<KeyValue> {
    return iterateInBatches(this);
  }

  private takeBase(entry: KeyValue): KeyValue {
    this.baseLoaded = false;
    this.position(entry.key);
    this.returned++;
    return entry;
  }

  private position(key: Bytes): void {
    this.after = key;
    this.from = undefined;
  }

  /** The next pending write in iteration order within the bounds, recomputed from the position. */
  private pendingCandidate(): PendingNode | undefined {
    const { start, end, reverse } = this.range;
    if (this.writes.size === 0) return undefined;
    let node: PendingNode | undefined;
    if (!reverse) {
      if (this.after !== undefined) {
        node = this.writes.seekGE(this.after);
        if (node !== undefined && compareKeys(node.key, this.after) === 0) node = node.next[0];
      } else {
        const from = this.from !== undefined && (start === undefined || compareKeys(this.from, start) > 0) ? this.from : start;
        node = from === undefined ? this.writes.first() : this.writes.seekGE(from);
      }
      return node !== undefined && (end === undefined || compareKeys(node.key, end) < 0) ? node : undefined;
    }
    if (this.after !== undefined) node = this.writes.seekLast(this.after, false);
    else if (this.from !== undefined && (end === undefined || compareKeys(this.from, end) < 0)) node = this.writes.seekLast(this.from, true);
    else node = this.writes.seekLast(end, false);
    return node !== undefined && (start === undefined || compareKeys(node.key, start) >= 0) ? node : undefined;
  }
}
