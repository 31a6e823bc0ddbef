/**
 * The implementation of every built-in, by the key its catalog row names (implKey): scalar
 * functions and operators, set-returning functions, aggregates and window functions.
 */
import { PgError } from '../errors/pg-error.js';
import { compareFloat, comparatorFor } from '../types/compare.js';
import { conversions } from '../types/conversions.js';
import { dateToTimestamp, timestampToTimestamptz } from '../types/conversions.js';
import { Oid, type TypeOid } from '../types/oids.js';
import type { SqlType } from '../types/sql-type.js';
import { isPolymorphicType } from '../types/type-registry.js';
import { compareCodePoints } from '../types/text-order.js';
import type { Value } from '../types/value.js';
import { aggregateFactories } from './aggregates.js';
import type { EvalContext } from './eval-context.js';
import type { Aggregate, Call, ScalarImpl, SetImpl, WindowFunction } from './function-types.js';
import { arrayImpls, arraySetImpls } from './impl/array-funcs.js';
import { datetimeImpls } from './impl/datetime-funcs.js';
import { formatImpls } from './impl/format-function.js';
import { formattingImpls } from './impl/formatting.js';
import { arithmeticImpl, floatImpls } from './impl/int-float-ops.js';
import { jsonImpls, jsonSetImpls } from './impl/json-funcs.js';
import { miscImpls, seriesImpls } from './impl/misc-funcs.js';
import { numericImpls } from './impl/numeric-ops.js';
import { patternImpls, patternSetImpls } from './impl/pattern-funcs.js';
import { textImpls } from './impl/text-funcs.js';
import { windowFactories } from './window-functions.js';

/** Conversion functions called as functions: int4(numeric), varchar(varchar, int4, bool)... */
function conversionImpl(key: string): ScalarImpl | undefined {
  const conversion = conversions[key];
  if (conversion === undefined) return undefined;
  return (args, call) => conversion(args[0] as Value, call.ctx, (args[1] as number | undefined) ?? -1, (args[2] as boolean | undefined) ?? false);
}

const integerTypes: ReadonlySet<TypeOid> = new Set([Oid.int2, Oid.int4, Oid.int8]);
const floatTypes: ReadonlySet<TypeOid> = new Set([Oid.float4, Oid.float8]);
const textTypes: ReadonlySet<TypeOid> = new Set([Oid.text, Oid.name, Oid.varchar, Oid.unknown]);
const timeRank: Partial<Record<TypeOid, number>> = { [Oid.date]: 0, [Oid.timestamp]: 1, [Oid.timestamptz]: 2 };

/** A date, timestamp or timestamptz value converted up to the higher of two such types. */
function toTimeRank(value: Value, from: TypeOid, rank: number, ctx: EvalContext): bigint {
  let v = value;
  let current = timeRank[from] as number;
  if (current === 0 && rank >= 1) {
    v = dateToTimestamp(v as number);
    current = 1;
  }
  if (current === 1 && rank === 2) v = timestampToTimestamptz(v as bigint, ctx);
  return v as bigint;
}

/**
 * Compares two non-null values of possibly different types, as PostgreSQL's cross-type
 * comparison operators do (int4 vs int8, float4 vs float8, name vs text, date vs timestamp...).
 */
export function compareAcross(a: Value, aType: TypeOid, b: Value, bType: TypeOid, ctx: EvalContext): number {
  if (aType === bType) return comparatorFor(aType)(a, b);
  if (integerTypes.has(aType) && integerTypes.has(bType)) {
    const x = typeof a === 'bigint' ? a : BigInt(a as number);
    const y = typeof b === 'bigint' ? b : BigInt(b as number);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (floatTypes.has(aType) && floatTypes.has(bType)) return compareFloat(a as number, b as number);
  if (textTypes.has(aType) && textTypes.has(bType)) return compareCodePoints(a as string, b as string);
  const ra = timeRank[aType];
  const rb = timeRank[bType];
  if (ra !== undefined && rb !== undefined) {
    const rank = Math.max(ra, rb);
    const x = toTimeRank(a, aType, rank, ctx);
    const y = toTimeRank(b, bType, rank, ctx);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return comparatorFor(aType)(a, b);
}

const comparisonTests: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0, '<>': (c) => c !== 0, '<': (c) => c < 0, '<=': (c) => c <= 0, '>': (c) => c > 0, '>=': (c) => c >= 0,
  '~<~': (c) => c < 0, '~<=~': (c) => c <= 0, '~>~': (c) => c > 0, '~>=~': (c) => c >= 0,
};

/**
 * The implementation of a comparison operator, from its name and operand types (0 when they are
 * known only at call time). Same-type comparisons use the type's comparator directly.
 */
export function comparisonImpl(operator: string, leftType: TypeOid = 0, rightType: TypeOid = 0): ScalarImpl | undefined {
  const test = comparisonTests[operator];
  if (test === undefined) return undefined;
  if (leftType !== 0 && leftType === rightType && !isPolymorphicType(leftType) && leftType !== Oid.record) {
    const compare = comparatorFor(leftType);
    return ([a, b]) => test(compare(a, b));
  }
  return (args, call: Call) => {
    const aType = call.argTypes[0]?.oid ?? Oid.unknown;
    const bType = call.argTypes[1]?.oid ?? Oid.unknown;
    return test(compareAcross(args[0] as Value, aType, args[1] as Value, bType, call.ctx));
  };
}

const scalarTables: readonly Record<string, ScalarImpl>[] = [
  numericImpls, floatImpls, textImpls, datetimeImpls, jsonImpls, arrayImpls, miscImpls, patternImpls, formattingImpls, formatImpls,
];

const scalarCache = new Map<string, ScalarImpl | null>();

/** The scalar implementation behind a catalog key, if Tessera has one. */
export function scalarImplementation(key: string): ScalarImpl | undefined {
  const cached = scalarCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let impl: ScalarImpl | undefined;
  for (const table of scalarTables) {
    impl = table[key];
    if (impl !== undefined) break;
  }
  impl ??= arithmeticImpl(key) ?? conversionImpl(key);
  scalarCache.set(key, impl ?? null);
  return impl;
}

const setTables: readonly Record<string, SetImpl>[] = [seriesImpls, jsonSetImpls, arraySetImpls, patternSetImpls];

export function setImplementation(key: string): SetImpl | undefined {
  for (const table of setTables) {
    const impl = table[key];
    if (impl !== undefined) return impl;
  }
  return undefined;
}

export function aggregateImplementation(key: string, argTypes: readonly SqlType[], returnType: SqlType): Aggregate<unknown> | undefined {
  const factory = aggregateFactories[key];
  return factory === undefined ? undefined : (factory(argTypes, returnType) as unknown as Aggregate<unknown>);
}

export function windowImplementation(key: string, argTypes: readonly SqlType[], returnType: SqlType): WindowFunction | undefined {
  const factory = windowFactories[key];
  return factory === undefined ? undefined : factory(argTypes, returnType);
}

/** The error for a catalog entry Tessera does not implement. */
export function notImplemented(what: string): PgError {
  return new PgError('0A000', `${what} is not supported`);
}
