/**
 * Tests of the Raft core against the paper, section by section: each quotes the sentences of
 * "In Search of an Understandable Consensus Algorithm (Extended Version)" (Ongaro & Ousterhout) it
 * checks. Each sets up a state, drives it with messages and ticks, and checks the messages and
 * state that come out.
 *
 * Nodes are driven through RawNode and MemoryStorage exactly as an application would: every Ready
 * is persisted, its messages collected, its committed entries applied, and then advanced.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../common/prng.js';
import { decodeConfChange } from './core/conf-change-codec.js';
import { MemoryStorage } from './core/memory-storage.js';
import type { Raft } from './core/raft.js';
import { RawNode } from './core/raw-node.js';
import type { Ready } from './core/ready.js';
import type {
  ConfChange,
  Entry,
  LogIndex,
  Message,
  MsgApp,
  MsgAppResp,
  MsgVote,
  MsgVoteResp,
  NodeId,
  Snapshot,
  Term,
} from './core/types.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const ELECTION_TICK = 10;
const HEARTBEAT_TICK = 1;
const EMPTY = new Uint8Array(0);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

const nid = (n: number): NodeId => n as NodeId;
const t = (n: number): Term => n as Term;
const ix = (n: number): LogIndex => n as LogIndex;

function entry(index: number, term: number, data = ''): Entry {
  return { index: ix(index), term: t(term), type: 'normal', data: text(data) };
}

/** Entries 1..n with the given terms (Figure 7 style). */
function logOfTerms(terms: readonly number[]): Entry[] {
  return terms.map((term, i) => entry(i + 1, term));
}

interface NodeOptions {
  readonly voters: readonly number[];
  readonly learners?: readonly number[];
  /** Log entries the storage starts with (indexes from 1), instead of a bootstrap snapshot. */
  readonly log?: readonly Entry[];
  /** With no log: a bootstrap snapshot at this index (default 1). */
  readonly snapshotIndex?: number;
  readonly term?: number;
  readonly vote?: number;
  readonly commit?: number;
  readonly seed?: number;
  readonly checkQuorum?: boolean;
  readonly preVote?: boolean;
  readonly unsafeCommitByCounting?: boolean;
}

/** One member: its RawNode, its storage, and what its state machine applied. */
class TestNode {
  readonly storage = new MemoryStorage();
  readonly rawNode: RawNode;
  readonly applied: Entry[] = [];
  /** Every Ready handled, for checks on what was persisted together with what was sent. */
  readonly readys: Ready[] = [];

  constructor(
    readonly id: NodeId,
    options: NodeOptions,
  ) {
    const confState = {
      voters: options.voters.map(nid),
      learners: (options.learners ?? []).map(nid),
      votersOutgoing: [],
      learnersNext: [],
      autoLeave: false,
    };
    if (options.log !== undefined) {
      this.storage.append(options.log);
      this.storage.setConfState(confState);
    } else {
      const index = options.snapshotIndex ?? 1;
      this.storage.applySnapshot({ data: EMPTY, metadata: { index: ix(index), term: t(1), confState } });
    }
    if (options.term !== undefined) {
      // Everything up to a bootstrap snapshot is committed.
      const commit = options.commit ?? (options.log === undefined ? (options.snapshotIndex ?? 1) : 0);
      this.storage.setHardState({ term: t(options.term), vote: nid(options.vote ?? 0), commit: ix(commit) });
    }
    this.rawNode = new RawNode({
      id: this.id,
      electionTick: ELECTION_TICK,
      heartbeatTick: HEARTBEAT_TICK,
      storage: this.storage,
      prng: new Prng(options.seed ?? this.id),
      checkQuorum: options.checkQuorum ?? false,
      preVote: options.preVote ?? false,
      unsafeCommitEntriesFromPriorTermsByCounting: options.unsafeCommitByCounting ?? false,
    });
  }

  get raft(): Raft {
    return this.rawNode.raft;
  }

  /**
   * Handles every pending Ready as the Ready contract says (persist, collect messages, apply,
   * advance) and returns the messages to send.
   */
  drain(): Message[] {
    const out: Message[] = [];
    while (this.rawNode.hasReady()) {
      const rd = this.rawNode.ready();
      this.readys.push(rd);
      if (rd.snapshot !== undefined) this.storage.applySnapshot(rd.snapshot);
      this.storage.append(rd.entries);
      if (rd.hardState !== undefined) this.storage.setHardState(rd.hardState);
      out.push(...rd.messages);
      for (const e of rd.committedEntries) {
        if (e.type === 'confChange') {
          // The application records the new configuration and snapshots its state, so that a
          // member added by this change can be sent a snapshot that lists it.
          const cs = this.rawNode.applyConfChange(decodeConfChange(e.data));
          this.storage.setConfState(cs);
          this.storage.createSnapshot(e.index, cs, EMPTY);
        }
        this.applied.push(e);
      }
      this.rawNode.advance(rd);
    }
    return out;
  }

  /** Steps a message and drains the result. */
  receive(m: Message): Message[] {
    this.rawNode.step(m);
    return this.drain();
  }

  tick(times: number): Message[] {
    const out: Message[] = [];
    for (let i = 0; i < times; i++) {
      this.rawNode.tick();
      out.push(...this.drain());
    }
    return out;
  }

  log(): Entry[] {
    return this.raft.raftLog.allEntries();
  }
}

/** A group of TestNodes joined by a queue of messages that the test delivers or drops. */
class Cluster {
  readonly nodes = new Map<NodeId, TestNode>();
  private queue: Message[] = [];
  /** Nodes whose incoming and outgoing messages are dropped. */
  readonly cut = new Set<NodeId>();

  constructor(members: readonly TestNode[]) {
    for (const n of members) this.nodes.set(n.id, n);
  }

  static ofSize(size: number, options: Omit<NodeOptions, 'voters'> = {}): Cluster {
    const voters = Array.from({ length: size }, (_, i) => i + 1);
    return new Cluster(voters.map((n) => new TestNode(nid(n), { ...options, voters })));
  }

  node(n: number): TestNode {
    const node = this.nodes.get(nid(n));
    if (node === undefined) throw new Error(`no node ${n}`);
    return node;
  }

  send(messages: readonly Message[]): void {
    this.queue.push(...messages);
  }

  /** Drains every node and delivers messages until nothing moves. */
  stabilize(): void {
    for (let round = 0; round < 1000; round++) {
      for (const n of this.nodes.values()) this.send(n.drain());
      const batch = this.queue.filter((m) => !this.cut.has(m.to) && !this.cut.has(m.from) && this.nodes.has(m.to));
      this.queue = [];
      if (batch.length === 0) return;
      for (const m of batch) this.send(this.node(m.to).receive(m));
    }
    throw new Error('cluster did not stabilize');
  }

  elect(n: number): void {
    this.node(n).rawNode.campaign();
    this.stabilize();
    expect(this.node(n).raft.role).toBe('leader');
  }

  propose(n: number, data: string): void {
    expect(this.node(n).rawNode.propose(text(data))).toBeUndefined();
  }
}

function msgApp(m: { from: number; to: number; term: number; logTerm: number; index: number; entries?: Entry[]; commit?: number }): MsgApp {
  return {
    type: 'MsgApp',
    from: nid(m.from),
    to: nid(m.to),
    term: t(m.term),
    logTerm: t(m.logTerm),
    index: ix(m.index),
    entries: m.entries ?? [],
    commit: ix(m.commit ?? 0),
  };
}

function appResp(from: number, to: number, term: number, index: number): MsgAppResp {
  return { type: 'MsgAppResp', from: nid(from), to: nid(to), term: t(term), index: ix(index), reject: false, rejectHintIndex: ix(0), rejectHintTerm: t(0) };
}

function vote(from: number, to: number, term: number, logTerm: number, index: number): MsgVote {
  return { type: 'MsgVote', from: nid(from), to: nid(to), term: t(term), logTerm: t(logTerm), index: ix(index), leaderTransfer: false };
}

function voteResp(from: number, to: number, term: number, granted: boolean): MsgVoteResp {
  return { type: 'MsgVoteResp', from: nid(from), to: nid(to), term: t(term), reject: !granted };
}

function ofType<T extends Message['type']>(messages: readonly Message[], type: T): Extract<Message, { type: T }>[] {
  return messages.filter((m): m is Extract<Message, { type: T }> => m.type === type);
}

/** A leader of a fresh group of `size` (term 1), with its empty entry committed everywhere. */
function establishedCluster(size: number, options: Omit<NodeOptions, 'voters'> = {}): Cluster {
  const c = Cluster.ofSize(size, options);
  c.elect(1);
  return c;
}

function terms(entries: readonly Entry[]): number[] {
  return entries.map((e) => e.term);
}

// ---------------------------------------------------------------------------------------------
// 5.1 Raft basics
// ---------------------------------------------------------------------------------------------

describe('5.1 Raft basics', () => {
  // "Current terms are exchanged whenever servers communicate; if one server's current term is
  // smaller than the other's, then it updates its current term to the larger value. If a candidate
  // or leader discovers that its term is out of date, it immediately reverts to follower state."
  it.each(['follower', 'candidate', 'leader'] as const)('a %s adopts a larger term and becomes follower', (role) => {
    const c = Cluster.ofSize(3);
    const n = c.node(1);
    if (role === 'candidate') {
      n.rawNode.campaign();
      n.drain();
    } else if (role === 'leader') {
      c.elect(1);
    }
    expect(n.raft.role).toBe(role);
    const before = n.raft.term;
    n.receive(msgApp({ from: 2, to: 1, term: before + 5, logTerm: 0, index: 0 }));
    expect(n.raft.term).toBe(before + 5);
    expect(n.raft.role).toBe('follower');
    expect(n.raft.lead).toBe(2);
  });

  // "If a server receives a request with a stale term number, it rejects the request."
  // (Without check-quorum or pre-vote the request is ignored: nothing changes and nothing is sent.)
  it('ignores a request with a stale term', () => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3], term: 2 });
    n.drain();
    const out = n.receive(msgApp({ from: 2, to: 1, term: 1, logTerm: 1, index: 1, entries: [entry(2, 1, 'stale')], commit: 2 }));
    expect(out).toEqual([]);
    expect(n.raft.term).toBe(2);
    expect(n.log().map((e) => e.index)).toEqual([]);
    expect(n.raft.raftLog.committed).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// 5.2 Leader election
// ---------------------------------------------------------------------------------------------

describe('5.2 Leader election', () => {
  // "When servers start up, they begin as followers."
  it('starts as a follower', () => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3] });
    expect(n.raft.role).toBe('follower');
    expect(n.raft.lead).toBe(0);
  });

  // "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log entries) to all
  // followers in order to maintain their authority."
  it('a leader sends heartbeats to every follower each heartbeat interval', () => {
    const c = establishedCluster(3);
    const out = c.node(1).tick(HEARTBEAT_TICK);
    const beats = ofType(out, 'MsgHeartbeat');
    expect(beats.map((m) => m.to).sort()).toEqual([2, 3]);
    expect(out.filter((m) => m.type === 'MsgApp' && m.entries.length > 0)).toEqual([]);
  });

  // "A server remains in follower state as long as it receives valid RPCs from a leader or
  // candidate."
  it('a follower that keeps hearing from the leader never campaigns', () => {
    const c = establishedCluster(3);
    for (let i = 0; i < 5 * ELECTION_TICK; i++) {
      c.node(1).rawNode.tick();
      c.node(2).rawNode.tick();
      c.stabilize();
    }
    expect(c.node(2).raft.role).toBe('follower');
    expect(c.node(2).raft.term).toBe(1);
  });

  // "If a follower receives no communication over a period of time called the election timeout,
  // then it assumes there is no viable leader and begins an election to choose a new leader. To
  // begin an election, a follower increments its current term and transitions to candidate state.
  // It then votes for itself and issues RequestVote RPCs in parallel to each of the other servers
  // in the cluster."
  it('a follower starts an election after the election timeout', () => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3], term: 1 });
    const out = n.tick(2 * ELECTION_TICK);
    expect(n.raft.role).toBe('candidate');
    expect(n.raft.term).toBe(2);
    expect(n.raft.vote).toBe(1);
    const votes = ofType(out, 'MsgVote');
    expect(votes.map((m) => [m.to, m.term, m.logTerm, m.index])).toEqual([
      [2, 2, 1, 1],
      [3, 2, 1, 1],
    ]);
  });

  // "When this happens, each candidate will time out and start a new election by incrementing its
  // term and initiating another round of RequestVote RPCs."
  it('a candidate without a majority starts a new election at the next term', () => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3] });
    n.rawNode.campaign();
    n.drain();
    expect([n.raft.role, n.raft.term]).toEqual(['candidate', 1]);
    const out = n.tick(2 * ELECTION_TICK);
    expect([n.raft.role, n.raft.term]).toEqual(['candidate', 2]);
    expect(ofType(out, 'MsgVote').filter((m) => m.term === 2).map((m) => m.to)).toEqual([2, 3]);
  });

  // "A candidate wins an election if it receives votes from a majority of the servers in the full
  // cluster for the same term." (And it loses once a majority has refused it; otherwise it waits.)
  it.each([
    { size: 1, votes: {}, role: 'leader' },
    { size: 3, votes: { 2: true }, role: 'leader' },
    { size: 3, votes: { 2: true, 3: true }, role: 'leader' },
    { size: 5, votes: { 2: true, 3: true }, role: 'leader' },
    { size: 5, votes: { 2: true, 3: true, 4: true, 5: true }, role: 'leader' },
    { size: 3, votes: { 2: false, 3: false }, role: 'follower' },
    { size: 5, votes: { 2: true, 3: false, 4: false, 5: false }, role: 'follower' },
    { size: 3, votes: {}, role: 'candidate' },
    { size: 5, votes: { 2: true }, role: 'candidate' },
    { size: 5, votes: { 2: false, 3: false }, role: 'candidate' },
  ])('with $size voters and votes $votes the candidate ends as $role', ({ size, votes, role }) => {
    const voters = Array.from({ length: size }, (_, i) => i + 1);
    const n = new TestNode(nid(1), { voters });
    n.rawNode.campaign();
    n.drain();
    for (const [from, granted] of Object.entries(votes)) n.receive(voteResp(Number(from), 1, 1, granted));
    expect(n.raft.role).toBe(role);
    expect(n.raft.term).toBe(1);
  });

  // "Each server will vote for at most one candidate in a given term, on a first-come-first-served
  // basis."
  it.each([
    { votedFor: 0, candidate: 2, granted: true },
    { votedFor: 2, candidate: 2, granted: true },
    { votedFor: 2, candidate: 3, granted: false },
    { votedFor: 3, candidate: 2, granted: false },
  ])('having voted for $votedFor, a request from $candidate is granted: $granted', ({ votedFor, candidate, granted }) => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3], term: 1, vote: votedFor });
    n.drain();
    const out = n.receive(vote(candidate, 1, 1, 1, 1));
    expect(ofType(out, 'MsgVoteResp').map((m) => [m.to, m.term, m.reject])).toEqual([[candidate, 1, !granted]]);
  });

  // "While waiting for votes, a candidate may receive an AppendEntries RPC from another server
  // claiming to be leader. If the leader's term (included in its RPC) is at least as large as the
  // candidate's current term, then the candidate recognizes the leader as legitimate and returns to
  // follower state."
  it.each([1, 2])('a candidate at term 1 yields to a leader of term %i', (leaderTerm) => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3] });
    n.rawNode.campaign();
    n.drain();
    expect(n.raft.role).toBe('candidate');
    n.receive(msgApp({ from: 2, to: 1, term: leaderTerm, logTerm: 1, index: 1 }));
    expect(n.raft.role).toBe('follower');
    expect(n.raft.term).toBe(leaderTerm);
    expect(n.raft.lead).toBe(2);
  });

  // "Raft uses randomized election timeouts to ensure that split votes are rare and that they are
  // resolved quickly. To prevent split votes in the first place, election timeouts are chosen
  // randomly from a fixed interval (e.g., 150–300ms)."
  it.each(['follower', 'candidate'] as const)('a %s draws its election timeout from [et, 2et)', (role) => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3] });
    const seen = new Set<number>();
    for (let round = 0; round < 50 * ELECTION_TICK; round++) {
      if (role === 'follower') n.raft.becomeFollower(t(n.raft.term + 1), nid(2));
      else n.raft.becomeCandidate();
      let ticks = 0;
      const term = n.raft.term;
      while (n.raft.term === term) {
        n.rawNode.tick();
        ticks++;
      }
      n.drain();
      seen.add(ticks);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: ELECTION_TICK }, (_, i) => ELECTION_TICK + i));
  });

  // "... in most cases only a single server will time out; it wins the election and sends
  // heartbeats before any other servers time out."
  it('in most rounds a single server times out first', () => {
    const nodes = [1, 2, 3, 4, 5].map((n) => new TestNode(nid(n), { voters: [1, 2, 3, 4, 5], seed: 100 + n }));
    let conflicts = 0;
    const rounds = 1000;
    for (let round = 0; round < rounds; round++) {
      for (const n of nodes) n.raft.becomeFollower(t(n.raft.term + 1), nid(0));
      let timedOut = 0;
      while (timedOut === 0) {
        for (const n of nodes) {
          const term = n.raft.term;
          n.rawNode.tick();
          if (n.raft.term !== term) timedOut++;
        }
      }
      for (const n of nodes) n.drain();
      if (timedOut > 1) conflicts++;
    }
    expect(conflicts / rounds).toBeLessThan(0.3);
  });
});

// ---------------------------------------------------------------------------------------------
// 5.3 Log replication
// ---------------------------------------------------------------------------------------------

describe('5.3 Log replication', () => {
  // "The leader appends the command to its log as a new entry, then issues AppendEntries RPCs in
  // parallel to each of the other servers to replicate the entry." "When sending an AppendEntries
  // RPC, the leader includes the index and term of the entry in its log that immediately precedes
  // the new entries."
  it('the leader appends a proposal and replicates it with the preceding index and term', () => {
    const c = establishedCluster(3);
    const leader = c.node(1);
    const last = leader.raft.raftLog.lastIndex();
    leader.rawNode.propose(text('cmd'));
    const rd = leader.rawNode.ready();
    expect(rd.entries.map((e) => [e.index, e.term])).toEqual([[last + 1, 1]]);
    const apps = ofType(rd.messages, 'MsgApp');
    expect(apps.map((m) => [m.to, m.index, m.logTerm, m.entries.map((e) => e.index)])).toEqual([
      [2, last, 1, [last + 1]],
      [3, last, 1, [last + 1]],
    ]);
    leader.storage.append(rd.entries);
    leader.rawNode.advance(rd);
  });

  // "A log entry is committed once the leader that created the entry has replicated it on a
  // majority of the servers."
  it.each([
    { size: 1, acceptors: [], committed: true },
    { size: 3, acceptors: [], committed: false },
    { size: 3, acceptors: [2], committed: true },
    { size: 5, acceptors: [2], committed: false },
    { size: 5, acceptors: [2, 3], committed: true },
    { size: 5, acceptors: [2, 3, 4, 5], committed: true },
  ])('with $size voters and acceptors $acceptors, committed: $committed', ({ size, acceptors, committed }) => {
    const c = establishedCluster(size);
    const leader = c.node(1);
    const before = leader.raft.raftLog.committed;
    leader.rawNode.propose(text('cmd'));
    const out = leader.drain();
    for (const m of ofType(out, 'MsgApp')) {
      if ((acceptors as number[]).includes(m.to)) leader.receive(c.node(m.to).receive(m)[0] as Message);
    }
    expect(leader.raft.raftLog.committed > before).toBe(committed);
  });

  // "This also commits all preceding entries in the leader's log, including entries created by
  // previous leaders."
  it('committing a new entry commits the entries of previous leaders before it', () => {
    const log = logOfTerms([1, 2, 2]);
    const c = new Cluster([1, 2, 3].map((n) => new TestNode(nid(n), { voters: [1, 2, 3], log, term: 2 })));
    c.elect(1);
    const leader = c.node(1);
    expect(leader.raft.raftLog.committed).toBe(4);
    expect(leader.applied.map((e) => [e.index, e.term])).toEqual([
      [1, 1],
      [2, 2],
      [3, 2],
      [4, 3],
    ]);
  });

  // "The leader keeps track of the highest index it knows to be committed, and it includes that
  // index in future AppendEntries RPCs (including heartbeats) so that the other servers eventually
  // find out. Once a follower learns that a log entry is committed, it applies the entry to its
  // local state machine (in log order)."
  it('followers learn the commit index from appends and heartbeats and apply in log order', () => {
    const c = establishedCluster(3);
    c.cut.add(nid(3));
    c.propose(1, 'a');
    c.propose(1, 'b');
    c.stabilize();
    const leaderCommit = c.node(1).raft.raftLog.committed;
    expect(c.node(2).raft.raftLog.committed).toBe(leaderCommit);
    // Node 3 has the entries only up to what it was sent while cut off (nothing): heal it and let
    // a heartbeat carry the commit index.
    c.cut.clear();
    c.send(c.node(1).tick(HEARTBEAT_TICK));
    c.stabilize();
    for (const n of [2, 3]) {
      const applied = c.node(n).applied.filter((e) => e.data.byteLength > 0);
      expect(applied.map((e) => new TextDecoder().decode(e.data))).toEqual(['a', 'b']);
      const indexes = c.node(n).applied.map((e) => e.index);
      expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    }
  });

  // "If the follower does not find an entry in its log with the same index and term, then it
  // refuses the new entries."
  it.each([
    { logTerm: 1, index: 2, accepted: true },
    { logTerm: 1, index: 3, accepted: true },
    { logTerm: 2, index: 3, accepted: false },
    { logTerm: 1, index: 4, accepted: false },
  ])('a follower with log 1/1 1/2 1/3 receiving an append after $logTerm/$index accepts: $accepted', ({ logTerm, index, accepted }) => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3], log: logOfTerms([1, 1, 1]), term: 2 });
    n.drain();
    const out = n.receive(msgApp({ from: 2, to: 1, term: 2, logTerm, index, entries: [entry(index + 1, 2)] }));
    const resp = ofType(out, 'MsgAppResp');
    expect(resp).toHaveLength(1);
    expect(resp[0]?.reject).toBe(!accepted);
  });

  // Figure 2, AppendEntries receiver: "3. If an existing entry conflicts with a new one (same index
  // but different terms), delete the existing entry and all that follow it (§5.3) 4. Append any new
  // entries not already in the log 5. If leaderCommit > commitIndex, set commitIndex =
  // min(leaderCommit, index of last new entry)"
  it.each([
    { prev: [2, 2], entries: [[3, 3]], want: [1, 2, 3], commit: 1 },
    { prev: [1, 1], entries: [[2, 3], [3, 4]], want: [1, 3, 4], commit: 1 },
    { prev: [0, 0], entries: [[1, 1]], want: [1, 2], commit: 1 },
    { prev: [0, 0], entries: [[1, 3]], want: [3], commit: 1 },
  ])('after $prev appending $entries gives terms $want', ({ prev, entries, want, commit }) => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3], log: logOfTerms([1, 2]), term: 2 });
    n.drain();
    const [prevIndex, prevTerm] = prev as [number, number];
    n.receive(
      msgApp({
        from: 2,
        to: 1,
        term: 3,
        logTerm: prevTerm,
        index: prevIndex,
        entries: entries.map(([i, term]) => entry(i as number, term as number)),
        commit: 1,
      }),
    );
    expect(terms(n.log())).toEqual(want);
    // The commit index never exceeds the last entry known to match the leader.
    expect(n.raft.raftLog.committed).toBe(commit);
  });

  // "In Raft, the leader handles inconsistencies by forcing the followers' logs to duplicate its
  // own." "When a leader first comes to power, it initializes all nextIndex values to the index
  // just after the last one in its log (11 in Figure 7)." Figure 7's followers (a)-(f).
  const figure7Leader = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  it.each([
    { name: 'a', log: [1, 1, 1, 4, 4, 5, 5, 6, 6] },
    { name: 'b', log: [1, 1, 1, 4] },
    { name: 'c', log: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6] },
    { name: 'd', log: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7] },
    { name: 'e', log: [1, 1, 1, 4, 4, 4, 4] },
    { name: 'f', log: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3] },
  ])("Figure 7 ($name): the follower's log ends up equal to the leader's", ({ log }) => {
    const voters = [1, 2, 3];
    const c = new Cluster([
      new TestNode(nid(1), { voters, log: logOfTerms(figure7Leader), term: 7 }),
      new TestNode(nid(2), { voters, log: logOfTerms(log), term: 7 }),
      new TestNode(nid(3), { voters, log: logOfTerms(figure7Leader), term: 7 }),
    ]);
    c.elect(1);
    expect(c.node(1).raft.term).toBe(8);
    expect(terms(c.node(2).log())).toEqual([...figure7Leader, 8]);
    expect(terms(c.node(2).log())).toEqual(terms(c.node(1).log()));
  });

  // "If desired, the protocol can be optimized to reduce the number of rejected AppendEntries
  // RPCs. For example, when rejecting an AppendEntries request, the follower can include the term
  // of the conflicting entry and the first index it stores for that term. With this information,
  // the leader can decrement nextIndex to bypass all of the conflicting entries in that term; one
  // AppendEntries RPC will be required for each term with conflicting entries, rather than one RPC
  // per entry."
  it('Figure 7 (f) is repaired with at most one rejection per conflicting term', () => {
    const voters = [1, 2, 3];
    const c = new Cluster([
      new TestNode(nid(1), { voters, log: logOfTerms(figure7Leader), term: 7 }),
      new TestNode(nid(2), { voters, log: logOfTerms([1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]), term: 7 }),
      new TestNode(nid(3), { voters, log: logOfTerms(figure7Leader), term: 7 }),
    ]);
    const rejections: MsgAppResp[] = [];
    const follower = c.node(2);
    const receive = follower.receive.bind(follower);
    follower.receive = (m: Message): Message[] => {
      const out = receive(m);
      rejections.push(...ofType(out, 'MsgAppResp').filter((r) => r.reject));
      return out;
    };
    c.elect(1);
    expect(terms(follower.log())).toEqual([...figure7Leader, 8]);
    // Conflicting terms 2 and 3: at most two rejections.
    expect(rejections.length).toBeGreaterThan(0);
    expect(rejections.length).toBeLessThanOrEqual(2);
  });
});

// ---------------------------------------------------------------------------------------------
// 5.4 Safety
// ---------------------------------------------------------------------------------------------

describe('5.4 Safety', () => {
  // 5.4.1: "Raft determines which of two logs is more up-to-date by comparing the index and term of
  // the last entries in the logs. If the logs have last entries with different terms, then the log
  // with the later term is more up-to-date. If the logs end with the same term, then whichever log
  // is longer is more up-to-date." "... the voter denies its vote if its own log is more up-to-date
  // than that of the candidate."
  it.each([
    // The voter's log ends at 2/2 (terms [1, 2]).
    { logTerm: 2, index: 2, granted: true },
    { logTerm: 2, index: 3, granted: true },
    { logTerm: 3, index: 1, granted: true },
    { logTerm: 2, index: 1, granted: false },
    { logTerm: 1, index: 3, granted: false },
    { logTerm: 1, index: 2, granted: false },
  ])('a voter ending at 2/2 grants a candidate ending at $logTerm/$index: $granted', ({ logTerm, index, granted }) => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3], log: logOfTerms([1, 2]), term: 2 });
    n.drain();
    const out = n.receive(vote(2, 1, 3, logTerm, index));
    expect(ofType(out, 'MsgVoteResp').map((m) => m.reject)).toEqual([!granted]);
  });

  // 5.4.1: "Raft uses the voting process to prevent a candidate from winning an election unless
  // its log contains all committed entries."
  it('a node missing a committed entry cannot be elected', () => {
    const c = establishedCluster(3);
    c.cut.add(nid(3));
    c.propose(1, 'committed-without-3');
    c.stabilize();
    expect(c.node(1).raft.raftLog.committed).toBe(c.node(2).raft.raftLog.committed);
    c.cut.clear();
    for (let i = 0; i < 5; i++) {
      c.node(3).rawNode.campaign();
      c.stabilize();
      expect(c.node(3).raft.role).not.toBe('leader');
    }
  });

  // 5.4.2: "Raft never commits log entries from previous terms by counting replicas. Only log
  // entries from the leader's current term are committed by counting replicas; once an entry from
  // the current term has been committed in this way, then all prior entries are committed
  // indirectly because of the Log Matching Property."
  it('a leader does not commit an entry of an earlier term by counting replicas', () => {
    // Node 1 leads term 3 with a log [1/1, 2/2]; its empty entry 3/3 is not yet stored anywhere else.
    const n = new TestNode(nid(1), { voters: [1, 2, 3], log: logOfTerms([1, 2]), term: 2 });
    n.rawNode.campaign();
    n.drain();
    n.receive(voteResp(2, 1, 3, true));
    expect([n.raft.role, n.raft.term]).toEqual(['leader', 3]);
    // A majority (1 and 2) stores index 2, of term 2: not committed.
    n.receive(appResp(2, 1, 3, 2));
    expect(n.raft.raftLog.committed).toBe(0);
    // A majority stores index 3, of term 3: committed, and index 2 with it.
    n.receive(appResp(2, 1, 3, 3));
    expect(n.raft.raftLog.committed).toBe(3);
  });

  // The same situation with unsafeCommitEntriesFromPriorTermsByCounting: the knob that breaks the
  // rule on purpose (for the simulator's negative test) commits index 2 by counting.
  it('the unsafe knob commits an entry of an earlier term by counting (the Figure 8 bug)', () => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3], log: logOfTerms([1, 2]), term: 2, unsafeCommitByCounting: true });
    n.rawNode.campaign();
    n.drain();
    n.receive(voteResp(2, 1, 3, true));
    n.receive(appResp(2, 1, 3, 2));
    expect(n.raft.raftLog.committed).toBe(2);
  });

  // Figure 2, "Persistent state on all servers: (Updated on stable storage before responding to
  // RPCs)": a vote and an acknowledged append leave in a Ready that also carries the state they
  // promise, to be synced before the messages are sent.
  it('votes and append acknowledgements travel with the state they depend on', () => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3], term: 1 });
    n.drain();
    n.receive(vote(2, 1, 2, 1, 1));
    const voteReady = n.readys.find((rd) => rd.messages.some((m) => m.type === 'MsgVoteResp'));
    expect(voteReady?.hardState).toEqual({ term: 2, vote: 2, commit: 1 });
    expect(voteReady?.mustSync).toBe(true);

    n.receive(msgApp({ from: 2, to: 1, term: 2, logTerm: 1, index: 1, entries: [entry(2, 2, 'x')] }));
    const appReady = n.readys.find((rd) => rd.messages.some((m) => m.type === 'MsgAppResp' && m.index === 2));
    expect(appReady?.entries.map((e) => e.index)).toEqual([2]);
    expect(appReady?.mustSync).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// 6 Cluster membership changes
// ---------------------------------------------------------------------------------------------

function proposeConf(c: Cluster, leader: number, cc: Omit<ConfChange, 'context'>): void {
  expect(c.node(leader).rawNode.proposeConfChange({ ...cc, context: EMPTY })).toBeUndefined();
}

describe('6 Cluster membership changes', () => {
  // "In Raft the cluster first switches to a transitional configuration we call joint consensus;
  // once the joint consensus has been committed, the system then transitions to the new
  // configuration." "Agreement (for elections and entry commitment) requires separate majorities
  // from both the old and new configurations."
  it('in a joint configuration an entry commits only with majorities of both halves', () => {
    const c = new Cluster([
      ...[1, 2, 3].map((n) => new TestNode(nid(n), { voters: [1, 2, 3] })),
      // Nodes 4 and 5 start with empty storage, as members about to be added do.
      ...[4, 5].map((n) => new TestNode(nid(n), { voters: [], log: [] })),
    ]);
    c.elect(1);
    proposeConf(c, 1, {
      transition: 'joint-explicit',
      changes: [
        { type: 'addNode', nodeId: nid(4) },
        { type: 'addNode', nodeId: nid(5) },
        { type: 'removeNode', nodeId: nid(2) },
        { type: 'removeNode', nodeId: nid(3) },
      ],
    });
    c.stabilize();
    expect(c.node(1).rawNode.status().config).toMatchObject({ voters: [1, 4, 5], votersOutgoing: [1, 2, 3] });
    const committed = (): number => c.node(1).raft.raftLog.committed;

    // The new half alone (1, 4, 5) is not enough.
    let before = committed();
    c.cut.add(nid(2)).add(nid(3));
    c.propose(1, 'new-half-only');
    c.stabilize();
    expect(committed()).toBe(before);

    // Nor is the old half alone (1, 2, 3).
    c.cut.clear();
    c.cut.add(nid(4)).add(nid(5));
    c.send(c.node(1).tick(HEARTBEAT_TICK));
    c.stabilize();
    before = committed();
    c.propose(1, 'old-half-only');
    c.stabilize();
    expect(committed()).toBe(before);

    // A majority of each (1, 2 and 4) commits everything.
    c.cut.clear();
    c.cut.add(nid(3)).add(nid(5));
    c.send(c.node(1).tick(HEARTBEAT_TICK));
    c.stabilize();
    expect(committed()).toBe(c.node(1).raft.raftLog.lastIndex());
  });

  // "... the new servers join the cluster as non-voting members (the leader replicates log entries
  // to them, but they are not considered for majorities)."
  it('a learner receives the log but does not count for commitment', () => {
    const voters = [1, 2];
    const c = new Cluster([1, 2, 3].map((n) => new TestNode(nid(n), { voters, learners: [3] })));
    c.elect(1);
    c.cut.add(nid(2));
    c.propose(1, 'needs-voter-2');
    c.stabilize();
    const last = c.node(1).raft.raftLog.lastIndex();
    expect(c.node(3).raft.raftLog.lastIndex()).toBe(last);
    expect(c.node(1).raft.raftLog.committed).toBeLessThan(last);
    expect(c.node(3).raft.promotable()).toBe(false);
  });

  // "The second issue is that the cluster leader may not be part of the new configuration. In this
  // case, the leader steps down (returns to follower state) once it has committed the C_new log
  // entry." (Here: once it applies it, which follows the commit.)
  it('a leader removed from the configuration steps down', () => {
    const c = establishedCluster(3);
    proposeConf(c, 1, { transition: 'auto', changes: [{ type: 'removeNode', nodeId: nid(1) }] });
    c.stabilize();
    expect(c.node(1).raft.role).toBe('follower');
    expect(c.node(2).rawNode.status().config.voters).toEqual([2, 3]);
    c.node(2).rawNode.campaign();
    c.stabilize();
    expect(c.node(2).raft.role).toBe('leader');
  });

  // "To prevent this problem, servers disregard RequestVote RPCs when they believe a current leader
  // exists. Specifically, if a server receives a RequestVote RPC within the minimum election
  // timeout of hearing from a current leader, it does not update its term or grant its vote."
  it('with check-quorum a follower that hears from the leader ignores vote requests', () => {
    const c = establishedCluster(3, { checkQuorum: true });
    const follower = c.node(2);
    const out = follower.receive(vote(3, 2, 5, 1, 100));
    expect(out).toEqual([]);
    expect(follower.raft.term).toBe(1);
    expect(follower.raft.lead).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// 7 Log compaction
// ---------------------------------------------------------------------------------------------

describe('7 Log compaction', () => {
  // "Although servers normally take snapshots independently, the leader must occasionally send
  // snapshots to followers that lag behind. This happens when the leader has already discarded the
  // next log entry that it needs to send to a follower."
  it('the leader sends a snapshot when it has discarded the entries a follower needs', () => {
    const c = establishedCluster(3);
    c.cut.add(nid(3));
    for (const s of ['a', 'b', 'c']) c.propose(1, s);
    c.stabilize();
    const leader = c.node(1);
    const applied = leader.raft.raftLog.applied;
    leader.storage.createSnapshot(applied, undefined, text('a,b,c'));
    leader.storage.compact(applied);
    c.cut.clear();
    const sent: Message[] = [];
    const receive = c.node(3).receive.bind(c.node(3));
    c.node(3).receive = (m: Message): Message[] => {
      sent.push(m);
      return receive(m);
    };
    c.send(leader.tick(HEARTBEAT_TICK));
    c.stabilize();
    const snaps = ofType(sent, 'MsgSnap');
    expect(snaps.map((m) => m.snapshot.metadata.index)).toEqual([applied]);
    expect(c.node(3).storage.snapshot().metadata.index).toBe(applied);
    expect(c.node(3).raft.raftLog.lastIndex()).toBe(leader.raft.raftLog.lastIndex());
  });

  function snapshotAt(index: number, term: number): Snapshot {
    return {
      data: text('image'),
      metadata: { index: ix(index), term: t(term), confState: { voters: [nid(1), nid(2), nid(3)], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
    };
  }

  // "Usually the snapshot will contain new information not already in the recipient's log. In this
  // case, the follower discards its entire log; it is all superseded by the snapshot and may
  // possibly have uncommitted entries that conflict with the snapshot."
  it('a follower discards its whole log for a snapshot with new information', () => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3], log: logOfTerms([1, 1, 2, 2]), term: 3, commit: 1 });
    n.drain();
    n.receive({ type: 'MsgSnap', from: nid(2), to: nid(1), term: t(3), snapshot: snapshotAt(6, 3) });
    expect(n.storage.snapshot().metadata.index).toBe(6);
    expect(n.storage.firstIndex()).toBe(7);
    expect(n.log()).toEqual([]);
    expect(n.raft.raftLog.committed).toBe(6);
  });

  // "If instead the follower receives a snapshot that describes a prefix of its log (due to
  // retransmission or by mistake), then log entries covered by the snapshot are deleted but entries
  // following the snapshot are still valid and must be retained."
  it('a snapshot that describes a prefix of the log keeps the entries after it', () => {
    const n = new TestNode(nid(1), { voters: [1, 2, 3], log: logOfTerms([1, 1, 2, 2, 3]), term: 3, commit: 1 });
    n.drain();
    const out = n.receive({ type: 'MsgSnap', from: nid(2), to: nid(1), term: t(3), snapshot: snapshotAt(3, 2) });
    expect(terms(n.log())).toEqual([1, 1, 2, 2, 3]);
    // The covered prefix is committed now; the application may compact it at leisure.
    expect(n.raft.raftLog.committed).toBe(3);
    expect(ofType(out, 'MsgAppResp').map((m) => m.index)).toEqual([3]);
  });
});

// ---------------------------------------------------------------------------------------------
// 8 Client interaction
// ---------------------------------------------------------------------------------------------

describe('8 Client interaction', () => {
  // "First, a leader must have the latest information on which entries are committed. ... Raft
  // handles this by having each leader commit a blank no-op entry into the log at the start of its
  // term."
  it('a new leader appends a blank entry of its term', () => {
    const c = Cluster.ofSize(3);
    c.elect(2);
    const log = c.node(2).log();
    const last = log[log.length - 1];
    expect(last?.term).toBe(c.node(2).raft.term);
    expect(last?.data.byteLength).toBe(0);
    expect(c.node(2).raft.raftLog.committed).toBe(last?.index);
  });

  // "Second, a leader must check whether it has been deposed before processing a read-only request
  // (its information may be stale if a more recent leader has been elected). Raft handles this by
  // having the leader exchange heartbeat messages with a majority of the cluster before responding
  // to read-only requests."
  it('a read is answered only after a majority answers a heartbeat round', () => {
    const c = establishedCluster(3);
    const leader = c.node(1);
    const readStates = (): number[] => leader.readys.flatMap((rd) => rd.readStates.map((rs) => rs.index));
    c.cut.add(nid(2)).add(nid(3));
    leader.rawNode.readIndex(text('r1'));
    c.stabilize();
    expect(readStates()).toEqual([]);
    c.cut.delete(nid(2));
    c.send(leader.tick(HEARTBEAT_TICK));
    c.stabilize();
    expect(readStates()).toEqual([leader.raft.raftLog.committed]);
  });
});
