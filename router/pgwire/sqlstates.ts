/**
 * SQLSTATE codes of the wire protocol that router/sql/errors/sqlstate.ts does not list yet
 * (PostgreSQL's errcodes.txt). Kept here until they are added there.
 */
import type { SqlStateCode } from '../sql/errors/sqlstate.js';

export const DuplicatePreparedStatement = '42P05' as SqlStateCode;
export const DuplicateCursor = '42P03' as SqlStateCode;
export const InvalidSqlStatementName = '26000' as SqlStateCode;
export const InvalidCursorName = '34000' as SqlStateCode;
export const CantChangeRuntimeParam = '55P02' as SqlStateCode;
