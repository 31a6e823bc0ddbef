/**
 * Limits of the MVCC layer, each with the reason for its value.
 */

/**
 * Bytes of a transaction id in an intent. The id is stored behind a one-byte length, so never more
 * than 255; ids are 16-byte UUIDs (36 characters as text) in practice.
 */
export const txnIdBytesMax = 255;

/**
 * Conflicting intents one scan collects before it stops and reports them. Reporting them together
 * lets the transaction layer resolve a batch at once instead of one round trip per intent; the
 * bound keeps one error (and the work behind it) small.
 */
export const scanIntentsMax = 100;

/**
 * Entries a scan steps over one by one before it seeks instead. A step is much cheaper than a seek
 * when the target is near (most keys have few versions); a seek bounds the cost when a key has
 * many versions (a hot row before GC). CockroachDB's pebbleMVCCScanner uses the same idea and a
 * similar count.
 */
export const stepsBeforeSeek = 4;

/**
 * Entries a scan fetches in its first batch from the engine: a key's intent, its newest version
 * and the first entry of the next key fit, which is all a point read or a short scan needs.
 */
export const readAheadEntriesFirst = 4;

/**
 * The largest batch a scan fetches at once (batches double up to it). It bounds the work done past
 * a scan's limit and how long one fetch keeps a LevelDB worker thread busy; at a thousand entries
 * the cost of the trip to the thread pool is spread thin.
 */
export const readAheadEntriesMax = 1024;

/**
 * Bytes of the transaction layer's details in an intent (its anchor key and a few numbers). The
 * details travel with every conflict; the bound keeps an intent small whatever the anchor key.
 */
export const intentDetailsBytesMax = 4096;

/**
 * Earlier values an intent keeps for savepoints. Each rewrite of a key by one transaction adds one
 * (rolled-back ones are dropped); past this the write fails rather than letting one intent grow
 * without bound (a loop rewriting one row thousands of times in one transaction).
 */
export const intentHistoryEntriesMax = 1000;
