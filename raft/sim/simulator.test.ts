/**
 * The cluster simulator on many seeds: no violations with the real core, exact replay from a
 * seed, and proof that its checks have teeth (the core's deliberately broken variant and reads
 * that skip ReadIndex are both caught).
 */
import { describe, expect, it } from 'vitest';
import { runSimulation, type SimResult, type SimStats } from './simulator.js';

function sum(results: readonly SimResult[], key: keyof SimStats): number {
  return results.reduce((total, r) => total + r.stats[key], 0);
}

async function runSeeds(count: number, options: { nodes: number; ticks: number; seedStart?: number }): Promise<SimResult[]> {
  const results: SimResult[] = [];
  for (let seed = options.seedStart ?? 1; seed < (options.seedStart ?? 1) + count; seed++) {
    results.push(await runSimulation({ seed, nodes: options.nodes, ticks: options.ticks }));
  }
  return results;
}

function failures(results: readonly SimResult[]): string[] {
  return results.filter((r) => r.violation !== undefined).map((r) => `seed ${r.seed} (${r.profile}): ${r.violation}`);
}

describe('cluster simulator', () => {
  it('finds no violation in 240 seeds of a 3-node group', async () => {
    const results = await runSeeds(240, { nodes: 3, ticks: 400 });
    expect(failures(results)).toEqual([]);
    // The runs did what they claim: faults, membership changes, snapshots, and real client work.
    expect(sum(results, 'crashes')).toBeGreaterThan(240);
    expect(sum(results, 'partitions')).toBeGreaterThan(240);
    expect(sum(results, 'drops')).toBeGreaterThan(0);
    expect(sum(results, 'duplicates')).toBeGreaterThan(0);
    expect(sum(results, 'confChanges')).toBeGreaterThan(100);
    expect(sum(results, 'snapshotsInstalled')).toBeGreaterThan(50);
    expect(sum(results, 'transfers')).toBeGreaterThan(0);
    expect(sum(results, 'opsCompleted')).toBeGreaterThan(240 * 20);
    expect(sum(results, 'opsTimedOut')).toBeGreaterThan(0);
    expect(results.every((r) => r.linearizability === 'linearizable')).toBe(true);
    expect(new Set(results.map((r) => r.profile)).size).toBe(5);
  });

  it('finds no violation in 60 seeds of a 5-node group', async () => {
    const results = await runSeeds(60, { nodes: 5, ticks: 400, seedStart: 10_001 });
    expect(failures(results)).toEqual([]);
    expect(sum(results, 'crashes')).toBeGreaterThan(60);
    expect(sum(results, 'opsCompleted')).toBeGreaterThan(60 * 20);
  });

  it('replays a seed exactly', async () => {
    for (const [seed, nodes] of [
      [7, 3],
      [8, 5],
    ] as const) {
      const first = await runSimulation({ seed, nodes, ticks: 500 });
      const second = await runSimulation({ seed, nodes, ticks: 500 });
      expect(second).toEqual(first);
      expect(second.traceHash).toBe(first.traceHash);
    }
    const other = await runSimulation({ seed: 9, nodes: 3, ticks: 500 });
    const seven = await runSimulation({ seed: 7, nodes: 3, ticks: 500 });
    expect(other.traceHash).not.toBe(seven.traceHash);
  });

  it('catches the Figure 8 bug through its consequences, and replays the failure', async () => {
    // Raft paper, section 5.4.2: "a log entry ... is stored on a majority of servers, [yet] could
    // still be overwritten by a future leader" if a leader committed it by counting replicas.
    // With the direct commit-rule check off, Leader Completeness, State Machine Safety, Log
    // Matching or linearizability must catch what that breach leads to.
    let caught: SimResult | undefined;
    for (let seed = 1; seed <= 150 && caught === undefined; seed++) {
      const result = await runSimulation({ seed, nodes: 3, ticks: 1000, unsafeCommitEntriesFromPriorTermsByCounting: true, checkCommitRule: false });
      if (result.violation !== undefined) caught = result;
    }
    expect(caught, 'no seed in 1..150 caught the unsafe commit rule').toBeDefined();
    expect(caught!.violation).toMatch(/^(leader completeness|state machine safety|log matching|linearizability)/);
    const replay = await runSimulation({ seed: caught!.seed, nodes: 3, ticks: 1000, unsafeCommitEntriesFromPriorTermsByCounting: true, checkCommitRule: false });
    expect(replay.violation).toBe(caught!.violation);
    expect(replay.traceHash).toBe(caught!.traceHash);
  });

  it('catches the Figure 8 bug at its first unsafe commit with the commit-rule check on', async () => {
    const results: SimResult[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      results.push(await runSimulation({ seed, nodes: 3, ticks: 1000, unsafeCommitEntriesFromPriorTermsByCounting: true }));
    }
    const caught = results.filter((r) => r.violation?.startsWith('commit rule'));
    expect(caught.length).toBeGreaterThan(0);
  });

  it('catches reads that skip ReadIndex with the linearizability check', async () => {
    const results: SimResult[] = [];
    for (let seed = 1; seed <= 10; seed++) results.push(await runSimulation({ seed, nodes: 3, ticks: 600, unsafeLocalReads: true }));
    const caught = results.filter((r) => r.linearizability === 'violation');
    expect(caught.length).toBeGreaterThan(5);
    expect(caught[0]!.violation).toMatch(/^linearizability: not linearizable/);
  });
});
