/**
 * The Raft state of every group a node runs, in one engine. Each group's log is held in memory
 * (a GroupLog, loaded once at open) so that the core can read it synchronously; every change is
 * written through to the engine.
 *
 * persist() is the group commit: the hard states, new entries and snapshots of many groups'
 * Readys go to the engine in ONE batch, with one fsync when any of them must be synced. The
 * in-memory view changes at once; the promise resolves when the batch is durable, and only then
 * may the caller send the Readys' messages.
 *
 * Engine writes are issued one after another, in call order: two batches in flight at once could
 * otherwise reach LevelDB in either order (each runs on its own worker thread). A failed write
 * leaves the memory view ahead of the disk, so the store refuses every later write; the process
 * must restart from what is durable.
 */
import { assert } from '../../common/assert.js';
import type { BatchOp, Engine } from '../../storage/engine.js';
import type { ConfState, Entry, HardState, LogIndex, Snapshot, Term } from '../core/types.js';
import { EMPTY_HARD_STATE, EMPTY_SNAPSHOT } from '../core/types.js';
import {
  decodeAppliedState,
  decodeEntry,
  decodeHardState,
  decodeSnapshot,
  decodeTruncatedState,
  type AppliedState,
  type TruncatedState,
} from './codec.js';
import type { GroupId } from './group-id.js';
import { GroupLog } from './group-log.js';
import { allRaftStateSpan, decodeRaftKey } from './keys.js';
import { raftStoreLoadBatchEntries } from './limits.js';

/** The parts of a Ready that persist() writes (a Ready itself fits). */
export interface ReadyWrites {
  readonly hardState?: HardState;
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
}

export interface GroupWrites {
  readonly groupId: GroupId;
  readonly ready?: ReadyWrites;
  /** Persisted after the Ready's writes, in the same batch. */
  readonly appliedState?: AppliedState;
}

export interface PersistStats {
  readonly batches: number;
  readonly syncedBatches: number;
  readonly ops: number;
}

export class RaftStore {
  private readonly groups = new Map<GroupId, GroupLog>();
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown = undefined;
  private batches = 0;
  private syncedBatches = 0;
  private opsWritten = 0;

  private constructor(readonly engine: Engine) {}

  /** Loads every group's Raft state from engine. */
  static async open(engine: Engine): Promise<RaftStore> {
    const store = new RaftStore(engine);
    const loaded = await loadGroups(engine);
    for (const [id, state] of loaded) store.groups.set(id, new GroupLog(id, state));
    return store;
  }

  /** The groups with any state, in id order. */
  groupIds(): GroupId[] {
    return [...this.groups.keys()].sort((a, b) => a - b);
  }

  /** The group's storage, created empty (nothing written yet) if the node never had it. */
  group(id: GroupId): GroupLog {
    let log = this.groups.get(id);
    if (log === undefined) this.groups.set(id, (log = new GroupLog(id)));
    return log;
  }

  hasGroup(id: GroupId): boolean {
    return this.groups.has(id);
  }

  /**
   * Writes the Readys of many groups in one batch: for each, the snapshot (replacing the log),
   * then the entries (truncating a conflicting suffix), then the hard state, then the applied
   * state. Synced when sync is true, which it must be when any Ready has mustSync.
   */
  persist(writes: readonly GroupWrites[], options: { sync: boolean }): Promise<void> {
    const ops: BatchOp[] = [];
    for (const { groupId, ready, appliedState } of writes) {
      const log = this.group(groupId);
      if (ready !== undefined) {
        if (ready.snapshot !== undefined && ready.snapshot.metadata.index > 0) ops.push(...log.applySnapshot(ready.snapshot));
        ops.push(...log.append(ready.entries));
        if (ready.hardState !== undefined) ops.push(...log.setHardState(ready.hardState));
      }
      if (appliedState !== undefined) ops.push(...log.setAppliedState(appliedState));
    }
    return this.write(ops, options.sync);
  }

  /** Puts a group that starts from a snapshot (a new group's bootstrap configuration). */
  bootstrap(groupId: GroupId, snapshot: Snapshot): Promise<void> {
    const log = this.group(groupId);
    assert(log.isEmpty(), `group ${groupId} is already bootstrapped`);
    return this.write(log.applySnapshot(snapshot), true);
  }

  /**
   * Records a snapshot of the application's state as of index and drops the log up to
   * compactIndex (at most index; keeping some entries lets slightly lagging followers catch up
   * from the log instead of a full snapshot).
   */
  snapshotAndCompact(
    groupId: GroupId,
    snapshot: { readonly index: LogIndex; readonly confState: ConfState; readonly data: Uint8Array },
    compactIndex: LogIndex,
  ): { snapshot: Snapshot; durable: Promise<void> } {
    assert(compactIndex <= snapshot.index, `group ${groupId}: compaction to ${compactIndex} passes the snapshot at ${snapshot.index}`);
    const log = this.group(groupId);
    const created = log.createSnapshot(snapshot.index, snapshot.confState, snapshot.data);
    // Not synced: losing it in a crash only means the older snapshot and a longer log survive.
    return { snapshot: created.snapshot, durable: this.write([...created.ops, ...log.compact(compactIndex)], false) };
  }

  /** Deletes everything of a group (its replica was removed from this node). */
  destroyGroup(groupId: GroupId): Promise<void> {
    const log = this.groups.get(groupId);
    if (log === undefined) return Promise.resolve();
    this.groups.delete(groupId);
    return this.write(log.deleteAll(), true);
  }

  /** Resolves once every write issued so far is done (or rejects if one failed). */
  flushed(): Promise<void> {
    return this.tail;
  }

  stats(): PersistStats {
    return { batches: this.batches, syncedBatches: this.syncedBatches, ops: this.opsWritten };
  }

  private write(ops: readonly BatchOp[], sync: boolean): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (ops.length === 0 && !sync) return this.tail;
    this.batches++;
    if (sync) this.syncedBatches++;
    this.opsWritten += ops.length;
    const next = this.tail.then(() => this.engine.write(ops, { sync }));
    this.tail = next.catch((error: unknown) => {
      this.failure ??= error;
      throw error;
    });
    // Callers see the write's own outcome; a later write sees the first failure.
    this.tail.catch(() => undefined);
    return next;
  }
}

interface LoadingGroup {
  hardState: HardState;
  snapshot: Snapshot;
  truncated: TruncatedState;
  entries: Entry[];
  appliedState: AppliedState | undefined;
}

async function loadGroups(engine: Engine): Promise<Map<GroupId, LoadingGroup>> {
  const groups = new Map<GroupId, LoadingGroup>();
  const iterator = engine.iterator(allRaftStateSpan());
  try {
    for (;;) {
      const batch = await iterator.nextBatch(raftStoreLoadBatchEntries);
      if (batch.length === 0) break;
      for (const { key, value } of batch) {
        const decoded = decodeRaftKey(key);
        assert(decoded !== undefined, `unknown key in the raft state span: ${Buffer.from(key).toString('hex')}`);
        let group = groups.get(decoded.group);
        if (group === undefined) {
          group = {
            hardState: EMPTY_HARD_STATE,
            snapshot: EMPTY_SNAPSHOT,
            truncated: { index: 0 as LogIndex, term: 0 as Term },
            entries: [],
            appliedState: undefined,
          };
          groups.set(decoded.group, group);
        }
        switch (decoded.suffix) {
          case 'entry':
            group.entries.push(decodeEntry(decoded.index, value));
            break;
          case 'hardState':
            group.hardState = decodeHardState(value);
            break;
          case 'snapshot':
            group.snapshot = decodeSnapshot(value);
            break;
          case 'truncatedState':
            group.truncated = decodeTruncatedState(value);
            break;
          case 'appliedState':
            group.appliedState = decodeAppliedState(value);
            break;
        }
      }
    }
  } finally {
    await iterator.close();
  }
  return groups;
}
