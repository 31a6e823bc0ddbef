/**
 * client/kv: the transaction API the SQL layer is written against.
 *
 *   const db = new KvDB({ sender, clock });          // sender: the in-process server, or the cluster
 *   await db.txn(async (txn) => {                    // commits; retries on 40001/40P01
 *     const row = await txn.getForUpdate(key);
 *     await txn.put(key, next(row));
 *   });
 *   const txn = db.newTxn({ isolation: 'read-committed' });   // an explicit transaction
 *   txn.stepReadTimestamp();                         // per statement (READ COMMITTED)
 *   const batch = new KvBatch(); ...; await txn.run(batch);   // many operations, one round trip
 *   await txn.commit();
 *
 * Errors are KvError; `kvErrorSqlState(err)` says what SQLSTATE each becomes (40001 retry,
 * 40P01 deadlock, 55P03 lock not available, ...); `conditionFailure(err)` reads a failed
 * conditional put (a unique violation, for the SQL layer to name).
 */
export { BatchResults, KvBatch } from './batch.js';
export type { ReadOptions, ResultRef, ScanOptions, ScanResult } from './batch.js';
export { KvError, conditionFailure, isRetryableKvError } from './errors.js';
export type { KvErrorValue } from './errors.js';
export { kvErrorSqlState } from './kv-error-sqlstate.js';
export type { KvSqlError, KvSqlStateCode } from './kv-error-sqlstate.js';
export { KvDB } from './kv-db.js';
export type { KvDBOptions, RunTxnOptions, TxnOptions, TxnPriority } from './kv-db.js';
export { KvTxn } from './kv-txn.js';
export type { CommitOptions, Savepoint, TxnReadOptions, TxnScanOptions, WaitOptions } from './kv-txn.js';
export { prettyKey } from './pretty-key.js';
export { realTimers } from './timers.js';
export type { Timers } from './timers.js';
export type { TxnState } from './txn-coordinator.js';
export type { IsolationLevel, Key, KeyValue, LockStrength, TxnId, Value, WaitPolicy } from '../../proto/kv-api.js';
export type { KeySpan } from '../../storage/keys.js';
