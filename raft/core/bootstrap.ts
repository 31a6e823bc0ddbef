/**
 * Starting a new Raft group: every initial member's storage begins with the same snapshot, which
 * holds the initial configuration and an empty state machine. Members added later start with an
 * empty storage and receive a snapshot from the leader.
 */
import { assert } from '../../common/assert.js';
import type { LogIndex, NodeId, Snapshot, Term } from './types.js';

export function bootstrapSnapshot(init: {
  readonly voters: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  /** The snapshot's index (1 unless a test wants a longer history). Its term is 1. */
  readonly index?: number;
  readonly data?: Uint8Array;
}): Snapshot {
  const index = init.index ?? 1;
  assert(init.voters.length > 0, 'a group needs at least one voter');
  assert(Number.isSafeInteger(index) && index >= 1, `bootstrap index must be at least 1, got ${index}`);
  return {
    data: init.data ?? new Uint8Array(0),
    metadata: {
      index: index as LogIndex,
      term: 1 as Term,
      confState: {
        voters: [...init.voters].sort((a, b) => a - b),
        learners: [...(init.learners ?? [])].sort((a, b) => a - b),
        votersOutgoing: [],
        learnersNext: [],
        autoLeave: false,
      },
    },
  };
}
