/**
 * The production engine: LevelDB through classic-level, keys and values as Uint8Array views
 * (LevelDB hands back Buffers, which are Uint8Arrays).
 *
 * Each public method validates its arguments and the engine's state in JavaScript first, so bad
 * input is ENGINE_INVALID_ARGUMENT and never reaches LevelDB, and then maps classic-level's errors
 * to EngineError codes in one place (`toEngineError`).
 *
 * Bounds are handled here rather than left to classic-level, whose seek() ends the iterator when
 * the target lies outside the range instead of clamping it to the range:
 * - forward, a seek below start seeks to start;
 * - in reverse, the native iterator is bounded by `lte: end` instead of `lt: end`, so that a seek
 *   at or above end can land on end itself and step down from there; an entry equal to end can
 *   only be the first one after a (re)positioning, and is dropped there.
 * The limit is counted here as well, across seeks, as abstract-level counts it.
 */
import { ClassicLevel } from 'classic-level';
import type { AbstractIterator, AbstractSnapshot } from 'abstract-level';
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
import {
  checkBatch,
  checkBatchSize,
  checkBound,
  checkIterateOptions,
  checkKey,
  checkValue,
  checkWriteOptions,
  closedError,
  type IteratorRange,
} from './engine-arguments.js';
import { iterateInBatches } from './engine-async-iterable.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;
type NativeIterator = AbstractIterator<Db, Uint8Array, Uint8Array>;

export interface LevelEngineOptions {
  /** The directory of the store. */
  readonly path: string;
  /** Size of LevelDB's block cache (default 8 MiB). */
  readonly cacheBytes?: number;
  /** Size of the memtable and its log before it is written out as a table (default 4 MiB). */
  readonly writeBufferBytes?: number;
  /** Create the store when the directory holds none (default true). */
  readonly createIfMissing?: boolean;
}

/**
 * Options objects made once: abstract-level clones an options object on every call unless its
 * encodings already name the formats in use, and unsynced writes pass none at all (its default).
 */
const syncWrite = { sync: true, keyEncoding: 'view', valueEncoding: 'view' };
const syncBatch = { sync: true };

/** classic-level's error codes, as EngineError codes. Errors with other codes are bugs and pass through. */
const errorCodes: Readonly<Record<string, EngineError['code']>> = {
  LEVEL_DATABASE_NOT_OPEN: 'ENGINE_CLOSED',
  LEVEL_ITERATOR_NOT_OPEN: 'ENGINE_CLOSED',
  LEVEL_SNAPSHOT_NOT_OPEN: 'ENGINE_CLOSED',
  LEVEL_IO_ERROR: 'ENGINE_IO',
  LEVEL_CORRUPTION: 'ENGINE_IO',
  LEVEL_LOCKED: 'ENGINE_OPEN_FAILED',
  LEVEL_INVALID_KEY: 'ENGINE_INVALID_ARGUMENT',
  LEVEL_INVALID_VALUE: 'ENGINE_INVALID_ARGUMENT',
};

export function toEngineError(error: unknown): unknown {
  if (error instanceof EngineError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const mapped = typeof code === 'string' ? errorCodes[code] : undefined;
  if (mapped !== undefined) return new EngineError(mapped, error.message, { cause: error });
  // A LevelDB status without a code of its own (NotSupported, InvalidArgument from the device
  // layer) comes from the store, not from our use of it.
  if (code === undefined && error.constructor === Error) return new EngineError('ENGINE_IO', error.message, { cause: error });
  return error;
}

function equalBytes(a: Bytes, b: Bytes): boolean {
  return Buffer.compare(a, b) === 0;
}

function toEntries(pairs: [Uint8Array, Uint8Array][], from: number): KeyValue[] {
  const entries: KeyValue[] = new Array<KeyValue>(pairs.length - from);
  for (let i = from; i < pairs.length; i++) {
    const pair = pairs[i] as [Uint8Array, Uint8Array];
    entries[i - from] = { key: pair[0], value: pair[1] };
  }
  return entries;
}

interface ReaderOwner {
  readonly db: Db;
  /** Called once when an iterator closes, so a snapshot can release what it pins. */
  iteratorClosed?(): Promise<void>;
}

class LevelIterator implements EngineIterator {
  private closed = false;
  private returned = 0;
  /** In reverse with an end bound, the next entry may be end itself and must be dropped. */
  private mayBeAtEnd: boolean;
  private readonly native: NativeIterator;

  constructor(
    private readonly owner: ReaderOwner,
    private readonly range: IteratorRange,
    snapshot: AbstractSnapshot | undefined,
  ) {
    const { start, end, reverse } = range;
    this.mayBeAtEnd = reverse && end !== undefined;
    this.native = owner.db.iterator({
      ...(start !== undefined && { gte: start }),
      ...(end !== undefined && (reverse ? { lte: end } : { lt: end })),
      reverse,
      ...(snapshot !== undefined && { snapshot }),
    });
  }

  /** Through classic-level's next(), which fetches ahead (1, then 1000 entries) in one native call. */
  async next(): Promise<KeyValue | undefined> {
    this.checkOpen();
    if (this.returned >= this.range.limit) return undefined;
    try {
      let pair = await this.native.next();
      if (this.mayBeAtEnd && pair !== undefined) {
        this.mayBeAtEnd = false;
        if (equalBytes(pair[0], this.range.end as Bytes)) pair = await this.native.next();
      }
      if (pair === undefined) return undefined;
      this.returned++;
      return { key: pair[0], value: pair[1] };
    } catch (error) {
      throw toEngineError(error);
    }
  }

  async nextBatch(max: number): Promise<KeyValue[]> {
    this.checkOpen();
    checkBatchSize(max);
    const size = Math.min(max, this.range.limit - this.returned);
    if (size <= 0) return [];
    try {
      for (;;) {
        const pairs = await this.native.nextv(size);
        let from = 0;
        if (this.mayBeAtEnd && pairs.length > 0) {
          this.mayBeAtEnd = false;
          const first = pairs[0] as [Uint8Array, Uint8Array];
          if (equalBytes(first[0], this.range.end as Bytes)) from = 1;
          // Only end itself came back: more entries may follow it.
          if (from === 1 && pairs.length === 1) continue;
        }
        this.returned += pairs.length - from;
        return toEntries(pairs, from);
      }
    } catch (error) {
      throw toEngineError(error);
    }
  }

  seek(target: Bytes): void {
    this.checkOpen();
    checkBound(target, 'seek target');
    const { start, end, reverse } = this.range;
    if (!reverse) {
      this.native.seek(start !== undefined && Buffer.compare(target, start) < 0 ? start : target);
    } else if (end !== undefined && Buffer.compare(target, end) >= 0) {
      this.mayBeAtEnd = true;
      this.native.seek(end);
    } else {
      this.mayBeAtEnd = false;
      this.native.seek(target);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.native.close();
    } finally {
      await this.owner.iteratorClosed?.();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<KeyValue> {
    return iterateInBatches(this);
  }

  private checkOpen(): void {
    if (this.closed || this.owner.db.status !== 'open') throw closedError('iterator');
  }
}

/**
 * An explicit LevelDB snapshot. Its iterators may outlive it: closing the snapshot releases the
 * native one only when its last iterator has closed too.
 */
class LevelSnapshot implements EngineSnapshot, ReaderOwner {
  private closed = false;
  private openIterators = 0;
  private readonly getOptions: { readonly snapshot: AbstractSnapshot; readonly keyEncoding: 'view'; readonly valueEncoding: 'view' };

  constructor(
    readonly db: Db,
    private readonly native: AbstractSnapshot,
  ) {
    this.getOptions = { snapshot: native, keyEncoding: 'view', valueEncoding: 'view' };
  }

  async get(key: Bytes): Promise<Bytes | undefined> {
    this.checkOpen();
    checkKey(key);
    try {
      return await this.db.get(key, this.getOptions);
    } catch (error) {
      throw toEngineError(error);
    }
  }

  iterator(options?: IterateOptions): EngineIterator {
    this.checkOpen();
    const range = checkIterateOptions(options);
    const iterator = new LevelIterator(this, range, this.native);
    this.openIterators++;
    return iterator;
  }

  async iteratorClosed(): Promise<void> {
    this.openIterators--;
    if (this.closed && this.openIterators === 0) await this.native.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.openIterators === 0) await this.native.close();
  }

  private checkOpen(): void {
    if (this.closed || this.db.status !== 'open') throw closedError('snapshot');
  }
}

export class LevelEngine implements Engine, ReaderOwner {
  readonly kind = 'leveldb';

  private constructor(
    /** The classic-level handle, read by this module's iterators and snapshots; write through the engine. */
    readonly db: Db,
    readonly path: string,
  ) {}

  /** Opens (by default creating) the store in options.path; ENGINE_OPEN_FAILED if it cannot. */
  static async open(options: LevelEngineOptions): Promise<LevelEngine> {
    const { path, cacheBytes, writeBufferBytes, createIfMissing = true } = options;
    if (typeof path !== 'string' || path === '') throw new EngineError('ENGINE_INVALID_ARGUMENT', 'path must be a non-empty string');
    for (const [name, bytes] of [['cacheBytes', cacheBytes], ['writeBufferBytes', writeBufferBytes]] as const) {
      // LevelDB takes both as 32-bit sizes.
      if (bytes !== undefined && !(Number.isInteger(bytes) && bytes > 0 && bytes < 2 ** 32)) {
        throw new EngineError('ENGINE_INVALID_ARGUMENT', `${name} must be a positive 32-bit integer`);
      }
    }
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(path, {
      keyEncoding: 'view',
      valueEncoding: 'view',
      createIfMissing,
      ...(cacheBytes !== undefined && { cacheSize: cacheBytes }),
      ...(writeBufferBytes !== undefined && { writeBufferSize: writeBufferBytes }),
    });
    try {
      await db.open();
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const detail = cause === undefined ? String(error) : `${String(cause.code ?? '')} ${String(cause.message ?? '')}`.trim();
      throw new EngineError('ENGINE_OPEN_FAILED', `cannot open the store at ${path}: ${detail}`, { cause: error });
    }
    return new LevelEngine(db, path);
  }

  async get(key: Bytes): Promise<Bytes | undefined> {
    this.checkOpen();
    checkKey(key);
    try {
      return await this.db.get(key);
    } catch (error) {
      throw toEngineError(error);
    }
  }

  iterator(options?: IterateOptions): EngineIterator {
    this.checkOpen();
    return new LevelIterator(this, checkIterateOptions(options), undefined);
  }

  async put(key: Bytes, value: Bytes, options?: WriteOptions): Promise<void> {
    this.checkOpen();
    checkKey(key);
    checkValue(value);
    checkWriteOptions(options);
    try {
      await (options?.sync === true ? this.db.put(key, value, syncWrite) : this.db.put(key, value));
    } catch (error) {
      throw toEngineError(error);
    }
  }

  async del(key: Bytes, options?: WriteOptions): Promise<void> {
    this.checkOpen();
    checkKey(key);
    checkWriteOptions(options);
    try {
      await (options?.sync === true ? this.db.del(key, syncWrite) : this.db.del(key));
    } catch (error) {
      throw toEngineError(error);
    }
  }

  async write(ops: readonly BatchOp[], options?: WriteOptions): Promise<void> {
    this.checkOpen();
    checkBatch(ops);
    checkWriteOptions(options);
    if (ops.length === 0) return;
    try {
      // BatchOp has the shape of abstract-level's batch operations; abstract-level copies them.
      const mutable = ops as BatchOp[];
      await (options?.sync === true ? this.db.batch(mutable, syncBatch) : this.db.batch(mutable));
    } catch (error) {
      throw toEngineError(error);
    }
  }

  snapshot(): EngineSnapshot {
    this.checkOpen();
    return new LevelSnapshot(this.db, this.db.snapshot());
  }

  /** LevelDB's estimate of the file bytes of [start, end): data still in the memtable counts 0. */
  async approximateSize(start: Bytes, end: Bytes): Promise<number> {
    this.checkOpen();
    checkBound(start, 'start');
    checkBound(end, 'end');
    try {
      return await this.db.approximateSize(start, end);
    } catch (error) {
      throw toEngineError(error);
    }
  }

  /** Compacts [start, end): writes the memtable out and merges the tables that overlap the span. */
  async compactRange(start: Bytes, end: Bytes): Promise<void> {
    this.checkOpen();
    checkBound(start, 'start');
    checkBound(end, 'end');
    try {
      await this.db.compactRange(start, end);
    } catch (error) {
      throw toEngineError(error);
    }
  }

  /** Closes the store and every snapshot and iterator still open on it. */
  async close(): Promise<void> {
    try {
      await this.db.close();
    } catch (error) {
      throw toEngineError(error);
    }
  }

  private checkOpen(): void {
    if (this.db.status !== 'open') throw closedError('engine');
  }
}
