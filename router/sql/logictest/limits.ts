/** Bounds of the logic test runner, each with its reason. */

/**
 * Longest a single statement may run. Corpus statements take milliseconds; one that runs this long
 * is blocked on a lock the file never releases (a missing `async`), and the file is abandoned
 * rather than hanging the suite.
 */
export const statementTimeoutMs = 20_000;

/**
 * Longest an async statement may take to start waiting for its lock. A lock wait begins within
 * one round trip; this only stops a statement that neither blocks nor finishes.
 */
export const lockWaitStartTimeoutMs = 10_000;

/** How often the runner asks whether an async statement is waiting yet: a few round trips. */
export const lockWaitPollIntervalMs = 5;

/** Closing a session is one round trip; a session stuck behind a lock is abandoned after this. */
export const connectionCloseTimeoutMs = 2_000;

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1); database names stay shorter. */
export const databaseNameBytesMax = 63;
