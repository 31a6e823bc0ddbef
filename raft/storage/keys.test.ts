import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import { compareBytes } from '../../storage/engine.js';
import type { LogIndex } from '../core/types.js';
import { groupId } from './group-id.js';
import { allRaftStateSpan, decodeRaftKey, entryKey, groupSpan, raftStateKey } from './keys.js';

describe('raft state keys', () => {
  it('sort entries by group then index, and decode back', () => {
    const prng = new Prng(1);
    const keys = Array.from({ length: 500 }, () => {
      const group = groupId(prng.nextInt(3) === 0 ? prng.nextInt(4) : prng.nextUint32() * 1000);
      const index = (prng.chance(0.5) ? prng.nextInt(300) : prng.nextUint32() * 4096) as LogIndex;
      return { group, index, key: entryKey(group, index) };
    });
    const sorted = [...keys].sort((a, b) => compareBytes(a.key, b.key));
    for (let k = 1; k < sorted.length; k++) {
      const a = sorted[k - 1]!;
      const b = sorted[k]!;
      expect(a.group < b.group || (a.group === b.group && a.index <= b.index)).toBe(true);
    }
    for (const { group, index, key } of keys) expect(decodeRaftKey(key)).toEqual({ group, suffix: 'entry', index });
  });

  it('keep each group inside its span, and every group inside the raft span', () => {
    const g = groupId(41);
    const span = groupSpan(g);
    const all = allRaftStateSpan();
    for (const key of [raftStateKey(g, 'hardState'), raftStateKey(g, 'appliedState'), raftStateKey(g, 'truncatedState'), raftStateKey(g, 'snapshot'), entryKey(g, 0 as LogIndex), entryKey(g, Number.MAX_SAFE_INTEGER as LogIndex)]) {
      expect(compareBytes(span.start, key)).toBeLessThanOrEqual(0);
      expect(compareBytes(key, span.end)).toBeLessThan(0);
      expect(compareBytes(all.start, key)).toBeLessThanOrEqual(0);
      expect(compareBytes(key, all.end)).toBeLessThan(0);
    }
    expect(compareBytes(entryKey(groupId(42), 0 as LogIndex), span.end)).toBeGreaterThanOrEqual(0);
    expect(decodeRaftKey(raftStateKey(g, 'snapshot'))).toEqual({ group: g, suffix: 'snapshot' });
    expect(decodeRaftKey(Uint8Array.of(0x02, 0x72))).toBeUndefined();
  });
});
