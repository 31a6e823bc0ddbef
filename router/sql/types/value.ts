/**
 * The JavaScript representation of every SQL value the engine handles: the key codec's datums
 * (storage/key-codec/datum.ts) plus the types keys cannot hold.
 *
 * | type                        | representation                                              |
 * |-----------------------------|-------------------------------------------------------------|
 * | key-encodable types         | as in datum.ts (numeric Decimals may carry a display scale, |
 * |                             | numeric-value.ts)                                           |
 * | json                        | string: the text as given                                   |
 * | jsonb                       | JsonbValue (jsonb-value.ts)                                 |
 * | arrays                      | SqlArray                                                    |
 * | record                      | SqlRecord                                                   |
 * | oid, regclass, regtype, ... | number (an unsigned 32-bit OID)                             |
 * | name, "char", unknown       | string                                                      |
 * | void                        | '' (VOID): a value, not NULL, as PostgreSQL's void is       |
 * | NULL (any type)             | null                                                        |
 *
 * A value does not say its type: the SqlType that travels beside it does (int2 and int4 are both
 * numbers).
 */
import type { Datum } from '../../../storage/key-codec/datum.js';
import type { JsonbValue } from './jsonb-value.js';
import type { TypeOid } from './oids.js';
import type { SqlType } from './sql-type.js';

export type Value = Datum | Exclude<JsonbValue, string | boolean> | SqlArray | SqlRecord;

/**
 * An array value. PostgreSQL arrays have any number of dimensions, each with a lower bound
 * (1 unless written otherwise, e.g. '[0:1]={a,b}'); elements are stored flat in row-major order.
 * An empty array has no dimensions.
 */
export class SqlArray {
  constructor(
    readonly elementType: TypeOid,
    readonly elements: readonly Value[],
    readonly dims: readonly number[],
    readonly lowerBounds: readonly number[],
  ) {}

  /** A one-dimensional array with lower bound 1 (or the empty array). */
  static of(elementType: TypeOid, elements: readonly Value[]): SqlArray {
    return elements.length === 0
      ? new SqlArray(elementType, [], [], [])
      : new SqlArray(elementType, elements, [elements.length], [1]);
  }

  get ndim(): number {
    return this.dims.length;
  }

  get isEmpty(): boolean {
    return this.elements.length === 0;
  }

  /** True when any element is NULL. */
  get hasNulls(): boolean {
    return this.elements.some((e) => e === null);
  }
}

/** A row value (ROW(...) or a whole-row reference), with its field types. */
export class SqlRecord {
  constructor(
    readonly fields: readonly Value[],
    readonly types: readonly SqlType[],
    /** Column names, when the row comes from a relation or a named composite. */
    readonly names?: readonly string[],
  ) {}
}

/** The value of type void that functions such as setseed() return. */
export const VOID = '';

export function isSqlArray(value: unknown): value is SqlArray {
  return value instanceof SqlArray;
}
