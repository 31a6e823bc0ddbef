import { AssertionError } from '../../../common/assert.js';
import { kvErrorSqlState } from '../../../client/kv/index.js';
import { PgError } from './pg-error.js';
import type { SqlStateCode } from './sqlstate.js';

/**
 * The one place where any error that fails a statement becomes a PgError. KV and storage errors
 * are typed operating errors; each kind maps to exactly one SQLSTATE here. Anything unrecognised
 * is a programmer error: the statement fails with XX000 and the process goes on.
 */
export function toPgError(err: unknown): PgError {
  if (err instanceof PgError) return err;
  // KV errors (retries, aborts, lock waits, limits, storage faults) have their SQLSTATE in
  // client/kv, which knows their vocabulary; a failed conditional put is the caller's to report.
  const kv = kvErrorSqlState(err);
  if (kv !== undefined) {
    return new PgError(kv.code as SqlStateCode, kv.message, {
      ...(kv.detail === undefined ? {} : { detail: kv.detail }), ...(kv.hint === undefined ? {} : { hint: kv.hint }),
    }, { cause: err });
  }
  if (err instanceof AssertionError) {
    return new PgError('XX000', `internal error: ${err.message}`, {}, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new PgError('XX000', `internal error: ${message}`, {}, { cause: err });
}
