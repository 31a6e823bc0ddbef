/**
 * The storage engine contract: an ordered map of byte strings to byte strings with atomic batches,
 * bounded iteration in both directions, consistent snapshots and a size estimate. Every replica
 * writes through this interface; LevelDB (`level-engine.ts`) is the production implementation,
 * `memory-engine.ts` serves fast tests, and `faulty-engine.ts` injects failures and crashes. All
 * three pass the same conformance suite (`engine-conformance.ts`).
 *
 * Ordering is bytewise (unsigned, lexicographic, a prefix sorts first), exactly as LevelDB's
 * default comparator.
 *
 * Conventions every engine keeps (the conformance suite checks them):
 * - Methods that return a promise report errors by rejecting with an EngineError; the synchronous
 *   ones (iterator, snapshot, seek) throw it.
 * - Keys and values passed in are copied, so the caller may reuse its buffers; bytes handed out
 *   belong to the caller.
 * - Writes issued without awaiting the previous one may apply in either order (LevelDB runs them
 *   on a thread pool); await a write before issuing one that must follow it.
 */

export type Bytes = Uint8Array;

export interface KeyValue {
  readonly key: Bytes;
  readonly value: Bytes;
}

/** Bounds are half-open: start is inclusive, end exclusive; either may be absent. */
export interface IterateOptions {
  readonly start?: Bytes;
  readonly end?: Bytes;
  /** Newest-to-oldest order: from the largest key below end down to start. */
  readonly reverse?: boolean;
  /** At most this many entries; absent means no limit. */
  readonly limit?: number;
}

export type BatchOp =
  | { readonly type: 'put'; readonly key: Bytes; readonly value: Bytes }
  | { readonly type: 'del'; readonly key: Bytes };

export interface WriteOptions {
  /**
   * Wait until the write is on stable storage before resolving. An unsynced write may be lost by
   * a crash of the machine (never half of a batch); a synced one never is.
   */
  readonly sync?: boolean;
}

/**
 * Reads a consistent view: an engine's iterator sees the data as of its creation (LevelDB takes an
 * implicit snapshot), a snapshot's iterator sees the snapshot. Await each read before the next.
 * Leaving a `for await` loop closes the iterator.
 */
export interface EngineIterator extends AsyncIterable<KeyValue> {
  /** The next entry in iteration order, or undefined when the iterator is exhausted. */
  next(): Promise<KeyValue | undefined>;
  /**
   * Between 1 and max entries (max a positive integer), or an empty array once the iterator is
   * exhausted. A batch may stop short of max before the end.
   */
  nextBatch(max: number): Promise<KeyValue[]>;
  /**
   * Repositions the iterator: forward, at the first key >= target; in reverse, at the last key
   * <= target. The iterator's bounds still apply: forward, a target below start lands on start;
   * in reverse, a target at or above end lands on the last key below end. Seeking revives an
   * exhausted iterator, but the limit counts entries across seeks.
   */
  seek(target: Bytes): void;
  close(): Promise<void>;
}

export interface EngineReader {
  get(key: Bytes): Promise<Bytes | undefined>;
  iterator(options?: IterateOptions): EngineIterator;
}

/**
 * A consistent read-only view as of the moment it was taken. Close it to free what it pins; its
 * open iterators keep reading after it is closed, until they are closed themselves.
 */
export interface EngineSnapshot extends EngineReader {
  close(): Promise<void>;
}

export type EngineKind = 'leveldb' | 'memory' | 'faulty';

export interface Engine extends EngineReader {
  readonly kind: EngineKind;
  put(key: Bytes, value: Bytes, options?: WriteOptions): Promise<void>;
  del(key: Bytes, options?: WriteOptions): Promise<void>;
  /** Applies every op or none, in order (a later op on the same key wins). */
  write(ops: readonly BatchOp[], options?: WriteOptions): Promise<void>;
  /**
   * Taken synchronously: it reflects every write whose promise has resolved and none issued after
   * the call.
   */
  snapshot(): EngineSnapshot;
  /**
   * Approximate bytes on disk (or in memory) used by keys in [start, end). LevelDB counts only
   * table files, so recent writes still in its memtable may count for nothing.
   */
  approximateSize(start: Bytes, end: Bytes): Promise<number>;
  /** Closes the engine and every snapshot and iterator it opened. Closing twice is harmless. */
  close(): Promise<void>;
}

export type EngineErrorCode =
  /** The engine (or snapshot, or iterator) was used after close. */
  | 'ENGINE_CLOSED'
  /** A key that is not a non-empty Uint8Array, or a value that is not a Uint8Array. */
  | 'ENGINE_INVALID_ARGUMENT'
  /** The device failed (or the fault-injecting engine said it did). The write did not happen. */
  | 'ENGINE_IO'
  /** The store could not be opened (locked by another process, corrupt, wrong path). */
  | 'ENGINE_OPEN_FAILED';

/** Operating errors of an engine, as typed values with stable codes. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bytewise comparison, the order of every engine. */
export function compareBytes(a: Bytes, b: Bytes): number {
  return Buffer.compare(a, b);
}
