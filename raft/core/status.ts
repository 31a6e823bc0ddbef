/**
 * Status: a read-only picture of a node for diagnostics, tests and the admin API.
 */
import type { Raft } from './raft.js';
import type { ProgressState } from './tracker/progress.js';
import type { ConfState, HardState, LogIndex, NodeId, SoftState } from './types.js';

export interface ProgressStatus {
  readonly match: LogIndex;
  readonly next: LogIndex;
  readonly state: ProgressState;
  readonly recentActive: boolean;
  readonly isLearner: boolean;
  readonly paused: boolean;
  readonly pendingSnapshot: LogIndex;
  readonly inflightCount: number;
  /** The same, as one line (`replicate match=3 next=4`). */
  readonly description: string;
}

export interface Status {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: LogIndex;
  readonly leadTransferee: NodeId;
  readonly config: ConfState;
  /** Every member's progress, as this node tracks it; empty unless it is the leader. */
  readonly progress: ReadonlyMap<NodeId, ProgressStatus>;
}

export function statusOf(raft: Raft): Status {
  const progress = new Map<NodeId, ProgressStatus>();
  if (raft.role === 'leader') {
    raft.trk.visit((id, pr) => {
      progress.set(id, {
        match: pr.match,
        next: pr.next,
        state: pr.state,
        recentActive: pr.recentActive,
        isLearner: pr.isLearner,
        paused: pr.isPaused(),
        pendingSnapshot: pr.pendingSnapshot,
        inflightCount: pr.inflights.count(),
        description: pr.toString(),
      });
    });
  }
  return {
    id: raft.id,
    hardState: raft.hardState(),
    softState: raft.softState(),
    applied: raft.raftLog.applied,
    leadTransferee: raft.leadTransferee,
    config: raft.trk.confState(),
    progress,
  };
}
