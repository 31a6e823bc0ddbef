/**
 * One group's Raft state held in memory: the view the core reads synchronously (its Storage), and
 * the mutations that keep it in step with the engine. Each mutation changes the view and returns
 * the engine writes that make the same change durable; RaftStore gathers them into batches.
 *
 * The log is [firstIndex, lastIndex] = [truncated.index + 1, truncated.index + entries.length].
 * The entry at truncated.index was compacted (or covered by a snapshot); only its term is kept.
 */
import { assert } from '../../common/assert.js';
import type { BatchOp } from '../../storage/engine.js';
import { limitSize } from '../core/entry-size.js';
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
} from '../core/types.js';
import {
  encodeAppliedState,
  encodeEntry,
  encodeHardState,
  encodeSnapshot,
  encodeTruncatedState,
  type AppliedState,
  type TruncatedState,
} from './codec.js';
import type { GroupId } from './group-id.js';
import { entryKey, raftStateKey } from './keys.js';

/** The state of one group as loaded from the engine. */
export interface GroupLogState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot;
  readonly truncated: TruncatedState;
  /** Contiguous, starting at truncated.index + 1. */
  readonly entries: readonly Entry[];
  readonly appliedState: AppliedState | undefined;
}

export class GroupLog implements Storage {
  private hardStateValue: HardState;
  private snapshotValue: Snapshot;
  private truncated: TruncatedState;
  private log: Entry[];
  private appliedStateValue: AppliedState | undefined;

  constructor(
    readonly groupId: GroupId,
    state: GroupLogState = {
      hardState: EMPTY_HARD_STATE,
      snapshot: EMPTY_SNAPSHOT,
      truncated: { index: 0 as LogIndex, term: 0 as Term },
      entries: [],
      appliedState: undefined,
    },
  ) {
    this.hardStateValue = state.hardState;
    this.snapshotValue = state.snapshot;
    this.truncated = state.truncated;
    this.log = [...state.entries];
    this.appliedStateValue = state.appliedState;
    this.log.forEach((entry, i) => {
      assert(entry.index === this.truncated.index + 1 + i, `group ${groupId}: log has a hole before index ${entry.index}`);
    });
    assert(
      this.snapshotValue.metadata.index <= this.lastIndex(),
      `group ${groupId}: snapshot at ${this.snapshotValue.metadata.index} is beyond the last index ${this.lastIndex()}`,
    );
  }

  // ---- the core's Storage -------------------------------------------------------------------

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardStateValue, confState: this.appliedState().confState };
  }

  entries(lo: LogIndex, hi: LogIndex, maxBytes: number): Entry[] {
    if (lo <= this.truncated.index) throw new ErrCompacted();
    if (hi > this.lastIndex() + 1) throw new ErrUnavailable(`entries up to ${hi - 1} requested, last index is ${this.lastIndex()}`);
    if (lo >= hi) return [];
    const offset = this.truncated.index + 1;
    return limitSize(this.log.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: LogIndex): Term {
    if (i < this.truncated.index) throw new ErrCompacted();
    if (i === this.truncated.index) return this.truncated.term;
    if (i > this.lastIndex()) throw new ErrUnavailable(`term of ${i} requested, last index is ${this.lastIndex()}`);
    return (this.log[i - this.truncated.index - 1] as Entry).term;
  }

  firstIndex(): LogIndex {
    return (this.truncated.index + 1) as LogIndex;
  }

  lastIndex(): LogIndex {
    return (this.truncated.index + this.log.length) as LogIndex;
  }

  snapshot(): Snapshot {
    return this.snapshotValue;
  }

  // ---- reads for the owner ------------------------------------------------------------------

  hardState(): HardState {
    return this.hardStateValue;
  }

  /**
   * Where the state machine stands after a restart: the applied state the application persisted,
   * or else the snapshot (a state machine rebuilt from it replays the log from there).
   */
  appliedState(): AppliedState {
    return this.appliedStateValue ?? { index: this.snapshotValue.metadata.index, confState: this.snapshotValue.metadata.confState };
  }

  /** Whether anything was ever written for this group. */
  isEmpty(): boolean {
    return this.lastIndex() === 0 && this.hardStateValue.term === 0 && this.snapshotValue.metadata.index === 0;
  }

  // ---- mutations: each changes the view and returns the writes that make it durable --------

  setHardState(hardState: HardState): BatchOp[] {
    assert(hardState.term >= this.hardStateValue.term, `group ${this.groupId}: term went back from ${this.hardStateValue.term} to ${hardState.term}`);
    this.hardStateValue = hardState;
    return [{ type: 'put', key: raftStateKey(this.groupId, 'hardState'), value: encodeHardState(hardState) }];
  }

  /**
   * Appends entries, replacing any stored suffix from the first new index on (a leader
   * overwrote a conflicting tail). Entries below firstIndex are already covered by compaction.
   */
  append(entries: readonly Entry[]): BatchOp[] {
    const first = entries[0];
    if (first === undefined) return [];
    entries.forEach((entry, i) => {
      assert(entry.index === first.index + i, `group ${this.groupId}: appended entries are not contiguous at ${entry.index}`);
    });
    const last = entries[entries.length - 1] as Entry;
    const ops: BatchOp[] = [];
    if (last.index <= this.truncated.index) return ops;
    const kept = entries.filter((entry) => entry.index > this.truncated.index);
    const from = (kept[0] as Entry).index;
    assert(from <= this.lastIndex() + 1, `group ${this.groupId}: append at ${from} leaves a gap after ${this.lastIndex()}`);
    for (let index = last.index + 1; index <= this.lastIndex(); index++) {
      ops.push({ type: 'del', key: entryKey(this.groupId, index as LogIndex) });
    }
    this.log.length = from - this.truncated.index - 1;
    for (const entry of kept) {
      this.log.push(entry);
      ops.push({ type: 'put', key: entryKey(this.groupId, entry.index), value: encodeEntry(entry) });
    }
    return ops;
  }

  /** Replaces the whole log by a snapshot received from a leader. */
  applySnapshot(snapshot: Snapshot): BatchOp[] {
    const { index, term } = snapshot.metadata;
    assert(index > this.snapshotValue.metadata.index, `group ${this.groupId}: snapshot at ${index} is not newer than the one at ${this.snapshotValue.metadata.index}`);
    const ops: BatchOp[] = [];
    for (let i = this.firstIndex(); i <= this.lastIndex(); i++) ops.push({ type: 'del', key: entryKey(this.groupId, i) });
    this.log = [];
    this.truncated = { index, term };
    this.snapshotValue = snapshot;
    ops.push({ type: 'put', key: raftStateKey(this.groupId, 'truncatedState'), value: encodeTruncatedState(this.truncated) });
    ops.push({ type: 'put', key: raftStateKey(this.groupId, 'snapshot'), value: encodeSnapshot(snapshot) });
    // An applied state older than the snapshot would send a restart back before it.
    if (this.appliedStateValue !== undefined && this.appliedStateValue.index < index) {
      this.appliedStateValue = undefined;
      ops.push({ type: 'del', key: raftStateKey(this.groupId, 'appliedState') });
    }
    return ops;
  }

  /**
   * Records a snapshot of the application's state machine as of index (which it has applied,
   * with confState in force there), for the leader to send to followers that fell behind.
   */
  createSnapshot(index: LogIndex, confState: ConfState, data: Uint8Array): { snapshot: Snapshot; ops: BatchOp[] } {
    assert(index > this.snapshotValue.metadata.index, `group ${this.groupId}: snapshot at ${index} is not newer than the one at ${this.snapshotValue.metadata.index}`);
    assert(index <= this.hardStateValue.commit, `group ${this.groupId}: snapshot at ${index} beyond the commit index ${this.hardStateValue.commit}`);
    const snapshot: Snapshot = { data, metadata: { index, term: this.term(index), confState } };
    this.snapshotValue = snapshot;
    return { snapshot, ops: [{ type: 'put', key: raftStateKey(this.groupId, 'snapshot'), value: encodeSnapshot(snapshot) }] };
  }

  /**
   * Drops the entries up to and including index. Never past the snapshot: a follower that needs
   * the entries in between could then be sent neither them nor a snapshot that covers them.
   */
  compact(index: LogIndex): BatchOp[] {
    if (index <= this.truncated.index) return [];
    assert(index <= this.snapshotValue.metadata.index, `group ${this.groupId}: compaction to ${index} passes the snapshot at ${this.snapshotValue.metadata.index}`);
    assert(index <= this.lastIndex(), `group ${this.groupId}: compaction to ${index} passes the last index ${this.lastIndex()}`);
    const ops: BatchOp[] = [];
    for (let i = this.firstIndex(); i <= index; i++) ops.push({ type: 'del', key: entryKey(this.groupId, i) });
    const dropped = index - this.truncated.index;
    this.truncated = { index, term: this.term(index) };
    this.log = this.log.slice(dropped);
    ops.push({ type: 'put', key: raftStateKey(this.groupId, 'truncatedState'), value: encodeTruncatedState(this.truncated) });
    return ops;
  }

  setAppliedState(state: AppliedState): BatchOp[] {
    assert(state.index >= this.appliedState().index, `group ${this.groupId}: applied index went back to ${state.index}`);
    this.appliedStateValue = state;
    return [{ type: 'put', key: raftStateKey(this.groupId, 'appliedState'), value: encodeAppliedState(state) }];
  }

  /** The writes that delete everything of this group (the replica was removed). */
  deleteAll(): BatchOp[] {
    const ops: BatchOp[] = [];
    for (let i = this.firstIndex(); i <= this.lastIndex(); i++) ops.push({ type: 'del', key: entryKey(this.groupId, i) });
    for (const suffix of ['appliedState', 'hardState', 'snapshot', 'truncatedState'] as const) {
      ops.push({ type: 'del', key: raftStateKey(this.groupId, suffix) });
    }
    return ops;
  }
}
