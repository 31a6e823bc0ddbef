/** Limits of the executor, each with the reason for its value. */
export const execLimits = {
  /**
   * Rows asked of KV per scan request. Large enough that a scan costs few round trips, small
   * enough that one response stays a few MiB for rows of a few KiB.
   */
  scanPageRowsMax: 1_000,
  /**
   * Iterations of a recursive WITH query before it is stopped: PostgreSQL runs forever, but a
   * router serving many sessions must not, and a query that needs more is almost always a bug.
   */
  recursiveCteIterationsMax: 1_000_000,
} as const;
