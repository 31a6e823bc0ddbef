/**
 * Progress: the leader's view of one follower's log, and the flow-control state machine that
 * decides how to send it entries:
 *
 *   probe      one MsgApp per heartbeat interval until one is accepted (the leader does not yet
 *              know where the logs agree; each rejection moves next back);
 *   replicate  MsgApps streamed optimistically, next advanced as they are sent, bounded by the
 *              inflights window;
 *   snapshot   the entries the follower needs are compacted; a snapshot is on its way and no
 *              MsgApps are sent until it is acknowledged or reported failed.
 *
 *        +--------------------------------------------------------+
 *        |                  send snapshot                         |
 *        |                                                        v
 *   +---------+  accepted MsgAppResp  +-----------+  rejected  +----------+
 *   |  probe  | --------------------> | replicate | ---------> |  probe   |
 *   +---------+                       +-----------+            +----------+
 *        ^   snapshot acknowledged, or reported finished/failed   |
 *        +---------------------------- snapshot <-----------------+
 */
import type { LogIndex } from '../types.js';
import { Inflights } from './inflights.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  /** The highest index known to match the leader's log. */
  match: LogIndex;
  /** The next index to send. Invariant: match < next. */
  next: LogIndex;
  state: ProgressState = 'probe';
  /**
   * The highest commit index sent to the follower (in a MsgApp or heartbeat), capped at next - 1:
   * the follower may not have learned more. Invariant: sentCommit < next.
   */
  sentCommit: LogIndex = 0 as LogIndex;
  /** In snapshot state: the index of the snapshot sent. */
  pendingSnapshot: LogIndex = 0 as LogIndex;
  /** Heard from since the last check-quorum round (always true for the leader itself). */
  recentActive = false;
  /**
   * No more MsgApps for now: in probe, until the last probe is answered or a heartbeat response
   * arrives; in replicate, while the inflights window is full.
   */
  msgAppFlowPaused = false;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(init: { match: LogIndex; next: LogIndex; inflightsCapacity: number; isLearner: boolean }) {
    this.match = init.match;
    this.next = init.next;
    this.inflights = new Inflights(init.inflightsCapacity);
    this.isLearner = init.isLearner;
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0 as LogIndex;
    this.state = state;
    this.inflights.reset();
  }

  /**
   * Back to probing from just after match or, coming out of snapshot state, from just after the
   * snapshot (the follower has it, or we are told it finished).
   */
  becomeProbe(): void {
    if (this.state === 'snapshot') {
      const pendingSnapshot = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pendingSnapshot + 1) as LogIndex;
    } else {
      this.resetState('probe');
      this.next = (this.match + 1) as LogIndex;
      this.sentCommit = Math.min(this.sentCommit, this.match) as LogIndex;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = (this.match + 1) as LogIndex;
    this.sentCommit = Math.min(this.sentCommit, this.match) as LogIndex;
  }

  becomeSnapshot(snapshotIndex: LogIndex): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** A MsgApp carrying `entries` entries was sent from next on. */
  sentEntries(entries: number): void {
    switch (this.state) {
      case 'replicate':
        if (entries > 0) {
          this.next = (this.next + entries) as LogIndex;
          this.inflights.add((this.next - 1) as LogIndex);
        }
        this.msgAppFlowPaused = this.inflights.full();
        break;
      case 'probe':
        // One probe at a time: wait for its answer (or the next heartbeat response).
        this.msgAppFlowPaused = true;
        break;
      case 'snapshot':
        break;
    }
  }

  /** A commit index was sent to the follower. */
  sentCommitIndex(commit: LogIndex): void {
    this.sentCommit = Math.min(Math.max(this.sentCommit, commit), this.next - 1) as LogIndex;
  }

  /** Whether sending commit could still raise the follower's commit index. */
  canBumpCommit(commit: LogIndex): boolean {
    return this.sentCommit < Math.min(commit, this.next - 1);
  }

  /**
   * The follower acknowledged index n. Returns false for a stale acknowledgement (n not above
   * match).
   */
  maybeUpdate(n: LogIndex): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.msgAppFlowPaused = false;
    }
    this.next = Math.max(this.next, n + 1) as LogIndex;
    return updated;
  }

  /**
   * The follower rejected the MsgApp whose previous index was `rejected`, suggesting that the logs
   * may agree at matchHint. Returns false for a stale rejection, which changes nothing.
   */
  maybeDecrTo(rejected: LogIndex, matchHint: LogIndex): boolean {
    if (this.state === 'replicate') {
      // Already matched beyond it: the rejection answers an old message.
      if (rejected <= this.match) return false;
      this.next = (this.match + 1) as LogIndex;
      this.sentCommit = Math.min(this.sentCommit, this.match) as LogIndex;
      return true;
    }
    // In probe state exactly one MsgApp (at next - 1) is outstanding; any other rejection is old.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1) as LogIndex;
    this.sentCommit = Math.min(this.sentCommit, this.next - 1) as LogIndex;
    this.msgAppFlowPaused = false;
    return true;
  }

  /** Whether MsgApps to this follower are throttled right now. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
      case 'replicate':
        return this.msgAppFlowPaused;
      case 'snapshot':
        return true;
    }
  }

  toString(): string {
    let s = `${this.state} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += ' learner';
    if (this.isPaused()) s += ' paused';
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += ' inactive';
    const n = this.inflights.count();
    if (n > 0) s += ` inflight=${n}${this.inflights.full() ? '[full]' : ''}`;
    return s;
  }
}
