/**
 * RawNode: the application's handle on one Raft group member. Everything goes in through its
 * methods (messages, ticks, proposals) and comes out through Ready; see ready.ts for the
 * persistence contract. Not reentrant, no IO, no timers: the driver calls it from one place.
 */
import { assert } from '../../common/assert.js';
import { encodeConfChange } from './conf-change-codec.js';
import { payloadSizeBytes } from './entry-size.js';
import { Raft } from './raft.js';
import { isHardStateEqual, isSoftStateEqual, mustSync, type Ready } from './ready.js';
import { statusOf, type Status } from './status.js';
import {
  LOCAL_MESSAGE_TYPES,
  RESPONSE_MESSAGE_TYPES,
  type ConfChange,
  type ConfState,
  type Config,
  type Entry,
  type HardState,
  type LogIndex,
  type Message,
  type NodeId,
  type SoftState,
  type StepRejection,
  type Term,
} from './types.js';

export type { Status, ProgressStatus } from './status.js';

const LOCAL_TERM = 0 as Term;

export class RawNode {
  /** The state machine itself; exposed for tests and diagnostics, not for driving. */
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  /** The Ready handed out and not yet advanced, if any. */
  private outstanding: Ready | undefined = undefined;
  /** Messages to this node that wait for the outstanding Ready to be persisted (own votes, own appends). */
  private stepsOnAdvance: Message[] = [];

  constructor(config: Config) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  /** Advances the logical clock by one tick (election and heartbeat timeouts count ticks). */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (with a pre-vote round first if preVote is on). */
  campaign(): void {
    this.raft.step({ type: 'MsgHup', from: this.raft.id, to: this.raft.id, term: LOCAL_TERM });
  }

  /**
   * Proposes a command. Accepted means appended to the leader's log (or forwarded to it), not
   * committed: the command is committed when it shows up in Ready.committedEntries. A rejection is
   * returned when it is dropped (no leader, leadership transfer, size limit): retry later.
   */
  propose(data: Uint8Array): StepRejection | undefined {
    return this.stepProposal({ term: LOCAL_TERM, index: 0 as LogIndex, type: 'normal', data });
  }

  /**
   * Proposes a membership change. Only one may be pending at a time: while one is unapplied, the
   * leader replaces a new one by an empty normal entry (logged), so watch committedEntries for the
   * 'confChange' entry before proposing the next.
   */
  proposeConfChange(cc: ConfChange): StepRejection | undefined {
    return this.stepProposal({ term: LOCAL_TERM, index: 0 as LogIndex, type: 'confChange', data: encodeConfChange(cc) });
  }

  private stepProposal(entry: Entry): StepRejection | undefined {
    return this.raft.step({ type: 'MsgProp', from: this.raft.id, to: this.raft.id, term: LOCAL_TERM, entries: [entry] });
  }

  /**
   * Steps a message received from a peer. Local message types are refused (a programming error);
   * responses from nodes outside the configuration are ignored with 'peer-not-found'.
   */
  step(m: Message): StepRejection | undefined {
    assert(!LOCAL_MESSAGE_TYPES.has(m.type), `cannot step raft local message ${m.type}`);
    if (RESPONSE_MESSAGE_TYPES.has(m.type) && !this.raft.trk.progress.has(m.from)) {
      return { kind: 'peer-not-found', peer: m.from };
    }
    return this.raft.step(m);
  }

  /** Asks the leader (this node or, forwarded, the one it knows) to hand leadership to transferee. */
  transferLeader(transferee: NodeId): void {
    this.raft.step({ type: 'MsgTransferLeader', from: this.raft.id, to: this.raft.id, term: LOCAL_TERM, transferee });
  }

  /**
   * Requests a read index. When it is confirmed, Ready.readStates holds { index, requestContext }:
   * once this node has applied index, a read of its state machine is linearizable. The context must
   * be unique among pending requests. The request may be dropped silently by a leader change;
   * retry after a timeout.
   */
  readIndex(requestContext: Uint8Array): StepRejection | undefined {
    return this.raft.step({ type: 'MsgReadIndex', from: this.raft.id, to: this.raft.id, term: LOCAL_TERM, context: requestContext });
  }

  /** Applies a committed conf change (decoded from its entry) and returns the new configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /** The transport failed to deliver to id: on a leader, replication to id falls back to probing. */
  reportUnreachable(id: NodeId): void {
    this.raft.step({ type: 'MsgUnreachable', from: id, to: this.raft.id, term: LOCAL_TERM });
  }

  /**
   * The outcome of sending a snapshot to id. 'finish' lets the leader probe from the snapshot's
   * index; 'failure' makes it retry after a heartbeat.
   */
  reportSnapshot(id: NodeId, status: 'finish' | 'failure'): void {
    this.raft.step({ type: 'MsgSnapStatus', from: id, to: this.raft.id, term: LOCAL_TERM, reject: status === 'failure' });
  }

  status(): Status {
    return statusOf(this.raft);
  }

  /** Whether ready() would return something to do. */
  hasReady(): boolean {
    const r = this.raft;
    if (!isSoftStateEqual(r.softState(), this.prevSoftState)) return true;
    if (!isHardStateEqual(r.hardState(), this.prevHardState)) return true;
    if (r.raftLog.nextUnstableSnapshot() !== undefined) return true;
    if (r.msgs.length > 0 || r.msgsAfterAppend.length > 0) return true;
    if (r.raftLog.hasNextUnstableEntries() || r.raftLog.hasNextCommittedEntries()) return true;
    return r.readStates.length > 0;
  }

  /**
   * Everything to persist, send and apply, in the order ready.ts describes. Must be followed by
   * advance(ready) before the next call.
   */
  ready(): Ready {
    assert(this.outstanding === undefined, 'ready() called again before advance()');
    const r = this.raft;
    const softState = r.softState();
    const hardState = r.hardState();
    const entries = r.raftLog.nextUnstableEntries();
    const snapshot = r.raftLog.nextUnstableSnapshot();
    const committedEntries = r.raftLog.nextCommittedEntries();
    const messages: Message[] = [...r.msgs];
    for (const m of r.msgsAfterAppend) {
      if (m.to !== r.id) messages.push(m);
      else this.stepsOnAdvance.push(m);
    }
    const rd: Ready = {
      ...(isSoftStateEqual(softState, this.prevSoftState) ? {} : { softState }),
      ...(isHardStateEqual(hardState, this.prevHardState) ? {} : { hardState }),
      readStates: r.readStates,
      entries,
      ...(snapshot === undefined ? {} : { snapshot }),
      committedEntries,
      messages,
      // A snapshot replaces the log: it is synced like appended entries.
      mustSync: mustSync(hardState, this.prevHardState, entries.length) || snapshot !== undefined,
    };
    // Accept it: everything in it now counts as handed out.
    this.prevSoftState = softState;
    this.prevHardState = hardState;
    r.readStates = [];
    r.msgs = [];
    r.msgsAfterAppend = [];
    r.raftLog.unstable.acceptInProgress();
    const lastCommitted = committedEntries[committedEntries.length - 1];
    if (lastCommitted !== undefined) r.raftLog.acceptApplying(lastCommitted.index);
    this.outstanding = rd;
    return rd;
  }

  /**
   * The Ready has been handled: persisted, sent and applied. Steps in this node's own
   * acknowledgements (now durable), marks entries stable and committed entries applied.
   */
  advance(ready: Ready): void {
    assert(this.outstanding === ready, 'advance() must be given the Ready returned by the last ready()');
    this.outstanding = undefined;
    const r = this.raft;
    const steps = this.stepsOnAdvance;
    this.stepsOnAdvance = [];
    for (const m of steps) r.step(m);
    const storage = r.raftLog.storage;
    const lastEntry = ready.entries[ready.entries.length - 1];
    if (lastEntry !== undefined) {
      // The other half of the write: the entries must be in Storage before they leave memory.
      assert(storage.lastIndex() >= lastEntry.index, `Ready.entries up to ${lastEntry.index} were not persisted before advance()`);
      r.raftLog.stableTo({ index: lastEntry.index, term: lastEntry.term });
    }
    if (ready.snapshot !== undefined) {
      assert(storage.firstIndex() > ready.snapshot.metadata.index, 'Ready.snapshot was not persisted before advance()');
      r.appliedSnapshot(ready.snapshot);
    }
    const lastCommitted = ready.committedEntries[ready.committedEntries.length - 1];
    if (lastCommitted !== undefined) {
      r.appliedTo(lastCommitted.index);
      r.reduceUncommittedSize(payloadSizeBytes(ready.committedEntries));
    }
  }
}
