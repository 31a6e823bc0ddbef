/**
 * The timestamp cache: for every key span, the highest timestamp at which it was read (and by
 * which transaction). A write below a read would change what that read saw after the fact, so a
 * write at or below the cached timestamp of its key is pushed just above it — unless the read was
 * the writer's own. That one rule is what makes reads safe without read locks.
 *
 * It is in memory and bounded: below the low-water mark everything counts as read at the mark.
 * Dropping entries raises the mark (a write is pushed more than needed: safe, only costlier), and
 * a new replica starts with the mark at its clock's now, since it cannot know what was read before.
 *
 * Invalidation: none; entries only ever rise. Hits and misses count how often writes are pushed.
 *
 * Entries are disjoint [start, end) intervals in a sorted array; a read over a span splits and
 * raises what it overlaps.
 */
import type { TxnId } from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import type { Timestamp } from '../../../storage/hlc.js';
import { timestampCacheEntriesMax } from '../limits.js';
import { compare, type KeyRange } from './spans.js';

interface Entry {
  start: Bytes;
  end: Bytes;
  ts: Timestamp;
  /** The reader; undefined when several transactions (or a non-transactional read) share the maximum. */
  txnId: TxnId | undefined;
}

export interface CachedRead {
  readonly ts: Timestamp;
  readonly txnId: TxnId | undefined;
}

export class TimestampCache {
  private entries: Entry[] = [];
  private lowWater: Timestamp;
  /** Writes pushed by a cached read. */
  pushes = 0;
  /** Lookups that found nothing above the low-water mark. */
  misses = 0;

  constructor(
    lowWater: Timestamp,
    private readonly entriesMax = timestampCacheEntriesMax,
  ) {
    this.lowWater = lowWater;
  }

  get size(): number {
    return this.entries.length;
  }

  get lowWaterMark(): Timestamp {
    return this.lowWater;
  }

  /** Records a read of range at ts by txnId (undefined: non-transactional). */
  add(range: KeyRange, ts: Timestamp, txnId: TxnId | undefined): void {
    if (compare(range.start, range.end) >= 0 || ts.lessEq(this.lowWater)) return;
    const first = this.firstOverlapping(range.start);
    let last = first;
    while (last < this.entries.length && compare((this.entries[last] as Entry).start, range.end) < 0) last++;
    if (first === last) {
      // The common case of a read of keys nobody read lately: one insertion.
      this.entries.splice(first, 0, { start: range.start, end: range.end, ts, txnId });
      if (this.entries.length > this.entriesMax) this.evict();
      return;
    }
    const only = this.entries[first] as Entry;
    if (last === first + 1 && compare(only.start, range.start) === 0 && compare(only.end, range.end) === 0) {
      // The same span read again (a hot key): raise it in place.
      Object.assign(only, combine(only, ts, txnId));
      return;
    }
    const replaced = this.entries.slice(first, last);
    const pieces: Entry[] = [];
    let cursor = range.start;
    for (const old of replaced) {
      // The part of old left of the new range keeps its value.
      if (compare(old.start, range.start) < 0) pieces.push({ ...old, end: range.start });
      if (compare(cursor, old.start) < 0) pieces.push({ start: cursor, end: old.start, ts, txnId });
      const overlapStart = compare(old.start, range.start) < 0 ? range.start : old.start;
      const overlapEnd = compare(old.end, range.end) < 0 ? old.end : range.end;
      pieces.push({ start: overlapStart, end: overlapEnd, ...combine(old, ts, txnId) });
      cursor = overlapEnd;
      if (compare(old.end, range.end) > 0) pieces.push({ ...old, start: range.end });
    }
    if (compare(cursor, range.end) < 0) pieces.push({ start: cursor, end: range.end, ts, txnId });
    this.entries.splice(first, last - first, ...coalesce(pieces));
    if (this.entries.length > this.entriesMax) this.evict();
  }

  /** The highest read of any key of range, at least the low-water mark. */
  getMax(range: KeyRange): CachedRead {
    let best: CachedRead = { ts: this.lowWater, txnId: undefined };
    let found = false;
    for (let i = this.firstOverlapping(range.start); i < this.entries.length; i++) {
      const entry = this.entries[i] as Entry;
      if (compare(entry.start, range.end) >= 0) break;
      found = true;
      const order = entry.ts.compare(best.ts);
      if (order > 0) best = { ts: entry.ts, txnId: entry.txnId };
      else if (order === 0 && best.txnId !== entry.txnId) best = { ts: best.ts, txnId: undefined };
    }
    if (!found) this.misses++;
    return best;
  }

  /**
   * The timestamp a write of txnId over range must be above: undefined when writeTs is already
   * above every read of other transactions, else the timestamp to push to (just above the read).
   */
  pushedWriteTimestamp(range: KeyRange, writeTs: Timestamp, txnId: TxnId | undefined): Timestamp | undefined {
    const read = this.getMax(range);
    if (read.ts.less(writeTs)) return undefined;
    if (txnId !== undefined && read.txnId === txnId) return undefined;
    this.pushes++;
    return read.ts.next();
  }

  /** Index of the first entry whose end is after key. */
  private firstOverlapping(key: Bytes): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compare((this.entries[mid] as Entry).end, key) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Drops the older half of the entries, raising the low-water mark to the newest dropped. */
  private evict(): void {
    const byTs = [...this.entries].sort((a, b) => a.ts.compare(b.ts));
    const cut = byTs[Math.floor(byTs.length / 2)] as Entry;
    this.lowWater = this.lowWater.max(cut.ts);
    this.entries = this.entries.filter((e) => this.lowWater.less(e.ts));
  }
}

function combine(old: Entry, ts: Timestamp, txnId: TxnId | undefined): { ts: Timestamp; txnId: TxnId | undefined } {
  const order = old.ts.compare(ts);
  if (order > 0) return { ts: old.ts, txnId: old.txnId };
  if (order < 0) return { ts, txnId };
  return { ts, txnId: old.txnId === txnId ? txnId : undefined };
}

/** Merges neighbours that touch and carry the same read. */
function coalesce(pieces: Entry[]): Entry[] {
  const out: Entry[] = [];
  for (const piece of pieces) {
    if (compare(piece.start, piece.end) >= 0) continue;
    const previous = out[out.length - 1];
    if (previous !== undefined && compare(previous.end, piece.start) === 0 && previous.ts.equal(piece.ts) && previous.txnId === piece.txnId) {
      previous.end = piece.end;
    } else {
      out.push({ ...piece });
    }
  }
  return out;
}

