/**
 * Timers, injected so that tests decide when time passes. A replica uses them only to wake
 * waiters (lock timeouts, re-checking whether a pushee has expired); every decision about time is
 * made from the HLC clock, which tests inject too.
 */
import { assert } from '../../common/assert.js';

export interface Timers {
  /** Calls fn once after delayMs; the returned function cancels it (harmless after it fired). */
  schedule(delayMs: number, fn: () => void): () => void;
}

/** The event loop's timers. Unref'd: a waiting replica never keeps the process alive by itself. */
export const realTimers: Timers = {
  schedule(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return () => clearTimeout(handle);
  },
};

interface ManualTimer {
  readonly dueMs: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * Timers that fire only when the test advances them, in due order (ties in scheduling order).
 * Pair with an injected physical clock that advance() moves too, for a whole deterministic time.
 */
export class ManualTimers implements Timers {
  private nowMsValue = 0;
  private order = 0;
  private pending: ManualTimer[] = [];

  constructor(private readonly onAdvance?: (deltaMs: number) => void) {}

  get nowMs(): number {
    return this.nowMsValue;
  }

  /** Timers not yet fired nor cancelled. */
  get pendingCount(): number {
    return this.pending.filter((t) => !t.cancelled).length;
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const timer: ManualTimer = { dueMs: this.nowMsValue + Math.max(0, delayMs), order: this.order++, fn, cancelled: false };
    this.pending.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /**
   * Moves time forward by deltaMs, firing every timer that falls due (callbacks may schedule
   * more), and yielding to the event loop after each so that what they wake can run.
   */
  async advance(deltaMs: number): Promise<void> {
    assert(deltaMs >= 0, 'time only moves forward');
    const target = this.nowMsValue + deltaMs;
    for (;;) {
      this.pending = this.pending.filter((t) => !t.cancelled);
      this.pending.sort((a, b) => a.dueMs - b.dueMs || a.order - b.order);
      const next = this.pending[0];
      if (next === undefined || next.dueMs > target) break;
      this.pending.shift();
      const step = next.dueMs - this.nowMsValue;
      this.nowMsValue = next.dueMs;
      this.onAdvance?.(step);
      next.fn();
      await settle();
    }
    const rest = target - this.nowMsValue;
    this.nowMsValue = target;
    if (rest > 0) this.onAdvance?.(rest);
    await settle();
  }
}

/** Lets promise chains woken by a timer run to their next real wait. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
