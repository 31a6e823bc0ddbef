/**
 * KV errors inside the server. Evaluation code throws a KvErrorThrown carrying the KvError value
 * (proto/kv-api.ts); the replica catches it at the top of a batch and answers with the value.
 * Errors of the layers below (MVCC, engine) are translated here, in one place.
 */
import type {
  Key,
  KvError,
  LimitExceededError,
  TransactionAbortedError,
  TransactionAbortedReason,
  TransactionRetryError,
  TxnId,
  TxnMeta,
  WriteIntentReason,
} from '../../proto/kv-api.js';
import { EngineError } from '../../storage/engine.js';
import type { Timestamp } from '../../storage/hlc.js';
import { ConditionFailedError, MvccError, WriteIntentError, WriteTooOldError, printKey } from '../../storage/mvcc/index.js';

/** A KvError on its way up through evaluation code. */
export class KvErrorThrown extends Error {
  override readonly name = 'KvErrorThrown';
  constructor(readonly error: KvError) {
    super(error.message);
  }
}

export function throwKv(error: KvError): never {
  throw new KvErrorThrown(error);
}

export function invalidRequest(message: string): KvErrorThrown {
  return new KvErrorThrown({ type: 'invalidRequest', message });
}

export function limitExceeded(limitName: string, detail: string): LimitExceededError {
  return { type: 'limitExceeded', limitName, message: `${detail} (limit ${limitName})` };
}

export function transactionAborted(
  txnId: TxnId,
  reason: TransactionAbortedReason,
  extra: { conflictingTxnId?: TxnId; deadlockCycle?: readonly TxnId[] } = {},
): TransactionAbortedError {
  const cause = reason === 'DEADLOCK' && extra.deadlockCycle !== undefined ? ` (deadlock among ${extra.deadlockCycle.join(', ')})` : '';
  return {
    type: 'transactionAborted',
    reason,
    txnId,
    ...(extra.conflictingTxnId === undefined ? {} : { conflictingTxnId: extra.conflictingTxnId }),
    ...(extra.deadlockCycle === undefined ? {} : { deadlockCycle: extra.deadlockCycle }),
    message: `transaction ${txnId} aborted: ${reason}${cause}`,
  };
}

export function serializableRetry(message: string, conflict: { key?: Key; txnId?: TxnId; timestamp?: Timestamp } = {}): TransactionRetryError {
  return {
    type: 'transactionRetry',
    reason: 'RETRY_SERIALIZABLE',
    ...(conflict.key === undefined ? {} : { key: conflict.key }),
    ...(conflict.txnId === undefined ? {} : { conflictingTxnId: conflict.txnId }),
    ...(conflict.timestamp === undefined ? {} : { conflictingTimestamp: conflict.timestamp }),
    message,
  };
}

export function writeIntentError(reason: WriteIntentReason, key: Key, txn: TxnMeta): KvError {
  const why = reason === 'WAIT_POLICY' ? 'not waiting' : reason === 'LOCK_TIMEOUT' ? 'lock timeout' : 'wait queue full';
  return {
    type: 'writeIntent',
    reason,
    conflicts: [{ key, txn }],
    message: `conflicting lock on key ${printKey(key)} held by transaction ${txn.id} (${why})`,
  };
}

/**
 * The KvError for an error thrown below evaluation, or undefined for one that is not an operating
 * error (a bug: the caller rethrows it). WriteIntentError is not translated here: the replica
 * handles it by waiting (see replica.ts).
 */
export function kvErrorFromLower(err: unknown): KvError | undefined {
  if (err instanceof KvErrorThrown) return err.error;
  if (err instanceof WriteTooOldError) {
    return { type: 'writeTooOld', key: err.key ?? new Uint8Array(0), timestamp: err.timestamp, actualTimestamp: err.actualTimestamp, message: err.message };
  }
  if (err instanceof ConditionFailedError) {
    return { type: 'conditionFailed', key: err.key ?? new Uint8Array(0), actualValue: err.actualValue, message: err.message };
  }
  if (err instanceof WriteIntentError) return undefined;
  if (err instanceof MvccError) {
    switch (err.code) {
      case 'CHECKSUM_MISMATCH':
      case 'CORRUPT_DATA':
        return { type: 'storage', code: err.code, ...(err.key === undefined ? {} : { key: err.key }), message: err.message };
      case 'TXN_EPOCH_STALE':
        return { type: 'transactionStatus', status: 'pending', reason: 'STALE_EPOCH', message: err.message };
      case 'LIMIT_EXCEEDED':
        return limitExceeded('intentHistoryEntriesMax', err.message);
      case 'INVALID_ARGUMENT':
        return { type: 'invalidRequest', message: err.message };
      case 'WRITE_INTENT':
      case 'WRITE_TOO_OLD':
      case 'CONDITION_FAILED':
        return undefined;
    }
  }
  if (err instanceof EngineError && (err.code === 'ENGINE_IO' || err.code === 'ENGINE_CLOSED')) {
    return err.code === 'ENGINE_CLOSED'
      ? { type: 'unavailable', message: `the store is closed: ${err.message}` }
      : { type: 'storage', code: err.code, message: err.message };
  }
  return undefined;
}
