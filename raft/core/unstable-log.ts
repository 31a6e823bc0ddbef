/**
 * The unstable log: entries (and at most one snapshot) that the core has accepted but that the
 * application has not yet written to Storage. Together with Storage it forms the whole log.
 *
 * Entries move through three stages: new (not yet handed out in a Ready), in progress (handed out,
 * not yet acknowledged by advance) and stable (in Storage; dropped from here).
 *
 * Invariants:
 * - entries[i] has index offset + i;
 * - offset <= offsetInProgress <= offset + entries.length;
 * - if snapshot is present, offset = snapshot.metadata.index + 1.
 */
import { assert } from '../../common/assert.js';
import type { Entry, LogIndex, Snapshot, Term } from './types.js';
import type { Logger } from './types.js';

export class UnstableLog {
  /** A snapshot received from a leader, waiting to be written to Storage. */
  snapshot: Snapshot | undefined = undefined;
  entries: Entry[] = [];
  /** The index of entries[0] (or where it would be). */
  offset: LogIndex;
  /** The snapshot was handed out in a Ready and is being written. */
  snapshotInProgress = false;
  /** entries below this index were handed out in a Ready and are being written. */
  offsetInProgress: LogIndex;

  constructor(
    offset: LogIndex,
    private readonly logger: Logger,
  ) {
    this.offset = offset;
    this.offsetInProgress = offset;
  }

  /** The first index, if this holds a snapshot (the log begins right after it). */
  maybeFirstIndex(): LogIndex | undefined {
    return this.snapshot === undefined ? undefined : ((this.snapshot.metadata.index + 1) as LogIndex);
  }

  /** The last index, if this holds entries or a snapshot. */
  maybeLastIndex(): LogIndex | undefined {
    if (this.entries.length > 0) return (this.offset + this.entries.length - 1) as LogIndex;
    if (this.snapshot !== undefined) return this.snapshot.metadata.index;
    return undefined;
  }

  /** The term of entry i, if this holds it (or the snapshot ends at i). */
  maybeTerm(i: LogIndex): Term | undefined {
    if (i < this.offset) {
      if (this.snapshot !== undefined && this.snapshot.metadata.index === i) return this.snapshot.metadata.term;
      return undefined;
    }
    return this.entries[i - this.offset]?.term;
  }

  /** Entries not yet handed out in a Ready. */
  nextEntries(): Entry[] {
    const inProgress = this.offsetInProgress - this.offset;
    return inProgress >= this.entries.length ? [] : this.entries.slice(inProgress);
  }

  /** The snapshot, if it was not yet handed out in a Ready. */
  nextSnapshot(): Snapshot | undefined {
    return this.snapshot === undefined || this.snapshotInProgress ? undefined : this.snapshot;
  }

  /** Marks everything new as handed out (called when a Ready is produced). */
  acceptInProgress(): void {
    if (this.entries.length > 0) this.offsetInProgress = (this.offset + this.entries.length) as LogIndex;
    if (this.snapshot !== undefined) this.snapshotInProgress = true;
  }

  /**
   * Entries up to (index, term) are in Storage now. If the entry at index has since been replaced
   * (a different term), the write was of entries that no longer exist here; nothing is dropped.
   */
  stableTo(index: LogIndex, term: Term): void {
    const t = this.maybeTerm(index);
    if (t === undefined) return;
    if (index < this.offset) return; // the snapshot's index: stableSnapTo covers it
    if (t !== term) {
      this.logger.debug(`entry at index ${index} was replaced (term ${t}, persisted ${term}); not marking stable`);
      return;
    }
    const n = index + 1 - this.offset;
    this.entries = this.entries.slice(n);
    this.offset = (index + 1) as LogIndex;
    this.offsetInProgress = Math.max(this.offsetInProgress, this.offset) as LogIndex;
  }

  stableSnapTo(index: LogIndex): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === index) {
      this.snapshot = undefined;
      this.snapshotInProgress = false;
    }
  }

  /** Replaces everything with a snapshot received from a leader. */
  restore(snapshot: Snapshot): void {
    this.offset = (snapshot.metadata.index + 1) as LogIndex;
    this.offsetInProgress = this.offset;
    this.entries = [];
    this.snapshot = snapshot;
    this.snapshotInProgress = false;
  }

  /**
   * Appends entries, first truncating anything at or after the first new index (a new leader's
   * entries replace a conflicting suffix).
   */
  truncateAndAppend(entries: readonly Entry[]): void {
    const first = (entries[0] as Entry).index;
    const end = this.offset + this.entries.length;
    if (first === end) {
      this.entries.push(...entries);
    } else if (first <= this.offset) {
      // Everything here is replaced; the new entries start at or before the unstable part.
      this.logger.info(`replace the unstable entries from index ${first}`);
      this.offset = first;
      this.offsetInProgress = first;
      this.entries = [...entries];
    } else {
      assert(first < end, `appending at ${first} would leave a gap after ${end - 1}`);
      this.logger.info(`truncate the unstable entries before index ${first}`);
      this.entries = [...this.entries.slice(0, first - this.offset), ...entries];
      this.offsetInProgress = Math.min(this.offsetInProgress, first) as LogIndex;
    }
  }

  /** Entries [lo, hi), which must all be held here. */
  slice(lo: LogIndex, hi: LogIndex): Entry[] {
    assert(lo <= hi, `invalid unstable slice ${lo} > ${hi}`);
    const upper = this.offset + this.entries.length;
    assert(lo >= this.offset && hi <= upper, `unstable slice [${lo},${hi}) out of bound [${this.offset},${upper})`);
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
