/**
 * What one simulation run does: the cluster's size and length, and the odds of every fault.
 *
 * Each seed draws a fault profile (a calm-ish mix, a lossy network, many partitions, many
 * crashes, or leader churn) and some Raft settings (message size bounds, in-flight limits,
 * pre-vote, check-quorum), so that many seeds cover many regimes; options.faults overrides the
 * profile's values.
 */
import type { Prng } from '../../common/prng.js';
import type { NetworkFaults } from './sim-network.js';

export interface SimOptions {
  readonly seed: number;
  /** Initial voters; membership changes may add and remove nodes around this. */
  readonly nodes: number;
  readonly ticks: number;
  /** TEST ONLY: run the core with the Figure 8 bug switched on (types.ts). */
  readonly unsafeCommitEntriesFromPriorTermsByCounting?: boolean;
  /**
   * TEST ONLY: answer reads from the contacted node's state machine at once, without ReadIndex.
   * Such reads can be stale (an old leader cut off, a lagging follower); it exists to show that
   * the linearizability check catches them.
   */
  readonly unsafeLocalReads?: boolean;
  /** Check the commit rule of section 5.4.2 directly (default true; see SafetyChecker). */
  readonly checkCommitRule?: boolean;
  /** Use this profile instead of drawing one from the seed. */
  readonly profile?: FaultProfileName;
  readonly faults?: Partial<SimFaults>;
}

export interface SimFaults {
  readonly network: NetworkFaults;
  /** Per tick: a running node crashes (losing its unsynced writes). */
  readonly crashProbability: number;
  /** Ticks a crashed node stays down. */
  readonly downTicksMin: number;
  readonly downTicksMax: number;
  /** Per tick: a partition starts (partitions may overlap). */
  readonly partitionProbability: number;
  readonly partitionTicksMin: number;
  readonly partitionTicksMax: number;
  /** Per tick: the operator proposes a membership change (when none is in flight). */
  readonly confChangeProbability: number;
  /** Per tick: the leader is asked to hand over to another voter. */
  readonly transferProbability: number;
  /**
   * When a node becomes leader: it is struck down (crashed, or cut off alone) within a few ticks.
   * Short-lived leaders that replicated only part of their log are where Raft's subtle cases live
   * (Figure 8 of the paper needs three of them in a row).
   */
  readonly leaderStrikeProbability: number;
  /**
   * Of those strikes, the share that crash the new leader at once: after it persisted its first
   * Ready as leader, before it sent anything, so its new entry exists on its disk alone.
   */
  readonly immediateStrikeShare: number;
  /** Steps after its election within which a (not immediate) struck leader goes down. */
  readonly leaderStrikeStepsMax: number;
  /**
   * When a leader's commit index advances: it crashes right after persisting that Ready, before
   * sending its messages (the followers have not heard of the commit; a client may have).
   */
  readonly commitCrashProbability: number;
  /**
   * The same, for the first commit of each leader's term: the moment entries of earlier terms
   * become committed (section 5.4.2 of the Raft paper), which deserves more of the blows.
   */
  readonly firstCommitCrashProbability: number;
}

/** Steps of the virtual clock per tick: messages take a fraction of a tick or several ticks. */
export const STEPS_PER_TICK = 4;

const MIXED: SimFaults = {
  network: {
    dropProbability: 0.05,
    duplicateProbability: 0.02,
    delayStepsMin: 1,
    delayStepsMax: 6,
    longDelayProbability: 0.02,
    longDelayStepsMax: 60,
  },
  crashProbability: 0.006,
  downTicksMin: 5,
  downTicksMax: 80,
  partitionProbability: 0.006,
  partitionTicksMin: 10,
  partitionTicksMax: 100,
  confChangeProbability: 0.01,
  transferProbability: 0.003,
  leaderStrikeProbability: 0.2,
  immediateStrikeShare: 0.3,
  leaderStrikeStepsMax: 3 * STEPS_PER_TICK,
  commitCrashProbability: 0.005,
  firstCommitCrashProbability: 0.2,
};

export type FaultProfileName = 'mixed' | 'lossy' | 'partitions' | 'crashes' | 'leader-churn';

export const FAULT_PROFILES: Record<FaultProfileName, SimFaults> = {
  mixed: MIXED,
  lossy: {
    ...MIXED,
    network: { ...MIXED.network, dropProbability: 0.2, duplicateProbability: 0.1, longDelayProbability: 0.1, delayStepsMax: 12 },
  },
  partitions: { ...MIXED, partitionProbability: 0.03, partitionTicksMin: 5, partitionTicksMax: 60 },
  crashes: { ...MIXED, crashProbability: 0.03, downTicksMin: 1, downTicksMax: 30, commitCrashProbability: 0.02 },
  'leader-churn': {
    ...MIXED,
    leaderStrikeProbability: 0.5,
    immediateStrikeShare: 0.5,
    downTicksMin: 5,
    downTicksMax: 40,
    firstCommitCrashProbability: 0.5,
    commitCrashProbability: 0.01,
  },
};

/** How often each profile is drawn, out of the total. */
const PROFILE_WEIGHTS: readonly [FaultProfileName, number][] = [
  ['mixed', 3],
  ['lossy', 1],
  ['partitions', 1],
  ['crashes', 1],
  ['leader-churn', 2],
];

export function drawProfile(prng: Prng): FaultProfileName {
  const total = PROFILE_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = prng.nextInt(total);
  for (const [name, weight] of PROFILE_WEIGHTS) {
    if (roll < weight) return name;
    roll -= weight;
  }
  return 'mixed';
}

export function resolveFaults(profile: FaultProfileName, overrides: Partial<SimFaults> | undefined): SimFaults {
  const base = FAULT_PROFILES[profile];
  return { ...base, ...overrides, network: { ...base.network, ...overrides?.network } };
}
