/**
 * Limits of the Raft log store, each with the reason for its value.
 */

/**
 * Keys fetched per step while loading every group's Raft state at open. A thousand amortizes the
 * native call of each fetch while keeping one fetch's buffers small (entries are usually far
 * below a kilobyte).
 */
export const raftStoreLoadBatchEntries = 1000;
