/**
 * Limits of the transaction coordinator, each with the reason for its value.
 */

/**
 * Bytes of keys a transaction keeps to refresh its reads. Past it the spans are condensed into
 * fewer, wider ones (still correct: a refresh of a wider span can only fail more often), so that a
 * transaction reading millions of keys does not hold them all in the router's memory.
 * CockroachDB's kv.transaction.max_refresh_spans_bytes defaults to 4 MiB; a router here serves
 * fewer sessions per process, so 1 MiB.
 */
export const refreshSpanBytesMax = 1 << 20;

/**
 * Bytes of keys a transaction keeps to resolve its intents and locks at the end. Condensing is as
 * safe here (resolving a wider span visits more keys, resolves the same intents) and the same
 * memory argument holds.
 */
export const lockSpanBytesMax = 1 << 20;

/**
 * Times one batch may be re-sent at a higher timestamp (write too old, a commit that must refresh
 * first) before the transaction restarts instead. Each attempt is a round trip that a busy key can
 * make fail again; CockroachDB's maxTxnRefreshAttempts is 5 for the same reason.
 */
export const batchRetriesMax = 5;

/**
 * Attempts `KvDB.txn` makes at a retryable transaction before it gives up and reports the last
 * retry error (SQLSTATE 40001). Contention that makes a hundred attempts fail is a livelock the
 * caller should hear about rather than wait out.
 */
export const txnAttemptsMax = 100;

/**
 * Sequence numbers of one transaction: a write's sequence is a 32-bit number on the wire (as in
 * CockroachDB's enginepb.TxnSeq), and savepoints compare them.
 */
export const txnSequenceMax = 0x7fff_ffff;
