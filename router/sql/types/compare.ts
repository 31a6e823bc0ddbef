/**
 * The total order of each type (PostgreSQL's default btree operator class) and equality keys for
 * hashing (its hash operator class), over non-null values.
 *
 * The order is PostgreSQL's: NaN above every other float and numeric and equal to itself, -0
 * equal to 0, numerics compared by value (1.0 = 1.00), text in the C collation (code points),
 * char(n) without its trailing spaces, intervals by their 30-day-month span, arrays element by
 * element with NULL above everything, jsonb as its manual section 8.14.4 orders it.
 */
import type { Decimal } from 'decimal.js';
import type { Interval } from '../../../storage/key-codec/datum.js';
import { intervalSpanMicros } from '../../../storage/key-codec/interval.js';
import { assert } from '../../../common/assert.js';
import { PgError } from '../errors/pg-error.js';
import { JSONB_NULL, JsonbObject, type JsonbValue } from './jsonb-value.js';
import { Oid, type TypeOid } from './oids.js';
import type { SqlType } from './sql-type.js';
import { compareCodePoints } from './text-order.js';
import { elementTypeOf, isArrayType } from './type-registry.js';
import { typeName } from './typmod.js';
import type { SqlArray, SqlRecord} from './value.js';
import { type Value } from './value.js';

export type Comparator = (a: Value, b: Value) => number;

const cmp = <T extends number | bigint | string>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareFloat(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNumeric(a: Decimal, b: Decimal): number {
  if (a.isNaN()) return b.isNaN() ? 0 : 1;
  if (b.isNaN()) return -1;
  return a.comparedTo(b);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  }
  return cmp(a.length, b.length);
}

export function compareBpchar(a: string, b: string): number {
  return compareCodePoints(a.replace(/ +$/, ''), b.replace(/ +$/, ''));
}

export function compareInterval(a: Interval, b: Interval): number {
  return cmp(intervalSpanMicros(a), intervalSpanMicros(b));
}

/** jsonb's order: Object > Array > Boolean > Number > String > Null (manual 8.14.4). */
const jsonbRank = (v: JsonbValue): number => {
  if (v === JSONB_NULL) return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 3;
  if (Array.isArray(v)) return 4;
  if (v instanceof JsonbObject) return 5;
  return 2;
};

export function compareJsonb(a: JsonbValue, b: JsonbValue, topLevel = true): number {
  // "For historical reasons, an empty top level array sorts less than null."
  if (topLevel) {
    const aEmpty = Array.isArray(a) && a.length === 0;
    const bEmpty = Array.isArray(b) && b.length === 0;
    if (aEmpty || bEmpty) {
      if (aEmpty && bEmpty) return 0;
      return aEmpty ? -1 : 1;
    }
  }
  const ra = jsonbRank(a);
  const rb = jsonbRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return compareCodePoints(a as string, b as string);
    case 2:
      return compareNumeric(a as Decimal, b as Decimal);
    case 3:
      return a === b ? 0 : a === false ? -1 : 1;
    case 4: {
      const x = a as readonly JsonbValue[];
      const y = b as readonly JsonbValue[];
      // "Array with n elements > array with n - 1 elements"; then element by element.
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      for (let i = 0; i < x.length; i++) {
        const c = compareJsonb(x[i] as JsonbValue, y[i] as JsonbValue, false);
        if (c !== 0) return c;
      }
      return 0;
    }
    default: {
      const x = a as JsonbObject;
      const y = b as JsonbObject;
      // "Object with n pairs > object with n - 1 pairs"; then key-1, value-1, key-2 ... in
      // storage order.
      if (x.size !== y.size) return x.size < y.size ? -1 : 1;
      for (let i = 0; i < x.size; i++) {
        const k = compareCodePoints(x.keys[i] as string, y.keys[i] as string);
        if (k !== 0) return k;
        const v = compareJsonb(x.values[i] as JsonbValue, y.values[i] as JsonbValue, false);
        if (v !== 0) return v;
      }
      return 0;
    }
  }
}

/** array_cmp: elements in order (NULL above any value), then count, dimensions, lower bounds. */
export function compareArrays(a: SqlArray, b: SqlArray, element: Comparator): number {
  const n = Math.min(a.elements.length, b.elements.length);
  for (let i = 0; i < n; i++) {
    const x = a.elements[i] as Value;
    const y = b.elements[i] as Value;
    if (x === null || y === null) {
      if (x === null && y === null) continue;
      return x === null ? 1 : -1;
    }
    const c = element(x, y);
    if (c !== 0) return c;
  }
  if (a.elements.length !== b.elements.length) return a.elements.length < b.elements.length ? -1 : 1;
  if (a.ndim !== b.ndim) return a.ndim < b.ndim ? -1 : 1;
  for (let i = 0; i < a.ndim; i++) {
    if (a.dims[i] !== b.dims[i]) return (a.dims[i] as number) < (b.dims[i] as number) ? -1 : 1;
  }
  for (let i = 0; i < a.ndim; i++) {
    if (a.lowerBounds[i] !== b.lowerBounds[i]) return (a.lowerBounds[i] as number) < (b.lowerBounds[i] as number) ? -1 : 1;
  }
  return 0;
}

/** record_cmp: field by field, NULL above any value. */
export function compareRecords(a: SqlRecord, b: SqlRecord): number {
  const n = Math.min(a.fields.length, b.fields.length);
  for (let i = 0; i < n; i++) {
    const x = a.fields[i] as Value;
    const y = b.fields[i] as Value;
    if (x === null || y === null) {
      if (x === null && y === null) continue;
      return x === null ? 1 : -1;
    }
    const type = a.types[i] as SqlType;
    const c = comparatorFor(type.oid)(x, y);
    if (c !== 0) return c;
  }
  if (a.fields.length !== b.fields.length) {
    throw new PgError('42804', 'cannot compare record types with different numbers of columns');
  }
  return 0;
}

const comparators = new Map<TypeOid, Comparator>();

function baseComparator(oid: TypeOid): Comparator | undefined {
  switch (oid) {
    case Oid.int2:
    case Oid.int4:
    case Oid.oid:
    case Oid.regclass:
    case Oid.regtype:
    case Oid.regproc:
    case Oid.regprocedure:
    case Oid.regoper:
    case Oid.regnamespace:
    case Oid.regrole:
    case Oid.date:
      return (a, b) => cmp(a as number, b as number);
    case Oid.int8:
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
      return (a, b) => cmp(a as bigint, b as bigint);
    case Oid.float4:
    case Oid.float8:
      return (a, b) => compareFloat(a as number, b as number);
    case Oid.numeric:
      return (a, b) => compareNumeric(a as Decimal, b as Decimal);
    case Oid.text:
    case Oid.varchar:
    case Oid.name:
    case Oid.unknown:
      return (a, b) => compareCodePoints(a as string, b as string);
    case Oid.bpchar:
      return (a, b) => compareBpchar(a as string, b as string);
    case Oid.char:
      return (a, b) => cmp((a as string).charCodeAt(0) || 0, (b as string).charCodeAt(0) || 0);
    case Oid.uuid:
      return (a, b) => cmp(a as string, b as string);
    case Oid.bool:
      return (a, b) => (a === b ? 0 : a === false ? -1 : 1);
    case Oid.bytea:
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
    case Oid.interval:
      return (a, b) => compareInterval(a as Interval, b as Interval);
    case Oid.jsonb:
      return (a, b) => compareJsonb(a as JsonbValue, b as JsonbValue);
    case Oid.record:
      return (a, b) => compareRecords(a as SqlRecord, b as SqlRecord);
    case Oid.int2vector:
    case Oid.oidvector:
      return (a, b) => compareArrays(a as SqlArray, b as SqlArray, (x, y) => cmp(x as number, y as number));
    default:
      if (isArrayType(oid)) {
        const element = comparatorFor(elementTypeOf(oid));
        return (a, b) => compareArrays(a as SqlArray, b as SqlArray, element);
      }
      return undefined;
  }
}

/** True when the type has a btree order (json, void and pseudo-types do not). */
export function typeHasOrdering(oid: TypeOid): boolean {
  if (isArrayType(oid)) return typeHasOrdering(elementTypeOf(oid));
  return baseComparator(oid) !== undefined;
}

/** The comparator of a type's values; errors like PostgreSQL for types without an order. */
export function comparatorFor(oid: TypeOid): Comparator {
  let comparator = comparators.get(oid);
  if (comparator === undefined) {
    if (!typeHasOrdering(oid)) {
      throw new PgError('42883', `could not identify an ordering operator for type ${typeName(oid)}`);
    }
    comparator = baseComparator(oid) as Comparator;
    comparators.set(oid, comparator);
  }
  return comparator;
}

/** Compares two non-null values of one type. */
export function compareValues(a: Value, b: Value, type: SqlType | TypeOid): number {
  assert(a !== null && b !== null, 'compareValues of NULL');
  return comparatorFor(typeof type === 'number' ? type : type.oid)(a, b);
}

/** Compares with NULLs first or last, as ORDER BY ... NULLS FIRST / LAST does. */
export function compareNullable(a: Value, b: Value, comparator: Comparator, nullsFirst: boolean): number {
  if (a === null || b === null) {
    if (a === null && b === null) return 0;
    return (a === null) === nullsFirst ? -1 : 1;
  }
  return comparator(a, b);
}

/** A primitive that is the same for two values exactly when PostgreSQL's `=` holds. */
export type EqualityKey = string | number | bigint | boolean;

/** Normalized numeric text: 1.50 and 1.5 share a key, NaN is one key. */
function numericKey(value: Decimal): string {
  if (value.isNaN()) return 'NaN';
  if (value.isZero()) return '0';
  return value.toString();
}

function jsonbKey(value: JsonbValue): string {
  if (value === JSONB_NULL) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonbKey).join(',')}]`;
  if (value instanceof JsonbObject) return `{${value.keys.map((k, i) => `${JSON.stringify(k)}:${jsonbKey(value.values[i] as JsonbValue)}`).join(',')}}`;
  return `n${numericKey(value as Decimal)}`;
}

/**
 * The equality key of a non-null value (for hash joins, DISTINCT and GROUP BY): floats keep
 * their number (JavaScript's Map already treats NaN as equal to NaN and -0 as 0), numerics lose
 * their display scale, char(n) its padding, intervals become spans.
 */
export function equalityKey(value: Value, type: SqlType | TypeOid): EqualityKey {
  const oid = typeof type === 'number' ? type : type.oid;
  assert(value !== null, 'equalityKey of NULL');
  switch (oid) {
    case Oid.float4:
    case Oid.float8:
      return (value as number) === 0 ? 0 : (value as number);
    case Oid.numeric:
      return numericKey(value as Decimal);
    case Oid.bpchar:
      return (value as string).replace(/ +$/, '');
    case Oid.bytea:
      return Buffer.from(value as Uint8Array).toString('hex');
    case Oid.interval:
      return intervalSpanMicros(value as Interval);
    case Oid.jsonb:
      return jsonbKey(value as JsonbValue);
    case Oid.json:
      throw new PgError('42883', 'could not identify an equality operator for type json');
    case Oid.record: {
      const record = value as SqlRecord;
      return `(${record.fields.map((f, i) => (f === null ? 'N' : keyText(equalityKey(f, record.types[i] as SqlType)))).join(',')})`;
    }
    default:
      if (isArrayType(oid) || oid === Oid.int2vector || oid === Oid.oidvector) {
        const array = value as SqlArray;
        const element = elementTypeOf(oid) || Oid.int4;
        return `${array.dims.join('x')}@${array.lowerBounds.join(',')}[${array.elements.map((e) => (e === null ? 'N' : keyText(equalityKey(e, element)))).join(',')}]`;
      }
      return value as EqualityKey;
  }
}

function keyText(key: EqualityKey): string {
  return typeof key === 'string' ? JSON.stringify(key) : `${typeof key}:${String(key)}`;
}

/** A 32-bit hash of a non-null value consistent with equalityKey (FNV-1a of the key). */
export function hashValue(value: Value, type: SqlType | TypeOid): number {
  const key = equalityKey(value, type);
  const text = typeof key === 'string' ? key : `${typeof key}:${Number.isNaN(key) ? 'NaN' : String(key)}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** True when two non-null values of one type are equal in PostgreSQL's sense. */
export function valuesEqual(a: Value, b: Value, type: SqlType | TypeOid): boolean {
  return compareValues(a, b, type) === 0;
}

