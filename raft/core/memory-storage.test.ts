import { describe, expect, it } from 'vitest';
import { ErrSnapOutOfDate, MemoryStorage } from './memory-storage.js';
import { ErrCompacted, ErrUnavailable, type Entry, type LogIndex, type Term } from './types.js';
import { entryOverheadBytes } from './limits.js';

const e = (index: number, term: number, data = ''): Entry => ({
  index: index as LogIndex,
  term: term as Term,
  type: 'normal',
  data: new TextEncoder().encode(data),
});
const li = (n: number): LogIndex => n as LogIndex;

function storageWith(...entries: Entry[]): MemoryStorage {
  const s = new MemoryStorage();
  s.append(entries);
  return s;
}

describe('MemoryStorage', () => {
  it('starts empty with term(0) = 0', () => {
    const s = new MemoryStorage();
    expect([s.firstIndex(), s.lastIndex(), s.term(li(0))]).toEqual([1, 0, 0]);
    expect(() => s.term(li(1))).toThrow(ErrUnavailable);
  });

  it('appends, replacing a conflicting suffix', () => {
    const s = storageWith(e(1, 1), e(2, 1), e(3, 1));
    s.append([e(2, 2), e(3, 2), e(4, 2)]);
    expect(s.entries(li(1), li(5), Infinity).map((x) => x.term)).toEqual([1, 2, 2, 2]);
    expect(() => s.append([e(7, 2)])).toThrow(/missing log entries/);
  });

  it('bounds entries by size but returns at least one', () => {
    const s = storageWith(e(1, 1, 'aaaa'), e(2, 1, 'bbbb'), e(3, 1, 'cccc'));
    const one = 4 + entryOverheadBytes;
    expect(s.entries(li(1), li(4), 0)).toHaveLength(1);
    expect(s.entries(li(1), li(4), 2 * one)).toHaveLength(2);
    expect(s.entries(li(1), li(4), 3 * one)).toHaveLength(3);
  });

  it('compacts, keeping the term of the compacted index', () => {
    const s = storageWith(e(1, 1), e(2, 2), e(3, 3));
    s.createSnapshot(li(2), undefined, new Uint8Array([7]));
    s.compact(li(2));
    expect([s.firstIndex(), s.lastIndex(), s.term(li(2))]).toEqual([3, 3, 2]);
    expect(() => s.term(li(1))).toThrow(ErrCompacted);
    expect(() => s.entries(li(2), li(4), Infinity)).toThrow(ErrCompacted);
    expect(() => s.compact(li(2))).toThrow(ErrCompacted);
    // Appending entries that overlap the compacted prefix skips what is compacted.
    s.append([e(2, 2), e(3, 3), e(4, 3)]);
    expect(s.entries(li(3), li(5), Infinity).map((x) => x.index)).toEqual([3, 4]);
  });

  it('applying a snapshot replaces the log; an older one is refused', () => {
    const s = storageWith(e(1, 1), e(2, 1));
    const snap = { data: new Uint8Array(0), metadata: { index: li(5), term: 3 as Term, confState: { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } } };
    s.applySnapshot(snap);
    expect([s.firstIndex(), s.lastIndex(), s.term(li(5))]).toEqual([6, 5, 3]);
    expect(() => s.applySnapshot(snap)).toThrow(ErrSnapOutOfDate);
  });
});
