/**
 * Quorum arithmetic: majority configurations, and joint configurations (thesis 4.3) made of two
 * majorities that must both agree.
 *
 * Both answer two questions: which index is committed, given each voter's acknowledged index; and
 * who won an election, given the votes so far. An empty majority agrees to everything (it commits
 * every index and wins every vote), which is what makes a joint configuration with an empty
 * outgoing half behave exactly like its incoming half.
 */
import type { LogIndex, NodeId } from './types.js';

export type VoteResult = 'pending' | 'lost' | 'won';

export type MajorityConfig = ReadonlySet<NodeId>;

/** [incoming, outgoing]. Outside a joint configuration the outgoing half is empty. */
export type JointConfig = readonly [MajorityConfig, MajorityConfig];

/** Committing "everything": what an empty configuration agrees to. */
const INDEX_MAX = Number.MAX_SAFE_INTEGER as LogIndex;

/**
 * The largest index acknowledged by a majority of the voters: sort the voters' acknowledged
 * indexes in decreasing order and take the one at position n/2 (a voter that has not acknowledged
 * anything counts as 0).
 */
export function majorityCommittedIndex(
  config: MajorityConfig,
  ackedIndex: (id: NodeId) => LogIndex | undefined,
): LogIndex {
  if (config.size === 0) return INDEX_MAX;
  const indexes: number[] = [];
  for (const id of config) indexes.push(ackedIndex(id) ?? 0);
  indexes.sort((a, b) => b - a);
  const quorum = Math.floor(config.size / 2) + 1;
  return indexes[quorum - 1] as LogIndex;
}

/**
 * The outcome of an election in one majority: won with a majority of yes votes, lost once a
 * majority can no longer be reached, pending otherwise. Votes from non-members are ignored.
 */
export function majorityVoteResult(config: MajorityConfig, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (config.size === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of config) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const quorum = Math.floor(config.size / 2) + 1;
  if (granted >= quorum) return 'won';
  if (granted + missing >= quorum) return 'pending';
  return 'lost';
}

/** A joint configuration commits what both halves commit: the smaller of the two indexes. */
export function jointCommittedIndex(
  config: JointConfig,
  ackedIndex: (id: NodeId) => LogIndex | undefined,
): LogIndex {
  const incoming = majorityCommittedIndex(config[0], ackedIndex);
  const outgoing = majorityCommittedIndex(config[1], ackedIndex);
  return Math.min(incoming, outgoing) as LogIndex;
}

/** A joint election is won when both halves are won, and lost as soon as either half is lost. */
export function jointVoteResult(config: JointConfig, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const r1 = majorityVoteResult(config[0], votes);
  const r2 = majorityVoteResult(config[1], votes);
  if (r1 === r2) return r1;
  if (r1 === 'lost' || r2 === 'lost') return 'lost';
  return 'pending';
}

/** Every voter of a joint configuration, each once. */
export function jointIds(config: JointConfig): Set<NodeId> {
  return new Set([...config[0], ...config[1]]);
}

export function describeMajority(config: MajorityConfig): string {
  return `(${[...config].sort((a, b) => a - b).join(' ')})`;
}

export function describeJoint(config: JointConfig): string {
  const incoming = describeMajority(config[0]);
  return config[1].size === 0 ? incoming : `${incoming}&&${describeMajority(config[1])}`;
}
