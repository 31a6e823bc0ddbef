/**
 * An engine that models a disk that fails and loses power, for tests of the layers above.
 *
 * Writes are visible at once but only synced writes are durable. As in LevelDB, whose log is
 * written in order, a synced write also makes every earlier write durable. `crash()` is a power
 * loss: the surviving state holds every write up to the last synced one plus a prefix (possibly
 * empty) of the later unsynced batches, never part of a batch. Faults: the next N writes (or
 * reads) fail, or each fails with a probability; a failed write applies nothing at all. Every
 * random choice comes from one seeded Prng, so a run replays from its seed.
 */
import { assert } from '../common/assert.js';
import { Prng } from '../common/prng.js';
import {
  EngineError,
  type BatchOp,
  type Bytes,
  type Engine,
  type EngineIterator,
  type EngineSnapshot,
  type IterateOptions,
  type KeyValue,
  type WriteOptions,
} from './engine.js';
import { checkBatch, checkWriteOptions, closedError } from './engine-arguments.js';
import { iterateInBatches } from './engine-async-iterable.js';
import { MemoryEngine } from './memory-engine.js';

export interface FaultOptions {
  /** Each write fails with ENGINE_IO with this probability (default 0). */
  readonly writeFailureProbability?: number;
  /** Each read (get, next, nextBatch) fails with ENGINE_IO with this probability (default 0). */
  readonly readFailureProbability?: number;
}

export interface FaultyEngineOptions extends FaultOptions {
  /** Seeds every random choice of the engine (default 1). */
  readonly seed?: number;
}

export interface CrashOptions {
  /**
   * How many of the unsynced batches survive, oldest first (clamped to how many there are). When
   * absent, drawn uniformly from 0..all with the engine's Prng.
   */
  readonly keepUnsyncedBatches?: number;
}

export interface CrashResult {
  /** A new engine over the state that survived; the crashed engine is closed. */
  readonly engine: FaultyEngine;
  readonly unsyncedBatchesKept: number;
  readonly unsyncedBatchesLost: number;
}

function checkProbability(p: number | undefined, what: string): number {
  const value = p ?? 0;
  if (!(value >= 0 && value <= 1)) throw new EngineError('ENGINE_INVALID_ARGUMENT', `${what} must be in [0, 1]`);
  return value;
}

function checkCount(count: number, what: string): void {
  if (!Number.isInteger(count) || count < 0) throw new EngineError('ENGINE_INVALID_ARGUMENT', `${what} must be a non-negative integer`);
}

/** A private copy of a batch: callers may reuse their buffers, and the log must not change. */
function copyBatch(ops: readonly BatchOp[]): BatchOp[] {
  return ops.map((op) => (op.type === 'put' ? { type: 'put', key: op.key.slice(), value: op.value.slice() } : { type: 'del', key: op.key.slice() }));
}

/** Where reads ask whether to fail; the engine, shared by its snapshots and iterators. */
interface ReadFaults {
  failRead(what: string): void;
}

class FaultyIterator implements EngineIterator {
  constructor(
    private readonly faults: ReadFaults,
    private readonly inner: EngineIterator,
  ) {}

  async next(): Promise<KeyValue | undefined> {
    this.faults.failRead('iterator next');
    return this.inner.next();
  }

  async nextBatch(max: number): Promise<KeyValue[]> {
    this.faults.failRead('iterator nextBatch');
    return this.inner.nextBatch(max);
  }

  seek(target: Bytes): void {
    this.inner.seek(target);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<KeyValue> {
    return iterateInBatches(this);
  }
}

class FaultySnapshot implements EngineSnapshot {
  constructor(
    private readonly faults: ReadFaults,
    private readonly inner: EngineSnapshot,
  ) {}

  async get(key: Bytes): Promise<Bytes | undefined> {
    this.faults.failRead('snapshot get');
    return this.inner.get(key);
  }

  iterator(options?: IterateOptions): EngineIterator {
    return new FaultyIterator(this.faults, this.inner.iterator(options));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export class FaultyEngine implements Engine, ReadFaults {
  readonly kind = 'faulty';
  private readonly prng: Prng;
  /** What readers see: every successful write. */
  private readonly live: MemoryEngine;
  /** What survives a power loss for sure: every write up to the last synced one. */
  private readonly durable: MemoryEngine;
  /** The batches written after the last synced one, oldest first. */
  private unsynced: BatchOp[][] = [];
  private writeFailuresArmed = 0;
  private readFailuresArmed = 0;
  private writeFailureProbability = 0;
  private readFailureProbability = 0;

  constructor(options: FaultyEngineOptions = {}) {
    this.prng = new Prng(options.seed ?? 1);
    this.live = new MemoryEngine();
    this.durable = new MemoryEngine();
    this.setFaults(options);
  }

  /** Changes the failure probabilities (absent ones become 0). */
  setFaults(options: FaultOptions): void {
    this.writeFailureProbability = checkProbability(options.writeFailureProbability, 'writeFailureProbability');
    this.readFailureProbability = checkProbability(options.readFailureProbability, 'readFailureProbability');
  }

  /** The next count writes fail with ENGINE_IO and apply nothing. */
  failNextWrites(count: number): void {
    checkCount(count, 'count');
    this.writeFailuresArmed = count;
  }

  /** The next count reads fail with ENGINE_IO. */
  failNextReads(count: number): void {
    checkCount(count, 'count');
    this.readFailuresArmed = count;
  }

  /** Batches a crash could lose now. */
  get unsyncedBatchCount(): number {
    return this.unsynced.length;
  }

  async get(key: Bytes): Promise<Bytes | undefined> {
    this.checkOpen();
    this.failRead('get');
    return this.live.get(key);
  }

  iterator(options?: IterateOptions): EngineIterator {
    return new FaultyIterator(this, this.live.iterator(options));
  }

  async put(key: Bytes, value: Bytes, options?: WriteOptions): Promise<void> {
    this.writeNow([{ type: 'put', key, value }], options);
  }

  async del(key: Bytes, options?: WriteOptions): Promise<void> {
    this.writeNow([{ type: 'del', key }], options);
  }

  async write(ops: readonly BatchOp[], options?: WriteOptions): Promise<void> {
    this.writeNow(ops, options);
  }

  snapshot(): EngineSnapshot {
    return new FaultySnapshot(this, this.live.snapshot());
  }

  approximateSize(start: Bytes, end: Bytes): Promise<number> {
    return this.live.approximateSize(start, end);
  }

  async close(): Promise<void> {
    this.live.closeNow();
  }

  /**
   * Loses power: returns a new engine over what the disk held (every write up to the last synced
   * one, and a prefix of the unsynced batches) and closes this one, with its snapshots and
   * iterators. Allowed after close(), since a clean close does not sync either.
   */
  crash(options: CrashOptions = {}): CrashResult {
    const pending = this.unsynced.length;
    const requested = options.keepUnsyncedBatches;
    if (requested !== undefined) checkCount(requested, 'keepUnsyncedBatches');
    const kept = requested === undefined ? this.prng.nextInt(pending + 1) : Math.min(requested, pending);
    this.live.closeNow();
    const state = this.durable.clone();
    for (const batch of this.unsynced.slice(0, kept)) state.writeNow(batch);
    this.unsynced = [];
    const engine = new FaultyEngine({ seed: this.prng.nextUint32() });
    engine.adopt(state);
    return { engine, unsyncedBatchesKept: kept, unsyncedBatchesLost: pending - kept };
  }

  failRead(what: string): void {
    if (this.readFailuresArmed > 0) {
      this.readFailuresArmed--;
      throw new EngineError('ENGINE_IO', `injected read failure (${what})`);
    }
    if (this.readFailureProbability > 0 && this.prng.chance(this.readFailureProbability)) {
      throw new EngineError('ENGINE_IO', `injected random read failure (${what})`);
    }
  }

  private writeNow(ops: readonly BatchOp[], options: WriteOptions | undefined): void {
    this.checkOpen();
    checkBatch(ops);
    checkWriteOptions(options);
    // Faults are drawn only for valid writes, so a bad argument never consumes an armed fault.
    if (this.writeFailuresArmed > 0) {
      this.writeFailuresArmed--;
      throw new EngineError('ENGINE_IO', 'injected write failure');
    }
    if (this.writeFailureProbability > 0 && this.prng.chance(this.writeFailureProbability)) {
      throw new EngineError('ENGINE_IO', 'injected random write failure');
    }
    const batch = copyBatch(ops);
    this.live.writeNow(batch);
    if (options?.sync === true) {
      for (const earlier of this.unsynced) this.durable.writeNow(earlier);
      this.durable.writeNow(batch);
      this.unsynced = [];
    } else {
      this.unsynced.push(batch);
    }
  }

  /** Makes state (which survived a crash, so is on disk) both the live and the durable content. */
  private adopt(state: MemoryEngine): void {
    assert(this.unsynced.length === 0 && !this.live.isClosed, 'adopt only into a new engine');
    const ops = state.entries().map(({ key, value }): BatchOp => ({ type: 'put', key, value }));
    this.live.writeNow(ops);
    this.durable.writeNow(ops);
  }

  private checkOpen(): void {
    if (this.live.isClosed) throw closedError('engine');
  }
}
