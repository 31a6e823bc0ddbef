import { AssertionError } from '../../../common/assert.js';
import { PgError } from './pg-error.js';

/**
 * The one place where any error that fails a statement becomes a PgError. KV and storage errors
 * are typed operating errors; each kind maps to exactly one SQLSTATE here. Anything unrecognised
 * is a programmer error: the statement fails with XX000 and the process goes on.
 */
export function toPgError(err: unknown): PgError {
  if (err instanceof PgError) return err;
  if (err instanceof AssertionError) {
    return new PgError('XX000', `internal error: ${err.message}`, {}, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new PgError('XX000', `internal error: ${message}`, {}, { cause: err });
}
