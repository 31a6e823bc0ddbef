import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import { MemoryStorage } from './memory-storage.js';
import { RaftLog } from './raft-log.js';
import { ErrCompacted, type Entry, type LogIndex, type Term } from './types.js';

const e = (index: number, term: number): Entry => ({ index: index as LogIndex, term: term as Term, type: 'normal', data: new Uint8Array(0) });
const id = (index: number, term: number) => ({ index: index as LogIndex, term: term as Term });
const terms = (entries: readonly Entry[]): number[] => entries.map((x) => x.term);

/** A log with `stable` in storage and `unstable` appended in memory. */
function logOf(stable: number[], unstable: number[] = []): RaftLog {
  const storage = new MemoryStorage();
  storage.append(stable.map((term, i) => e(i + 1, term)));
  const log = new RaftLog(storage, silentLogger, Infinity);
  if (unstable.length > 0) log.append(unstable.map((term, i) => e(stable.length + i + 1, term)));
  return log;
}

describe('RaftLog', () => {
  it('reads across the stable and unstable parts', () => {
    const log = logOf([1, 1, 2], [2, 3]);
    expect([log.firstIndex(), log.lastIndex(), log.lastTerm()]).toEqual([1, 5, 3]);
    expect(terms(log.slice(2 as LogIndex, 6 as LogIndex, Infinity))).toEqual([1, 2, 2, 3]);
    expect(log.term(0 as LogIndex)).toBe(0);
    expect(log.term(6 as LogIndex)).toBeUndefined();
  });

  it('finds the first conflicting or new entry', () => {
    const log = logOf([1, 2, 3]);
    expect(log.findConflict([e(1, 1), e(2, 2)])).toBeUndefined();
    expect(log.findConflict([e(2, 2), e(3, 4)])).toBe(3);
    expect(log.findConflict([e(3, 3), e(4, 3)])).toBe(4);
  });

  it('finds the last entry at or below an index whose term is at most a term', () => {
    const log = logOf([1, 1, 1, 4, 4, 5, 5, 6, 6, 6]);
    expect(log.findConflictByTerm(10 as LogIndex, 3 as Term)).toEqual(id(3, 1));
    expect(log.findConflictByTerm(10 as LogIndex, 5 as Term)).toEqual(id(7, 5));
    expect(log.findConflictByTerm(10 as LogIndex, 0 as Term)).toEqual(id(0, 0));
  });

  it('maybeAppend checks the previous entry, truncates conflicts and commits up to the last new entry', () => {
    const log = logOf([1, 2, 2]);
    expect(log.maybeAppend(id(3, 3), 3 as LogIndex, [e(4, 3)])).toBeUndefined();
    expect(log.maybeAppend(id(1, 1), 5 as LogIndex, [e(2, 3), e(3, 3)])).toBe(3);
    expect(terms(log.allEntries())).toEqual([1, 3, 3]);
    // The commit index stops at the last entry this append covers, not the leader's.
    expect(log.committed).toBe(3);
  });

  it('never truncates committed entries', () => {
    const log = logOf([1, 1, 1]);
    log.commitTo(3 as LogIndex);
    expect(() => log.maybeAppend(id(1, 1), 3 as LogIndex, [e(2, 2)])).toThrow(/conflicts with committed entry/);
  });

  it('commits by counting only an entry of the given term', () => {
    const log = logOf([1, 2]);
    expect(log.maybeCommit(id(2, 3))).toBe(false);
    expect(log.maybeCommit(id(2, 2))).toBe(true);
    expect(log.committed).toBe(2);
  });

  it('the up-to-date rule of section 5.4.1', () => {
    const log = logOf([1, 2, 2]);
    expect(log.isUpToDate(id(3, 2))).toBe(true);
    expect(log.isUpToDate(id(2, 2))).toBe(false);
    expect(log.isUpToDate(id(1, 3))).toBe(true);
    expect(log.isUpToDate(id(9, 1))).toBe(false);
  });

  it('hands out committed entries once, then marks them applied', () => {
    const log = logOf([1, 1], [1]);
    log.commitTo(3 as LogIndex);
    expect(log.nextCommittedEntries().map((x) => x.index)).toEqual([1, 2, 3]);
    log.acceptApplying(3 as LogIndex);
    expect(log.hasNextCommittedEntries()).toBe(false);
    log.appliedTo(3 as LogIndex);
    expect(log.applied).toBe(3);
  });

  it('marks entries stable only if they were not replaced meanwhile', () => {
    const log = logOf([1], [1, 1]);
    log.unstable.acceptInProgress();
    // A new leader replaces index 3 before the write of 1/3 is acknowledged.
    log.append([e(3, 2)]);
    log.stableTo(id(3, 1));
    expect(log.unstable.entries.map((x) => [x.index, x.term])).toEqual([
      [2, 1],
      [3, 2],
    ]);
    log.stableTo(id(3, 2));
    expect(log.unstable.entries).toEqual([]);
  });

  it('after compaction, reads below the first index are compacted', () => {
    const storage = new MemoryStorage();
    storage.append([e(1, 1), e(2, 1), e(3, 1)]);
    storage.compact(2 as LogIndex);
    const log = new RaftLog(storage, silentLogger, Infinity);
    expect(log.term(2 as LogIndex)).toBe(1);
    expect(log.term(1 as LogIndex)).toBeUndefined();
    expect(() => log.entries(2 as LogIndex, Infinity)).toThrow(ErrCompacted);
  });
});
