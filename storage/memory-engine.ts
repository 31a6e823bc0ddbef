/**
 * An in-memory engine for fast tests: keys in sorted leaves of a few hundred (a one-level B+tree),
 * each key with a short chain of versions.
 *
 * Every write gets the next sequence number; a snapshot or iterator records the sequence number of
 * its creation and reads, for each key, the newest version at or below it. While nothing is pinned
 * (no open snapshot or iterator), a write overwrites a key's only version in place and a delete
 * removes the entry, so the common test path allocates one entry per new key and nothing else.
 * While readers are open, writes push new versions and keep only the old ones that some reader can
 * still see; when the last reader closes, the leftover versions and deleted entries are collected.
 *
 * Keys are compared as latin1 strings (one UTF-16 code unit per byte, so string order is bytewise
 * order): V8 compares flat strings natively, and sorted arrays of them are searched about ten times
 * faster than a skip list of byte arrays, whose search is one cache miss per hop.
 *
 * An iterator remembers the last key it returned. Its place in the leaves is a cache that an insert
 * or removal anywhere invalidates (`shape` changes); it then finds its place again by key.
 *
 * Keys and values are copied in and out, so callers may reuse or mutate their buffers, as with
 * LevelDB.
 */
import { assert } from '../common/assert.js';
import {
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
  checkWriteOptions,
  closedError,
  type IteratorRange,
} from './engine-arguments.js';
import { iterateInBatches } from './engine-async-iterable.js';
import { memoryLeafEntriesMax } from './limits.js';

/** What the store holds, for tests of version collection. */
export interface MemoryEngineStats {
  readonly entries: number;
  readonly versions: number;
  readonly pinnedReaders: number;
  readonly leaves: number;
}

/** One value of a key; value undefined is a deletion. Newest first, linked through older. */
interface Version {
  seq: number;
  value: Bytes | undefined;
  older: Version | undefined;
}

interface Entry {
  /** The key as a latin1 string, for comparisons. */
  readonly id: string;
  readonly key: Bytes;
  /** The newest version. */
  version: Version;
}

/** Sorted entries, and their ids in a parallel array so that a binary search reads only strings. */
interface Leaf {
  readonly ids: string[];
  readonly entries: Entry[];
}

/** A place in the leaves: entries[index] of leaves[leaf]. Owned by one iterator, moved in place. */
interface Cursor {
  leaf: number;
  index: number;
}

const shortKeyBytes = 16;

/** The latin1 string of key: a byte per code unit. Short keys skip the Buffer wrapper. */
function idOf(key: Bytes): string {
  if (key.length <= shortKeyBytes) {
    let id = '';
    for (let i = 0; i < key.length; i++) id += String.fromCharCode(key[i] as number);
    return id;
  }
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

/** The value of entry as seen by a reader at seq, or undefined when absent or deleted there. */
function valueAt(entry: Entry, seq: number): Bytes | undefined {
  let version: Version | undefined = entry.version;
  while (version !== undefined && version.seq > seq) version = version.older;
  return version?.value;
}

/** The first index of sorted whose element is >= target (> target when strict). */
function searchIds(sorted: readonly string[], target: string, strict: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const id = sorted[mid] as string;
    if (id < target || (strict && id === target)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first index of sorted whose element is >= target. */
function lowerBound(sorted: readonly number[], target: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The versioned store behind a MemoryEngine and its snapshots and iterators. Methods assume
 * validated arguments; the engine checks them.
 */
class VersionedStore {
  closed = false;
  /** The sequence number of the last write; a reader created now sees exactly up to here. */
  seq = 0;
  /** Changes whenever an entry is inserted or removed: every Cursor is stale then. */
  shape = 0;
  private readonly leaves: Leaf[] = [{ ids: [], entries: [] }];
  /** separators[i] <= every id of leaves[i] < separators[i + 1]; separators[0] is ''. */
  private readonly separators: string[] = [''];
  /** Sequence numbers pinned by open readers, ascending. */
  private readonly pinnedSeqs: number[] = [];
  /** Entries written while readers were open: they may hold stale versions or a deletion. */
  private readonly entriesToCollect = new Set<Entry>();

  /** Keeps the versions seen at seq (by default, now) until unpin(seq). */
  pin(seq = this.seq): number {
    const pinned = this.pinnedSeqs;
    if (pinned.length === 0 || (pinned[pinned.length - 1] as number) <= seq) pinned.push(seq);
    else pinned.splice(lowerBound(pinned, seq), 0, seq);
    return seq;
  }

  unpin(seq: number): void {
    const index = lowerBound(this.pinnedSeqs, seq);
    assert(this.pinnedSeqs[index] === seq, `unpin of a sequence number that is not pinned: ${seq}`);
    this.pinnedSeqs.splice(index, 1);
    if (this.pinnedSeqs.length === 0) this.collect();
  }

  /** Applies a validated batch under one new sequence number. */
  apply(ops: readonly BatchOp[]): void {
    const seq = ++this.seq;
    for (const op of ops) this.applyOne(op.key, op.type === 'put' ? op.value.slice() : undefined, seq);
  }

  get(key: Bytes, seq: number): Bytes | undefined {
    const id = idOf(key);
    const leaf = this.leaves[this.leafOf(id)] as Leaf;
    const index = searchIds(leaf.ids, id, false);
    const entry = leaf.entries[index];
    return entry !== undefined && entry.id === id ? valueAt(entry, seq) : undefined;
  }

  /** Moves cursor to the first entry with id >= target (> target when strict), or past the end. */
  seekForward(cursor: Cursor, target: string | undefined, strict: boolean): void {
    if (target === undefined) {
      cursor.leaf = 0;
      cursor.index = 0;
    } else {
      cursor.leaf = this.leafOf(target);
      cursor.index = searchIds((this.leaves[cursor.leaf] as Leaf).ids, target, strict);
    }
    this.settleForward(cursor);
  }

  /** Moves cursor to the last entry with id <= target (< target when strict), or before the start. */
  seekBackward(cursor: Cursor, target: string | undefined, strict: boolean): void {
    if (target === undefined) {
      cursor.leaf = this.leaves.length - 1;
      cursor.index = (this.leaves[cursor.leaf] as Leaf).ids.length - 1;
    } else {
      cursor.leaf = this.leafOf(target);
      cursor.index = searchIds((this.leaves[cursor.leaf] as Leaf).ids, target, !strict) - 1;
    }
    this.settleBackward(cursor);
  }

  /** The entry at cursor; undefined when it is past either end. */
  at(cursor: Cursor): Entry | undefined {
    return this.leaves[cursor.leaf]?.entries[cursor.index];
  }

  forward(cursor: Cursor): void {
    cursor.index++;
    this.settleForward(cursor);
  }

  backward(cursor: Cursor): void {
    cursor.index--;
    this.settleBackward(cursor);
  }

  /** Bytes of keys and values visible now in [start, end). */
  sizeOf(start: Bytes, end: Bytes): number {
    const endId = idOf(end);
    const cursor: Cursor = { leaf: 0, index: 0 };
    let total = 0;
    for (this.seekForward(cursor, idOf(start), false); ; this.forward(cursor)) {
      const entry = this.at(cursor);
      if (entry === undefined || entry.id >= endId) return total;
      const value = entry.version.value;
      if (value !== undefined) total += entry.key.length + value.length;
    }
  }

  /** Entries (deleted keys included while readers may see them), versions and pins. */
  stats(): MemoryEngineStats {
    let entries = 0;
    let versions = 0;
    for (const leaf of this.leaves) {
      for (const entry of leaf.entries) {
        entries++;
        for (let version: Version | undefined = entry.version; version !== undefined; version = version.older) versions++;
      }
    }
    return { entries, versions, pinnedReaders: this.pinnedSeqs.length, leaves: this.leaves.length };
  }

  /** Every entry visible now, in key order, without copies (callers copy or only read). */
  entries(): KeyValue[] {
    const out: KeyValue[] = [];
    for (const leaf of this.leaves) {
      for (const entry of leaf.entries) {
        const value = entry.version.value;
        if (value !== undefined) out.push({ key: entry.key, value });
      }
    }
    return out;
  }

  /** A new store holding the current visible state of this one. */
  clone(): VersionedStore {
    const copy = new VersionedStore();
    copy.apply(this.entries().map(({ key, value }): BatchOp => ({ type: 'put', key, value })));
    return copy;
  }

  /** The index of the leaf whose span holds id. */
  private leafOf(id: string): number {
    return searchIds(this.separators, id, true) - 1;
  }

  private settleForward(cursor: Cursor): void {
    while (cursor.leaf < this.leaves.length && cursor.index >= (this.leaves[cursor.leaf] as Leaf).ids.length) {
      cursor.leaf++;
      cursor.index = 0;
    }
  }

  private settleBackward(cursor: Cursor): void {
    while (cursor.leaf >= 0 && cursor.index < 0) {
      cursor.leaf--;
      cursor.index = cursor.leaf >= 0 ? (this.leaves[cursor.leaf] as Leaf).ids.length - 1 : -1;
    }
  }

  private applyOne(key: Bytes, value: Bytes | undefined, seq: number): void {
    const id = idOf(key);
    const leafIndex = this.leafOf(id);
    const leaf = this.leaves[leafIndex] as Leaf;
    const index = searchIds(leaf.ids, id, false);
    const found = leaf.entries[index];
    if (found === undefined || found.id !== id) {
      // Deleting an absent key changes nothing that any reader could see.
      if (value !== undefined) this.insert(leafIndex, index, { id, key: key.slice(), version: { seq, value, older: undefined } });
      return;
    }
    const newest = found.version;
    if (this.pinnedSeqs.length === 0) {
      // No reader can see the old version: reuse it, or remove the entry on a delete.
      if (value === undefined) this.remove(leafIndex, index);
      else {
        newest.seq = seq;
        newest.value = value;
        newest.older = undefined;
      }
      return;
    }
    let version = newest;
    if (newest.seq === seq) {
      // A second op on the key in the same batch: no reader can have seen the first.
      newest.value = value;
    } else {
      version = { seq, value, older: newest };
      this.dropUnseenVersions(version);
      found.version = version;
    }
    if (version.older !== undefined || value === undefined) this.entriesToCollect.add(found);
  }

  /**
   * Unlinks the versions older than newest that no pinned reader sees. A version is seen by the
   * readers pinned in [its seq, the seq of the next newer version).
   */
  private dropUnseenVersions(newest: Version): void {
    let kept = newest;
    let newerSeq = newest.seq;
    for (let version = newest.older; version !== undefined; version = version.older) {
      const index = lowerBound(this.pinnedSeqs, version.seq);
      const seen = index < this.pinnedSeqs.length && (this.pinnedSeqs[index] as number) < newerSeq;
      if (seen) {
        kept.older = version;
        kept = version;
      }
      newerSeq = version.seq;
    }
    kept.older = undefined;
  }

  /** Called when the last reader closes: only the newest version of each key is visible now. */
  private collect(): void {
    for (const entry of this.entriesToCollect) {
      entry.version.older = undefined;
      if (entry.version.value === undefined) {
        const leafIndex = this.leafOf(entry.id);
        const index = searchIds((this.leaves[leafIndex] as Leaf).ids, entry.id, false);
        this.remove(leafIndex, index);
      }
    }
    this.entriesToCollect.clear();
  }

  private insert(leafIndex: number, index: number, entry: Entry): void {
    const leaf = this.leaves[leafIndex] as Leaf;
    leaf.ids.splice(index, 0, entry.id);
    leaf.entries.splice(index, 0, entry);
    this.shape++;
    if (leaf.ids.length > memoryLeafEntriesMax) {
      const half = leaf.ids.length >>> 1;
      const upper: Leaf = { ids: leaf.ids.splice(half), entries: leaf.entries.splice(half) };
      this.leaves.splice(leafIndex + 1, 0, upper);
      this.separators.splice(leafIndex + 1, 0, upper.ids[0] as string);
    }
  }

  private remove(leafIndex: number, index: number): void {
    const leaf = this.leaves[leafIndex] as Leaf;
    leaf.ids.splice(index, 1);
    leaf.entries.splice(index, 1);
    this.shape++;
    // A leaf's span stays valid as its keys go; an empty leaf hands its span to its neighbour.
    if (leaf.ids.length === 0 && this.leaves.length > 1) {
      this.leaves.splice(leafIndex, 1);
      this.separators.splice(leafIndex, 1);
      this.separators[0] = '';
    }
  }
}

function copyOut(entry: Entry, value: Bytes): KeyValue {
  return { key: entry.key.slice(), value: value.slice() };
}

class MemoryIterator implements EngineIterator {
  private closed = false;
  private returned = 0;
  /** Set when a bound or the end was reached; seek() clears it. */
  private done = false;
  /** Where to go on from: past this id (or at it, when inclusive); undefined is the first key (the last in reverse). */
  private anchor: string | undefined;
  private anchorInclusive = true;
  private readonly startId: string | undefined;
  private readonly endId: string | undefined;
  private readonly cursor: Cursor = { leaf: 0, index: 0 };
  /** The store's shape when cursor was placed; a different one means cursor is stale. */
  private cursorShape = -1;

  constructor(
    private readonly store: VersionedStore,
    private readonly seq: number,
    private readonly range: IteratorRange,
  ) {
    this.startId = range.start === undefined ? undefined : idOf(range.start);
    this.endId = range.end === undefined ? undefined : idOf(range.end);
    this.anchor = range.reverse ? this.endId : this.startId;
    this.anchorInclusive = !range.reverse;
  }

  async next(): Promise<KeyValue | undefined> {
    this.checkOpen();
    return this.step();
  }

  async nextBatch(max: number): Promise<KeyValue[]> {
    this.checkOpen();
    checkBatchSize(max);
    const batch: KeyValue[] = [];
    while (batch.length < max) {
      const kv = this.step();
      if (kv === undefined) break;
      batch.push(kv);
    }
    return batch;
  }

  seek(target: Bytes): void {
    this.checkOpen();
    checkBound(target, 'seek target');
    const id = idOf(target);
    this.done = false;
    this.cursorShape = -1;
    if (!this.range.reverse) {
      this.anchor = this.startId !== undefined && id < this.startId ? this.startId : id;
      this.anchorInclusive = true;
    } else if (this.endId !== undefined && id >= this.endId) {
      this.anchor = this.endId;
      this.anchorInclusive = false;
    } else {
      this.anchor = id;
      this.anchorInclusive = true;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.store.closed) this.store.unpin(this.seq);
  }

  [Symbol.asyncIterator](): AsyncIterator<KeyValue> {
    return iterateInBatches(this);
  }

  private checkOpen(): void {
    if (this.closed || this.store.closed) throw closedError('iterator');
  }

  private step(): KeyValue | undefined {
    if (this.done || this.returned >= this.range.limit) return undefined;
    const { store, cursor, seq } = this;
    const reverse = this.range.reverse;
    if (this.cursorShape !== store.shape) {
      if (reverse) store.seekBackward(cursor, this.anchor, !this.anchorInclusive);
      else store.seekForward(cursor, this.anchor, !this.anchorInclusive);
      this.cursorShape = store.shape;
    }
    for (;;) {
      const entry = store.at(cursor);
      if (entry === undefined || (reverse ? this.startId !== undefined && entry.id < this.startId : this.endId !== undefined && entry.id >= this.endId)) {
        this.done = true;
        return undefined;
      }
      if (reverse) store.backward(cursor);
      else store.forward(cursor);
      this.anchor = entry.id;
      this.anchorInclusive = false;
      const value = valueAt(entry, seq);
      if (value !== undefined) {
        this.returned++;
        return copyOut(entry, value);
      }
    }
  }
}

class MemorySnapshot implements EngineSnapshot {
  private closed = false;

  constructor(
    private readonly store: VersionedStore,
    private readonly seq: number,
  ) {}

  async get(key: Bytes): Promise<Bytes | undefined> {
    this.checkOpen();
    checkKey(key);
    return this.store.get(key, this.seq)?.slice();
  }

  /** The iterator pins the snapshot's view by itself, so it outlives a close of the snapshot. */
  iterator(options?: IterateOptions): EngineIterator {
    this.checkOpen();
    const range = checkIterateOptions(options);
    return new MemoryIterator(this.store, this.store.pin(this.seq), range);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.store.closed) this.store.unpin(this.seq);
  }

  private checkOpen(): void {
    if (this.closed || this.store.closed) throw closedError('snapshot');
  }
}

export class MemoryEngine implements Engine {
  readonly kind = 'memory';
  private store = new VersionedStore();

  async get(key: Bytes): Promise<Bytes | undefined> {
    this.checkOpen();
    checkKey(key);
    return this.store.get(key, this.store.seq)?.slice();
  }

  iterator(options?: IterateOptions): EngineIterator {
    this.checkOpen();
    const range = checkIterateOptions(options);
    return new MemoryIterator(this.store, this.store.pin(), range);
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

  /**
   * Validates and applies a batch before returning, so a write is visible as soon as it is issued
   * (the promise of put/del/write only reports the outcome). FaultyEngine relies on this.
   */
  writeNow(ops: readonly BatchOp[], options?: WriteOptions): void {
    this.checkOpen();
    checkBatch(ops);
    checkWriteOptions(options);
    this.store.apply(ops);
  }

  snapshot(): EngineSnapshot {
    this.checkOpen();
    return new MemorySnapshot(this.store, this.store.pin());
  }

  /** Exactly the bytes of the keys and values in [start, end). */
  async approximateSize(start: Bytes, end: Bytes): Promise<number> {
    this.checkOpen();
    checkBound(start, 'start');
    checkBound(end, 'end');
    return this.store.sizeOf(start, end);
  }

  /** A new, independent engine holding this one's current contents. */
  clone(): MemoryEngine {
    this.checkOpen();
    const copy = new MemoryEngine();
    copy.store = this.store.clone();
    return copy;
  }

  /** Every entry, in key order, read synchronously (for tests and for FaultyEngine's recovery). */
  entries(): KeyValue[] {
    this.checkOpen();
    return this.store.entries().map(({ key, value }) => ({ key: key.slice(), value: value.slice() }));
  }

  /** Counts of what the store holds, to check that old versions are collected. */
  stats(): MemoryEngineStats {
    return this.store.stats();
  }

  /** Closes the engine and with it every snapshot and iterator it opened. */
  async close(): Promise<void> {
    this.closeNow();
  }

  /** close() for callers that cannot wait, such as a simulated crash. */
  closeNow(): void {
    this.store.closed = true;
  }

  get isClosed(): boolean {
    return this.store.closed;
  }

  private checkOpen(): void {
    if (this.store.closed) throw closedError('engine');
  }
}
