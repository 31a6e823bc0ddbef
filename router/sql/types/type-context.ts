/**
 * What text input and output of values depend on besides the value: the session's settings
 * (TimeZone, DateStyle's field order, extra_float_digits, bytea_output), the transaction's start
 * time ('now' and 'today' are input values too), and, for the reg* types, the catalog's names.
 */
import type { DateOrder } from './datetime/parse-datetime.js';
import { UTC_ZONE, type TimeZone } from './datetime/time-zone.js';

/** Name lookups for the OID alias types (regclass, regtype, regproc, regnamespace, regrole). */
export interface CatalogNames {
  relationName(oid: number): string | undefined;
  /** The OID of a relation named as in SQL (possibly schema-qualified), or undefined. */
  relationOid(name: string): number | undefined;
  procName?(oid: number): string | undefined;
  procOid?(name: string): number | undefined;
  namespaceName?(oid: number): string | undefined;
  namespaceOid?(name: string): number | undefined;
  roleName?(oid: number): string | undefined;
  roleOid?(name: string): number | undefined;
}

export interface TypeContext {
  readonly timeZone: TimeZone;
  /** DateStyle's field order for ambiguous dates; the output style is always ISO. */
  readonly dateOrder: DateOrder;
  /** extra_float_digits: 1 (the default) and above print the shortest exact representation. */
  readonly extraFloatDigits: number;
  readonly byteaOutput: 'hex' | 'escape';
  /** The transaction's start, microseconds since 1970 UTC: what 'now' means in input. */
  readonly transactionTimestampMicros: bigint;
  readonly catalog?: CatalogNames;
}

/** PostgreSQL's defaults: TimeZone UTC, DateStyle 'ISO, MDY', extra_float_digits 1, hex bytea. */
export function defaultTypeContext(overrides: Partial<TypeContext> = {}): TypeContext {
  return {
    timeZone: UTC_ZONE,
    dateOrder: 'MDY',
    extraFloatDigits: 1,
    byteaOutput: 'hex',
    transactionTimestampMicros: 0n,
    ...overrides,
  };
}
