/**
 * The Raft protocol as one synchronous state machine: messages in (step, tick), messages and log
 * changes out (collected by RawNode into a Ready). Section numbers in comments refer to the Raft
 * paper (Ongaro & Ousterhout, extended version); "thesis" to Ongaro's dissertation.
 *
 * The role decides how a message is handled (stepLeader / stepCandidate / stepFollower); what all
 * roles share (terms, votes) is handled in step first. Every send is deferred: messages collect in
 * `msgs` and `msgsAfterAppend` and leave through Ready only after the state they depend on is
 * persisted. Responses a node owes itself (its own vote, its own append acknowledgement) are
 * stepped back in when the Ready is advanced, i.e. only once that state is durable.
 */
import { assert, assertNever } from '../../common/assert.js';
import { applyConfChangeTo, describeConfChange, restoreConfig } from './conf-change.js';
import { decodeConfChange, encodeConfChange } from './conf-change-codec.js';
import { payloadSizeBytes } from './entry-size.js';
import {
  maxCommittedSizePerReadyDefaultBytes,
  maxInflightMsgsDefault,
  maxSizePerMsgDefaultBytes,
  maxUncommittedEntriesSizeDefaultBytes,
  pendingReadIndexRequestsMax,
} from './limits.js';
import { silentLogger } from './logger.js';
import { RaftLog } from './raft-log.js';
import { ReadOnly } from './read-only.js';
import { Progress } from './tracker/progress.js';
import {
  describeTrackerConfig,
  isJoint,
  ProgressTracker,
  type TrackerConfig,
} from './tracker/progress-tracker.js';
import {
  ErrCompacted,
  ErrSnapshotTemporarilyUnavailable,
  NONE,
  isEmptySnapshot,
  type ConfChange,
  type ConfState,
  type Config,
  type Entry,
  type HardState,
  type LogIndex,
  type Logger,
  type Message,
  type MsgApp,
  type MsgAppResp,
  type MsgHeartbeat,
  type MsgHeartbeatResp,
  type MsgPreVote,
  type MsgProp,
  type MsgReadIndex,
  type MsgSnap,
  type MsgSnapStatus,
  type MsgTransferLeader,
  type MsgUnreachable,
  type MsgVote,
  type NodeId,
  type ProposalDropReason,
  type RaftRole,
  type ReadOnlyOption,
  type ReadState,
  type Snapshot,
  type SoftState,
  type StepRejection,
  type Term,
} from './types.js';
import type { Prng } from '../../common/prng.js';

/** Why a campaign starts: pre-vote first round, a real election, or a leadership transfer. */
export type CampaignType = 'pre-election' | 'election' | 'transfer';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A message being sent: from is this node; term is filled in unless given (votes give it). */
type Outgoing = DistributiveOmit<Message, 'from' | 'term'> & { readonly term?: Term };

function dropped(reason: ProposalDropReason): StepRejection {
  return { kind: 'proposal-dropped', reason };
}

const EMPTY_BYTES = new Uint8Array(0);

export class Raft {
  readonly id: NodeId;
  term: Term = 0 as Term;
  vote: NodeId = NONE;
  /** Answers to read requests, handed out in the next Ready. */
  readStates: ReadState[] = [];
  readonly raftLog: RaftLog;
  trk: ProgressTracker;
  role: RaftRole = 'follower';
  /** This node is a learner in the active configuration. */
  isLearner = false;
  /** Messages to send once the current Ready is persisted. */
  msgs: Message[] = [];
  /**
   * Responses that acknowledge persisted state (appends and votes). They go out with the Ready
   * like msgs; those addressed to this node are stepped back in on advance.
   */
  msgsAfterAppend: Message[] = [];
  lead: NodeId = NONE;
  /** The node leadership is being handed to (thesis 3.10), or NONE. */
  leadTransferee: NodeId = NONE;
  /**
   * The index of the latest conf change proposed by this leader (or, just elected, its last
   * index). A new conf change is accepted only once applied has reached it: one at a time.
   */
  pendingConfIndex: LogIndex = 0 as LogIndex;
  /** Bytes of entry data in the uncommitted tail (leader only; an estimate that never overcounts). */
  uncommittedSizeBytes = 0;
  readOnly: ReadOnly;
  /** Read requests that wait for this new leader's first commit in its term. */
  pendingReadIndexMessages: MsgReadIndex[] = [];

  /**
   * Ticks since the last election timeout (leader, candidate) or since a valid message from the
   * current leader (follower).
   */
  electionElapsed = 0;
  /** Ticks since the last heartbeat (leader only). */
  heartbeatElapsed = 0;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly heartbeatTimeout: number;
  readonly electionTimeout: number;
  /** Drawn from [electionTimeout, 2 * electionTimeout) at every reset. */
  randomizedElectionTimeout = 0;
  readonly disableProposalForwarding: boolean;
  readonly maxMsgSizeBytes: number;
  readonly maxUncommittedSizeBytes: number;
  readonly logger: Logger;
  private readonly prng: Prng;
  private readonly unsafeCommitByCounting: boolean;

  constructor(config: Config) {
    validateConfig(config);
    this.id = config.id;
    this.logger = config.logger ?? silentLogger;
    this.prng = config.prng;
    this.raftLog = new RaftLog(
      config.storage,
      this.logger,
      config.maxCommittedSizePerReady ?? maxCommittedSizePerReadyDefaultBytes,
    );
    this.maxMsgSizeBytes = config.maxSizePerMsg ?? maxSizePerMsgDefaultBytes;
    this.maxUncommittedSizeBytes = config.maxUncommittedEntriesSize ?? maxUncommittedEntriesSizeDefaultBytes;
    this.trk = new ProgressTracker(config.maxInflightMsgs ?? maxInflightMsgsDefault);
    this.electionTimeout = config.electionTick;
    this.heartbeatTimeout = config.heartbeatTick;
    this.checkQuorum = config.checkQuorum ?? false;
    this.preVote = config.preVote ?? false;
    this.readOnly = new ReadOnly(config.readOnlyOption ?? 'safe');
    this.disableProposalForwarding = config.disableProposalForwarding ?? false;
    this.unsafeCommitByCounting = config.unsafeCommitEntriesFromPriorTermsByCounting ?? false;

    const { hardState, confState } = config.storage.initialState();
    const restored = restoreConfig(confState);
    assert(restored.ok, `unable to restore config ${JSON.stringify(confState)}: ${restored.ok ? '' : restored.error}`);
    this.switchToConfig(restored.config);

    if (!(hardState.term === 0 && hardState.vote === NONE && hardState.commit === 0)) this.loadState(hardState);
    if (config.applied !== undefined && config.applied > 0) this.raftLog.appliedTo(config.applied);
    this.becomeFollower(this.term, NONE);

    const last = this.raftLog.lastEntryId();
    this.logger.info(
      `newRaft ${this.id} [peers: [${this.trk.voterNodes().join(',')}], term: ${this.term}, commit: ${this.raftLog.committed}, applied: ${this.raftLog.applied}, lastindex: ${last.index}, lastterm: ${last.term}]`,
    );
  }

  // ------------------------------------------------------------------------------------------
  // State seen from outside
  // ------------------------------------------------------------------------------------------

  softState(): SoftState {
    return { lead: this.lead, role: this.role };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  hasLeader(): boolean {
    return this.lead !== NONE;
  }

  /** Can this node become leader: a voter of its configuration with no snapshot to install. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasNextOrInProgressSnapshot();
  }

  // ------------------------------------------------------------------------------------------
  // Time
  // ------------------------------------------------------------------------------------------

  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  /** Followers and candidates: campaign when the election timeout passes without a leader. */
  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.stepLocal({ type: 'MsgHup', from: this.id, to: this.id, term: 0 as Term });
    }
  }

  /** Leaders: heartbeat every heartbeatTimeout, check the quorum every electionTimeout. */
  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) {
        this.stepLocal({ type: 'MsgCheckQuorum', from: this.id, to: this.id, term: 0 as Term });
      }
      // A transfer that did not finish within an election timeout is abandoned (thesis 3.10).
      if (this.role === 'leader' && this.leadTransferee !== NONE) {
        this.logger.info(`${this.id} [term ${this.term}] abort transferring leadership to ${this.leadTransferee}: not done within an election timeout`);
        this.abortLeaderTransfer();
      }
    }
    if (this.role !== 'leader') return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.stepLocal({ type: 'MsgBeat', from: this.id, to: this.id, term: 0 as Term });
    }
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.prng.nextInt(this.electionTimeout);
  }

  // ------------------------------------------------------------------------------------------
  // Role transitions
  // ------------------------------------------------------------------------------------------

  becomeFollower(term: Term, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
    this.logger.info(`${this.id} became follower at term ${this.term}`);
  }

  becomeCandidate(): void {
    assert(this.role !== 'leader', 'invalid transition [leader -> candidate]');
    this.reset((this.term + 1) as Term);
    this.vote = this.id;
    this.role = 'candidate';
    this.logger.info(`${this.id} became candidate at term ${this.term}`);
  }

  /**
   * Pre-vote (thesis 9.6): ask whether an election at term + 1 could be won before disturbing
   * anyone. Neither the term nor the vote changes.
   */
  becomePreCandidate(): void {
    assert(this.role !== 'leader', 'invalid transition [leader -> pre-candidate]');
    this.trk.resetVotes();
    this.lead = NONE;
    this.role = 'preCandidate';
    this.logger.info(`${this.id} became pre-candidate at term ${this.term}`);
  }

  becomeLeader(): void {
    assert(this.role !== 'follower', 'invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    const pr = this.trk.progress.get(this.id);
    assert(pr !== undefined, 'a leader tracks its own progress');
    pr.becomeReplicate();
    pr.recentActive = true;
    // There may be an unapplied conf change in the log; refusing new ones until everything in the
    // log is applied is safe and avoids scanning the tail.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // An empty entry of the new term: committing it commits everything before it (section 5.4.2)
    // and tells this leader what is committed (section 8).
    const accepted = this.appendEntry([{ term: 0 as Term, index: 0 as LogIndex, type: 'normal', data: EMPTY_BYTES }]);
    assert(accepted, 'empty entry was dropped');
    this.logger.info(`${this.id} became leader at term ${this.term}`);
  }

  private reset(term: Term): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const lastIndex = this.raftLog.lastIndex();
    for (const [id, old] of this.trk.progress) {
      const pr = new Progress({
        match: (id === this.id ? lastIndex : 0) as LogIndex,
        next: (lastIndex + 1) as LogIndex,
        inflightsCapacity: this.trk.maxInflight,
        isLearner: old.isLearner,
      });
      this.trk.progress.set(id, pr);
    }
    this.pendingConfIndex = 0 as LogIndex;
    this.uncommittedSizeBytes = 0;
    this.readOnly = new ReadOnly(this.readOnly.option);
    this.pendingReadIndexMessages = [];
  }

  // ------------------------------------------------------------------------------------------
  // Sending
  // ------------------------------------------------------------------------------------------

  private send(out: Outgoing): void {
    let term: Term;
    if (
      out.type === 'MsgVote' ||
      out.type === 'MsgVoteResp' ||
      out.type === 'MsgPreVote' ||
      out.type === 'MsgPreVoteResp'
    ) {
      // Campaign messages carry the term they are about (for pre-votes, a future one).
      assert(out.term !== undefined && out.term > 0, `term should be set when sending ${out.type}`);
      term = out.term;
    } else {
      assert(out.term === undefined, `term should not be set when sending ${out.type}`);
      // Proposals and read requests forwarded to the leader are treated as local there.
      term = out.type === 'MsgProp' || out.type === 'MsgReadIndex' ? (0 as Term) : this.term;
    }
    const m = { ...out, from: this.id, term } as Message;
    if (m.type === 'MsgAppResp' || m.type === 'MsgVoteResp' || m.type === 'MsgPreVoteResp') {
      // Acknowledgements of appends and votes promise durable state (section 5.1 / thesis 3.8): they
      // leave only after the Ready holding that state is persisted.
      this.msgsAfterAppend.push(m);
    } else {
      assert(m.to !== this.id, `message should not be self-addressed when sending ${m.type}`);
      this.msgs.push(m);
    }
  }

  /** Sends an append (entries, or empty to carry the commit index) to `to`, if flow control allows. */
  sendAppend(to: NodeId): boolean {
    return this.maybeSendAppend(to, true);
  }

  /**
   * Sends a MsgApp with the entries `to` is missing, from its next index, bounded by
   * maxSizePerMsg; a snapshot instead if those entries are compacted. With sendIfEmpty false,
   * nothing is sent when there are no entries to send. Returns whether a message was sent.
   */
  maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to);
    assert(pr !== undefined, `no progress for ${to}`);
    if (pr.isPaused()) return false;
    const prevIndex = (pr.next - 1) as LogIndex;
    const prevTerm = this.raftLog.term(prevIndex);
    if (prevTerm === undefined) {
      // The log was compacted past next: only a snapshot can catch the follower up.
      return this.maybeSendSnapshot(to, pr);
    }
    let entries: Entry[] = [];
    // With a full window in replicate state only empty MsgApps go out: if every message in flight
    // was lost, an empty one still gets an answer and frees the window.
    if (pr.state !== 'replicate' || !pr.inflights.full()) {
      try {
        entries = this.raftLog.entries(pr.next, this.maxMsgSizeBytes);
      } catch (err) {
        if (err instanceof ErrCompacted) return this.maybeSendSnapshot(to, pr);
        throw err;
      }
    }
    if (entries.length === 0 && !sendIfEmpty) return false;
    const commit = this.raftLog.committed;
    this.send({ type: 'MsgApp', to, logTerm: prevTerm, index: prevIndex, entries, commit });
    pr.sentEntries(entries.length);
    pr.sentCommitIndex(commit);
    return true;
  }

  private maybeSendSnapshot(to: NodeId, pr: Progress): boolean {
    if (!pr.recentActive) {
      this.logger.debug(`ignore sending snapshot to ${to} since it is not recently active`);
      return false;
    }
    let snapshot: Snapshot;
    try {
      snapshot = this.raftLog.snapshot();
    } catch (err) {
      if (err instanceof ErrSnapshotTemporarilyUnavailable) {
        this.logger.debug(`${this.id} failed to send snapshot to ${to} because snapshot is temporarily unavailable`);
        return false;
      }
      throw err;
    }
    assert(!isEmptySnapshot(snapshot), 'need non-empty snapshot');
    const { index, term } = snapshot.metadata;
    this.logger.debug(
      `${this.id} [firstindex: ${this.raftLog.firstIndex()}, commit: ${this.raftLog.committed}] sent snapshot[index: ${index}, term: ${term}] to ${to} [${pr.toString()}]`,
    );
    pr.becomeSnapshot(index);
    this.logger.debug(`${this.id} paused sending replication messages to ${to} [${pr.toString()}]`);
    this.send({ type: 'MsgSnap', to, snapshot });
    return true;
  }

  /**
   * A heartbeat carries min(match, committed): a follower must never learn of a commit index
   * beyond the part of its log known to match the leader's.
   */
  private sendHeartbeat(to: NodeId, context: Uint8Array): void {
    const pr = this.trk.progress.get(to);
    assert(pr !== undefined, `no progress for ${to}`);
    const commit = Math.min(pr.match, this.raftLog.committed) as LogIndex;
    this.send({ type: 'MsgHeartbeat', to, commit, context });
    pr.sentCommitIndex(commit);
  }

  bcastAppend(): void {
    this.trk.visit((id) => {
      if (id !== this.id) this.sendAppend(id);
    });
  }

  private bcastHeartbeat(): void {
    this.bcastHeartbeatWithContext(this.readOnly.lastPendingRequestContext() ?? EMPTY_BYTES);
  }

  private bcastHeartbeatWithContext(context: Uint8Array): void {
    this.trk.visit((id) => {
      if (id !== this.id) this.sendHeartbeat(id, context);
    });
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send({ type: 'MsgTimeoutNow', to });
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  // ------------------------------------------------------------------------------------------
  // The log, on the leader
  // ------------------------------------------------------------------------------------------

  /** Appends entries of this term to the leader's log; false if the uncommitted bound refuses them. */
  private appendEntry(entries: readonly Entry[]): boolean {
    const lastIndex = this.raftLog.lastIndex();
    const stamped = entries.map((e, i): Entry => ({ ...e, term: this.term, index: (lastIndex + 1 + i) as LogIndex }));
    if (!this.increaseUncommittedSize(stamped)) {
      this.logger.warn(`${this.id} appending new entries to log would exceed uncommitted entry size limit; dropping proposal`);
      return false;
    }
    const newLast = this.raftLog.append(stamped);
    // The leader acknowledges its own append once it is durable, like any follower (section 5.3).
    this.send({ type: 'MsgAppResp', to: this.id, index: newLast, reject: false, rejectHintIndex: 0 as LogIndex, rejectHintTerm: 0 as Term });
    return true;
  }

  /**
   * Advances the commit index to the largest index stored on a quorum, if that entry is of the
   * current term. Section 5.4.2: "Raft never commits log entries from previous terms by counting
   * replicas. Only log entries from the leader's current term are committed by counting replicas."
   */
  maybeCommit(): boolean {
    const index = this.trk.committed();
    if (this.unsafeCommitByCounting) {
      // TEST ONLY: the Figure 8 bug, on purpose (see Config).
      if (index > this.raftLog.committed && index <= this.raftLog.lastIndex()) {
        this.raftLog.commitTo(index);
        return true;
      }
      return false;
    }
    return this.raftLog.maybeCommit({ index, term: this.term });
  }

  private increaseUncommittedSize(entries: readonly Entry[]): boolean {
    const size = payloadSizeBytes(entries);
    // An empty tail accepts a proposal of any size, and empty entries are always accepted (the new
    // leader's entry and the automatic leave of a joint configuration must never be refused).
    if (this.uncommittedSizeBytes > 0 && size > 0 && this.uncommittedSizeBytes + size > this.maxUncommittedSizeBytes) {
      return false;
    }
    this.uncommittedSizeBytes += size;
    return true;
  }

  reduceUncommittedSize(sizeBytes: number): void {
    // The estimate may undercount (it restarts at 0 each term) but never overcounts: saturate.
    this.uncommittedSizeBytes = Math.max(0, this.uncommittedSizeBytes - sizeBytes);
  }

  /** The application has applied up to index (called on advance). */
  appliedTo(index: LogIndex): void {
    const newApplied = Math.max(index, this.raftLog.applied) as LogIndex;
    this.raftLog.appliedTo(newApplied);
    if (this.trk.config.autoLeave && newApplied >= this.pendingConfIndex && this.role === 'leader') {
      // The joint configuration this leader entered is applied: leave it. The empty conf change has
      // no payload, so only a leadership transfer can refuse it; it is retried on each advance.
      const rejection = this.step({
        type: 'MsgProp',
        from: this.id,
        to: this.id,
        term: 0 as Term,
        entries: [{ term: 0 as Term, index: 0 as LogIndex, type: 'confChange', data: EMPTY_BYTES }],
      });
      if (rejection === undefined) {
        this.logger.info(`initiating automatic transition out of joint configuration ${describeTrackerConfig(this.trk.config)}`);
      } else {
        this.logger.debug(`not initiating automatic transition out of joint configuration: ${JSON.stringify(rejection)}`);
      }
    }
  }

  /** A snapshot handed out in a Ready has been persisted and applied. */
  appliedSnapshot(snapshot: Snapshot): void {
    const index = snapshot.metadata.index;
    this.raftLog.stableSnapTo(index);
    this.appliedTo(index);
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.raftLog.applied >= this.raftLog.committed) return false;
    const entries = this.raftLog.slice(
      (this.raftLog.applied + 1) as LogIndex,
      (this.raftLog.committed + 1) as LogIndex,
      Number.MAX_SAFE_INTEGER,
    );
    return entries.some((e) => e.type === 'confChange');
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.raftLog.term(this.raftLog.committed) === this.term;
  }

  // ------------------------------------------------------------------------------------------
  // Campaigning
  // ------------------------------------------------------------------------------------------

  private hup(type: CampaignType): void {
    if (this.role === 'leader') {
      this.logger.debug(`${this.id} ignoring MsgHup because already leader`);
      return;
    }
    if (!this.promotable()) {
      this.logger.warn(`${this.id} is unpromotable and can not campaign`);
      return;
    }
    // A configuration change that is committed but not applied may change who votes; campaigning
    // under the old configuration could elect a leader the new one does not accept.
    if (this.hasUnappliedConfChanges()) {
      this.logger.warn(`${this.id} cannot campaign at term ${this.term} since there are still pending configuration changes to apply`);
      return;
    }
    this.logger.info(`${this.id} is starting a new election at term ${this.term}`);
    this.campaign(type);
  }

  /** Section 5.2: "it increments its current term ... votes for itself and issues RequestVote RPCs". */
  campaign(type: CampaignType): void {
    let term: Term;
    let voteType: 'MsgPreVote' | 'MsgVote';
    if (type === 'pre-election') {
      this.becomePreCandidate();
      voteType = 'MsgPreVote';
      // Pre-votes are for the term the election would have, without moving to it yet.
      term = (this.term + 1) as Term;
    } else {
      this.becomeCandidate();
      voteType = 'MsgVote';
      term = this.term;
    }
    const last = this.raftLog.lastEntryId();
    for (const id of this.trk.voterNodes()) {
      if (id === this.id) {
        // Its own vote counts once it is durable: stepped back in on advance.
        this.send({ type: voteType === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp', to: id, term, reject: false });
        continue;
      }
      this.logger.info(
        `${this.id} [logterm: ${last.term}, index: ${last.index}] sent ${voteType} request to ${id} at term ${this.term}`,
      );
      this.send({ type: voteType, to: id, term, logTerm: last.term, index: last.index, leaderTransfer: type === 'transfer' });
    }
  }

  private poll(id: NodeId, type: string, granted: boolean): ReturnType<ProgressTracker['tallyVotes']> {
    if (granted) this.logger.info(`${this.id} received ${type} from ${id} at term ${this.term}`);
    else this.logger.info(`${this.id} received ${type} rejection from ${id} at term ${this.term}`);
    this.trk.recordVote(id, granted);
    return this.trk.tallyVotes();
  }

  // ------------------------------------------------------------------------------------------
  // Step
  // ------------------------------------------------------------------------------------------

  private stepLocal(m: Message): void {
    const rejection = this.step(m);
    if (rejection !== undefined) this.logger.debug(`error occurred stepping ${m.type}: ${JSON.stringify(rejection)}`);
  }

  /** Handles one message. Returns a rejection for dropped proposals, undefined otherwise. */
  step(m: Message): StepRejection | undefined {
    if (m.term === 0) {
      // A local message (or a forwarded proposal / read request).
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const force = m.leaderTransfer;
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) {
          // Thesis 4.2.3: "if a server receives a RequestVote request within the minimum election
          // timeout of hearing from a current leader, it does not update its term or grant its vote".
          const last = this.raftLog.lastEntryId();
          this.logger.info(
            `${this.id} [logterm: ${last.term}, index: ${last.index}, vote: ${this.vote}] ignored ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}: lease is not expired (remaining ticks: ${this.electionTimeout - this.electionElapsed})`,
          );
          return undefined;
        }
      }
      if (m.type === 'MsgPreVote') {
        // Never change the term in response to a pre-vote.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // A granted pre-vote carries the future term we asked about; the term moves only once a
        // quorum grants it.
      } else {
        this.logger.info(`${this.id} [term: ${this.term}] received a ${m.type} message with higher term from ${m.from} [term: ${m.term}]`);
        if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') {
          this.becomeFollower(m.term, m.from);
        } else {
          this.becomeFollower(m.term, NONE);
        }
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A leader of an older term is still sending. With check-quorum or pre-vote this node may
        // have moved to a higher term in a partition and, ignoring vote requests, could never
        // bring that leader's term up; answering tells the old leader to step down.
        this.send({ type: 'MsgAppResp', to: m.from, index: 0 as LogIndex, reject: false, rejectHintIndex: 0 as LogIndex, rejectHintTerm: 0 as Term });
      } else if (m.type === 'MsgPreVote') {
        // Reject explicitly (rather than ignore), so a pre-candidate with a stale term learns of
        // the newer one instead of retrying forever.
        const last = this.raftLog.lastEntryId();
        this.logger.info(
          `${this.id} [logterm: ${last.term}, index: ${last.index}, vote: ${this.vote}] rejected ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`,
        );
        this.send({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true });
      } else {
        this.logger.info(`${this.id} [term: ${this.term}] ignored a ${m.type} message with lower term from ${m.from} [term: ${m.term}]`);
      }
      return undefined;
    }

    switch (m.type) {
      case 'MsgHup':
        this.hup(this.preVote ? 'pre-election' : 'election');
        return undefined;
      case 'MsgVote':
      case 'MsgPreVote':
        this.handleVoteRequest(m);
        return undefined;
      default:
        switch (this.role) {
          case 'leader':
            return this.stepLeader(m);
          case 'candidate':
          case 'preCandidate':
            return this.stepCandidate(m);
          case 'follower':
            return this.stepFollower(m);
        }
    }
  }

  /** Section 5.2 and 5.4.1: one vote per term, only for a candidate whose log is at least as up-to-date. */
  private handleVoteRequest(m: MsgVote | MsgPreVote): void {
    const canVote =
      // A repeat of the vote already cast...
      this.vote === m.from ||
      // ...or no vote yet and no leader known in this term...
      (this.vote === NONE && this.lead === NONE) ||
      // ...or a pre-vote for a future term.
      (m.type === 'MsgPreVote' && m.term > this.term);
    const last = this.raftLog.lastEntryId();
    const candidate = { index: m.index, term: m.logTerm };
    const respType = m.type === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
    // Learners answer too: a learner may have been promoted in a configuration it has not yet
    // applied, and the candidate may need its vote.
    if (canVote && this.raftLog.isUpToDate(candidate)) {
      this.logger.info(
        `${this.id} [logterm: ${last.term}, index: ${last.index}, vote: ${this.vote}] cast ${m.type} for ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`,
      );
      // The response carries the request's term: for a pre-vote the local term may be older, and
      // the pre-candidate ignores responses from older terms.
      this.send({ type: respType, to: m.from, term: m.term, reject: false });
      if (m.type === 'MsgVote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.logger.info(
        `${this.id} [logterm: ${last.term}, index: ${last.index}, vote: ${this.vote}] rejected ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`,
      );
      this.send({ type: respType, to: m.from, term: this.term, reject: true });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Leader
  // ------------------------------------------------------------------------------------------

  private stepLeader(m: Message): StepRejection | undefined {
    switch (m.type) {
      case 'MsgBeat':
        this.bcastHeartbeat();
        return undefined;
      case 'MsgCheckQuorum':
        this.checkQuorumActive();
        return undefined;
      case 'MsgProp':
        return this.handleProposal(m);
      case 'MsgReadIndex':
        return this.handleReadIndexOnLeader(m);
      case 'MsgAppResp':
        this.withProgress(m.from, (pr) => this.handleAppendResponse(m, pr));
        return undefined;
      case 'MsgHeartbeatResp':
        this.withProgress(m.from, (pr) => this.handleHeartbeatResponse(m, pr));
        return undefined;
      case 'MsgSnapStatus':
        this.withProgress(m.from, (pr) => this.handleSnapStatus(m, pr));
        return undefined;
      case 'MsgUnreachable':
        this.withProgress(m.from, (pr) => this.handleUnreachable(m, pr));
        return undefined;
      case 'MsgTransferLeader':
        this.handleTransferLeader(m);
        return undefined;
      case 'MsgApp':
      case 'MsgHeartbeat':
      case 'MsgSnap':
      case 'MsgVoteResp':
      case 'MsgPreVoteResp':
      case 'MsgTimeoutNow':
      case 'MsgReadIndexResp':
      case 'MsgHup':
      case 'MsgVote':
      case 'MsgPreVote':
        // Not for a leader of this term (a second leader in one term cannot exist; stale votes and
        // responses are harmless).
        return undefined;
      default:
        return assertNever(m, 'message');
    }
  }

  private withProgress(from: NodeId, fn: (pr: Progress) => void): void {
    const pr = this.trk.progress.get(from);
    if (pr === undefined) {
      this.logger.debug(`${this.id} no progress available for ${from}`);
      return;
    }
    fn(pr);
  }

  /** Thesis 6.2: a leader that has not heard from a quorum within an election timeout steps down. */
  private checkQuorumActive(): void {
    if (!this.trk.quorumActive()) {
      this.logger.warn(`${this.id} stepped down to follower since quorum is not active`);
      this.becomeFollower(this.term, NONE);
    }
    // Everyone but this node must prove itself active again before the next check.
    this.trk.visit((id, pr) => {
      if (id !== this.id) pr.recentActive = false;
    });
  }

  private handleProposal(m: MsgProp): StepRejection | undefined {
    assert(m.entries.length > 0, `${this.id} stepped empty MsgProp`);
    if (!this.trk.progress.has(this.id)) {
      // Removed from the configuration while leading: no new proposals.
      return dropped('not-in-configuration');
    }
    if (this.leadTransferee !== NONE) {
      // Thesis 3.10: "the prior leader stops accepting new client requests" during a transfer.
      this.logger.debug(`${this.id} [term ${this.term}] transfer leadership to ${this.leadTransferee} is in progress; dropping proposal`);
      return dropped('leadership-transfer-in-progress');
    }
    const entries = m.entries.map((e, i) => this.vetConfChange(e, i));
    if (!this.appendEntry(entries)) return dropped('uncommitted-size-limit');
    this.bcastAppend();
    return undefined;
  }

  /**
   * A conf change entry is kept only if it can apply: no other change pending, and valid against
   * the current configuration. Otherwise it becomes an empty normal entry, so the proposal keeps its
   * place and the log never holds a change that would fail to apply.
   */
  private vetConfChange(e: Entry, offset: number): Entry {
    if (e.type !== 'confChange') return e;
    let failed: string | undefined;
    let cc: ConfChange | undefined;
    try {
      cc = decodeConfChange(e.data);
    } catch (err) {
      failed = `undecodable conf change: ${(err as Error).message}`;
    }
    if (cc !== undefined) {
      const alreadyPending = this.pendingConfIndex > this.raftLog.applied;
      const alreadyJoint = isJoint(this.trk.config);
      const wantsLeaveJoint = cc.changes.length === 0;
      if (alreadyPending) {
        failed = `possible unapplied conf change at index ${this.pendingConfIndex} (applied to ${this.raftLog.applied})`;
      } else if (alreadyJoint && !wantsLeaveJoint) {
        failed = 'must transition out of joint config first';
      } else if (!alreadyJoint && wantsLeaveJoint) {
        failed = 'not in joint state; refusing empty conf change';
      } else {
        const result = applyConfChangeTo(this.trk.config, cc);
        if (!result.ok) failed = result.error;
      }
    }
    if (failed !== undefined) {
      const what = cc === undefined ? 'conf change' : `conf change ${describeConfChange(cc)}`;
      this.logger.info(`${this.id} ignoring ${what} at config ${describeTrackerConfig(this.trk.config)}: ${failed}`);
      return { ...e, type: 'normal', data: EMPTY_BYTES };
    }
    this.pendingConfIndex = (this.raftLog.lastIndex() + offset + 1) as LogIndex;
    return e;
  }

  private handleReadIndexOnLeader(m: MsgReadIndex): StepRejection | undefined {
    // A lone voter needs nobody's confirmation.
    if (this.trk.isSingleton()) {
      this.respondToReadIndex(m, this.raftLog.committed);
      return undefined;
    }
    // Thesis 6.4: a new leader does not know the commit index of the previous term until it has
    // committed an entry of its own term; the read waits for that.
    if (!this.committedEntryInCurrentTerm()) {
      if (this.pendingReadIndexMessages.length >= pendingReadIndexRequestsMax) return dropped('read-index-limit');
      this.pendingReadIndexMessages.push(m);
      return undefined;
    }
    return this.sendReadIndexResponse(m);
  }

  private sendReadIndexResponse(m: MsgReadIndex): StepRejection | undefined {
    switch (this.readOnly.option) {
      case 'safe':
        // Confirm leadership with a heartbeat round; answered once a quorum acknowledges it.
        if (!this.readOnly.addRequest(this.raftLog.committed, m)) {
          this.logger.debug(`${this.id} dropping read index request from ${m.from}: duplicate context or too many pending`);
          return dropped('read-index-limit');
        }
        this.readOnly.recvAck(this.id, m.context);
        this.bcastHeartbeatWithContext(m.context);
        return undefined;
      case 'lease-based':
        // With check-quorum no other leader can exist within the lease: answer at once.
        this.respondToReadIndex(m, this.raftLog.committed);
        return undefined;
      default:
        return assertNever(this.readOnly.option, 'read-only option');
    }
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0) return;
    if (!this.committedEntryInCurrentTerm()) {
      this.logger.error('pending MsgReadIndex should be released only after first commit in current term');
      return;
    }
    const pending = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of pending) this.sendReadIndexResponse(m);
  }

  /** A local request becomes a ReadState; a follower's gets a MsgReadIndexResp. */
  private respondToReadIndex(request: MsgReadIndex, index: LogIndex): void {
    if (request.from === NONE || request.from === this.id) {
      this.readStates.push({ index, requestContext: request.context });
      return;
    }
    this.send({ type: 'MsgReadIndexResp', to: request.from, index, context: request.context });
  }

  private handleAppendResponse(m: MsgAppResp, pr: Progress): void {
    pr.recentActive = true;
    if (m.reject) {
      this.logger.debug(
        `${this.id} received MsgAppResp(rejected, hint: (index ${m.rejectHintIndex}, term ${m.rejectHintTerm})) from ${m.from} for index ${m.index}`,
      );
      // Fast backtracking: the follower's hint is the last entry of its log (at or below the probed
      // index) whose term is at most the probed term. Every leader entry above the last one with a
      // term at most the hint's term cannot match either (terms only grow along a log), so the next
      // probe skips them: at most one probe per term.
      let nextProbeIndex = m.rejectHintIndex;
      if (m.rejectHintTerm > 0) {
        nextProbeIndex = this.raftLog.findConflictByTerm(m.rejectHintIndex, m.rejectHintTerm).index;
      }
      if (pr.maybeDecrTo(m.index, nextProbeIndex)) {
        this.logger.debug(`${this.id} decreased progress of ${m.from} to [${pr.toString()}]`);
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }

    // A response equal to match still matters in probe state: it proves the probe succeeded (for
    // instance after the follower was marked unreachable) and moves the follower to replicate.
    if (!(pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === 'probe'))) return;
    switch (pr.state) {
      case 'probe':
        pr.becomeReplicate();
        break;
      case 'snapshot':
        // Whatever snapshot the follower installed, if the log now reaches it, replicate from it.
        if (pr.match + 1 >= this.raftLog.firstIndex()) {
          this.logger.debug(`${this.id} recovered from needing snapshot, resumed sending replication messages to ${m.from} [${pr.toString()}]`);
          pr.becomeProbe();
          pr.becomeReplicate();
        }
        break;
      case 'replicate':
        pr.inflights.freeLE(m.index);
        break;
    }
    if (this.maybeCommit()) {
      // The commit moved in this term, so pending reads can be answered; and everyone learns it.
      this.releasePendingReadIndexMessages();
      this.bcastAppend();
    } else if (m.from !== this.id && pr.canBumpCommit(this.raftLog.committed)) {
      // The follower may not know the latest commit index yet: tell it now rather than at the
      // next heartbeat.
      this.sendAppend(m.from);
    }
    // The window may have room for several messages now (e.g. just moved to replicate).
    if (m.from !== this.id) {
      while (this.maybeSendAppend(m.from, false)) {
        // keep sending while there are entries and room
      }
    }
    if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
      this.logger.info(`${this.id} sent MsgTimeoutNow to ${m.from} after received MsgAppResp`);
      this.sendTimeoutNow(m.from);
    }
  }

  private handleHeartbeatResponse(m: MsgHeartbeatResp, pr: Progress): void {
    pr.recentActive = true;
    pr.msgAppFlowPaused = false;
    // Resume a follower that is behind or probing; with a full window this sends an empty MsgApp
    // whose answer frees the window even if every message in it was lost.
    if (pr.match < this.raftLog.lastIndex() || pr.state === 'probe') this.sendAppend(m.from);
    if (this.readOnly.option !== 'safe' || m.context.byteLength === 0) return;
    if (this.trk.voteResult(this.readOnly.recvAck(m.from, m.context)) !== 'won') return;
    for (const rs of this.readOnly.advance(m.context)) this.respondToReadIndex(rs.request, rs.index);
  }

  private handleSnapStatus(m: MsgSnapStatus, pr: Progress): void {
    if (pr.state !== 'snapshot') return;
    if (!m.reject) {
      pr.becomeProbe();
      this.logger.debug(`${this.id} snapshot succeeded, resumed sending replication messages to ${m.from} [${pr.toString()}]`);
    } else {
      // Forget the snapshot before probing, or probing would start after a snapshot never applied.
      pr.pendingSnapshot = 0 as LogIndex;
      pr.becomeProbe();
      this.logger.debug(`${this.id} snapshot failed, resumed sending replication messages to ${m.from} [${pr.toString()}]`);
    }
    // Success: wait for the follower's MsgAppResp. Failure: wait a heartbeat before retrying.
    pr.msgAppFlowPaused = true;
  }

  private handleUnreachable(m: MsgUnreachable, pr: Progress): void {
    // Optimistic replication to an unreachable follower has probably lost messages: probe again.
    if (pr.state === 'replicate') pr.becomeProbe();
    this.logger.debug(`${this.id} failed to send message to ${m.from} because it is unreachable [${pr.toString()}]`);
  }

  /**
   * Thesis 3.10: bring the transferee's log up to date, then tell it to campaign at once
   * (MsgTimeoutNow). Proposals are refused meanwhile; an election timeout aborts the transfer.
   */
  private handleTransferLeader(m: MsgTransferLeader): void {
    const transferee = m.transferee;
    const pr = this.trk.progress.get(transferee);
    if (pr === undefined) {
      this.logger.debug(`${this.id} no progress available for ${transferee}; ignored transferring leadership`);
      return;
    }
    if (pr.isLearner) {
      this.logger.debug(`${this.id} is learner. Ignored transferring leadership`);
      return;
    }
    const last = this.leadTransferee;
    if (last !== NONE) {
      if (last === transferee) {
        this.logger.info(
          `${this.id} [term ${this.term}] transfer leadership to ${transferee} is in progress, ignores request to same node ${transferee}`,
        );
        return;
      }
      this.abortLeaderTransfer();
      this.logger.info(`${this.id} [term ${this.term}] abort previous transferring leadership to ${last}`);
    }
    if (transferee === this.id) {
      this.logger.debug(`${this.id} is already leader. Ignored transferring leadership to self`);
      return;
    }
    this.logger.info(`${this.id} [term ${this.term}] starts to transfer leadership to ${transferee}`);
    // The transfer must finish within one election timeout.
    this.electionElapsed = 0;
    this.leadTransferee = transferee;
    if (pr.match === this.raftLog.lastIndex()) {
      this.sendTimeoutNow(transferee);
      this.logger.info(`${this.id} sends MsgTimeoutNow to ${transferee} immediately as ${transferee} already has up-to-date log`);
    } else {
      this.sendAppend(transferee);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Candidate
  // ------------------------------------------------------------------------------------------

  private stepCandidate(m: Message): StepRejection | undefined {
    // Only responses to the current kind of campaign count: a candidate may still receive stale
    // pre-vote responses of this term from its pre-candidate phase.
    const myVoteRespType = this.role === 'preCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    switch (m.type) {
      case 'MsgProp':
        this.logger.info(`${this.id} no leader at term ${this.term}; dropping proposal`);
        return dropped('no-leader');
      case 'MsgApp':
        // Section 5.2: "If the AppendEntries RPC is from a leader whose term is at least as large as
        // the candidate's current term, then the candidate ... returns to follower state."
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return undefined;
      case 'MsgHeartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return undefined;
      case 'MsgSnap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return undefined;
      case 'MsgVoteResp':
      case 'MsgPreVoteResp': {
        if (m.type !== myVoteRespType) return undefined;
        const { granted, rejected, result } = this.poll(m.from, m.type, !m.reject);
        this.logger.info(`${this.id} has received ${granted} ${m.type} votes and ${rejected} vote rejections`);
        if (result === 'won') {
          if (this.role === 'preCandidate') {
            this.campaign('election');
          } else {
            this.becomeLeader();
            this.bcastAppend();
          }
        } else if (result === 'lost') {
          // A rejected pre-vote carries a future term; stay at this one.
          this.becomeFollower(this.term, NONE);
        }
        return undefined;
      }
      case 'MsgTimeoutNow':
        this.logger.debug(`${this.id} [term ${this.term} state ${this.role}] ignored MsgTimeoutNow from ${m.from}`);
        return undefined;
      case 'MsgReadIndex':
        this.logger.info(`${this.id} no leader at term ${this.term}; dropping index reading msg`);
        return dropped('no-leader');
      case 'MsgTransferLeader':
        this.logger.info(`${this.id} no leader at term ${this.term}; dropping leader transfer msg`);
        return undefined;
      case 'MsgHup':
      case 'MsgBeat':
      case 'MsgCheckQuorum':
      case 'MsgAppResp':
      case 'MsgHeartbeatResp':
      case 'MsgReadIndexResp':
      case 'MsgUnreachable':
      case 'MsgSnapStatus':
      case 'MsgVote':
      case 'MsgPreVote':
        return undefined;
      default:
        return assertNever(m, 'message');
    }
  }

  // ------------------------------------------------------------------------------------------
  // Follower
  // ------------------------------------------------------------------------------------------

  private stepFollower(m: Message): StepRejection | undefined {
    switch (m.type) {
      case 'MsgProp':
        if (this.lead === NONE) {
          this.logger.info(`${this.id} no leader at term ${this.term}; dropping proposal`);
          return dropped('no-leader');
        }
        if (this.disableProposalForwarding) {
          this.logger.info(`${this.id} not forwarding to leader ${this.lead} at term ${this.term}; dropping proposal`);
          return dropped('proposal-forwarding-disabled');
        }
        this.send({ type: 'MsgProp', to: this.lead, entries: m.entries });
        return undefined;
      case 'MsgApp':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        return undefined;
      case 'MsgHeartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return undefined;
      case 'MsgSnap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return undefined;
      case 'MsgTransferLeader':
        if (this.lead === NONE) {
          this.logger.info(`${this.id} no leader at term ${this.term}; dropping leader transfer msg`);
          return undefined;
        }
        this.send({ type: 'MsgTransferLeader', to: this.lead, transferee: m.transferee });
        return undefined;
      case 'MsgTimeoutNow':
        // Leadership transfers skip pre-vote: the old leader asked for it, so this is no partition.
        this.logger.info(`${this.id} [term ${this.term}] received MsgTimeoutNow from ${m.from} and starts an election to get leadership.`);
        this.hup('transfer');
        return undefined;
      case 'MsgReadIndex':
        if (this.lead === NONE) {
          this.logger.info(`${this.id} no leader at term ${this.term}; dropping index reading msg`);
          return dropped('no-leader');
        }
        this.send({ type: 'MsgReadIndex', to: this.lead, context: m.context });
        return undefined;
      case 'MsgReadIndexResp':
        this.readStates.push({ index: m.index, requestContext: m.context });
        return undefined;
      case 'MsgHup':
      case 'MsgBeat':
      case 'MsgCheckQuorum':
      case 'MsgAppResp':
      case 'MsgHeartbeatResp':
      case 'MsgVoteResp':
      case 'MsgPreVoteResp':
      case 'MsgUnreachable':
      case 'MsgSnapStatus':
      case 'MsgVote':
      case 'MsgPreVote':
        return undefined;
      default:
        return assertNever(m, 'message');
    }
  }

  /**
   * Section 5.3: the consistency check. Reply with the last index now matching the leader's log, or
   * reject with a hint for fast backtracking.
   */
  private handleAppendEntries(m: MsgApp): void {
    if (m.index < this.raftLog.committed) {
      // Everything up to committed already matches any leader's log: say so.
      this.send({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed, reject: false, rejectHintIndex: 0 as LogIndex, rejectHintTerm: 0 as Term });
      return;
    }
    const lastNewIndex = this.raftLog.maybeAppend({ index: m.index, term: m.logTerm }, m.commit, m.entries);
    if (lastNewIndex !== undefined) {
      this.send({ type: 'MsgAppResp', to: m.from, index: lastNewIndex, reject: false, rejectHintIndex: 0 as LogIndex, rejectHintTerm: 0 as Term });
      return;
    }
    this.logger.debug(
      `${this.id} [logterm: ${this.raftLog.term(m.index) ?? 0}, index: ${m.index}] rejected MsgApp [logterm: ${m.logTerm}, index: ${m.index}] from ${m.from}`,
    );
    // The hint: the largest (index, term) in this log with index <= m.index and term <= m.logTerm.
    // Entries above it have larger terms than anything the leader has there, so they cannot match.
    const hintIndex = Math.min(m.index, this.raftLog.lastIndex()) as LogIndex;
    const hint = this.raftLog.findConflictByTerm(hintIndex, m.logTerm);
    this.send({ type: 'MsgAppResp', to: m.from, index: m.index, reject: true, rejectHintIndex: hint.index, rejectHintTerm: hint.term });
  }

  private handleHeartbeat(m: MsgHeartbeat): void {
    this.raftLog.commitTo(m.commit);
    this.send({ type: 'MsgHeartbeatResp', to: m.from, context: m.context });
  }

  private handleSnapshot(m: MsgSnap): void {
    const { index, term } = m.snapshot.metadata;
    if (this.restore(m.snapshot)) {
      this.send({ type: 'MsgAppResp', to: m.from, index: this.raftLog.lastIndex(), reject: false, rejectHintIndex: 0 as LogIndex, rejectHintTerm: 0 as Term });
    } else {
      this.logger.info(`${this.id} [commit: ${this.raftLog.committed}] ignored snapshot [index: ${index}, term: ${term}]`);
      this.send({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed, reject: false, rejectHintIndex: 0 as LogIndex, rejectHintTerm: 0 as Term });
    }
  }

  /**
   * Section 7: installs a snapshot unless this log already covers it. Returns false if the
   * snapshot was ignored (old, or this log already holds its last entry: then only the commit index
   * moves).
   */
  restore(snapshot: Snapshot): boolean {
    const { index, term, confState } = snapshot.metadata;
    if (index <= this.raftLog.committed) return false;
    if (this.role !== 'follower') {
      // Only a follower receives snapshots; anything else is a bug, contained by stepping down.
      this.logger.warn(`${this.id} attempted to restore snapshot as leader; should never happen`);
      this.becomeFollower((this.term + 1) as Term, NONE);
      return false;
    }
    const member = [...confState.voters, ...confState.learners, ...confState.votersOutgoing].includes(this.id);
    if (!member) {
      this.logger.warn(`${this.id} attempted to restore snapshot but it is not in the ConfState ${JSON.stringify(confState)}; should never happen`);
      return false;
    }
    if (this.raftLog.matchTerm({ index, term })) {
      const last = this.raftLog.lastEntryId();
      this.logger.info(
        `${this.id} [commit: ${this.raftLog.committed}, lastindex: ${last.index}, lastterm: ${last.term}] fast-forwarded commit to snapshot [index: ${index}, term: ${term}]`,
      );
      this.raftLog.commitTo(index);
      return false;
    }
    this.raftLog.restore(snapshot);
    this.trk = new ProgressTracker(this.trk.maxInflight);
    const restored = restoreConfig(confState);
    assert(restored.ok, `unable to restore config ${JSON.stringify(confState)}: ${restored.ok ? '' : restored.error}`);
    this.switchToConfig(restored.config);
    const last = this.raftLog.lastEntryId();
    this.logger.info(
      `${this.id} [commit: ${this.raftLog.committed}, lastindex: ${last.index}, lastterm: ${last.term}] restored snapshot [index: ${index}, term: ${term}]`,
    );
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // Configuration
  // ------------------------------------------------------------------------------------------

  /**
   * Applies a committed conf change. A change that does not apply to the current configuration
   * (possible only if the log holds one the leader should have refused) changes nothing, on every
   * replica alike, and is logged.
   */
  applyConfChange(cc: ConfChange): ConfState {
    const result = applyConfChangeTo(this.trk.config, cc);
    if (!result.ok) {
      this.logger.error(`${this.id} ignoring committed conf change ${describeConfChange(cc)}: ${result.error}`);
      return this.trk.confState();
    }
    return this.switchToConfig(result.config);
  }

  /** Makes config the active configuration: reconciles progress, then reacts as leader. */
  switchToConfig(config: TrackerConfig): ConfState {
    const lastIndex = this.raftLog.lastIndex();
    const members = new Set([...config.voters[0], ...config.voters[1], ...config.learners]);
    const progress = new Map<NodeId, Progress>();
    for (const id of members) {
      const isLearner = config.learners.has(id);
      const existing = this.trk.progress.get(id);
      if (existing !== undefined) {
        existing.isLearner = isLearner;
        progress.set(id, existing);
        continue;
      }
      // A new member is probed at the last index; it counts as active so that check-quorum does
      // not fire before it had a chance to answer.
      const pr = new Progress({
        match: 0 as LogIndex,
        next: Math.max(lastIndex, 1) as LogIndex,
        inflightsCapacity: this.trk.maxInflight,
        isLearner,
      });
      pr.recentActive = true;
      progress.set(id, pr);
    }
    this.trk.config = config;
    this.trk.progress = progress;
    this.logger.info(`${this.id} switched to configuration ${describeTrackerConfig(config)}`);
    const cs = this.trk.confState();
    const self = progress.get(this.id);
    this.isLearner = self !== undefined && self.isLearner;

    if ((self === undefined || this.isLearner) && this.role === 'leader') {
      // Removed (or demoted) while leading: step down; the remaining voters elect a new leader.
      this.becomeFollower(this.term, NONE);
      return cs;
    }
    if (this.role !== 'leader' || cs.voters.length === 0) return cs;
    if (this.maybeCommit()) {
      // The new quorum may already hold more entries.
      this.bcastAppend();
    } else {
      // Probe new members now rather than at the next heartbeat or proposal.
      this.trk.visit((id) => {
        if (id !== this.id) this.maybeSendAppend(id, false);
      });
    }
    if (this.leadTransferee !== NONE && !this.trk.isVoter(this.leadTransferee)) this.abortLeaderTransfer();
    return cs;
  }

  private loadState(state: HardState): void {
    assert(
      state.commit >= this.raftLog.committed && state.commit <= this.raftLog.lastIndex(),
      `${this.id} state.commit ${state.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
    );
    this.raftLog.committed = state.commit;
    this.term = state.term;
    this.vote = state.vote;
  }

  /** The whole conf change entry a proposal carries. */
  static confChangeEntry(cc: ConfChange): Entry {
    return { term: 0 as Term, index: 0 as LogIndex, type: 'confChange', data: encodeConfChange(cc) };
  }
}

function validateConfig(config: Config): void {
  assert(config.id !== NONE, 'cannot use none as id');
  assert(Number.isInteger(config.heartbeatTick) && config.heartbeatTick > 0, 'heartbeat tick must be greater than 0');
  assert(Number.isInteger(config.electionTick) && config.electionTick > config.heartbeatTick, 'election tick must be greater than heartbeat tick');
  const maxInflight = config.maxInflightMsgs ?? maxInflightMsgsDefault;
  assert(maxInflight > 0, 'max inflight messages must be greater than 0');
  const option: ReadOnlyOption = config.readOnlyOption ?? 'safe';
  assert(option !== 'lease-based' || config.checkQuorum === true, 'CheckQuorum must be enabled when ReadOnlyOption is lease-based');
}
