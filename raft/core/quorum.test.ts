import { describe, expect, it } from 'vitest';
import { jointCommittedIndex, jointVoteResult, majorityCommittedIndex, majorityVoteResult } from './quorum.js';
import type { LogIndex, NodeId } from './types.js';

const ids = (...n: number[]): Set<NodeId> => new Set(n as NodeId[]);
const acked = (m: Record<number, number>) => (id: NodeId): LogIndex | undefined => m[id] as LogIndex | undefined;
const votes = (m: Record<number, boolean>): Map<NodeId, boolean> =>
  new Map(Object.entries(m).map(([k, v]) => [Number(k) as NodeId, v]));

describe('majority', () => {
  it('commits the index acknowledged by a majority', () => {
    expect(majorityCommittedIndex(ids(1, 2, 3), acked({ 1: 5, 2: 3, 3: 1 }))).toBe(3);
    expect(majorityCommittedIndex(ids(1, 2, 3, 4), acked({ 1: 5, 2: 3, 3: 1, 4: 4 }))).toBe(3);
    // A voter that acknowledged nothing counts as 0.
    expect(majorityCommittedIndex(ids(1, 2, 3), acked({ 1: 5 }))).toBe(0);
  });

  it('the empty configuration commits everything, so it is neutral in a joint configuration', () => {
    expect(majorityCommittedIndex(ids(), acked({}))).toBe(Number.MAX_SAFE_INTEGER);
    expect(majorityVoteResult(ids(), votes({}))).toBe('won');
  });

  it('wins with a majority of yes, loses when a majority is out of reach, else waits', () => {
    expect(majorityVoteResult(ids(1, 2, 3), votes({ 1: true, 2: true }))).toBe('won');
    expect(majorityVoteResult(ids(1, 2, 3), votes({ 1: true, 2: false }))).toBe('pending');
    expect(majorityVoteResult(ids(1, 2, 3), votes({ 1: false, 2: false }))).toBe('lost');
    // Votes of non-members do not count.
    expect(majorityVoteResult(ids(1, 2, 3), votes({ 1: true, 7: true, 8: true }))).toBe('pending');
  });
});

describe('joint', () => {
  it('commits the smaller of the two halves', () => {
    const cfg = [ids(1, 2, 3), ids(3, 4, 5)] as const;
    expect(jointCommittedIndex(cfg, acked({ 1: 9, 2: 9, 3: 2, 4: 4, 5: 1 }))).toBe(2);
  });

  it('needs both halves to win and loses when either is lost', () => {
    const cfg = [ids(1, 2, 3), ids(3, 4, 5)] as const;
    expect(jointVoteResult(cfg, votes({ 1: true, 2: true }))).toBe('pending');
    expect(jointVoteResult(cfg, votes({ 1: true, 2: true, 4: true, 5: true }))).toBe('won');
    expect(jointVoteResult(cfg, votes({ 1: true, 2: true, 4: false, 5: false }))).toBe('lost');
    expect(jointVoteResult([ids(1, 2, 3), ids()], votes({ 1: true, 3: true }))).toBe('won');
  });
});
