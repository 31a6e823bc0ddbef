/**
 * Three nodes in one process, each with its own store, joined by the loopback network: leader
 * election, replication, ReadIndex reads, group commit across groups, compaction with snapshot
 * catch-up, restarts from LevelDB, and a disk failure.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../storage/engine.js';
import { FaultyEngine } from '../../storage/faulty-engine.js';
import { LevelEngine } from '../../storage/level-engine.js';
import { MemoryEngine } from '../../storage/memory-engine.js';
import { bootstrapSnapshot } from '../core/bootstrap.js';
import { type Entry, type LogIndex, type NodeId, type Snapshot } from '../core/types.js';
import { groupId, type GroupId } from '../storage/group-id.js';
import { RaftStore } from '../storage/raft-store.js';
import { RaftDriverError } from './errors.js';
import { LoopbackNetwork } from './loopback-transport.js';
import { RaftDriver, type StateMachine } from './raft-driver.js';

const NODE_IDS = [1, 2, 3] as NodeId[];
const text = (data: Uint8Array): string => new TextDecoder().decode(data);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A state machine that records each group's applied commands (the empty entries are skipped). */
class RecordingStateMachine implements StateMachine {
  readonly logs = new Map<GroupId, string[]>();
  restores = 0;
  apply(group: GroupId, entries: readonly Entry[]): void {
    const log = this.logFor(group);
    for (const entry of entries) if (entry.type === 'normal' && entry.data.length > 0) log.push(text(entry.data));
  }
  restore(group: GroupId, snapshot: Snapshot): void {
    this.restores++;
    this.logs.set(group, snapshot.data.length === 0 ? [] : (JSON.parse(text(snapshot.data)) as string[]));
  }
  logFor(group: GroupId): string[] {
    let log = this.logs.get(group);
    if (log === undefined) this.logs.set(group, (log = []));
    return log;
  }
}

interface TestNode {
  readonly id: NodeId;
  engine: Engine;
  driver: RaftDriver;
  machine: RecordingStateMachine;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

class TestCluster {
  readonly network = new LoopbackNetwork();
  readonly nodes = new Map<NodeId, TestNode>();
  private readonly stopped: TestNode[] = [];

  async startNode(id: NodeId, engine: Engine, groups: readonly GroupId[], options: { groupCommit?: boolean; fresh: boolean; onFatal?: (e: unknown) => void }): Promise<TestNode> {
    const store = await RaftStore.open(engine);
    const machine = new RecordingStateMachine();
    const driver = new RaftDriver({
      nodeId: id,
      store,
      transport: this.network.transportFor(id),
      stateMachine: machine,
      tickIntervalMs: 5,
      seed: id,
      ...(options.groupCommit !== undefined && { groupCommit: options.groupCommit }),
      ...(options.onFatal !== undefined && { onFatal: options.onFatal }),
    });
    for (const g of groups) {
      if (options.fresh) await driver.bootstrapGroup(g, bootstrapSnapshot({ voters: NODE_IDS }));
      else driver.addGroup(g);
    }
    this.network.attach(id, driver);
    driver.start();
    const node = { id, engine, driver, machine };
    this.nodes.set(id, node);
    return node;
  }

  async stopNode(id: NodeId): Promise<TestNode> {
    const node = this.nodes.get(id)!;
    this.network.detach(id);
    await node.driver.stop();
    this.nodes.delete(id);
    this.stopped.push(node);
    return node;
  }

  leaderOf(group: GroupId): TestNode | undefined {
    const leaders = [...this.nodes.values()].filter((n) => n.driver.isRunning && n.driver.status(group).softState.role === 'leader');
    // Two nodes may both think they lead for a moment (an old leader not yet told); take the newer term.
    leaders.sort((a, b) => b.driver.status(group).hardState.term - a.driver.status(group).hardState.term);
    return leaders[0];
  }

  async waitForLeader(group: GroupId): Promise<TestNode> {
    await waitFor(`a leader of group ${group}`, () => {
      const leader = this.leaderOf(group);
      return leader !== undefined && [...this.nodes.values()].every((n) => !n.driver.isRunning || n.driver.leader(group) === leader.id);
    });
    return this.leaderOf(group)!;
  }

  async shutdown(): Promise<void> {
    for (const id of [...this.nodes.keys()]) await this.stopNode(id);
    for (const node of this.stopped.splice(0)) await node.engine.close().catch(() => undefined);
  }
}

/** Proposes until accepted (a proposal is dropped while there is no leader). */
async function proposeAll(cluster: TestCluster, group: GroupId, commands: readonly string[]): Promise<void> {
  for (const command of commands) {
    await waitFor(`proposal ${command} accepted`, () => {
      const leader = cluster.leaderOf(group);
      return leader !== undefined && leader.driver.propose(group, bytes(command)) === undefined;
    });
  }
}

const clusters: TestCluster[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const cluster of clusters.splice(0)) await cluster.shutdown();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function newCluster(): TestCluster {
  const cluster = new TestCluster();
  clusters.push(cluster);
  return cluster;
}

describe('RaftDriver with three nodes in one process', () => {
  it('elects one leader and applies the same commands in the same order everywhere', async () => {
    const cluster = newCluster();
    const g = groupId(1);
    for (const id of NODE_IDS) await cluster.startNode(id, new MemoryEngine(), [g], { fresh: true });
    const leader = await cluster.waitForLeader(g);
    expect(NODE_IDS).toContain(leader.id);
    const commands = Array.from({ length: 40 }, (_, i) => `cmd-${i}`);
    await proposeAll(cluster, g, commands);
    await waitFor('every node applied every command', () => [...cluster.nodes.values()].every((n) => n.machine.logFor(g).length === commands.length));
    for (const node of cluster.nodes.values()) expect(node.machine.logFor(g)).toEqual(commands);
  });

  it('serves a read on a follower only after it has applied what the leader committed', async () => {
    const cluster = newCluster();
    const g = groupId(1);
    for (const id of NODE_IDS) await cluster.startNode(id, new MemoryEngine(), [g], { fresh: true });
    const leader = await cluster.waitForLeader(g);
    await proposeAll(cluster, g, ['a', 'b', 'c']);
    await waitFor('the leader applied the writes', () => leader.machine.logFor(g).length === 3);
    const follower = [...cluster.nodes.values()].find((n) => n.id !== leader.id)!;
    // Raft thesis 6.4: the read index is the leader's commit index, and the reader waits until
    // "its state machine has advanced at least as far as the readIndex".
    const index = await follower.driver.readIndex(g, { timeoutMs: 10_000 });
    expect(index).toBeGreaterThanOrEqual(leader.driver.status(g).hardState.commit - 0);
    expect(follower.driver.appliedIndex(g)).toBeGreaterThanOrEqual(index);
    expect(follower.machine.logFor(g)).toEqual(['a', 'b', 'c']);
  });

  it('persists the Readys of many groups in one batch per cycle', async () => {
    const groups = Array.from({ length: 20 }, (_, i) => groupId(i + 1));
    const run = async (groupCommit: boolean): Promise<{ readies: number; batches: number }> => {
      const cluster = newCluster();
      for (const id of NODE_IDS) await cluster.startNode(id, new MemoryEngine(), groups, { fresh: true, groupCommit });
      for (const g of groups) await cluster.waitForLeader(g);
      await Promise.all(groups.map((g) => proposeAll(cluster, g, ['x', 'y'])));
      await waitFor('all groups applied', () => [...cluster.nodes.values()].every((n) => groups.every((g) => n.machine.logFor(g).length === 2)));
      const stats = [...cluster.nodes.values()].map((n) => n.driver.stats());
      await cluster.shutdown();
      return { readies: stats.reduce((s, x) => s + x.readies, 0), batches: stats.reduce((s, x) => s + x.persistBatches, 0) };
    };
    const grouped = await run(true);
    const separate = await run(false);
    // Twenty groups start at once, so most cycles carry several groups' Readys.
    expect(grouped.batches).toBeLessThan(grouped.readies / 2);
    expect(separate.batches).toBe(separate.readies);
  });

  it('restarts a node from its LevelDB store and catches it up', async () => {
    const cluster = newCluster();
    const g = groupId(4);
    const paths = new Map<NodeId, string>();
    for (const id of NODE_IDS) {
      const dir = await mkdtemp(join(tmpdir(), `tessera-raft-driver-${id}-`));
      dirs.push(dir);
      paths.set(id, dir);
      await cluster.startNode(id, await LevelEngine.open({ path: dir }), [g], { fresh: true });
    }
    const leader = await cluster.waitForLeader(g);
    await proposeAll(cluster, g, ['one', 'two']);
    await waitFor('all applied the first writes', () => [...cluster.nodes.values()].every((n) => n.machine.logFor(g).length === 2));
    const victim = NODE_IDS.find((id) => id !== leader.id)!;
    const stopped = await cluster.stopNode(victim);
    await stopped.engine.close();
    await proposeAll(cluster, g, ['three', 'four']);
    await waitFor('the two running nodes applied the later writes', () => [...cluster.nodes.values()].every((n) => n.machine.logFor(g).length === 4));

    const restarted = await cluster.startNode(victim, await LevelEngine.open({ path: paths.get(victim)! }), [g], { fresh: false });
    // Its state machine is rebuilt from the snapshot and the log it kept, then from the leader.
    await waitFor('the restarted node caught up', () => restarted.machine.logFor(g).length === 4);
    expect(restarted.machine.logFor(g)).toEqual(['one', 'two', 'three', 'four']);
    expect(restarted.driver.status(g).hardState.term).toBeGreaterThan(0);
  });

  it('sends a snapshot to a follower that fell behind a compaction', async () => {
    const cluster = newCluster();
    const g = groupId(2);
    const engines = new Map<NodeId, Engine>();
    for (const id of NODE_IDS) {
      const engine = new MemoryEngine();
      engines.set(id, engine);
      await cluster.startNode(id, engine, [g], { fresh: true });
    }
    let leader = await cluster.waitForLeader(g);
    const victim = NODE_IDS.find((id) => id !== leader.id)!;
    await cluster.stopNode(victim);
    const commands = Array.from({ length: 30 }, (_, i) => `c${i}`);
    await proposeAll(cluster, g, commands);
    await waitFor('the running nodes applied everything', () => [...cluster.nodes.values()].every((n) => n.machine.logFor(g).length === 30));
    leader = cluster.leaderOf(g)!;
    for (const node of cluster.nodes.values()) await node.driver.compact(g, bytes(JSON.stringify(node.machine.logFor(g))), 0);
    expect(leader.driver.status(g).hardState.commit).toBeGreaterThan(30);

    const restarted = await cluster.startNode(victim, engines.get(victim)!, [g], { fresh: false });
    await waitFor('the restarted node installed the snapshot', () => restarted.machine.logFor(g).length === 30);
    expect(restarted.machine.restores).toBe(1);
    expect(restarted.machine.logFor(g)).toEqual(commands);
  });

  it('stops for good when the disk fails, and fails waiting reads', async () => {
    const cluster = newCluster();
    const g = groupId(1);
    const faulty = new FaultyEngine({ seed: 3 });
    const fatal: unknown[] = [];
    await cluster.startNode(1 as NodeId, faulty, [g], { fresh: true, onFatal: (e) => fatal.push(e) });
    for (const id of [2, 3] as NodeId[]) await cluster.startNode(id, new MemoryEngine(), [g], { fresh: true });
    await cluster.waitForLeader(g);
    const node1 = cluster.nodes.get(1 as NodeId)!;
    faulty.failNextWrites(1);
    const waiting = node1.driver.waitApplied(g, 1_000_000 as LogIndex).then(
      () => 'applied',
      (error: unknown) => error,
    );
    await proposeAll(cluster, g, ['doomed']);
    await waitFor('node 1 failed', () => fatal.length > 0);
    const outcome = await waiting;
    expect(outcome).toBeInstanceOf(RaftDriverError);
    expect((outcome as RaftDriverError).code).toBe('stopped');
    expect(node1.driver.fatalError).toBe(fatal[0]);
    expect(String(fatal[0])).toMatch(/injected write failure/);
    // A stopped driver takes no more requests; the two others carry on without it.
    expect(() => node1.driver.propose(g, bytes('late'))).toThrow(RaftDriverError);
    await proposeAll(cluster, g, ['after']);
    await waitFor('the others applied the next write', () => [2, 3].every((id) => cluster.nodes.get(id as NodeId)!.machine.logFor(g).includes('after')));
  });
});
