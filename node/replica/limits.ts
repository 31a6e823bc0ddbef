/**
 * Bounds of a replica, each with the reason for its value. A bound that a request runs into gives
 * the client a limitExceeded error naming it; none silently drops work.
 */

/** Requests in one batch. A batch is evaluated under one set of latches; a huge one would hold them for long. */
export const batchRequestsMax = 10_000;

/**
 * Bytes of a key. Keys are copied into latches, the lock table and the timestamp cache; SQL keys
 * are a few dozen bytes, and PostgreSQL itself refuses index entries over about 2.7 kB.
 */
export const keyBytesMax = 16 * 1024;

/**
 * Bytes of one value. A value travels whole in one response and, later, one Raft entry; 8 MiB
 * keeps a single entry far below what a snapshot or a gRPC message (4 MiB default, raised) handles.
 */
export const valueBytesMax = 8 * 1024 * 1024;

/**
 * Rows one scan request returns before it stops with a resume span. Keeps one response (and the
 * latches held while it is built) bounded; the client continues from the resume span.
 */
export const scanRowsMax = 10_000;

/** Keys one deleteRange or locking span request touches before it stops with a resume span. */
export const spanWriteKeysMax = 10_000;

/**
 * Intents an EndTxn resolves in its own batch (the rest are resolved asynchronously while the
 * record stays). Resolving in the commit batch makes a single-range transaction cost one write;
 * the bound keeps that batch (and its latches) small.
 */
export const endTxnLocalResolveKeysMax = 5_000;

/** Intents one asynchronous resolution batch resolves: small enough not to hold latches for long. */
export const asyncResolveBatchKeysMax = 1_000;

/**
 * Times one batch is evaluated again at a higher timestamp (write too old, a pushed write
 * timestamp) before the error goes back to the client. Each retry is caused by a concurrent
 * write; a handful covers contention while keeping a hot key from spinning one request.
 */
export const serverSideRetriesMax = 5;

/**
 * Keys tracked by the lock table. Beyond it, replicated locks (intents) nobody waits on are
 * forgotten first: they are on disk and rediscovered when met. Unreplicated locks cannot be
 * forgotten, so acquiring one past the bound fails.
 */
export const lockTableKeysMax = 100_000;

/** Waiters on one key. A queue beyond this means a hot key under overload: fail fast (writeIntent WAIT_QUEUE_FULL). */
export const lockWaitersPerKeyMax = 10_000;

/**
 * Spans the timestamp cache keeps. Past this the oldest half is dropped and the low-water mark
 * rises to the newest dropped timestamp: writes below it are pushed, which is safe, only costlier.
 */
export const timestampCacheEntriesMax = 200_000;

/** Transactions waiting in the txn wait queue of one replica (pushers): bounded by concurrent requests. */
export const txnWaitQueuePushersMax = 100_000;

/**
 * How often a waiting pusher re-reads its pushee's record when nothing wakes it: the pushee may
 * have expired (its coordinator died), and an injected clock may jump. Never slower than this,
 * sooner when the pushee's expiry is nearer.
 */
export const pushRecheckIntervalMs = 100;

/**
 * Entries of the abort span a replica keeps in memory (one per transaction aborted by others whose
 * coordinator has not rolled back yet). Past it the oldest are forgotten: a forgotten zombie may
 * read on, but can still never commit (its record is aborted), so only its reads are at stake.
 */
export const abortSpanEntriesMax = 100_000;

/**
 * Finalized transactions a replica remembers (in memory) after seeing their records, so that a
 * pusher that was aborted while it was not waiting learns it at once instead of at its next wait.
 * Only a shortcut: forgetting one costs a wait, never correctness.
 */
export const finalizedTxnsRememberedMax = 10_000;
