/**
 * The per-node Raft driver: the only asynchronous code of raft/. It runs many groups, each a
 * RawNode over its GroupLog in one RaftStore, and does for all of them what each Ready asks:
 *
 *   every tick (a timer):          tick every group
 *   on a message, proposal, read:  step the group's RawNode
 *   once per event-loop turn:      gather the Readys of every group that has one, then
 *     1. persist them all in ONE engine batch, synced when any must be (group commit);
 *     2. only then send their messages, one batch per destination node;
 *     3. apply snapshots and committed entries (through the StateMachine), conf changes
 *        (through the RawNode), and answer reads whose index is now applied;
 *     4. advance each RawNode.
 *
 * Only one such cycle runs at a time; messages and proposals that arrive while one awaits the
 * disk are stepped at once (the core allows it between ready and advance) and show up in the next
 * cycle's Readys. A failure to persist or apply is fatal: the in-memory state may be ahead of the
 * disk, so the driver stops and the node must restart from what is durable.
 */
import { assert } from '../../common/assert.js';
import { Prng } from '../../common/prng.js';
import { decodeConfChange } from '../core/conf-change-codec.js';
import { RawNode, type Status } from '../core/raw-node.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  LogIndex,
  Logger,
  NodeId,
  ReadOnlyOption,
  Ready,
  Snapshot,
  SoftState,
  StepRejection,
} from '../core/types.js';
import { NONE } from '../core/types.js';
import type { GroupId } from '../storage/group-id.js';
import type { GroupLog } from '../storage/group-log.js';
import type { GroupWrites, RaftStore } from '../storage/raft-store.js';
import { RaftDriverError } from './errors.js';
import { electionTicksDefault, heartbeatTicksDefault, pendingReadsPerGroupMax, tickIntervalMsDefault } from './limits.js';
import type { GroupMessage, Transport, TransportReceiver } from './transport.js';

/** The application's replicated state machine, one per node, for all its groups. */
export interface StateMachine {
  /**
   * Applies committed entries of a group, in log order. confChange entries are included so the
   * application sees them; the driver hands them to the RawNode itself.
   */
  apply(groupId: GroupId, entries: readonly Entry[]): void | Promise<void>;
  /** Replaces a group's state with a snapshot's image (this replica fell behind a compaction). */
  restore(groupId: GroupId, snapshot: Snapshot): void | Promise<void>;
}

/** Per-group Raft settings (the core's Config without what the driver supplies). */
export interface GroupOptions {
  readonly electionTick?: number;
  readonly heartbeatTick?: number;
  readonly checkQuorum?: boolean;
  readonly preVote?: boolean;
  readonly readOnlyOption?: ReadOnlyOption;
  readonly maxSizePerMsg?: number;
  readonly maxInflightMsgs?: number;
  readonly maxCommittedSizePerReady?: number;
  readonly maxUncommittedEntriesSize?: number;
}

export interface RaftDriverOptions {
  readonly nodeId: NodeId;
  readonly store: RaftStore;
  readonly transport: Transport;
  readonly stateMachine: StateMachine;
  /** Length of one tick; default limits.ts. */
  readonly tickIntervalMs?: number;
  readonly groupOptions?: GroupOptions;
  /**
   * Persist every group's Ready in one batch per cycle (default true). False writes each group's
   * Ready in its own batch, one fsync each: only for measuring what group commit buys.
   */
  readonly groupCommit?: boolean;
  /** Seeds the election jitter of every group (default: from the node id and the clock). */
  readonly seed?: number;
  readonly logger?: Logger;
  /** Called once if the driver stops because persisting or applying failed. */
  readonly onFatal?: (error: unknown) => void;
}

export interface RaftDriverStats {
  readonly cycles: number;
  readonly readies: number;
  readonly persistBatches: number;
  readonly messagesSent: number;
  readonly batchesSent: number;
  readonly messagesReceived: number;
  readonly messagesForUnknownGroups: number;
  readonly entriesApplied: number;
}

interface PendingRead {
  readonly resolve: (index: LogIndex) => void;
  readonly reject: (error: RaftDriverError) => void;
  /** Known once the leader answered; the read is served when applied reaches it. */
  index: LogIndex | undefined;
  timer: NodeJS.Timeout | undefined;
}

interface AppliedWaiter {
  readonly index: LogIndex;
  readonly resolve: () => void;
  readonly reject: (error: RaftDriverError) => void;
}

interface GroupRuntime {
  readonly id: GroupId;
  readonly node: RawNode;
  readonly storage: GroupLog;
  applied: LogIndex;
  confState: ConfState;
  softState: SoftState;
  readonly reads: Map<string, PendingRead>;
  appliedWaiters: AppliedWaiter[];
}

export class RaftDriver implements TransportReceiver {
  readonly nodeId: NodeId;
  private readonly groups = new Map<GroupId, GroupRuntime>();
  private readonly dirty = new Set<GroupId>();
  private readonly prng: Prng;
  private tickTimer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failure: unknown = undefined;
  private readCounter = 0;
  private counters = {
    cycles: 0,
    readies: 0,
    persistBatches: 0,
    messagesSent: 0,
    batchesSent: 0,
    messagesReceived: 0,
    messagesForUnknownGroups: 0,
    entriesApplied: 0,
  };

  constructor(private readonly options: RaftDriverOptions) {
    this.nodeId = options.nodeId;
    this.prng = new Prng(options.seed ?? (options.nodeId * 0x9e3779b1 + Date.now()) >>> 0);
  }

  /** Starts the tick timer. Groups may be added before or after. */
  start(): void {
    assert(!this.stopped, 'a stopped driver cannot start again');
    if (this.tickTimer !== undefined) return;
    this.tickTimer = setInterval(() => this.tickAll(), this.options.tickIntervalMs ?? tickIntervalMsDefault);
  }

  /** Stops ticking and processing; waits for the cycle in progress; fails every waiting read. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.tickTimer !== undefined) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    await this.running?.catch(() => undefined);
    for (const group of this.groups.values()) this.failWaiters(group, new RaftDriverError('stopped', 'the raft driver stopped'));
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  /** The first fatal error, if the driver stopped because of one. */
  get fatalError(): unknown {
    return this.failure;
  }

  // ---- groups ---------------------------------------------------------------------------------

  /**
   * Starts running a group from its state in the store: a bootstrapped or restarted replica, or
   * an empty one that a leader will fill with a snapshot.
   */
  addGroup(groupId: GroupId): void {
    assert(!this.groups.has(groupId), `group ${groupId} is already running on node ${this.nodeId}`);
    const storage = this.options.store.group(groupId);
    const applied = storage.appliedState();
    const g = this.options.groupOptions ?? {};
    const node = new RawNode({
      id: this.nodeId,
      storage,
      applied: applied.index,
      prng: this.prng.fork(),
      electionTick: g.electionTick ?? electionTicksDefault,
      heartbeatTick: g.heartbeatTick ?? heartbeatTicksDefault,
      checkQuorum: g.checkQuorum ?? true,
      preVote: g.preVote ?? true,
      ...(g.readOnlyOption !== undefined && { readOnlyOption: g.readOnlyOption }),
      ...(g.maxSizePerMsg !== undefined && { maxSizePerMsg: g.maxSizePerMsg }),
      ...(g.maxInflightMsgs !== undefined && { maxInflightMsgs: g.maxInflightMsgs }),
      ...(g.maxCommittedSizePerReady !== undefined && { maxCommittedSizePerReady: g.maxCommittedSizePerReady }),
      ...(g.maxUncommittedEntriesSize !== undefined && { maxUncommittedEntriesSize: g.maxUncommittedEntriesSize }),
      ...(this.options.logger !== undefined && { logger: this.options.logger }),
    });
    this.groups.set(groupId, {
      id: groupId,
      node,
      storage,
      applied: applied.index,
      confState: applied.confState,
      softState: { lead: NONE, role: 'follower' },
      reads: new Map(),
      appliedWaiters: [],
    });
    this.markDirty(groupId);
  }

  /** Writes a new group's initial configuration (the same on every initial member) and runs it. */
  async bootstrapGroup(groupId: GroupId, snapshot: Snapshot): Promise<void> {
    await this.options.store.bootstrap(groupId, snapshot);
    this.addGroup(groupId);
  }

  /** Stops running a group; with destroy, also deletes its Raft state (the replica was removed). */
  async removeGroup(groupId: GroupId, options: { destroy: boolean }): Promise<void> {
    const group = this.groups.get(groupId);
    if (group === undefined) return;
    // Let a cycle that holds this group's Ready finish with it first.
    await this.running?.catch(() => undefined);
    this.groups.delete(groupId);
    this.dirty.delete(groupId);
    this.failWaiters(group, new RaftDriverError('unknown-group', `group ${groupId} was removed from node ${this.nodeId}`));
    if (options.destroy) await this.options.store.destroyGroup(groupId);
  }

  groupIds(): GroupId[] {
    return [...this.groups.keys()].sort((a, b) => a - b);
  }

  // ---- requests ------------------------------------------------------------------------------

  /**
   * Proposes a command; it is applied (everywhere) once committed. Acceptance is not commit.
   * Throws RaftDriverError 'stopped' or 'unknown-group' (so do the other requests below).
   */
  propose(groupId: GroupId, data: Uint8Array): StepRejection | undefined {
    return this.withGroup(groupId, (group) => group.node.propose(data));
  }

  proposeConfChange(groupId: GroupId, change: ConfChange): StepRejection | undefined {
    return this.withGroup(groupId, (group) => group.node.proposeConfChange(change));
  }

  campaign(groupId: GroupId): void {
    this.withGroup(groupId, (group) => group.node.campaign());
  }

  transferLeader(groupId: GroupId, transferee: NodeId): void {
    this.withGroup(groupId, (group) => group.node.transferLeader(transferee));
  }

  /**
   * A linearizable read barrier (ReadIndex): resolves with the read index once this node has
   * applied through it, so that reading the local state machine then sees every write that
   * completed before the call. Rejects with 'rejected' when the core refuses at once, 'timeout'
   * after timeoutMs (the request may have been lost with a leader change; retry).
   */
  readIndex(groupId: GroupId, options: { timeoutMs?: number } = {}): Promise<LogIndex> {
    const group = this.groups.get(groupId);
    if (group === undefined) return Promise.reject(new RaftDriverError('unknown-group', `no group ${groupId} on node ${this.nodeId}`));
    if (this.stopped) return Promise.reject(new RaftDriverError('stopped', 'the raft driver stopped'));
    if (group.reads.size >= pendingReadsPerGroupMax) {
      return Promise.reject(new RaftDriverError('rejected', `group ${groupId} has ${group.reads.size} reads waiting (pendingReadsPerGroupMax)`));
    }
    const context = new Uint8Array(8);
    new DataView(context.buffer).setFloat64(0, ++this.readCounter);
    const key = Buffer.from(context).toString('hex');
    return new Promise<LogIndex>((resolve, reject) => {
      const rejection = group.node.readIndex(context);
      if (rejection !== undefined) {
        reject(new RaftDriverError('rejected', `read index refused: ${describeRejection(rejection)}`, rejection));
        return;
      }
      const read: PendingRead = { resolve, reject, index: undefined, timer: undefined };
      if (options.timeoutMs !== undefined) {
        read.timer = setTimeout(() => {
          group.reads.delete(key);
          reject(new RaftDriverError('timeout', `read index of group ${groupId} not answered within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
      }
      group.reads.set(key, read);
      this.markDirty(groupId);
    });
  }

  /** Resolves once this node has applied the group's log through index. */
  waitApplied(groupId: GroupId, index: LogIndex): Promise<void> {
    const group = this.groups.get(groupId);
    if (group === undefined) return Promise.reject(new RaftDriverError('unknown-group', `no group ${groupId} on node ${this.nodeId}`));
    if (group.applied >= index) return Promise.resolve();
    if (this.stopped) return Promise.reject(new RaftDriverError('stopped', 'the raft driver stopped'));
    return new Promise((resolve, reject) => group.appliedWaiters.push({ index, resolve, reject }));
  }

  status(groupId: GroupId): Status {
    const group = this.groups.get(groupId);
    assert(group !== undefined, `no group ${groupId} on node ${this.nodeId}`);
    return group.node.status();
  }

  /** The leader this node knows of for the group, or NONE. */
  leader(groupId: GroupId): NodeId {
    return this.groups.get(groupId)?.softState.lead ?? NONE;
  }

  appliedIndex(groupId: GroupId): LogIndex {
    const group = this.groups.get(groupId);
    assert(group !== undefined, `no group ${groupId} on node ${this.nodeId}`);
    return group.applied;
  }

  /**
   * Snapshots the group's state machine as of its applied index (data is the application's image
   * of exactly that state) and compacts the log, keeping the last keepEntries entries so that
   * followers a little behind catch up from the log rather than by snapshot.
   */
  compact(groupId: GroupId, data: Uint8Array, keepEntries: number): Promise<void> {
    const group = this.groups.get(groupId);
    assert(group !== undefined, `no group ${groupId} on node ${this.nodeId}`);
    if (group.applied <= group.storage.snapshot().metadata.index) return Promise.resolve();
    const compactIndex = Math.max(group.storage.firstIndex() - 1, group.applied - keepEntries) as LogIndex;
    return this.options.store.snapshotAndCompact(groupId, { index: group.applied, confState: group.confState, data }, compactIndex).durable;
  }

  stats(): RaftDriverStats {
    return { ...this.counters };
  }

  // ---- the transport's side -------------------------------------------------------------------

  receive(source: NodeId, batch: readonly GroupMessage[]): void {
    if (this.stopped) return;
    for (const { groupId, message } of batch) {
      const group = this.groups.get(groupId);
      this.counters.messagesReceived++;
      if (group === undefined) {
        this.counters.messagesForUnknownGroups++;
        continue;
      }
      assert(message.from === source, `a message from node ${message.from} arrived in a batch from node ${source}`);
      group.node.step(message);
      this.markDirty(groupId);
    }
  }

  // ---- the cycle ------------------------------------------------------------------------------

  private withGroup<T>(groupId: GroupId, action: (group: GroupRuntime) => T): T {
    const group = this.groups.get(groupId);
    if (group === undefined) throw new RaftDriverError('unknown-group', `no group ${groupId} on node ${this.nodeId}`);
    if (this.stopped) throw new RaftDriverError('stopped', 'the raft driver stopped');
    const result = action(group);
    this.markDirty(groupId);
    return result;
  }

  private tickAll(): void {
    for (const group of this.groups.values()) {
      group.node.tick();
      this.dirty.add(group.id);
    }
    this.schedule();
  }

  private markDirty(groupId: GroupId): void {
    this.dirty.add(groupId);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.running !== undefined || this.stopped) return;
      this.running = this.cycle()
        .catch((error: unknown) => this.fail(error))
        .finally(() => {
          this.running = undefined;
          if (this.dirty.size > 0) this.schedule();
        });
    });
  }

  private async cycle(): Promise<void> {
    const work: { group: GroupRuntime; ready: Ready }[] = [];
    for (const id of [...this.dirty]) {
      this.dirty.delete(id);
      const group = this.groups.get(id);
      if (group !== undefined && group.node.hasReady()) work.push({ group, ready: group.node.ready() });
    }
    if (work.length === 0) return;
    this.counters.cycles++;
    this.counters.readies += work.length;

    // 1. Persist before anything of these Readys leaves the node.
    await this.persist(work);
    if (this.stopped) return;
    // 2. Send, one batch per destination.
    this.send(work);
    // 3. Apply, and serve the reads that became answerable.
    for (const { group, ready } of work) await this.apply(group, ready);
    // 4. Advance; a group with more to do (entries held back by a size bound) runs again.
    for (const { group, ready } of work) {
      group.node.advance(ready);
      if (group.node.hasReady()) this.dirty.add(group.id);
    }
  }

  private async persist(work: readonly { group: GroupRuntime; ready: Ready }[]): Promise<void> {
    const store = this.options.store;
    if (this.options.groupCommit ?? true) {
      const writes: GroupWrites[] = work.map(({ group, ready }) => ({ groupId: group.id, ready }));
      this.counters.persistBatches++;
      await store.persist(writes, { sync: work.some(({ ready }) => ready.mustSync) });
      return;
    }
    for (const { group, ready } of work) {
      this.counters.persistBatches++;
      await store.persist([{ groupId: group.id, ready }], { sync: ready.mustSync });
    }
  }

  private send(work: readonly { group: GroupRuntime; ready: Ready }[]): void {
    const outbox = new Map<NodeId, GroupMessage[]>();
    for (const { group, ready } of work) {
      for (const message of ready.messages) {
        let batch = outbox.get(message.to);
        if (batch === undefined) outbox.set(message.to, (batch = []));
        batch.push({ groupId: group.id, message });
      }
    }
    for (const [target, batch] of outbox) {
      const sent = this.options.transport.send(target, batch);
      this.counters.batchesSent++;
      this.counters.messagesSent += batch.length;
      const reported = new Set<GroupId>();
      for (const { groupId, message } of batch) {
        const group = this.groups.get(groupId);
        if (group === undefined) continue;
        if (message.type === 'MsgSnap') group.node.reportSnapshot(target, sent ? 'finish' : 'failure');
        if (!sent && !reported.has(groupId)) {
          reported.add(groupId);
          group.node.reportUnreachable(target);
        }
      }
    }
  }

  private async apply(group: GroupRuntime, ready: Ready): Promise<void> {
    if (ready.softState !== undefined) group.softState = ready.softState;
    if (ready.snapshot !== undefined && ready.snapshot.metadata.index > 0) {
      await this.options.stateMachine.restore(group.id, ready.snapshot);
      group.applied = ready.snapshot.metadata.index;
      group.confState = ready.snapshot.metadata.confState;
    }
    if (ready.committedEntries.length > 0) {
      await this.options.stateMachine.apply(group.id, ready.committedEntries);
      for (const entry of ready.committedEntries) {
        if (entry.type === 'confChange') group.confState = group.node.applyConfChange(decodeConfChange(entry.data));
      }
      group.applied = (ready.committedEntries[ready.committedEntries.length - 1] as Entry).index;
      this.counters.entriesApplied += ready.committedEntries.length;
    }
    for (const state of ready.readStates) {
      const read = group.reads.get(Buffer.from(state.requestContext).toString('hex'));
      if (read !== undefined) read.index = state.index;
    }
    for (const [key, read] of group.reads) {
      if (read.index !== undefined && read.index <= group.applied) {
        group.reads.delete(key);
        if (read.timer !== undefined) clearTimeout(read.timer);
        read.resolve(read.index);
      }
    }
    if (group.appliedWaiters.length > 0) {
      const still: AppliedWaiter[] = [];
      for (const waiter of group.appliedWaiters) {
        if (waiter.index <= group.applied) waiter.resolve();
        else still.push(waiter);
      }
      group.appliedWaiters = still;
    }
  }

  private failWaiters(group: GroupRuntime, error: RaftDriverError): void {
    for (const read of group.reads.values()) {
      if (read.timer !== undefined) clearTimeout(read.timer);
      read.reject(error);
    }
    group.reads.clear();
    for (const waiter of group.appliedWaiters) waiter.reject(error);
    group.appliedWaiters = [];
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.options.logger?.error(`raft driver of node ${this.nodeId} stopped: ${String(error)}`);
    void this.stop();
    this.options.onFatal?.(error);
  }
}

function describeRejection(rejection: StepRejection): string {
  return rejection.kind === 'proposal-dropped' ? `proposal dropped (${rejection.reason})` : `peer ${rejection.peer} not found`;
}
