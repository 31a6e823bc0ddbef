/**
 * Operating errors of the MVCC layer: typed values with stable codes that the transaction layer
 * acts on (resolve an intent and retry, retry at a later timestamp, report a constraint
 * violation) or reports (corruption). Programmer errors are asserts, not these.
 */
import type { Bytes } from '../engine.js';
import type { Timestamp } from '../hlc.js';
import type { TxnId } from './txn.js';

export type MvccErrorCode =
  /** A stored value's checksum does not match its key and contents: never answer from it. */
  | 'CHECKSUM_MISMATCH'
  /** A stored key or value that passed its checksum but cannot be decoded, or a key outside the MVCC layout. */
  | 'CORRUPT_DATA'
  /** Another transaction's intent stands in the way of a read or a write. */
  | 'WRITE_INTENT'
  /** A committed version at or above the write's timestamp exists; retry at actualTimestamp. */
  | 'WRITE_TOO_OLD'
  /** A conditional put found a value other than the expected one. */
  | 'CONDITION_FAILED'
  /** A request of a transaction epoch older than the epoch of the intent it meets. */
  | 'TXN_EPOCH_STALE'
  /** An argument that the caller should never have sent (too long a transaction id, a commit below the intent). */
  | 'INVALID_ARGUMENT'
  /** A bound of limits.ts would be exceeded (an intent's history); nothing was written. */
  | 'LIMIT_EXCEEDED';

/** The base of every MVCC operating error. */
export class MvccError extends Error {
  override readonly name: string = 'MvccError';
  constructor(
    readonly code: MvccErrorCode,
    message: string,
    /** The user key concerned, when there is one. */
    readonly key?: Bytes,
  ) {
    super(message);
  }
}

/** One intent that blocked a request. */
export interface IntentConflict {
  readonly key: Bytes;
  readonly txnId: TxnId;
  readonly epoch: number;
  readonly timestamp: Timestamp;
  /** The transaction layer's details stored with the intent (TxnMeta.details), if any. */
  readonly details?: Bytes | undefined;
}

/** Intents of other transactions block this read or write; resolve (or push) them and retry. */
export class WriteIntentError extends MvccError {
  override readonly name = 'WriteIntentError';
  constructor(readonly intents: readonly IntentConflict[]) {
    const first = intents[0];
    super(
      'WRITE_INTENT',
      `conflicting intent${intents.length > 1 ? `s (${intents.length})` : ''} ` +
        (first === undefined ? '' : `on key ${printKey(first.key)} of transaction ${first.txnId} at ${first.timestamp.toString()}`),
      first?.key,
    );
  }
}

/** A committed version exists at or above the write's timestamp. */
export class WriteTooOldError extends MvccError {
  override readonly name = 'WriteTooOldError';
  constructor(
    key: Bytes,
    readonly timestamp: Timestamp,
    /** The timestamp to retry at: just above the newest committed version. */
    readonly actualTimestamp: Timestamp,
  ) {
    super(
      'WRITE_TOO_OLD',
      `write at ${timestamp.toString()} on key ${printKey(key)} is too old: retry at ${actualTimestamp.toString()}`,
      key,
    );
  }
}

/** A conditional put found actualValue (undefined when the key is absent) instead of the expected value. */
export class ConditionFailedError extends MvccError {
  override readonly name = 'ConditionFailedError';
  constructor(
    key: Bytes,
    readonly actualValue: Bytes | undefined,
  ) {
    super(
      'CONDITION_FAILED',
      `unexpected value on key ${printKey(key)}: ${actualValue === undefined ? 'absent' : printKey(actualValue)}`,
      key,
    );
  }
}

/** Printable ASCII as is, every other byte as \xNN: for messages about arbitrary byte keys. */
export function printKey(key: Bytes): string {
  let out = '';
  for (const byte of key) {
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}
