/**
 * The key spans a transaction has read (to refresh them) or written and locked (to resolve them),
 * kept within a byte budget.
 *
 * Spans are appended as requests succeed; duplicates and overlaps are merged lazily, when the
 * budget is reached or the spans are needed. When merging is not enough, neighbouring spans are
 * joined across the smallest gaps until the set fits: a wider span is always safe for both uses
 * (a refresh over it fails at least as often; a resolution over it visits more keys and resolves
 * the same intents), only less precise.
 */
import { assert } from '../../common/assert.js';
import type { Key, Span } from '../../proto/kv-api.js';

/** [start, end) with end always present (a point key k is [k, k\x00)). */
interface Interval {
  readonly start: Key;
  readonly end: Key;
}

/** The smallest key after key: key followed by 0x00. */
export function keyNext(key: Key): Key {
  const next = new Uint8Array(key.length + 1);
  next.set(key, 0);
  return next;
}

function isKeyNext(start: Key, end: Key): boolean {
  return end.length === start.length + 1 && end[start.length] === 0 && Buffer.compare(end.subarray(0, start.length), start) === 0;
}

/** Bytes a span costs in the budget: its keys plus a small fixed overhead for the object. */
function intervalBytes(interval: Interval): number {
  return interval.start.length + interval.end.length + 32;
}

export class SpanSet {
  private intervals: Interval[] = [];
  private bytes = 0;
  /** Whether intervals is sorted and disjoint (nothing was added since the last normalise). */
  private normal = true;

  constructor(private readonly bytesMax: number) {
    assert(bytesMax > 0, 'a span set needs a positive budget');
  }

  get isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  /** The bytes held now (an upper bound of what the spans would take once merged). */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** Adds [start, end), or the point key start when end is absent. */
  add(start: Key, end?: Key): void {
    const interval = { start, end: end ?? keyNext(start) };
    if (Buffer.compare(interval.start, interval.end) >= 0) return;
    this.intervals.push(interval);
    this.bytes += intervalBytes(interval);
    this.normal = false;
    if (this.bytes > this.bytesMax) this.condense();
  }

  addSpan(span: Span): void {
    this.add(span.key, span.endKey);
  }

  /** Adds every span of other. */
  addAll(other: SpanSet): void {
    for (const interval of other.intervals) this.add(interval.start, interval.end);
  }

  clear(): void {
    this.intervals = [];
    this.bytes = 0;
    this.normal = true;
  }

  /** A copy, for savepoints and tests. */
  clone(): SpanSet {
    const copy = new SpanSet(this.bytesMax);
    copy.intervals = this.intervals.slice();
    copy.bytes = this.bytes;
    copy.normal = this.normal;
    return copy;
  }

  /** The spans, sorted and disjoint, point keys as spans without endKey. */
  spans(): Span[] {
    this.normalise();
    return this.intervals.map((interval) => (isKeyNext(interval.start, interval.end) ? { key: interval.start } : { key: interval.start, endKey: interval.end }));
  }

  /** Whether key lies in one of the spans. */
  containsKey(key: Key): boolean {
    this.normalise();
    let low = 0;
    let high = this.intervals.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const interval = this.intervals[middle] as Interval;
      if (Buffer.compare(interval.end, key) <= 0) low = middle + 1;
      else high = middle;
    }
    const found = this.intervals[low];
    return found !== undefined && Buffer.compare(found.start, key) <= 0;
  }

  /** Sorts and merges overlapping or touching intervals. */
  private normalise(): void {
    if (this.normal) return;
    this.intervals.sort((a, b) => Buffer.compare(a.start, b.start));
    const merged: Interval[] = [];
    let bytes = 0;
    for (const interval of this.intervals) {
      const last = merged[merged.length - 1];
      if (last !== undefined && Buffer.compare(interval.start, last.end) <= 0) {
        if (Buffer.compare(interval.end, last.end) > 0) {
          bytes -= intervalBytes(last);
          const joined = { start: last.start, end: interval.end };
          merged[merged.length - 1] = joined;
          bytes += intervalBytes(joined);
        }
        continue;
      }
      merged.push(interval);
      bytes += intervalBytes(interval);
    }
    this.intervals = merged;
    this.bytes = bytes;
    this.normal = true;
  }

  /**
   * Merges, then joins neighbours across the smallest gaps (by the length of the keys' common
   * prefix: a longer common prefix is a nearer neighbour) until the set fits in half its budget,
   * so that condensing is not repeated at every add.
   */
  private condense(): void {
    this.normalise();
    const target = this.bytesMax / 2;
    while (this.bytes > target && this.intervals.length > 1) {
      const gaps = this.intervals.slice(1).map((interval, i) => ({ i, near: commonPrefixLength((this.intervals[i] as Interval).end, interval.start) }));
      gaps.sort((a, b) => b.near - a.near || a.i - b.i);
      // Join about half of the gaps per pass: the nearest ones.
      const joinCount = Math.max(1, gaps.length >>> 1);
      const join = new Set(gaps.slice(0, joinCount).map((gap) => gap.i));
      const joined: Interval[] = [];
      let bytes = 0;
      for (let i = 0; i < this.intervals.length; i++) {
        const interval = this.intervals[i] as Interval;
        const last = joined[joined.length - 1];
        if (last !== undefined && join.has(i - 1)) {
          bytes -= intervalBytes(last);
          const wide = { start: last.start, end: interval.end };
          joined[joined.length - 1] = wide;
          bytes += intervalBytes(wide);
        } else {
          joined.push(interval);
          bytes += intervalBytes(interval);
        }
      }
      this.intervals = joined;
      this.bytes = bytes;
    }
  }
}

function commonPrefixLength(a: Key, b: Key): number {
  const length = Math.min(a.length, b.length);
  let i = 0;
  while (i < length && a[i] === b[i]) i++;
  return i;
}
