/**
 * The Raft log as the core sees it: the stable part (Storage) followed by the unstable part
 * (UnstableLog), with the commit and apply positions.
 *
 * Invariants: applied <= applying <= committed; committed <= lastIndex(); firstIndex() - 1 <=
 * applied (nothing compacted is ever unapplied).
 */
import { assert } from '../../common/assert.js';
import { limitSize } from './entry-size.js';
import { UnstableLog } from './unstable-log.js';
import {
  ErrCompacted,
  ErrUnavailable,
  type Entry,
  type LogIndex,
  type Logger,
  type Snapshot,
  type Storage,
  type Term,
} from './types.js';

/** An (index, term) pair naming one entry. */
export interface EntryId {
  readonly index: LogIndex;
  readonly term: Term;
}

export class RaftLog {
  readonly unstable: UnstableLog;
  /** The highest index known to be committed (on a quorum's stable storage). */
  committed: LogIndex;
  /** The highest index handed to the application for applying (in a Ready not yet advanced). */
  applying: LogIndex;
  /** The highest index the application has applied (acknowledged by advance). */
  applied: LogIndex;

  constructor(
    readonly storage: Storage,
    private readonly logger: Logger,
    /** Byte bound on the committed entries of one Ready. */
    private readonly maxApplyingBytes: number,
  ) {
    const firstIndex = storage.firstIndex();
    const lastIndex = storage.lastIndex();
    this.unstable = new UnstableLog((lastIndex + 1) as LogIndex, logger);
    // Everything up to the storage's snapshot is committed and applied by definition.
    this.committed = (firstIndex - 1) as LogIndex;
    this.applying = this.committed;
    this.applied = this.committed;
  }

  toString(): string {
    return `committed=${this.committed}, applied=${this.applied}, applying=${this.applying}, unstable.offset=${this.unstable.offset}, unstable.offsetInProgress=${this.unstable.offsetInProgress}, len(unstable.entries)=${this.unstable.entries.length}`;
  }

  firstIndex(): LogIndex {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): LogIndex {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): Term {
    const t = this.term(this.lastIndex());
    assert(t !== undefined, 'the term of the last entry is always known');
    return t;
  }

  lastEntryId(): EntryId {
    return { index: this.lastIndex(), term: this.lastTerm() };
  }

  /**
   * The term of entry i, or undefined if i is outside [firstIndex - 1, lastIndex] (compacted or
   * not yet written).
   */
  term(i: LogIndex): Term | undefined {
    const fromUnstable = this.unstable.maybeTerm(i);
    if (fromUnstable !== undefined) return fromUnstable;
    // The unstable part starts at unstable.offset; anything at or beyond it that it does not hold
    // does not exist.
    if (i >= this.unstable.offset) return undefined;
    if (i < this.firstIndex() - 1) return undefined;
    try {
      return this.storage.term(i);
    } catch (err) {
      if (err instanceof ErrCompacted || err instanceof ErrUnavailable) return undefined;
      throw err;
    }
  }

  matchTerm(id: EntryId): boolean {
    const t = this.term(id.index);
    return t !== undefined && t === id.term;
  }

  /**
   * Raft's "at least as up-to-date" (section 5.4.1): a log whose last entry has the later term is
   * more up-to-date; with equal last terms, the longer log is.
   */
  isUpToDate(candidate: EntryId): boolean {
    const last = this.lastEntryId();
    return candidate.term > last.term || (candidate.term === last.term && candidate.index >= last.index);
  }

  /**
   * The consistency check and append of a MsgApp (section 5.3): if this log holds the entry
   * (prevIndex, prevTerm), append the entries after it (deleting any conflicting suffix), advance
   * the commit index to min(leaderCommit, last new index), and return the last new index.
   * Otherwise return undefined: the follower rejects.
   */
  maybeAppend(prev: EntryId, leaderCommit: LogIndex, entries: readonly Entry[]): LogIndex | undefined {
    if (!this.matchTerm(prev)) return undefined;
    const lastNewIndex = (prev.index + entries.length) as LogIndex;
    const conflictIndex = this.findConflict(entries);
    if (conflictIndex !== undefined) {
      assert(conflictIndex > this.committed, `entry ${conflictIndex} conflicts with committed entry [committed(${this.committed})]`);
      const start = conflictIndex - (prev.index + 1);
      this.append(entries.slice(start));
    }
    this.commitTo(Math.min(leaderCommit, lastNewIndex) as LogIndex);
    return lastNewIndex;
  }

  /** Appends entries at the end (replacing any suffix from their first index); returns the last index. */
  append(entries: readonly Entry[]): LogIndex {
    if (entries.length === 0) return this.lastIndex();
    const after = (entries[0] as Entry).index - 1;
    assert(after >= this.committed, `after(${after}) is out of range [committed(${this.committed})]`);
    this.unstable.truncateAndAppend(entries);
    return this.lastIndex();
  }

  /**
   * The index of the first entry that is new or whose term differs from this log's, or undefined
   * if every given entry is already present. (A differing term at an existing index is a
   * conflict; the suffix from there is replaced.)
   */
  findConflict(entries: readonly Entry[]): LogIndex | undefined {
    for (const e of entries) {
      if (!this.matchTerm(e)) {
        if (e.index <= this.lastIndex()) {
          this.logger.info(
            `found conflict at index ${e.index} [existing term: ${this.term(e.index) ?? 0}, conflicting term: ${e.term}]`,
          );
        }
        return e.index;
      }
    }
    return undefined;
  }

  /**
   * The largest index at or below `index` whose term is at or below `term`, with its term: the
   * best guess of where this log and a log with `term` at `index` may agree (fast backtracking).
   * Terms only grow along a log, so every entry between that index and `index` has a larger term
   * and cannot match. Returns index 0 with term 0 when nothing qualifies.
   */
  findConflictByTerm(index: LogIndex, term: Term): EntryId {
    for (let i = index as number; i >= 0; i--) {
      const t = this.term(i as LogIndex);
      // Out of range (compacted): the caller probes from there; a snapshot sorts it out.
      if (t === undefined) return { index: i as LogIndex, term: 0 as Term };
      if (t <= term) return { index: i as LogIndex, term: t };
    }
    return { index: 0 as LogIndex, term: 0 as Term };
  }

  commitTo(toCommit: LogIndex): void {
    // Never decrease commit: a leader's heartbeat may carry an older commit index.
    if (toCommit > this.committed) {
      assert(
        toCommit <= this.lastIndex(),
        `tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]. Was the raft log corrupted, truncated, or lost?`,
      );
      this.committed = toCommit;
    }
  }

  /**
   * Advances the commit index to `index` if that entry has term `term` (a leader only counts
   * replicas of its own term's entries, section 5.4.2). Returns whether commit moved.
   */
  maybeCommit(at: EntryId): boolean {
    if (at.index > this.committed && this.matchTerm(at)) {
      this.commitTo(at.index);
      return true;
    }
    return false;
  }

  appliedTo(index: LogIndex): void {
    if (index === 0) return;
    assert(
      this.committed >= index && index >= this.applied,
      `applied(${index}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`,
    );
    this.applied = index;
    this.applying = Math.max(this.applying, index) as LogIndex;
  }

  acceptApplying(index: LogIndex): void {
    assert(index <= this.committed, `applying(${index}) beyond committed(${this.committed})`);
    this.applying = index;
  }

  stableTo(id: EntryId): void {
    this.unstable.stableTo(id.index, id.term);
  }

  stableSnapTo(index: LogIndex): void {
    this.unstable.stableSnapTo(index);
  }

  hasNextUnstableEntries(): boolean {
    return this.unstable.nextEntries().length > 0;
  }

  nextUnstableEntries(): Entry[] {
    return this.unstable.nextEntries();
  }

  nextUnstableSnapshot(): Snapshot | undefined {
    return this.unstable.nextSnapshot();
  }

  hasNextOrInProgressSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  /** The highest index that may be handed out for applying now. */
  private maxAppliableIndex(): LogIndex {
    // Entries committed but not yet stable may be applied in the same Ready that persists them:
    // the Ready contract persists before applying.
    return this.committed;
  }

  hasNextCommittedEntries(): boolean {
    // A pending snapshot must be applied before any entry after it.
    if (this.hasNextOrInProgressSnapshot()) return false;
    return this.applying < this.maxAppliableIndex();
  }

  /** Committed entries not yet handed out for applying, up to the Ready byte bound. */
  nextCommittedEntries(): Entry[] {
    if (!this.hasNextCommittedEntries()) return [];
    const lo = (this.applying + 1) as LogIndex;
    const hi = (this.maxAppliableIndex() + 1) as LogIndex;
    return this.slice(lo, hi, this.maxApplyingBytes);
  }

  /** Entries from i to the end, up to maxBytes (at least one). Throws ErrCompacted below firstIndex. */
  entries(i: LogIndex, maxBytes: number): Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, (this.lastIndex() + 1) as LogIndex, maxBytes);
  }

  /** The whole log (tests and diagnostics). */
  allEntries(): Entry[] {
    return this.entries(this.firstIndex(), Number.MAX_SAFE_INTEGER);
  }

  /**
   * Entries [lo, hi) up to maxBytes (at least one if lo < hi), read from Storage and then the
   * unstable part. Throws ErrCompacted if lo < firstIndex.
   */
  slice(lo: LogIndex, hi: LogIndex, maxBytes: number): Entry[] {
    this.checkOutOfBounds(lo, hi);
    if (lo === hi) return [];
    const result: Entry[] = [];
    if (lo < this.unstable.offset) {
      const storageHi = Math.min(hi, this.unstable.offset) as LogIndex;
      let stored: Entry[];
      try {
        stored = this.storage.entries(lo, storageHi, maxBytes);
      } catch (err) {
        if (err instanceof ErrCompacted) throw err;
        if (err instanceof ErrUnavailable) {
          assert(false, `entries[${lo}:${storageHi}) is unavailable from storage`);
        }
        throw err;
      }
      // Storage returned fewer entries than asked: the byte bound was reached.
      if (stored.length < storageHi - lo) return stored;
      result.push(...stored);
    }
    if (hi > this.unstable.offset) {
      const from = Math.max(lo, this.unstable.offset) as LogIndex;
      result.push(...this.unstable.slice(from, hi));
    }
    return limitSize(result, maxBytes);
  }

  private checkOutOfBounds(lo: LogIndex, hi: LogIndex): void {
    assert(lo <= hi, `invalid slice ${lo} > ${hi}`);
    const first = this.firstIndex();
    if (lo < first) throw new ErrCompacted();
    const length = this.lastIndex() + 1 - first;
    assert(hi <= first + length, `slice[${lo},${hi}) out of bound [${first},${this.lastIndex()}]`);
  }

  snapshot(): Snapshot {
    if (this.unstable.snapshot !== undefined) return this.unstable.snapshot;
    return this.storage.snapshot();
  }

  /** Replaces the log with a snapshot received from a leader. */
  restore(snapshot: Snapshot): void {
    this.logger.info(
      `log [${this.toString()}] starts to restore snapshot [index: ${snapshot.metadata.index}, term: ${snapshot.metadata.term}]`,
    );
    this.committed = snapshot.metadata.index;
    this.unstable.restore(snapshot);
  }
}
