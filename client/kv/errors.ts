/**
 * The errors client/kv throws. Every operating condition the KV layer reports (a retry, an abort,
 * a failed condition, a lock that could not be taken) is a `KvError` carrying the KV vocabulary's
 * error value; the SQL layer asks `kvErrorSqlState` (kv-error-sqlstate.ts) what it becomes, and
 * checks a few kinds itself (a failed conditional put is a uniqueness violation only the SQL layer
 * can name). Misuse of the API (a transaction used after commit) is an AssertionError: a bug.
 */
import type { ConditionFailedError, KvError as KvErrorValue, KvErrorType, TxnId } from '../../proto/kv-api.js';

export type { KvErrorValue };

export class KvError extends Error {
  override readonly name = 'KvError';
  /** The kind of condition, e.g. 'transactionRetry', 'conditionFailed', 'writeIntent'. */
  readonly kind: KvErrorType;
  /** The request of the batch that failed, when one did (an index into the batch's operations). */
  readonly index?: number;
  /** The transaction the error happened in, if any. */
  readonly txnId?: TxnId;

  constructor(
    /** The error as the KV layer reported it. */
    readonly error: KvErrorValue,
    context: { readonly index?: number | undefined; readonly txnId?: TxnId | undefined } = {},
  ) {
    super(error.message);
    this.kind = error.type;
    if (context.index !== undefined) this.index = context.index;
    if (context.txnId !== undefined) this.txnId = context.txnId;
  }
}

/**
 * Whether running the whole transaction again may succeed: it had to restart (a refresh failed, a
 * write was too old to fix in place) or it was aborted (a deadlock victim, pushed out by a higher
 * priority, expired). `KvDB.txn` retries exactly these; the SQL layer retries implicit
 * transactions on them.
 */
export function isRetryableKvError(err: unknown): err is KvError {
  return err instanceof KvError && (err.kind === 'transactionRetry' || err.kind === 'transactionAborted' || err.kind === 'writeTooOld');
}

/** A conditional put found another value: the key and what it holds (undefined: absent). */
export function conditionFailure(err: unknown): ConditionFailedError | undefined {
  return err instanceof KvError && err.error.type === 'conditionFailed' ? err.error : undefined;
}
