/**
 * SQLSTATE codes the session and DDL report that router/sql/errors/sqlstate.ts does not list yet
 * (PostgreSQL's errcodes.txt). Kept here until they are added there.
 */
import type { SqlStateCode } from '../errors/sqlstate.js';

export const InvalidSavepointSpecification = '3B001' as SqlStateCode;
export const DuplicateAlias = '42712' as SqlStateCode;
export const ObjectInUse = '55006' as SqlStateCode;
export const InvalidPrecedingOrFollowingSize = '22013' as SqlStateCode;
export const SequenceGeneratorLimitExceeded = '2200H' as SqlStateCode;
export const GeneratedAlways = '428C9' as SqlStateCode;
export const WithCheckOptionViolation = '44000' as SqlStateCode;
