/**
 * Application: the only place a replica writes to its engine. Evaluated batches are applied in the
 * order they are submitted; batches submitted while a write is in flight are grouped into the next
 * engine write (group commit: one fsync for all of them), each followed by the applied state that
 * accounts for it, so the stats on disk always match the data on disk.
 *
 * Two batches in one group never write the same MVCC key: each holds write latches on what it
 * writes until it has applied.
 */
import { assert } from '../../common/assert.js';
import type { BatchOp, Engine } from '../../storage/engine.js';
import { addStats, type MvccStats } from '../../storage/mvcc/index.js';
import { appliedStateKey, encodeAppliedState, type AppliedState } from './applied-state.js';

interface Pending {
  readonly ops: readonly BatchOp[];
  readonly delta: MvccStats;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class ApplyQueue {
  private pending: Pending[] = [];
  private writing = false;
  private drainDone: Promise<void> | undefined;
  private state: AppliedState;
  /** Engine writes issued, and batches applied: their ratio is the group-commit factor. */
  engineWrites = 0;
  batchesApplied = 0;

  constructor(
    private readonly engine: Engine,
    private readonly rangeId: number,
    initial: AppliedState,
    private readonly sync: boolean,
  ) {
    this.state = initial;
  }

  get applied(): AppliedState {
    return this.state;
  }

  /** Resolves once nothing is being written (after the writes submitted so far). */
  async idle(): Promise<void> {
    while (this.drainDone !== undefined) await this.drainDone;
  }

  /** Resolves once ops (and the applied state covering them) are durable; rejects if the write failed. */
  apply(ops: readonly BatchOp[], delta: MvccStats): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ ops, delta, resolve, reject });
      if (!this.writing) this.drainDone = this.drain().finally(() => (this.drainDone = undefined));
    });
  }

  private async drain(): Promise<void> {
    assert(!this.writing, 'one drain at a time');
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        const stats = { ...this.state.stats };
        const ops: BatchOp[] = [];
        for (const item of group) {
          ops.push(...item.ops);
          addStats(stats, item.delta);
        }
        const next: AppliedState = { appliedIndex: this.state.appliedIndex + group.length, stats };
        const key = appliedStateKey(this.rangeId);
        ops.push({ type: 'put', key, value: encodeAppliedState(key, next) });
        try {
          await this.engine.write(ops, { sync: this.sync });
        } catch (err) {
          for (const item of group) item.reject(err);
          continue;
        }
        this.state = next;
        this.engineWrites++;
        this.batchesApplied += group.length;
        for (const item of group) item.resolve();
      }
    } finally {
      this.writing = false;
    }
  }
}

