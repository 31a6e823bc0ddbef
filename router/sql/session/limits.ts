/** Limits of the session layer, each with the reason for its value. */
export const sessionLimits = {
  /**
   * A KV request unanswered this long is taken to wait for a lock (isWaitingForLock). An
   * in-process request is answered in well under a millisecond; 200 ms leaves room for a loaded
   * machine (a CI runner shared by many test processes) while still reporting a real wait soon.
   */
  lockWaitSuspectMs: 200,
} as const;
