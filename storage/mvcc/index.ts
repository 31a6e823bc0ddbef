/**
 * The MVCC layer: versioned keys, intents, GC and stats over a storage engine. See OVERVIEW.md.
 */
export { ConditionFailedError, MvccError, WriteIntentError, WriteTooOldError, printKey } from './errors.js';
export type { IntentConflict, MvccErrorCode } from './errors.js';
export { mvccGc } from './gc.js';
export type { GcOptions, GcResult, GcTarget } from './gc.js';
export { IndexedBatch } from './indexed-batch.js';
export type { ReadWriter } from './indexed-batch.js';
export { decodeMvccKey, encodeKeyEnd, encodeMetaKey, encodeVersionKey } from './mvcc-key.js';
export type { MvccKey } from './mvcc-key.js';
export { mvccGet, mvccScan } from './read.js';
export type { ReadOptions, ScanOptions, ScanResult } from './read.js';
export { mvccResolveIntent } from './resolve.js';
export type { IntentResolution, ResolveOptions, ResolveOutcome } from './resolve.js';
export { addStats, computeStats, emptyStats, statsEqual, statsFields } from './stats.js';
export type { MvccStats } from './stats.js';
export { asTxnId } from './txn.js';
export type { SeqRange, TxnId, TxnMeta } from './txn.js';
export { effectiveIntentValue, isIgnoredSequence } from './intent-history.js';
export { mvccCheckLockable, mvccRefreshCheck, mvccScanIntents } from './txn-checks.js';
export type { RefreshConflict, ScanIntentsOptions, ScanIntentsResult } from './txn-checks.js';
export { mvccConditionalPut, mvccDelete, mvccPut } from './write.js';
export type { WriteOptions } from './write.js';
