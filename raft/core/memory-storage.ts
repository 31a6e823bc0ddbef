/**
 * MemoryStorage: a Storage held in memory, for tests and for the cluster simulator. It also shows
 * the writer side every Storage needs (what the application does with each Ready): apply a
 * snapshot, append entries, set the hard state, and compact.
 */
import { assert } from '../../common/assert.js';
import { limitSize } from './entry-size.js';
import {
  EMPTY_HARD_STATE,
  EMPTY_SNAPSHOT,
  ErrCompacted,
  ErrUnavailable,
  type ConfState,
  type Entry,
  type HardState,
  type LogIndex,
  type Snapshot,
  type Storage,
  type Term,
} from './types.js';

/** A snapshot older than the one already held was offered; nothing changed. */
export class ErrSnapOutOfDate extends Error {
  override readonly name = 'ErrSnapOutOfDate';
  constructor(message = 'requested index is older than the existing snapshot') {
    super(message);
  }
}

export class MemoryStorage implements Storage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot = EMPTY_SNAPSHOT;
  private confState = EMPTY_SNAPSHOT.metadata.confState;
  /**
   * entries[0] is a placeholder holding the index and term of the last compacted entry (the
   * snapshot's); the log proper is entries[1..]. Invariant: entries[i].index = entries[0].index + i.
   */
  private entriesWithDummy: Entry[] = [dummyEntry(0 as LogIndex, 0 as Term)];

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.confState };
  }

  entries(lo: LogIndex, hi: LogIndex, maxBytes: number): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new ErrCompacted();
    if (hi > this.lastIndex() + 1) throw new ErrUnavailable(`entries hi ${hi} beyond last index ${this.lastIndex()}`);
    if (this.entriesWithDummy.length === 1) throw new ErrUnavailable();
    return limitSize(this.entriesWithDummy.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: LogIndex): Term {
    const offset = this.offset();
    if (i < offset) throw new ErrCompacted();
    const e = this.entriesWithDummy[i - offset];
    if (e === undefined) throw new ErrUnavailable();
    return e.term;
  }

  firstIndex(): LogIndex {
    return (this.offset() + 1) as LogIndex;
  }

  lastIndex(): LogIndex {
    return (this.offset() + this.entriesWithDummy.length - 1) as LogIndex;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  // ------------------------------------------------------------------------------------------
  // The writer side
  // ------------------------------------------------------------------------------------------

  setHardState(hardState: HardState): void {
    this.hardState = hardState;
  }

  /**
   * Records the configuration as of the applied index (the value RawNode.applyConfChange
   * returned). A real application persists it together with its applied index; a restart reads
   * it back through initialState.
   */
  setConfState(confState: ConfState): void {
    this.confState = confState;
  }

  /** Replaces the whole log with the snapshot (Ready.snapshot). */
  applySnapshot(snapshot: Snapshot): void {
    const index = snapshot.metadata.index;
    if (index <= this.snap.metadata.index) throw new ErrSnapOutOfDate();
    this.snap = snapshot;
    this.confState = snapshot.metadata.confState;
    this.entriesWithDummy = [dummyEntry(index, snapshot.metadata.term)];
  }

  /**
   * Makes a snapshot of the state machine as of index (which must be applied by the caller) so
   * that the log up to it can be compacted. confState defaults to the current configuration.
   */
  createSnapshot(index: LogIndex, confState: ConfState | undefined, data: Uint8Array): Snapshot {
    if (index <= this.snap.metadata.index) throw new ErrSnapOutOfDate();
    assert(index <= this.lastIndex(), `snapshot index ${index} is beyond last index ${this.lastIndex()}`);
    const offset = this.offset();
    const e = this.entriesWithDummy[index - offset];
    assert(e !== undefined, `snapshot index ${index} is compacted`);
    this.snap = {
      data,
      metadata: { index, term: e.term, confState: confState ?? this.confState },
    };
    return this.snap;
  }

  /** Discards entries up to and including index; the term of index stays known. */
  compact(index: LogIndex): void {
    const offset = this.offset();
    if (index <= offset) throw new ErrCompacted();
    assert(index <= this.lastIndex(), `compact ${index} is beyond last index ${this.lastIndex()}`);
    const e = this.entriesWithDummy[index - offset] as Entry;
    this.entriesWithDummy = [dummyEntry(e.index, e.term), ...this.entriesWithDummy.slice(index - offset + 1)];
  }

  /**
   * Appends entries (Ready.entries). The first may overwrite an existing suffix: entries at and
   * after its index are replaced. Entries already compacted are skipped.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    for (let i = 1; i < entries.length; i++) {
      assert((entries[i] as Entry).index === (entries[i - 1] as Entry).index + 1, 'appended entries are not contiguous');
    }
    const first = this.firstIndex();
    const lastNew = (entries[entries.length - 1] as Entry).index;
    if (lastNew < first) return;
    const toAppend = (entries[0] as Entry).index < first ? entries.slice(first - (entries[0] as Entry).index) : entries;
    const start = (toAppend[0] as Entry).index;
    assert(start <= this.lastIndex() + 1, `missing log entries [last: ${this.lastIndex()}, append at: ${start}]`);
    const keep = start - this.offset();
    this.entriesWithDummy = [...this.entriesWithDummy.slice(0, keep), ...toAppend];
  }

  private offset(): number {
    return (this.entriesWithDummy[0] as Entry).index;
  }
}

function dummyEntry(index: LogIndex, term: Term): Entry {
  return { index, term, type: 'normal', data: new Uint8Array(0) };
}
