/**
 * A seeded, deterministic simulation of one Raft group of 3 or 5 nodes in one process, in the
 * manner of TigerBeetle's VOPR: no real timers (a virtual clock of steps, STEPS_PER_TICK per
 * tick), a simulated network that drops, duplicates, delays and reorders messages and is split
 * by partitions that come and go, simulated disks (FaultyEngine) whose unsynced writes vanish
 * when a node crashes, random membership changes through the core's conf-change API, leader
 * transfers, and clients that write through the log and read with ReadIndex, with timeouts.
 *
 * Every node runs the real RawNode over the real RaftStore, and handles each Ready as the
 * contract says: persist (synced when mustSync), then send, then apply, then advance. While it
 * runs the SafetyChecker watches Raft's safety properties; at the end the clients' history must
 * be linearizable. Every random choice comes from one Prng seeded by the seed, and every awaited
 * write resolves in microtasks, so a seed replays exactly: the trace hash says so.
 */
import { AssertionError } from '../../common/assert.js';
import { checkLinearizability, describeLinearizabilityResult } from '../../common/linearizability/checker.js';
import { kvModel } from '../../common/linearizability/kv-model.js';
import { Prng } from '../../common/prng.js';
import { FaultyEngine } from '../../storage/faulty-engine.js';
import { bootstrapSnapshot } from '../core/bootstrap.js';
import { decodeConfChange } from '../core/conf-change-codec.js';
import { RawNode } from '../core/raw-node.js';
import {
  NONE,
  type ConfChange,
  type ConfState,
  type Entry,
  type LogIndex,
  type Message,
  type MessageType,
  type NodeId,
  type SoftState,
  type Term,
} from '../core/types.js';
import { groupId } from '../storage/group-id.js';
import { RaftStore } from '../storage/raft-store.js';
import { KvStateMachine, decodeCommand, encodeCommand } from './kv-state-machine.js';
import { SafetyChecker, SafetyViolation } from './safety-checker.js';
import { STEPS_PER_TICK, drawProfile, resolveFaults, type FaultProfileName, type SimFaults, type SimOptions } from './sim-options.js';
import { SimNetwork, type Cut } from './sim-network.js';
import { TraceHash } from './trace-hash.js';
import { Workload, type ClientGateway, type ClientRequest } from './workload.js';

const GROUP = groupId(1);

export interface SimStats {
  ticks: number;
  messages: number;
  delivered: number;
  drops: number;
  duplicates: number;
  crashes: number;
  restarts: number;
  partitions: number;
  /** Membership changes applied (each distinct conf-change entry, counted once). */
  confChanges: number;
  confChangesProposed: number;
  transfers: number;
  snapshotsInstalled: number;
  ops: number;
  opsCompleted: number;
  opsTimedOut: number;
  opsRefused: number;
  elections: number;
  maxTerm: number;
  commitIndex: number;
}

export type LinearizabilityVerdict = 'linearizable' | 'violation' | 'unknown' | 'not-checked';

export interface SimResult {
  readonly seed: number;
  readonly profile: FaultProfileName;
  readonly nodes: number;
  readonly ticks: number;
  readonly stats: SimStats;
  /** Undefined when every check passed. */
  readonly violation: string | undefined;
  readonly linearizability: LinearizabilityVerdict;
  readonly traceHash: string;
}

/** The Raft settings of one run, drawn from the seed. */
interface RunConfig {
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly maxSizePerMsg: number | undefined;
  readonly maxInflightMsgs: number;
  readonly snapshotEveryEntries: number;
  readonly keepEntriesAfterSnapshot: number;
}

interface SimNode {
  readonly id: NodeId;
  /** Which step of each tick the node ticks at: nodes' clocks are not in lockstep. */
  readonly phase: number;
  disk: FaultyEngine;
  running: boolean;
  /** Out of the configuration and shut down for good. */
  retired: boolean;
  restartAtTick: number | undefined;
  shutdownAtTick: number | undefined;
  store: RaftStore | undefined;
  raw: RawNode | undefined;
  machine: KvStateMachine;
  applied: LogIndex;
  confState: ConfState;
  softState: SoftState;
  /** The term in which this node was last seen leading (leader checks run once per term). */
  leaderTermObserved: Term | undefined;
  /** The highest commit index this node has persisted. */
  commitSeen: LogIndex;
  /** Leading in a term whose first commit is still to come. */
  awaitingFirstCommit: boolean;
  readonly writes: Map<string, ClientRequest>;
  readonly reads: Map<string, { readonly request: ClientRequest; index: LogIndex | undefined }>;
}

/** Event codes mixed into the trace hash. */
const EVENT = { deliver: 1, ready: 2, apply: 3, crash: 4, restart: 5, partition: 6, heal: 7, conf: 8, transfer: 9, shutdown: 10, submit: 11 } as const;

const MESSAGE_TYPES: readonly MessageType[] = [
  'MsgHup', 'MsgBeat', 'MsgCheckQuorum', 'MsgProp', 'MsgApp', 'MsgAppResp', 'MsgVote', 'MsgVoteResp', 'MsgPreVote',
  'MsgPreVoteResp', 'MsgHeartbeat', 'MsgHeartbeatResp', 'MsgSnap', 'MsgTimeoutNow', 'MsgReadIndex', 'MsgReadIndexResp',
  'MsgTransferLeader', 'MsgUnreachable', 'MsgSnapStatus',
];
const MESSAGE_TYPE_CODES = new Map<MessageType, number>(MESSAGE_TYPES.map((type, i) => [type, i]));

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Runs one seed to the end (or to the first violation) and reports what happened. */
export async function runSimulation(options: SimOptions): Promise<SimResult> {
  const simulation = new ClusterSimulation(options);
  return simulation.run();
}

class ClusterSimulation {
  private readonly faults: SimFaults;
  private readonly profile: FaultProfileName;
  private readonly config: RunConfig;
  private readonly nemesisPrng: Prng;
  private readonly raftPrng: Prng;
  private readonly diskPrng: Prng;
  private readonly network: SimNetwork;
  private readonly workload: Workload;
  private readonly safety: SafetyChecker;
  private readonly trace = new TraceHash();
  private readonly nodes: SimNode[] = [];
  private readonly byId = new Map<NodeId, SimNode>();
  private nextNodeId: number;
  private partitions: { readonly cut: Cut; readonly healAtTick: number }[] = [];
  private pendingConf: { deadlineTick: number } | undefined;
  private readonly confIndexesApplied = new Set<number>();
  /** Every client command any node ever applied, as "client:request". */
  private readonly commandsApplied = new Set<string>();
  private tick = 0;
  /** Leaders to strike down, in step order. */
  private strikes: { readonly step: number; readonly node: SimNode; readonly term: Term }[] = [];
  private readonly stats: SimStats = {
    ticks: 0, messages: 0, delivered: 0, drops: 0, duplicates: 0, crashes: 0, restarts: 0, partitions: 0, confChanges: 0,
    confChangesProposed: 0, transfers: 0, snapshotsInstalled: 0, ops: 0, opsCompleted: 0, opsTimedOut: 0, opsRefused: 0,
    elections: 0, maxTerm: 0, commitIndex: 0,
  };
  private readonly gateway: ClientGateway;

  constructor(private readonly options: SimOptions) {
    const root = new Prng(options.seed);
    const configPrng = root.fork();
    this.profile = options.profile ?? drawProfile(configPrng);
    this.safety = new SafetyChecker({ commitRule: options.checkCommitRule ?? true });
    this.faults = resolveFaults(this.profile, options.faults);
    this.nemesisPrng = root.fork();
    this.raftPrng = root.fork();
    this.diskPrng = root.fork();
    this.network = new SimNetwork(root.fork(), this.faults.network);
    this.workload = new Workload(root.fork(), {
      clients: options.nodes,
      keys: 3,
      timeoutSteps: 40 * STEPS_PER_TICK,
      thinkStepsMax: 3 * STEPS_PER_TICK,
    });
    this.config = {
      electionTick: 10,
      heartbeatTick: configPrng.pick([1, 1, 2, 3]),
      checkQuorum: configPrng.chance(0.7),
      preVote: configPrng.chance(0.7),
      // A bound of one byte means one entry per MsgApp: the slowest, most reordered replication.
      maxSizePerMsg: configPrng.pick(this.profile === 'leader-churn' ? [1, 1, 64, undefined] : [1, 64, 1024, undefined]),
      maxInflightMsgs: configPrng.pick([1, 2, 8, 256]),
      snapshotEveryEntries: 5 + configPrng.nextInt(40),
      keepEntriesAfterSnapshot: configPrng.nextInt(10),
    };
    this.nextNodeId = options.nodes + 1;
    this.gateway = {
      members: () => this.nodes.filter((n) => !n.retired && n.shutdownAtTick === undefined).map((n) => n.id),
      leaderHint: (id) => {
        const node = this.byId.get(id);
        return node?.running === true && node.softState.lead !== NONE ? node.softState.lead : undefined;
      },
      submit: (id, request) => this.submit(id, request),
    };
  }

  async run(): Promise<SimResult> {
    let violation: string | undefined;
    let linearizability: LinearizabilityVerdict = 'not-checked';
    try {
      await this.setup();
      const totalSteps = this.options.ticks * STEPS_PER_TICK;
      for (let step = 0; step < totalSteps; step++) {
        if (step % STEPS_PER_TICK === 0) {
          this.tick = step / STEPS_PER_TICK;
          await this.nemesis();
          if (this.tick % 50 === 49) this.checkLogMatching();
        }
        this.strikeLeaders(step);
        for (const node of this.nodes) {
          if (node.running && (step + node.phase) % STEPS_PER_TICK === 0) node.raw!.tick();
        }
        this.workload.act(step, this.gateway);
        for (const message of this.network.deliverDue(step, (id) => this.byId.get(id)?.running === true)) {
          this.trace.add(EVENT.deliver, MESSAGE_TYPE_CODES.get(message.type) ?? -1, message.from, message.to, message.term);
          this.byId.get(message.to)!.raw!.step(message);
        }
        for (const node of this.nodes) {
          if (node.running && node.raw!.hasReady()) await this.handleReadys(node, step);
          if (node.running && node.reads.size > 0) this.serveReads(node, step);
        }
      }
      this.stats.ticks = this.options.ticks;
      this.checkLogMatching();
      const history = this.workload.history((clientId, requestId) => this.commandsApplied.has(requestKey({ clientId, requestId })));
      const result = checkLinearizability(kvModel, history);
      linearizability = result.kind;
      if (result.kind === 'violation') violation = `linearizability: ${describeLinearizabilityResult(kvModel, result)}`;
    } catch (error) {
      this.stats.ticks = this.tick;
      violation = describeFailure(error, this.tick);
    }
    this.collectStats();
    return {
      seed: this.options.seed,
      profile: this.profile,
      nodes: this.options.nodes,
      ticks: this.options.ticks,
      stats: { ...this.stats },
      violation,
      linearizability,
      traceHash: this.trace.hex(),
    };
  }

  // ---- nodes ----------------------------------------------------------------------------------

  private async setup(): Promise<void> {
    const voters = Array.from({ length: this.options.nodes }, (_, i) => (i + 1) as NodeId);
    for (const id of voters) {
      const node = this.newNode(id);
      const store = await RaftStore.open(node.disk);
      await store.bootstrap(GROUP, bootstrapSnapshot({ voters }));
      await this.bringUp(node);
    }
  }

  private newNode(id: NodeId): SimNode {
    const node: SimNode = {
      id,
      phase: this.nemesisPrng.nextInt(STEPS_PER_TICK),
      disk: new FaultyEngine({ seed: this.diskPrng.nextUint32() }),
      running: false,
      retired: false,
      restartAtTick: undefined,
      shutdownAtTick: undefined,
      store: undefined,
      raw: undefined,
      machine: new KvStateMachine(),
      applied: 0 as LogIndex,
      confState: bootstrapSnapshot({ voters: [id] }).metadata.confState,
      softState: { lead: NONE, role: 'follower' },
      leaderTermObserved: undefined,
      commitSeen: 0 as LogIndex,
      awaitingFirstCommit: false,
      writes: new Map(),
      reads: new Map(),
    };
    this.nodes.push(node);
    this.byId.set(id, node);
    return node;
  }

  /** Starts (or restarts) a node from what its disk holds. */
  private async bringUp(node: SimNode): Promise<void> {
    const store = await RaftStore.open(node.disk);
    const log = store.group(GROUP);
    const applied = log.appliedState();
    node.store = store;
    // The state machine is volatile: rebuilt from the snapshot, then by replaying the log.
    node.machine = KvStateMachine.decode(log.snapshot().data);
    node.applied = applied.index;
    node.confState = applied.confState;
    node.softState = { lead: NONE, role: 'follower' };
    node.leaderTermObserved = undefined;
    node.commitSeen = log.hardState().commit;
    node.raw = new RawNode({
      id: node.id,
      electionTick: this.config.electionTick,
      heartbeatTick: this.config.heartbeatTick,
      storage: log,
      applied: applied.index,
      prng: this.raftPrng.fork(),
      checkQuorum: this.config.checkQuorum,
      preVote: this.config.preVote,
      readOnlyOption: 'safe',
      maxInflightMsgs: this.config.maxInflightMsgs,
      ...(this.config.maxSizePerMsg !== undefined && { maxSizePerMsg: this.config.maxSizePerMsg }),
      ...(this.options.unsafeCommitEntriesFromPriorTermsByCounting === true && { unsafeCommitEntriesFromPriorTermsByCounting: true }),
    });
    node.running = true;
    node.restartAtTick = undefined;
  }

  /** Power loss: the process state is gone and the disk keeps its synced writes (and maybe more). */
  private crash(node: SimNode): void {
    const { engine, unsyncedBatchesLost } = node.disk.crash();
    node.disk = engine;
    node.running = false;
    node.raw = undefined;
    node.store = undefined;
    node.writes.clear();
    node.reads.clear();
    this.trace.add(EVENT.crash, node.id, unsyncedBatchesLost, this.tick);
  }

  // ---- the Ready loop ---------------------------------------------------------------------------

  private async handleReadys(node: SimNode, now: number): Promise<void> {
    // A bound on rounds per step; whatever is left is handled on the next step.
    for (let round = 0; round < 16 && node.running && node.raw!.hasReady(); round++) {
      const raw = node.raw!;
      const store = node.store!;
      const log = store.group(GROUP);
      const rd = raw.ready();
      // 1. Persist before anything else.
      await store.persist([{ groupId: GROUP, ready: rd }], { sync: rd.mustSync });
      this.trace.add(EVENT.ready, node.id, rd.entries.length, rd.committedEntries.length, rd.messages.length, rd.hardState?.commit ?? -1, rd.hardState?.term ?? -1);
      if (rd.softState !== undefined) node.softState = rd.softState;
      const term = log.hardState().term;
      if (node.softState.role === 'leader') {
        if (node.leaderTermObserved !== term) {
          node.leaderTermObserved = term;
          node.awaitingFirstCommit = true;
          this.safety.observeLeader(node.id, term, log);
          if (this.nemesisPrng.chance(this.faults.leaderStrikeProbability)) {
            if (this.nemesisPrng.chance(this.faults.immediateStrikeShare)) {
              // Its first entry as leader is on its disk only: nothing of this Ready was sent.
              this.crashAndRestartLater(node);
              return;
            }
            this.strikes.push({ step: now + 1 + this.nemesisPrng.nextInt(this.faults.leaderStrikeStepsMax), node, term });
          }
        }
        if (rd.hardState !== undefined && rd.hardState.commit > node.commitSeen) {
          this.safety.observeCommit(node.id, term, node.commitSeen, rd.hardState.commit, log);
          const first = node.awaitingFirstCommit;
          node.awaitingFirstCommit = false;
          if (this.nemesisPrng.chance(first ? this.faults.firstCommitCrashProbability : this.faults.commitCrashProbability)) {
            // Between the fsync and the sends: nobody else hears of this commit.
            this.crashAndRestartLater(node);
            return;
          }
        }
      }
      if (rd.hardState !== undefined && rd.hardState.commit > node.commitSeen) node.commitSeen = rd.hardState.commit;
      // 2. Send.
      for (const message of rd.messages) this.send(node, message, now);
      // 3. Apply.
      if (rd.snapshot !== undefined && rd.snapshot.metadata.index > 0) {
        node.machine = KvStateMachine.decode(rd.snapshot.data);
        node.applied = rd.snapshot.metadata.index;
        node.confState = rd.snapshot.metadata.confState;
        this.stats.snapshotsInstalled++;
      }
      for (const entry of rd.committedEntries) this.apply(node, entry, now);
      for (const state of rd.readStates) {
        const read = node.reads.get(decoder.decode(state.requestContext));
        if (read !== undefined) read.index = state.index;
      }
      // 4. Advance.
      raw.advance(rd);
      this.serveReads(node, now);
      await this.maybeCompact(node);
    }
  }

  private send(node: SimNode, message: Message, now: number): void {
    const target = this.byId.get(message.to);
    if (target === undefined || !target.running) {
      // Connection refused: the sender learns of it at once.
      this.network.stats.sent++;
      this.network.stats.dropped++;
      if (message.type === 'MsgSnap') node.raw!.reportSnapshot(message.to, 'failure');
      return;
    }
    this.network.send(message, now);
    // The snapshot was handed to the network; whether it arrives, the follower's answer tells.
    if (message.type === 'MsgSnap') node.raw!.reportSnapshot(message.to, 'finish');
  }

  private apply(node: SimNode, entry: Entry, now: number): void {
    this.safety.observeApply(node.id, entry);
    this.trace.add(EVENT.apply, node.id, entry.index, entry.term);
    if (entry.type === 'confChange') {
      const before = node.confState;
      node.confState = node.raw!.applyConfChange(decodeConfChange(entry.data));
      this.onConfChangeApplied(entry.index, before, node.confState);
    } else {
      const command = decodeCommand(entry.data);
      if (command !== undefined) {
        const output = node.machine.apply(command);
        const key = requestKey(command);
        if (output !== undefined) this.commandsApplied.add(key);
        if (node.writes.has(key)) {
          node.writes.delete(key);
          if (output !== undefined) this.workload.complete(command.clientId, command.requestId, output, now);
        }
      }
    }
    node.applied = entry.index;
  }

  private serveReads(node: SimNode, now: number): void {
    for (const [key, read] of node.reads) {
      if (read.index === undefined || read.index > node.applied) continue;
      node.reads.delete(key);
      const { clientId, requestId, input } = read.request;
      this.workload.complete(clientId, requestId, { kind: 'get', value: node.machine.read(input.key) }, now);
    }
  }

  private async maybeCompact(node: SimNode): Promise<void> {
    const store = node.store!;
    const log = store.group(GROUP);
    if (node.applied - log.snapshot().metadata.index < this.config.snapshotEveryEntries) return;
    const compactTo = Math.max(log.firstIndex() - 1, node.applied - this.config.keepEntriesAfterSnapshot) as LogIndex;
    const { durable } = store.snapshotAndCompact(GROUP, { index: node.applied, confState: node.confState, data: node.machine.encode() }, compactTo);
    await durable;
  }

  // ---- clients ---------------------------------------------------------------------------------

  private submit(id: NodeId, request: ClientRequest): 'accepted' | 'refused' {
    const node = this.byId.get(id);
    if (node === undefined || !node.running) return 'refused';
    const key = requestKey(request);
    this.trace.add(EVENT.submit, id, request.clientId, request.requestId);
    if (request.input.kind === 'get') {
      if (this.options.unsafeLocalReads === true) {
        // Served as it stands, on the next step.
        node.reads.set(key, { request, index: 0 as LogIndex });
        return 'accepted';
      }
      if (node.raw!.readIndex(encoder.encode(key)) !== undefined) return 'refused';
      node.reads.set(key, { request, index: undefined });
      return 'accepted';
    }
    if (node.raw!.propose(encodeCommand(request)) !== undefined) return 'refused';
    node.writes.set(key, request);
    return 'accepted';
  }

  // ---- faults and operators --------------------------------------------------------------------

  private async nemesis(): Promise<void> {
    const tick = this.tick;
    const prng = this.nemesisPrng;
    for (const node of this.nodes) {
      if (!node.running && !node.retired && node.restartAtTick !== undefined && tick >= node.restartAtTick) {
        await this.bringUp(node);
        this.stats.restarts++;
        this.trace.add(EVENT.restart, node.id, tick);
      }
      if (node.running && node.shutdownAtTick !== undefined && tick >= node.shutdownAtTick) {
        this.crash(node);
        node.retired = true;
        this.trace.add(EVENT.shutdown, node.id, tick);
      }
    }
    if (prng.chance(this.faults.crashProbability)) this.crashSomeNode();
    for (const partition of this.partitions) {
      if (tick < partition.healAtTick) continue;
      this.network.heal(partition.cut);
      this.trace.add(EVENT.heal, tick);
    }
    this.partitions = this.partitions.filter((p) => tick < p.healAtTick);
    if (prng.chance(this.faults.partitionProbability)) this.partition();
    if (prng.chance(this.faults.confChangeProbability)) await this.changeMembership();
    if (prng.chance(this.faults.transferProbability)) this.transferLeadership();
  }

  private strikeLeaders(step: number): void {
    if (this.strikes.length === 0) return;
    const due = this.strikes.filter((s) => s.step <= step);
    if (due.length === 0) return;
    this.strikes = this.strikes.filter((s) => s.step > step);
    for (const { node, term } of due) {
      // Only if it still leads in the term it was elected in.
      if (!node.running || node.softState.role !== 'leader' || node.store!.group(GROUP).hardState().term !== term) continue;
      if (this.nemesisPrng.chance(0.5)) {
        this.cut([[node.id], this.nodes.filter((n) => n !== node && !n.retired).map((n) => n.id)]);
      } else {
        this.crashAndRestartLater(node);
      }
    }
  }

  private crashSomeNode(): void {
    const prng = this.nemesisPrng;
    const candidates = this.nodes.filter((n) => n.running && n.shutdownAtTick === undefined);
    if (candidates.length === 0) return;
    const voters = this.latestConfState().voters;
    const down = this.nodes.filter((n) => !n.running && !n.retired && voters.includes(n.id)).length;
    // Mostly keep a quorum up so the run makes progress; sometimes take it down too.
    if (down + 1 > Math.floor((voters.length - 1) / 2) && !prng.chance(0.15)) return;
    this.crashAndRestartLater(prng.pick(candidates));
  }

  private crashAndRestartLater(node: SimNode): void {
    this.crash(node);
    node.restartAtTick = this.tick + this.faults.downTicksMin + this.nemesisPrng.nextInt(this.faults.downTicksMax - this.faults.downTicksMin + 1);
    this.stats.crashes++;
  }

  private partition(): void {
    const prng = this.nemesisPrng;
    const members = this.nodes.filter((n) => !n.retired).map((n) => n.id);
    if (members.length < 2) return;
    let sides: NodeId[][];
    if (prng.chance(0.5)) {
      // One node cut off from everyone else (often the leader, the interesting case).
      const leader = this.currentLeader();
      const alone = leader !== undefined && prng.chance(0.5) ? leader.id : prng.pick(members);
      sides = [[alone], members.filter((id) => id !== alone)];
    } else {
      const shuffled = prng.shuffle([...members]);
      const cut = 1 + prng.nextInt(shuffled.length - 1);
      sides = [shuffled.slice(0, cut), shuffled.slice(cut)];
    }
    this.cut(sides);
  }

  private cut(sides: NodeId[][]): void {
    const prng = this.nemesisPrng;
    const healAtTick = this.tick + this.faults.partitionTicksMin + prng.nextInt(this.faults.partitionTicksMax - this.faults.partitionTicksMin + 1);
    this.partitions.push({ cut: this.network.partition(sides), healAtTick });
    this.stats.partitions++;
    this.trace.add(EVENT.partition, this.tick, ...sides.map((side) => side.length));
  }

  /** The operator: add a learner, promote it, remove a voter or a learner, or replace a voter (joint). */
  private async changeMembership(): Promise<void> {
    const prng = this.nemesisPrng;
    if (this.pendingConf !== undefined && this.tick < this.pendingConf.deadlineTick) return;
    const leader = this.currentLeader();
    if (leader === undefined) return;
    const { voters, learners, votersOutgoing } = leader.confState;
    if (votersOutgoing.length > 0) return;
    const choices: ('add-learner' | 'promote' | 'replace' | 'remove-voter' | 'remove-learner')[] = [];
    if (learners.length === 0 && voters.length < this.options.nodes + 2) choices.push('add-learner', 'add-learner');
    if (learners.length > 0 && voters.length < this.options.nodes + 1) choices.push('promote', 'promote');
    if (learners.length > 0 && voters.length >= 3) choices.push('replace');
    if (voters.length > 3) choices.push('remove-voter');
    if (learners.length > 0) choices.push('remove-learner');
    if (choices.length === 0) return;
    const choice = prng.pick(choices);
    let change: ConfChange;
    let added: SimNode | undefined;
    switch (choice) {
      case 'add-learner': {
        added = this.newNode(this.nextNodeId++ as NodeId);
        change = { transition: 'auto', changes: [{ type: 'addLearnerNode', nodeId: added.id }], context: new Uint8Array(0) };
        break;
      }
      case 'promote':
        change = { transition: 'auto', changes: [{ type: 'addNode', nodeId: prng.pick(learners) }], context: new Uint8Array(0) };
        break;
      case 'replace':
        // Two voter changes at once: a joint configuration, left automatically.
        change = {
          transition: 'auto',
          changes: [
            { type: 'addNode', nodeId: prng.pick(learners) },
            { type: 'removeNode', nodeId: prng.pick(voters) },
          ],
          context: new Uint8Array(0),
        };
        break;
      case 'remove-voter':
        change = { transition: 'auto', changes: [{ type: 'removeNode', nodeId: prng.pick(voters) }], context: new Uint8Array(0) };
        break;
      case 'remove-learner':
        change = { transition: 'auto', changes: [{ type: 'removeNode', nodeId: prng.pick(learners) }], context: new Uint8Array(0) };
        break;
    }
    // A new member starts with an empty disk; the leader will send it a snapshot.
    if (added !== undefined) await this.bringUp(added);
    if (leader.raw!.proposeConfChange(change) !== undefined) {
      if (added !== undefined) added.shutdownAtTick = this.tick;
      return;
    }
    this.pendingConf = { deadlineTick: this.tick + 100 };
    this.stats.confChangesProposed++;
    this.trace.add(EVENT.conf, this.tick, ...change.changes.map((c) => c.nodeId));
  }

  private onConfChangeApplied(index: LogIndex, before: ConfState, after: ConfState): void {
    if (!this.confIndexesApplied.has(index)) {
      this.confIndexesApplied.add(index);
      this.stats.confChanges++;
      this.pendingConf = undefined;
    }
    const members = (c: ConfState): NodeId[] => [...c.voters, ...c.learners, ...c.votersOutgoing, ...c.learnersNext];
    const now = new Set(members(after));
    for (const id of members(before)) {
      const node = this.byId.get(id);
      // Out of the configuration: shut it down a little later (it may still be leading).
      if (!now.has(id) && node !== undefined && node.shutdownAtTick === undefined && !node.retired) {
        node.shutdownAtTick = this.tick + 5 + this.nemesisPrng.nextInt(50);
      }
    }
  }

  private transferLeadership(): void {
    const leader = this.currentLeader();
    if (leader === undefined) return;
    const others = leader.confState.voters.filter((id) => id !== leader.id);
    if (others.length === 0) return;
    const target = this.nemesisPrng.pick(others);
    leader.raw!.transferLeader(target);
    this.stats.transfers++;
    this.trace.add(EVENT.transfer, leader.id, target, this.tick);
  }

  private currentLeader(): SimNode | undefined {
    let best: SimNode | undefined;
    let bestTerm = -1;
    for (const node of this.nodes) {
      if (!node.running || node.softState.role !== 'leader') continue;
      const term = node.store!.group(GROUP).hardState().term;
      if (term > bestTerm) {
        best = node;
        bestTerm = term;
      }
    }
    return best;
  }

  /** The configuration of the running node that has applied the most. */
  private latestConfState(): ConfState {
    let best: SimNode | undefined;
    for (const node of this.nodes) if (node.running && (best === undefined || node.applied > best.applied)) best = node;
    return best?.confState ?? bootstrapSnapshot({ voters: [1 as NodeId] }).metadata.confState;
  }

  // ---- checks and figures ----------------------------------------------------------------------

  private checkLogMatching(): void {
    this.safety.checkLogMatching(this.nodes.filter((n) => n.running).map((n) => ({ node: n.id, log: n.store!.group(GROUP) })));
  }

  private collectStats(): void {
    const s = this.stats;
    s.messages = this.network.stats.sent;
    s.delivered = this.network.stats.delivered;
    s.drops = this.network.stats.dropped;
    s.duplicates = this.network.stats.duplicated;
    s.ops = this.workload.stats.issued;
    s.opsCompleted = this.workload.stats.completed;
    s.opsTimedOut = this.workload.stats.timedOut;
    s.opsRefused = this.workload.stats.refused;
    s.elections = this.safety.electionsObserved;
    s.commitIndex = Math.max(0, this.safety.highestCommittedIndex);
    for (const node of this.nodes) {
      if (node.store !== undefined) s.maxTerm = Math.max(s.maxTerm, node.store.group(GROUP).hardState().term);
    }
  }
}

function requestKey(request: { readonly clientId: number; readonly requestId: number }): string {
  return `${request.clientId}:${request.requestId}`;
}

function describeFailure(error: unknown, tick: number): string {
  if (error instanceof SafetyViolation) return `${error.message} (tick ${tick})`;
  if (error instanceof AssertionError) return `assertion failed at tick ${tick}: ${error.message}`;
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `unexpected error at tick ${tick}: ${stack}`;
}
