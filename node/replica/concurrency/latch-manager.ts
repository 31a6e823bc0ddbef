/**
 * Latches: short-lived, in-memory exclusion between requests evaluating at the same time on one
 * range. A request declares the spans it reads and writes; two requests whose spans overlap, at
 * least one of them writing, are evaluated one after the other, while requests on disjoint spans
 * (or only reading) run concurrently. Latches are held only from evaluation to application — never
 * while waiting for a transaction — so they order requests without ever forming a deadlock.
 *
 * Fairness and deadlock freedom: every acquisition takes a sequence number, and waits only for the
 * conflicting requests that arrived before it. All spans of a request are acquired together.
 */
import { assert } from '../../../common/assert.js';
import { overlaps, type KeyRange } from './spans.js';

export type LatchAccess = 'read' | 'write';

export interface LatchSpan extends KeyRange {
  readonly access: LatchAccess;
}

export interface LatchGuard {
  readonly sequence: number;
  readonly spans: readonly LatchSpan[];
}

interface GuardState extends LatchGuard {
  released: boolean;
  readonly done: Promise<void>;
  readonly resolve: () => void;
}

export function latchesConflict(a: readonly LatchSpan[], b: readonly LatchSpan[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if ((x.access === 'write' || y.access === 'write') && overlaps(x, y)) return true;
    }
  }
  return false;
}

export class LatchManager {
  private nextSequence = 1;
  /** Acquired and waiting guards, in sequence order (a Set keeps insertion order). */
  private readonly guards = new Set<GuardState>();

  /** Guards held or waiting. */
  get size(): number {
    return this.guards.size;
  }

  /** Resolves once every earlier conflicting guard is released. */
  async acquire(spans: readonly LatchSpan[]): Promise<LatchGuard> {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const guard: GuardState = { sequence: this.nextSequence++, spans, released: false, done, resolve };
    const waitFor: Promise<void>[] = [];
    for (const earlier of this.guards) {
      if (latchesConflict(earlier.spans, spans)) waitFor.push(earlier.done);
    }
    this.guards.add(guard);
    if (waitFor.length > 0) await Promise.all(waitFor);
    return guard;
  }

  /** Without waiting: the guard, or undefined when an earlier conflicting guard exists. */
  tryAcquire(spans: readonly LatchSpan[]): LatchGuard | undefined {
    for (const earlier of this.guards) if (latchesConflict(earlier.spans, spans)) return undefined;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const guard: GuardState = { sequence: this.nextSequence++, spans, released: false, done, resolve };
    this.guards.add(guard);
    return guard;
  }

  release(guard: LatchGuard): void {
    const state = guard as GuardState;
    assert(!state.released, 'latch guard released twice');
    assert(this.guards.has(state), 'latch guard of another manager');
    state.released = true;
    this.guards.delete(state);
    state.resolve();
  }
}
