/**
 * What each KV error becomes for a PostgreSQL client: the SQLSTATE, and a message that says what
 * happened in the client's terms. The router's `toPgError` calls `kvErrorSqlState` and builds its
 * PgError from the answer; this is the only place a KV condition gets its SQLSTATE.
 *
 * Codes from PostgreSQL's errcodes.txt (Appendix A of the manual). Clients branch on them:
 * - 40001 serialization_failure: the transaction must be retried from the start. PostgreSQL: "Any
 *   transaction that fails with a serialization_failure (40001) or deadlock_detected (40P01)
 *   error should be retried" (13.2.3, "Serializable Isolation Level"). The message names the
 *   conflicting key and transaction, so an operator can find the contention.
 * - 40P01 deadlock_detected: this transaction was chosen to break a cycle of waits.
 * - 55P03 lock_not_available: NOWAIT found the row locked, or lock_timeout ran out.
 * Uniqueness (23505) is not here: a failed conditional put is a unique violation only when the SQL
 * layer used it for a unique index, and only it can name the constraint.
 */
import type { KvError as KvErrorValue, TransactionAbortedError, TransactionRetryError, WriteIntentError } from '../../proto/kv-api.js';
import { assertNever } from '../../common/assert.js';
import { KvError } from './errors.js';
import { prettyKey } from './pretty-key.js';

/** The SQLSTATE codes a KV error can become (a subset of router/sql/errors/sqlstate.ts, plus 58030). */
export type KvSqlStateCode = '40001' | '40P01' | '55P03' | '54000' | '57P01' | 'XX000' | 'XX001' | '58030';

export interface KvSqlError {
  readonly code: KvSqlStateCode;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

/** PostgreSQL's hint for serialization failures. */
const RETRY_HINT = 'The transaction might succeed if retried.';

/**
 * The SQLSTATE and message of a KV error; undefined when err is not a KvError or is one the SQL
 * layer must decide itself (a failed conditional put: a unique violation, or a bug).
 */
export function kvErrorSqlState(err: unknown): KvSqlError | undefined {
  if (!(err instanceof KvError)) return undefined;
  return sqlStateOf(err.error);
}

function sqlStateOf(error: KvErrorValue): KvSqlError | undefined {
  switch (error.type) {
    case 'transactionRetry':
      return retryError(error);
    case 'transactionAborted':
      return abortedError(error);
    case 'writeTooOld':
      // The coordinator retries these itself; one that escapes is a retry all the same.
      return {
        code: '40001',
        message: `restart transaction: could not serialize access due to concurrent update of key ${prettyKey(error.key)} (write at ${error.timestamp.toString()} is below a committed version; retry at ${error.actualTimestamp.toString()})`,
        hint: RETRY_HINT,
      };
    case 'writeIntent':
      return lockError(error);
    case 'conditionFailed':
      return undefined;
    case 'limitExceeded':
      return { code: '54000', message: error.message, detail: `limit: ${error.limitName}` };
    case 'storage':
      return {
        code: error.code === 'ENGINE_IO' ? '58030' : error.code === 'CHECKSUM_MISMATCH' || error.code === 'CORRUPT_DATA' ? 'XX001' : 'XX000',
        message: error.message,
      };
    case 'unavailable':
      return { code: '57P01', message: `the server is not available: ${error.message}` };
    case 'transactionStatus':
    case 'transactionPush':
    case 'rangeKeyMismatch':
    case 'notLeaseholder':
    case 'invalidRequest':
      // The coordinator handles or never causes these: one that reaches SQL is a bug.
      return { code: 'XX000', message: `internal error: ${error.type}: ${error.message}` };
    default:
      return assertNever(error, 'KV error');
  }
}

const RETRY_CAUSES: Record<TransactionRetryError['reason'], string> = {
  RETRY_SERIALIZABLE: 'read/write dependencies among transactions',
  RETRY_WRITE_TOO_OLD: 'concurrent update',
  RETRY_ASYNC_WRITE_FAILURE: 'a failed asynchronous write',
  RETRY_COMMIT_DEADLINE_EXCEEDED: 'an exceeded commit deadline',
};

function retryError(error: TransactionRetryError): KvSqlError {
  const parts: string[] = [];
  if (error.key !== undefined) parts.push(`on key ${prettyKey(error.key)}`);
  if (error.conflictingTxnId !== undefined) parts.push(`with transaction ${error.conflictingTxnId}`);
  if (error.conflictingTimestamp !== undefined) parts.push(`at ${error.conflictingTimestamp.toString()}`);
  const conflict = parts.length === 0 ? '' : ` (conflict ${parts.join(' ')})`;
  return {
    code: '40001',
    message: `restart transaction: could not serialize access due to ${RETRY_CAUSES[error.reason]}${conflict}: ${error.reason}`,
    detail: error.message,
    hint: RETRY_HINT,
  };
}

function abortedError(error: TransactionAbortedError): KvSqlError {
  if (error.reason === 'DEADLOCK') {
    const cycle = error.deadlockCycle ?? [error.txnId, ...(error.conflictingTxnId === undefined ? [] : [error.conflictingTxnId])];
    return {
      code: '40P01',
      message: 'deadlock detected',
      detail: `transaction ${error.txnId} was aborted to break a cycle of waits: ${[...cycle, cycle[0]].join(' waits for ')}`,
      hint: RETRY_HINT,
    };
  }
  const by = error.conflictingTxnId === undefined ? '' : ` by transaction ${error.conflictingTxnId}`;
  return {
    code: '40001',
    message: `restart transaction: transaction ${error.txnId} was aborted${by}: ${error.reason}`,
    detail: error.message,
    hint: RETRY_HINT,
  };
}

function lockError(error: WriteIntentError): KvSqlError {
  const first = error.conflicts[0];
  const holder = first === undefined ? '' : ` on key ${prettyKey(first.key)} held by transaction ${first.txn.id}`;
  switch (error.reason) {
    case 'WAIT_POLICY':
      return { code: '55P03', message: `could not obtain lock${holder}` };
    case 'LOCK_TIMEOUT':
      return { code: '55P03', message: `canceling statement due to lock timeout${holder}` };
    case 'WAIT_QUEUE_FULL':
      return { code: '55P03', message: `could not obtain lock${holder}: too many waiters`, detail: error.message };
    default:
      return assertNever(error.reason, 'write intent reason');
  }
}
