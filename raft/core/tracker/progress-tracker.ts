/**
 * ProgressTracker: the active configuration, the leader's Progress for every member, and the
 * votes of the current election.
 */
import type { LogIndex, NodeId } from '../types.js';
import type { ConfState } from '../types.js';
import {
  describeJoint,
  jointCommittedIndex,
  jointIds,
  jointVoteResult,
  type JointConfig,
  type VoteResult,
} from '../quorum.js';
import type { Progress } from './progress.js';

/**
 * A membership configuration as the tracker holds it.
 *
 * Invariants: learners and voters (either half) are disjoint; learnersNext are outgoing voters
 * that become learners when the joint configuration is left (so they are in voters[1] and not in
 * voters[0]); autoLeave only in a joint configuration.
 */
export interface TrackerConfig {
  readonly voters: JointConfig;
  readonly learners: ReadonlySet<NodeId>;
  readonly learnersNext: ReadonlySet<NodeId>;
  readonly autoLeave: boolean;
}

export const EMPTY_TRACKER_CONFIG: TrackerConfig = {
  voters: [new Set(), new Set()],
  learners: new Set(),
  learnersNext: new Set(),
  autoLeave: false,
};

export function isJoint(config: TrackerConfig): boolean {
  return config.voters[1].size > 0;
}

export function describeTrackerConfig(config: TrackerConfig): string {
  let s = `voters=${describeJoint(config.voters)}`;
  if (config.learners.size > 0) s += ` learners=(${sorted(config.learners).join(' ')})`;
  if (config.learnersNext.size > 0) s += ` learners_next=(${sorted(config.learnersNext).join(' ')})`;
  if (config.autoLeave) s += ' autoleave';
  return s;
}

export function confStateOf(config: TrackerConfig): ConfState {
  return {
    voters: sorted(config.voters[0]),
    learners: sorted(config.learners),
    votersOutgoing: sorted(config.voters[1]),
    learnersNext: sorted(config.learnersNext),
    autoLeave: config.autoLeave,
  };
}

export function sorted(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort((a, b) => a - b);
}

export class ProgressTracker {
  config: TrackerConfig = EMPTY_TRACKER_CONFIG;
  progress: Map<NodeId, Progress> = new Map();
  /** Votes of the current election: true granted, false rejected. */
  private votes = new Map<NodeId, boolean>();

  constructor(readonly maxInflight: number) {}

  confState(): ConfState {
    return confStateOf(this.config);
  }

  /** A single voter and no joint configuration: the leader decides alone. */
  isSingleton(): boolean {
    return this.config.voters[0].size === 1 && this.config.voters[1].size === 0;
  }

  /** The largest index acknowledged by a quorum of voters (learners never count). */
  committed(): LogIndex {
    return jointCommittedIndex(this.config.voters, (id) => this.progress.get(id)?.match);
  }

  /** Visits every member (voters and learners) in increasing id order. */
  visit(fn: (id: NodeId, pr: Progress) => void): void {
    for (const id of sorted(this.progress.keys())) fn(id, this.progress.get(id) as Progress);
  }

  /** Whether a quorum of voters was recently active (check-quorum). */
  quorumActive(): boolean {
    const active = new Map<NodeId, boolean>();
    this.visit((id, pr) => {
      if (!pr.isLearner) active.set(id, pr.recentActive);
    });
    return jointVoteResult(this.config.voters, active) === 'won';
  }

  voterNodes(): NodeId[] {
    return sorted(jointIds(this.config.voters));
  }

  learnerNodes(): NodeId[] {
    return sorted(this.config.learners);
  }

  isVoter(id: NodeId): boolean {
    return this.config.voters[0].has(id) || this.config.voters[1].has(id);
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  /** Records id's vote; a second vote from the same node in one election is ignored. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const [id, pr] of this.progress) {
      if (pr.isLearner) continue;
      const v = this.votes.get(id);
      if (v === undefined) continue;
      if (v) granted++;
      else rejected++;
    }
    return { granted, rejected, result: jointVoteResult(this.config.voters, this.votes) };
  }

  /** The voters' acknowledgements of one ReadIndex round, judged like votes. */
  voteResult(acks: ReadonlyMap<NodeId, boolean>): VoteResult {
    return jointVoteResult(this.config.voters, acks);
  }
}
