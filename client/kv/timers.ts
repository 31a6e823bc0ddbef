/**
 * Timers, injected so that tests decide when time passes. The coordinator uses them for one thing:
 * heartbeating its transaction record. The shape is the replica's (node/replica/timers.ts), so one
 * manual timer source can drive both sides of an in-process test.
 */

export interface Timers {
  /** Calls fn once after delayMs; the returned function cancels it (harmless after it fired). */
  schedule(delayMs: number, fn: () => void): () => void;
}

/** The event loop's timers, unref'd: a heartbeat never keeps the process alive by itself. */
export const realTimers: Timers = {
  schedule(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return () => clearTimeout(handle);
  },
};
