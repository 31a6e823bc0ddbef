/**
 * The vocabulary of the Raft core: ids, log entries, durable state, messages, the Ready value that
 * carries all IO out of the core, the Storage view the core reads, and the Config.
 *
 * Everything here is plain data. The core never performs IO; it reads a synchronous Storage and
 * hands its writes and sends to the caller through Ready (see ready.ts for the contract).
 */
import type { Brand } from '../../common/brand.js';
import type { Prng } from '../../common/prng.js';

// ---------------------------------------------------------------------------------------------
// Ids
//
// Plain numbers suffice for all three: a log of 2^53 entries at a million entries per second
// takes 285 years to fill, terms grow far slower than indexes, and node ids are assigned by the
// cluster. Numbers keep arithmetic cheap and JSON-friendly; bigint would buy nothing here.
// ---------------------------------------------------------------------------------------------

/** A member of a Raft group. 0 is never a member: it means "none" (no leader, no vote). */
export type NodeId = Brand<number, 'NodeId'>;
/** A Raft term. Term 0 precedes every election; local messages carry term 0. */
export type Term = Brand<number, 'Term'>;
/** A position in the replicated log. Index 0 is the empty log's sentinel; entries start at 1. */
export type LogIndex = Brand<number, 'LogIndex'>;

/** No node: no leader known, no vote cast. */
export const NONE = 0 as NodeId;

export function nodeId(n: number): NodeId {
  return n as NodeId;
}
export function term(n: number): Term {
  return n as Term;
}
export function logIndex(n: number): LogIndex {
  return n as LogIndex;
}

// ---------------------------------------------------------------------------------------------
// Log entries and durable state
// ---------------------------------------------------------------------------------------------

/**
 * `normal` entries carry the application's commands (an empty normal entry is what a new leader
 * appends to commit entries of earlier terms). `confChange` entries carry an encoded ConfChange
 * (conf-change.ts, encodeConfChange); the application hands the decoded value back to
 * RawNode.applyConfChange when the entry is applied.
 */
export type EntryType = 'normal' | 'confChange';

export interface Entry {
  readonly term: Term;
  readonly index: LogIndex;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** The state that must survive a crash, written (synced) before any message that reveals it. */
export interface HardState {
  readonly term: Term;
  /** Whom this node voted for in `term`, or NONE. */
  readonly vote: NodeId;
  /** The highest log index known to be committed. */
  readonly commit: LogIndex;
}

export const EMPTY_HARD_STATE: HardState = { term: 0 as Term, vote: NONE, commit: 0 as LogIndex };

/**
 * A membership configuration. Outside a joint configuration votersOutgoing and learnersNext are
 * empty. In a joint configuration (thesis 4.3) decisions need a majority of `voters` AND of
 * `votersOutgoing`; learnersNext are nodes that were voters in the outgoing configuration and
 * become learners when the joint configuration is left (a node cannot be a voter and a learner at
 * once).
 */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly votersOutgoing: readonly NodeId[];
  readonly learnersNext: readonly NodeId[];
  /** Leave the joint configuration automatically once it is committed (ConfChange transition). */
  readonly autoLeave: boolean;
}

export const EMPTY_CONF_STATE: ConfState = {
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
};

export interface SnapshotMetadata {
  /** The last log index the snapshot covers. */
  readonly index: LogIndex;
  /** The term of the entry at `index`. */
  readonly term: Term;
  /** The configuration in force at `index`. */
  readonly confState: ConfState;
}

export interface Snapshot {
  /** The application's state machine image; opaque to the core. */
  readonly data: Uint8Array;
  readonly metadata: SnapshotMetadata;
}

export const EMPTY_SNAPSHOT: Snapshot = {
  data: new Uint8Array(0),
  metadata: { index: 0 as LogIndex, term: 0 as Term, confState: EMPTY_CONF_STATE },
};

export function isEmptySnapshot(snapshot: Snapshot | undefined): boolean {
  return snapshot === undefined || snapshot.metadata.index === 0;
}

// ---------------------------------------------------------------------------------------------
// Messages
//
// One discriminated union, dispatched on `type`. Messages with term 0 are local: they never cross
// the network (MsgHup, MsgBeat, MsgCheckQuorum, MsgUnreachable, MsgSnapStatus, and MsgProp /
// MsgReadIndex / MsgTransferLeader when they originate on this node).
// ---------------------------------------------------------------------------------------------

interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: Term;
}

/** Local: start a campaign (election timeout elapsed, or RawNode.campaign). */
export interface MsgHup extends MessageBase {
  readonly type: 'MsgHup';
}

/** Local: the leader's heartbeat timer fired; broadcast heartbeats. */
export interface MsgBeat extends MessageBase {
  readonly type: 'MsgBeat';
}

/** Local: the leader checks that a quorum was active during the last election timeout. */
export interface MsgCheckQuorum extends MessageBase {
  readonly type: 'MsgCheckQuorum';
}

/** A proposal of new entries; local on the leader, forwarded by followers. */
export interface MsgProp extends MessageBase {
  readonly type: 'MsgProp';
  readonly entries: readonly Entry[];
}

/**
 * Append entries (also the consistency probe): the entries follow the entry at
 * (logTerm, index); commit is the leader's commit index.
 */
export interface MsgApp extends MessageBase {
  readonly type: 'MsgApp';
  readonly logTerm: Term;
  readonly index: LogIndex;
  readonly entries: readonly Entry[];
  readonly commit: LogIndex;
}

/**
 * The answer to MsgApp (or MsgSnap). On success, index is the last index now known to match the
 * leader. On rejection, index is the rejected MsgApp's index, and (rejectHintIndex,
 * rejectHintTerm) is the follower's guess of the largest index at which the logs may match: the
 * last entry of its log at or below index whose term is <= the rejected logTerm (fast
 * backtracking, thesis 5.3 / etcd findConflictByTerm).
 */
export interface MsgAppResp extends MessageBase {
  readonly type: 'MsgAppResp';
  readonly index: LogIndex;
  readonly reject: boolean;
  readonly rejectHintIndex: LogIndex;
  readonly rejectHintTerm: Term;
}

/** A request for a vote (or a pre-vote); (logTerm, index) is the candidate's last entry. */
export interface MsgVote extends MessageBase {
  readonly type: 'MsgVote';
  readonly logTerm: Term;
  readonly index: LogIndex;
  /** Set when the campaign follows MsgTimeoutNow: it may disrupt a sticky leader. */
  readonly leaderTransfer: boolean;
}

/**
 * Pre-vote (thesis 9.6): would you vote for me at `term`? The sender's own term is not raised; a
 * pre-vote changes no durable state on either side.
 */
export interface MsgPreVote extends MessageBase {
  readonly type: 'MsgPreVote';
  readonly logTerm: Term;
  readonly index: LogIndex;
  readonly leaderTransfer: boolean;
}

export interface MsgVoteResp extends MessageBase {
  readonly type: 'MsgVoteResp';
  readonly reject: boolean;
}

export interface MsgPreVoteResp extends MessageBase {
  readonly type: 'MsgPreVoteResp';
  readonly reject: boolean;
}

/**
 * A leader's heartbeat. commit is min(leader commit, follower's match) so that a follower never
 * learns of a commit index beyond its log. context is a ReadIndex round's key (empty if none).
 */
export interface MsgHeartbeat extends MessageBase {
  readonly type: 'MsgHeartbeat';
  readonly commit: LogIndex;
  readonly context: Uint8Array;
}

export interface MsgHeartbeatResp extends MessageBase {
  readonly type: 'MsgHeartbeatResp';
  readonly context: Uint8Array;
}

/** Install a snapshot (the entries the follower needs were compacted away). */
export interface MsgSnap extends MessageBase {
  readonly type: 'MsgSnap';
  readonly snapshot: Snapshot;
}

/** Sent by a leader to the transferee whose log is up to date: campaign now. */
export interface MsgTimeoutNow extends MessageBase {
  readonly type: 'MsgTimeoutNow';
}

/**
 * Ask the leader for a read index. context identifies the request and comes back in the
 * ReadState (locally) or in MsgReadIndexResp (to a follower that forwarded it).
 */
export interface MsgReadIndex extends MessageBase {
  readonly type: 'MsgReadIndex';
  readonly context: Uint8Array;
}

export interface MsgReadIndexResp extends MessageBase {
  readonly type: 'MsgReadIndexResp';
  readonly index: LogIndex;
  readonly context: Uint8Array;
}

/** Ask the leader to hand leadership to transferee. */
export interface MsgTransferLeader extends MessageBase {
  readonly type: 'MsgTransferLeader';
  readonly transferee: NodeId;
}

/** Local, on a leader: the transport could not reach `from`; fall back to probing it. */
export interface MsgUnreachable extends MessageBase {
  readonly type: 'MsgUnreachable';
}

/** Local, on a leader: the result of sending a snapshot to `from`. */
export interface MsgSnapStatus extends MessageBase {
  readonly type: 'MsgSnapStatus';
  readonly reject: boolean;
}

export type Message =
  | MsgHup
  | MsgBeat
  | MsgCheckQuorum
  | MsgProp
  | MsgApp
  | MsgAppResp
  | MsgVote
  | MsgVoteResp
  | MsgPreVote
  | MsgPreVoteResp
  | MsgHeartbeat
  | MsgHeartbeatResp
  | MsgSnap
  | MsgTimeoutNow
  | MsgReadIndex
  | MsgReadIndexResp
  | MsgTransferLeader
  | MsgUnreachable
  | MsgSnapStatus;

export type MessageType = Message['type'];

/** Messages that never cross the network: RawNode.step refuses them. */
export const LOCAL_MESSAGE_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'MsgHup',
  'MsgBeat',
  'MsgCheckQuorum',
  'MsgUnreachable',
  'MsgSnapStatus',
]);

/** Responses: a node that does not know the sender (not in the configuration) ignores them. */
export const RESPONSE_MESSAGE_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'MsgAppResp',
  'MsgVoteResp',
  'MsgPreVoteResp',
  'MsgHeartbeatResp',
  'MsgUnreachable',
  'MsgSnapStatus',
]);

// ---------------------------------------------------------------------------------------------
// Volatile state seen by the application
// ---------------------------------------------------------------------------------------------

export type RaftRole = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** State that need not be persisted: who leads, and this node's role. */
export interface SoftState {
  /** The leader this node knows of, or NONE. */
  readonly lead: NodeId;
  readonly role: RaftRole;
}

/**
 * The answer to a read request: once the application has applied index, a read that started when
 * the request was made is linearizable. requestContext is the caller's context, returned as is.
 */
export interface ReadState {
  readonly index: LogIndex;
  readonly requestContext: Uint8Array;
}

/** Why a proposal (or a forwarded read / transfer) was not accepted. Operating, not a bug. */
export type ProposalDropReason =
  | 'no-leader'
  | 'leadership-transfer-in-progress'
  | 'not-in-configuration'
  | 'uncommitted-size-limit'
  | 'proposal-forwarding-disabled'
  /** A read request with the context of one still pending, or too many pending reads. */
  | 'read-index-limit';

/**
 * An operating outcome of step / propose: nothing is broken, the caller decides (retry later,
 * redirect, ignore). Programmer errors (stepping a local message from outside) are assertions.
 */
export type StepRejection =
  | { readonly kind: 'proposal-dropped'; readonly reason: ProposalDropReason }
  | { readonly kind: 'peer-not-found'; readonly peer: NodeId };

// ---------------------------------------------------------------------------------------------
// Storage: the core's synchronous, read-only view of the durable log
// ---------------------------------------------------------------------------------------------

export type StorageErrorCode = 'compacted' | 'unavailable' | 'snapshot-temporarily-unavailable';

/** An expected outcome of a Storage read; the core handles each one. */
export abstract class StorageError extends Error {
  abstract readonly code: StorageErrorCode;
}

/** The requested index is below firstIndex: compacted away (send a snapshot instead). */
export class ErrCompacted extends StorageError {
  override readonly name = 'ErrCompacted';
  readonly code = 'compacted' as const;
  constructor(message = 'requested index is unavailable due to compaction') {
    super(message);
  }
}

/** The requested index is above lastIndex. */
export class ErrUnavailable extends StorageError {
  override readonly name = 'ErrUnavailable';
  readonly code = 'unavailable' as const;
  constructor(message = 'requested entry at index is unavailable') {
    super(message);
  }
}

/** No snapshot can be produced right now; the leader retries later (the follower stays in probe). */
export class ErrSnapshotTemporarilyUnavailable extends StorageError {
  override readonly name = 'ErrSnapshotTemporarilyUnavailable';
  readonly code = 'snapshot-temporarily-unavailable' as const;
  constructor(message = 'snapshot is temporarily unavailable') {
    super(message);
  }
}

/**
 * What the core reads from durable storage, synchronously. The caller writes to it (from each
 * Ready: snapshot, entries, hard state) before calling advance; the core never writes.
 *
 * The log in storage is [firstIndex, lastIndex]; the entry just before firstIndex (the last one
 * compacted, or the snapshot's index) still has a known term. A fresh storage has firstIndex 1,
 * lastIndex 0 and term(0) = 0.
 */
export interface Storage {
  /** The persisted hard state and configuration at startup. */
  initialState(): { readonly hardState: HardState; readonly confState: ConfState };
  /**
   * Entries in [lo, hi), as many as fit in maxBytes but always at least one if lo < hi.
   * Throws ErrCompacted if lo < firstIndex, ErrUnavailable if hi > lastIndex + 1.
   */
  entries(lo: LogIndex, hi: LogIndex, maxBytes: number): Entry[];
  /**
   * The term of entry i, for i in [firstIndex - 1, lastIndex]. Throws ErrCompacted below that
   * range and ErrUnavailable above it.
   */
  term(i: LogIndex): Term;
  /** The index of the first entry still available (snapshot index + 1 after compaction). */
  firstIndex(): LogIndex;
  lastIndex(): LogIndex;
  /**
   * The most recent snapshot. Throws ErrSnapshotTemporarilyUnavailable if it is being built; the
   * leader tries again later.
   */
  snapshot(): Snapshot;
}

// ---------------------------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------------------------

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

// ---------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------

export type ReadOnlyOption = 'safe' | 'lease-based';

export interface Config {
  /** This node's id; never NONE. */
  readonly id: NodeId;
  /**
   * Ticks a follower waits without hearing from a leader before it campaigns. The actual timeout
   * is drawn from [electionTick, 2 * electionTick) with `prng` at each reset (thesis 3.4: random
   * timeouts make split votes rare). Must exceed heartbeatTick; 10x is typical.
   */
  readonly electionTick: number;
  /** Ticks between a leader's heartbeats. */
  readonly heartbeatTick: number;
  readonly storage: Storage;
  /**
   * The last applied index, when restarting. Committed entries at or below it are not handed out
   * again. 0 (the default) means "from the storage's first index - 1".
   */
  readonly applied?: LogIndex;
  /** Byte bound on the entries of one MsgApp (one entry is always sent). Default: limits.ts. */
  readonly maxSizePerMsg?: number;
  /** Byte bound on the committed entries of one Ready. Default: limits.ts. */
  readonly maxCommittedSizePerReady?: number;
  /** MsgApps in flight to one follower in replicate state. Default: limits.ts. */
  readonly maxInflightMsgs?: number;
  /**
   * Bytes of entry data the leader accepts beyond its commit index before dropping proposals
   * ('uncommitted-size-limit'). Default: limits.ts.
   */
  readonly maxUncommittedEntriesSize?: number;
  /**
   * A leader steps down when it has not heard from a quorum within an election timeout, and
   * followers that heard from a leader within the election timeout ignore vote requests (leader
   * stickiness). Required for 'lease-based' reads.
   */
  readonly checkQuorum?: boolean;
  /** Campaign in two phases (thesis 9.6) so that a rejoining partitioned node cannot disrupt. */
  readonly preVote?: boolean;
  /**
   * 'safe': ReadIndex confirms leadership with a heartbeat round to a quorum.
   * 'lease-based': the leader trusts its lease (needs checkQuorum and bounded clock drift).
   */
  readonly readOnlyOption?: ReadOnlyOption;
  /** Followers drop proposals instead of forwarding them to the leader. */
  readonly disableProposalForwarding?: boolean;
  /** The only source of randomness: election timeout jitter. */
  readonly prng: Prng;
  readonly logger?: Logger;
  /**
   * TEST ONLY; BREAKS SAFETY. Lets a leader commit an entry of an earlier term as soon as it is
   * stored on a majority: the bug of Figure 8 of the Raft paper (section 5.4.2), where such an
   * entry can be committed and later overwritten. It exists only so that the cluster simulator
   * can show that its linearizability checker catches the bug. Never set it elsewhere. Default
   * false.
   */
  readonly unsafeCommitEntriesFromPriorTermsByCounting?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Membership changes
// ---------------------------------------------------------------------------------------------

export type ConfChangeType = 'addNode' | 'addLearnerNode' | 'removeNode';

export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
}

/**
 * How a change is carried out (etcd's ConfChangeV2 semantics):
 * - 'auto': one voter added or removed (or only learner changes) is applied directly, a "simple"
 *   change (thesis 4.1); anything larger goes through a joint configuration that the leader
 *   leaves on its own once it is committed.
 * - 'joint-implicit': always joint; left automatically.
 * - 'joint-explicit': always joint; the application leaves it by proposing an empty ConfChange.
 */
export type ConfChangeTransition = 'auto' | 'joint-implicit' | 'joint-explicit';

/**
 * A membership change, carried in a 'confChange' entry (encodeConfChange / decodeConfChange).
 * A ConfChange with no changes (and transition 'auto') means "leave the joint configuration".
 */
export interface ConfChange {
  readonly transition: ConfChangeTransition;
  readonly changes: readonly ConfChangeSingle[];
  /** Opaque to the core; for the application (e.g. the new member's address). */
  readonly context: Uint8Array;
}

// Re-exported for callers that import every core type from here.
export type { Ready } from './ready.js';
