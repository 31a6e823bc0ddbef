/**
 * Raft commit throughput and latency on LevelDB with real fsync, all nodes in one process.
 *
 *     npm run build && node dist/bench/raft-commit.js [--proposals=3000] [--in-flight=64]
 *         [--groups=100] [--group-proposals=3000] [--payload-bytes=100] [--seconds=20] [--seed=1]
 *
 * Phases, each on a fresh 3-node cluster (each node its own LevelDB store in a temp directory,
 * the loopback transport between them, one RaftDriver per node):
 *   1. one group, one proposal in flight: the latency of one commit (leader fsync, one network
 *      round trip, follower fsync, apply);
 *   2. one group, --in-flight proposals in flight: what batching in the log and in each fsync buys;
 *   3. --groups groups, one proposal in flight per group, group commit on: every node persists
 *      all its groups' Readys of an event-loop turn in one synced batch;
 *   4. the same with group commit off: one synced batch, one fsync, per group per turn.
 * A proposal's latency runs from propose() on the leader to its apply on the leader. Every
 * phase is bounded by its proposal count and by --seconds, and ends with a consistency check:
 * every node must have applied every acknowledged proposal of every group, in the same order. A
 * phase whose check fails has no result, and the run exits 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hdr from 'hdr-histogram-js';
import { parseIntFlags, printReport, runBenchmark, textTable } from './harness.js';
import { Prng } from '../common/prng.js';
import { LevelEngine } from '../storage/level-engine.js';
import { bootstrapSnapshot } from '../raft/core/bootstrap.js';
import type { Entry, NodeId, Snapshot } from '../raft/core/types.js';
import { LoopbackNetwork } from '../raft/driver/loopback-transport.js';
import { RaftDriver, type StateMachine } from '../raft/driver/raft-driver.js';
import { groupId, type GroupId } from '../raft/storage/group-id.js';
import { RaftStore } from '../raft/storage/raft-store.js';

interface Config {
  readonly proposals: number;
  readonly inFlight: number;
  readonly groups: number;
  readonly groupProposals: number;
  readonly payloadBytes: number;
  readonly seconds: number;
  readonly seed: number;
  readonly tickMs: number;
}

interface PhaseResult {
  readonly name: string;
  readonly groups: number;
  readonly inFlight: number;
  readonly groupCommit: boolean;
  readonly proposals: number;
  readonly seconds: number;
  readonly commitsPerSecond: number;
  readonly latencyMsP50: number;
  readonly latencyMsP99: number;
  readonly latencyMsP999: number;
  readonly latencyMsMax: number;
  /** Synced engine batches (fsyncs) of all three nodes during the load. */
  readonly fsyncs: number;
  readonly fsyncsPerCommit: number;
  readonly readiesPerPersistBatch: number;
}

const NODE_IDS = [1, 2, 3] as NodeId[];

function parseConfig(argv: readonly string[]): Config {
  return parseIntFlags(argv, {
    proposals: 3000,
    inFlight: 64,
    groups: 100,
    groupProposals: 3000,
    payloadBytes: 100,
    seconds: 20,
    seed: 1,
    tickMs: 10,
  });
}

/** The replicated state: per group, the proposal ids in applied order. */
class ProposalLog implements StateMachine {
  readonly applied = new Map<GroupId, number[]>();
  constructor(private readonly onApply: (group: GroupId, id: number) => void) {}
  apply(group: GroupId, entries: readonly Entry[]): void {
    const log = this.logOf(group);
    for (const entry of entries) {
      if (entry.type !== 'normal' || entry.data.length < 8) continue;
      const id = new DataView(entry.data.buffer, entry.data.byteOffset, 8).getFloat64(0);
      log.push(id);
      this.onApply(group, id);
    }
  }
  restore(_group: GroupId, _snapshot: Snapshot): void {
    throw new Error('the benchmark never compacts, so no snapshot is ever sent');
  }
  logOf(group: GroupId): number[] {
    let log = this.applied.get(group);
    if (log === undefined) this.applied.set(group, (log = []));
    return log;
  }
}

interface BenchNode {
  readonly id: NodeId;
  readonly dir: string;
  readonly engine: LevelEngine;
  readonly store: RaftStore;
  readonly driver: RaftDriver;
  readonly log: ProposalLog;
}

interface Pending {
  readonly node: NodeId;
  readonly group: GroupId;
  readonly startedNs: bigint;
}

class BenchCluster {
  readonly network = new LoopbackNetwork();
  readonly nodes: BenchNode[] = [];
  readonly pending = new Map<number, Pending>();
  onCommitted: (id: number, pending: Pending) => void = () => undefined;

  static async start(groups: readonly GroupId[], groupCommit: boolean, config: Config): Promise<BenchCluster> {
    const cluster = new BenchCluster();
    for (const id of NODE_IDS) {
      const dir = mkdtempSync(join(tmpdir(), `tessera-bench-raft-${id}-`));
      const engine = await LevelEngine.open({ path: dir });
      const store = await RaftStore.open(engine);
      const log = new ProposalLog((_group, proposal) => cluster.applied(id, proposal));
      const driver = new RaftDriver({
        nodeId: id,
        store,
        transport: cluster.network.transportFor(id),
        stateMachine: log,
        tickIntervalMs: config.tickMs,
        groupCommit,
        seed: config.seed * 31 + id,
        onFatal: (error) => {
          throw error;
        },
      });
      for (const g of groups) await driver.bootstrapGroup(g, bootstrapSnapshot({ voters: NODE_IDS }));
      cluster.network.attach(id, driver);
      cluster.nodes.push({ id, dir, engine, store, driver, log });
    }
    for (const node of cluster.nodes) node.driver.start();
    // Spread the leaders over the nodes, as a placement policy would.
    groups.forEach((g, i) => cluster.nodes[i % cluster.nodes.length]!.driver.campaign(g));
    return cluster;
  }

  private applied(node: NodeId, id: number): void {
    const pending = this.pending.get(id);
    if (pending === undefined || pending.node !== node) return;
    this.pending.delete(id);
    this.onCommitted(id, pending);
  }

  leaderOf(group: GroupId): BenchNode | undefined {
    return this.nodes.find((n) => n.driver.leader(group) === n.id && n.driver.status(group).softState.role === 'leader');
  }

  async waitForLeaders(groups: readonly GroupId[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (groups.some((g) => this.leaderOf(g) === undefined)) {
      if (Date.now() > deadline) throw new Error('no leader elected in time');
      await sleep(5);
    }
  }

  fsyncs(): number {
    return this.nodes.reduce((sum, n) => sum + n.store.stats().syncedBatches, 0);
  }

  driverTotals(): { readies: number; persistBatches: number } {
    return this.nodes.reduce(
      (sum, n) => ({ readies: sum.readies + n.driver.stats().readies, persistBatches: sum.persistBatches + n.driver.stats().persistBatches }),
      { readies: 0, persistBatches: 0 },
    );
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) {
      this.network.detach(node.id);
      await node.driver.stop();
      await node.engine.close();
      rmSync(node.dir, { recursive: true, force: true });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Keeps inFlight proposals outstanding per group until total have committed or time runs out.
 * Returns the committed ids per group, in commit order at the leader.
 */
async function runLoad(
  cluster: BenchCluster,
  groups: readonly GroupId[],
  options: { inFlightPerGroup: number; total: number; seconds: number; payloadBytes: number; prng: Prng },
  histogram: hdr.Histogram,
): Promise<{ committed: Map<GroupId, number[]>; seconds: number }> {
  const committed = new Map<GroupId, number[]>(groups.map((g) => [g, []]));
  let issued = 0;
  let done = 0;
  let nextId = 1;
  const payload = new Uint8Array(options.payloadBytes);
  for (let i = 0; i < payload.length; i++) payload[i] = options.prng.nextInt(256);
  const startedNs = process.hrtime.bigint();
  const deadlineNs = startedNs + BigInt(options.seconds) * 1_000_000_000n;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const propose = (group: GroupId): void => {
    if (issued >= options.total || process.hrtime.bigint() > deadlineNs) {
      if (done === issued) finish();
      return;
    }
    const leader = cluster.leaderOf(group);
    if (leader === undefined) {
      // Between leaders: try again shortly.
      setTimeout(() => propose(group), 5);
      return;
    }
    const id = nextId++;
    const data = new Uint8Array(8 + payload.length);
    new DataView(data.buffer).setFloat64(0, id);
    data.set(payload, 8);
    cluster.pending.set(id, { node: leader.id, group, startedNs: process.hrtime.bigint() });
    if (leader.driver.propose(group, data) !== undefined) {
      cluster.pending.delete(id);
      setTimeout(() => propose(group), 5);
      return;
    }
    issued++;
  };
  cluster.onCommitted = (id, pending) => {
    histogram.recordValue(Number(process.hrtime.bigint() - pending.startedNs) / 1000);
    committed.get(pending.group)!.push(id);
    done++;
    propose(pending.group);
  };
  for (const group of groups) for (let k = 0; k < options.inFlightPerGroup; k++) propose(group);
  // A proposal lost with a leader change never commits; the time bound ends the phase then.
  const watchdog = setInterval(() => {
    if (process.hrtime.bigint() > deadlineNs + 5_000_000_000n) finish();
  }, 100);
  await finished;
  clearInterval(watchdog);
  const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
  return { committed, seconds };
}

/** Every node applied every acknowledged proposal, and all nodes applied the same sequence. */
async function checkConsistency(cluster: BenchCluster, committed: Map<GroupId, number[]>): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  const caughtUp = (): boolean =>
    [...committed].every(([g, ids]) => {
      const acknowledged = new Set(ids);
      return cluster.nodes.every((n) => {
        const applied = new Set(n.log.logOf(g));
        for (const id of acknowledged) if (!applied.has(id)) return false;
        return true;
      });
    });
  while (!caughtUp() && Date.now() < deadline) await sleep(10);
  const problems: string[] = [];
  for (const [g, ids] of committed) {
    const reference = cluster.nodes[0]!.log.logOf(g);
    for (const node of cluster.nodes) {
      const applied = node.log.logOf(g);
      const common = Math.min(applied.length, reference.length);
      for (let i = 0; i < common; i++) {
        if (applied[i] !== reference[i]) {
          problems.push(`group ${g}: node ${node.id} applied ${applied[i]} at position ${i}, node 1 applied ${reference[i]}`);
          break;
        }
      }
      const have = new Set(applied);
      const missing = ids.filter((id) => !have.has(id));
      if (missing.length > 0) problems.push(`group ${g}: node ${node.id} lacks ${missing.length} acknowledged proposals`);
    }
    if (problems.length > 10) break;
  }
  return problems;
}

async function runPhase(
  name: string,
  config: Config,
  shape: { groups: number; inFlightPerGroup: number; total: number; groupCommit: boolean },
): Promise<PhaseResult> {
  const groups = Array.from({ length: shape.groups }, (_, i) => groupId(i + 1));
  const cluster = await BenchCluster.start(groups, shape.groupCommit, config);
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  try {
    await cluster.waitForLeaders(groups, 30_000);
    const fsyncsBefore = cluster.fsyncs();
    const driverBefore = cluster.driverTotals();
    const { committed, seconds } = await runLoad(
      cluster,
      groups,
      { inFlightPerGroup: shape.inFlightPerGroup, total: shape.total, seconds: config.seconds, payloadBytes: config.payloadBytes, prng: new Prng(config.seed) },
      histogram,
    );
    const fsyncs = cluster.fsyncs() - fsyncsBefore;
    const driverAfter = cluster.driverTotals();
    const problems = await checkConsistency(cluster, committed);
    if (problems.length > 0) throw new Error(`consistency check of phase "${name}" failed:\n  ${problems.join('\n  ')}`);
    const proposals = [...committed.values()].reduce((sum, ids) => sum + ids.length, 0);
    const ms = (us: number): number => Math.round(us) / 1000;
    const readies = driverAfter.readies - driverBefore.readies;
    const batches = driverAfter.persistBatches - driverBefore.persistBatches;
    return {
      name,
      groups: shape.groups,
      inFlight: shape.inFlightPerGroup * shape.groups,
      groupCommit: shape.groupCommit,
      proposals,
      seconds: Math.round(seconds * 100) / 100,
      commitsPerSecond: Math.round(proposals / seconds),
      latencyMsP50: ms(histogram.getValueAtPercentile(50)),
      latencyMsP99: ms(histogram.getValueAtPercentile(99)),
      latencyMsP999: ms(histogram.getValueAtPercentile(99.9)),
      latencyMsMax: ms(histogram.maxValue),
      fsyncs,
      fsyncsPerCommit: Math.round((fsyncs / Math.max(1, proposals)) * 100) / 100,
      readiesPerPersistBatch: Math.round((readies / Math.max(1, batches)) * 100) / 100,
    };
  } finally {
    histogram.destroy();
    await cluster.stop();
  }
}

function table(results: readonly PhaseResult[]): string {
  return textTable(['phase', 'proposals', 'commits/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'fsyncs/commit', 'readies/batch'], results.map((r) => [r.name, r.proposals, r.commitsPerSecond, r.latencyMsP50, r.latencyMsP99, r.latencyMsP999, r.latencyMsMax, r.fsyncsPerCommit, r.readiesPerPersistBatch]));
}

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const phases: [string, { groups: number; inFlightPerGroup: number; total: number; groupCommit: boolean }][] = [
    ['1 group, 1 in flight', { groups: 1, inFlightPerGroup: 1, total: config.proposals, groupCommit: true }],
    [`1 group, ${config.inFlight} in flight`, { groups: 1, inFlightPerGroup: config.inFlight, total: config.proposals, groupCommit: true }],
    [`${config.groups} groups, group commit`, { groups: config.groups, inFlightPerGroup: 1, total: config.groupProposals, groupCommit: true }],
    [`${config.groups} groups, no group commit`, { groups: config.groups, inFlightPerGroup: 1, total: config.groupProposals, groupCommit: false }],
  ];
  const results: PhaseResult[] = [];
  for (const [name, shape] of phases) {
    process.stderr.write(`running: ${name}\n`);
    results.push(await runPhase(name, config, shape));
  }
  printReport('raft-commit', config, results, table(results));
}

runBenchmark(main);
