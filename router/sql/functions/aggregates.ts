/**
 * The built-in aggregates (manual 9.21): their states, transitions, combine and final functions,
 * with PostgreSQL's result types and exactness: sum of integers is exact (bigint or numeric),
 * avg, variance and stddev of integers and numerics are computed in numeric with PostgreSQL's
 * result scales, float inputs use float8 accumulators (the Youngs-Cramer algorithm PostgreSQL
 * uses since version 12).
 */
import { Decimal } from 'decimal.js';
import type { Interval } from '../../../storage/key-codec/datum.js';
import { PgError } from '../errors/pg-error.js';
import { comparatorFor, type Comparator } from '../types/compare.js';
import { checkInt8 } from '../types/conversions.js';
import { quoteJsonString } from '../types/io/json-io.js';
import { JSONB_NULL, jsonbObject, type JsonbValue } from '../types/jsonb-value.js';
import { decimalOfPrecision, displayScale, Exact, numeric, NUMERIC_NAN, roundToScale } from '../types/numeric-value.js';
import { Oid } from '../types/oids.js';
import { sqlType, type SqlType } from '../types/sql-type.js';
import { elementTypeOf } from '../types/type-registry.js';
import { SqlArray, type Value } from '../types/value.js';
import type { EvalContext } from './eval-context.js';
import type { Aggregate } from './function-types.js';
import { intervalAdd, intervalDivide } from './impl/interval-math.js';
import { jsonKeyText, toJsonb, toJsonText } from './impl/json-convert.js';
import { divisionScale, divideRounded, numericAdd, numericDiv, numericMul, numericSub } from './impl/numeric-ops.js';
import { concatBytes } from './impl/text-funcs.js';

type Factory = (argTypes: readonly SqlType[], returnType: SqlType) => Aggregate<never>;

function define<S>(
  name: string,
  strict: boolean,
  parts: Omit<Aggregate<S>, 'name' | 'argTypes' | 'returnType' | 'strict'>,
): Factory {
  return (argTypes, returnType) => ({ name, argTypes, returnType, strict, ...parts }) as unknown as Aggregate<never>;
}

// ---------------------------------------------------------------------------------------------
// count, sum, avg

const countAll = define<bigint>('count', false, {
  initial: () => 0n,
  transition: (s) => s + 1n,
  combine: (a, b) => a + b,
  final: (s) => s,
});

const countValues = define<bigint>('count', true, {
  initial: () => 0n,
  transition: (s) => s + 1n,
  combine: (a, b) => a + b,
  final: (s) => s,
});

/** sum(int2), sum(int4) → bigint; sum(int8) → numeric (exact in a bigint either way). */
function integerSum(resultNumeric: boolean): Factory {
  return define<bigint | null>('sum', true, {
    initial: () => null,
    transition: (s, [v]) => (s ?? 0n) + BigInt(v as number | bigint),
    combine: (a, b) => (a === null ? b : b === null ? a : a + b),
    final: (s) => (s === null ? null : resultNumeric ? numeric(s.toString(), 0) : checkInt8(s)),
  });
}

const numericSum = define<Decimal | null>('sum', true, {
  initial: () => null,
  transition: (s, [v]) => (s === null ? (v as Decimal) : numericAdd(s, v as Decimal)),
  combine: (a, b) => (a === null ? b : b === null ? a : numericAdd(a, b)),
  final: (s) => s,
});

function floatSum(single: boolean): Factory {
  const add = (a: number, b: number): number => {
    const result = single ? Math.fround(a + b) : a + b;
    if (!Number.isFinite(result) && !Number.isNaN(result) && Number.isFinite(a) && Number.isFinite(b)) {
      throw new PgError('22003', 'value out of range: overflow');
    }
    return result;
  };
  return define<number | null>('sum', true, {
    initial: () => null,
    transition: (s, [v]) => (s === null ? (v as number) : add(s, v as number)),
    combine: (a, b) => (a === null ? b : b === null ? a : add(a, b)),
    final: (s) => s,
  });
}

const intervalSum = define<Interval | null>('sum', true, {
  initial: () => null,
  transition: (s, [v]) => (s === null ? (v as Interval) : intervalAdd(s, v as Interval)),
  combine: (a, b) => (a === null ? b : b === null ? a : intervalAdd(a, b)),
  final: (s) => s,
});

interface IntegerAvgState {
  count: bigint;
  sum: bigint;
}

const integerAvg = define<IntegerAvgState>('avg', true, {
  initial: () => ({ count: 0n, sum: 0n }),
  transition: (s, [v]) => {
    s.count += 1n;
    s.sum += BigInt(v as number | bigint);
    return s;
  },
  combine: (a, b) => ({ count: a.count + b.count, sum: a.sum + b.sum }),
  final: (s) => (s.count === 0n ? null : numericDiv(numeric(s.sum.toString(), 0), numeric(s.count.toString(), 0))),
});

/** numeric sums keep NaN and infinities apart, as numeric_avg_accum does (PostgreSQL 14+). */
interface NumericAccumulator {
  count: bigint;
  sum: Decimal;
  sumSquares: Decimal;
  nan: number;
  plusInfinity: number;
  minusInfinity: number;
}

function numericAccumulate(s: NumericAccumulator, value: Decimal, squares: boolean): NumericAccumulator {
  s.count += 1n;
  if (value.isNaN()) s.nan++;
  else if (!value.isFinite()) {
    if (value.isNegative()) s.minusInfinity++;
    else s.plusInfinity++;
  } else {
    s.sum = numericAdd(s.sum, value);
    if (squares) s.sumSquares = numericAdd(s.sumSquares, numericMul(value, value));
  }
  return s;
}

function numericCombine(a: NumericAccumulator, b: NumericAccumulator): NumericAccumulator {
  return {
    count: a.count + b.count,
    sum: numericAdd(a.sum, b.sum),
    sumSquares: numericAdd(a.sumSquares, b.sumSquares),
    nan: a.nan + b.nan,
    plusInfinity: a.plusInfinity + b.plusInfinity,
    minusInfinity: a.minusInfinity + b.minusInfinity,
  };
}

const emptyAccumulator = (): NumericAccumulator => ({
  count: 0n, sum: numeric(0, 0), sumSquares: numeric(0, 0), nan: 0, plusInfinity: 0, minusInfinity: 0,
});

/** The special result of numeric aggregates over NaN or infinite inputs, if any. */
function specialResult(s: NumericAccumulator, forVariance: boolean): Decimal | undefined {
  if (s.nan > 0 || (s.plusInfinity > 0 && s.minusInfinity > 0)) return NUMERIC_NAN;
  if (s.plusInfinity > 0 || s.minusInfinity > 0) {
    if (forVariance) return NUMERIC_NAN;
    return numeric(s.plusInfinity > 0 ? Infinity : -Infinity);
  }
  return undefined;
}

const numericAvg = define<NumericAccumulator>('avg', true, {
  initial: emptyAccumulator,
  transition: (s, [v]) => numericAccumulate(s, v as Decimal, false),
  combine: numericCombine,
  final: (s) => {
    if (s.count === 0n) return null;
    return specialResult(s, false) ?? numericDiv(s.sum, numeric(s.count.toString(), 0));
  },
});

const intervalAvg = define<{ count: number; sum: Interval }>('avg', true, {
  initial: () => ({ count: 0, sum: { months: 0, days: 0, micros: 0n } }),
  transition: (s, [v]) => {
    s.count++;
    s.sum = intervalAdd(s.sum, v as Interval);
    return s;
  },
  combine: (a, b) => ({ count: a.count + b.count, sum: intervalAdd(a.sum, b.sum) }),
  final: (s) => (s.count === 0 ? null : intervalDivide(s.sum, s.count)),
});

// ---------------------------------------------------------------------------------------------
// variance and standard deviation

type Moment = 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop';

/** numeric_stddev_internal: (N·Σx² − (Σx)²) / (N·(N−1)) at PostgreSQL's scale, then sqrt. */
function numericMoment(s: NumericAccumulator, moment: Moment): Decimal | null {
  const sample = moment === 'var_samp' || moment === 'stddev_samp';
  if (s.count === 0n || (sample && s.count === 1n)) return null;
  const special = specialResult(s, true);
  if (special !== undefined) return special;
  const n = numeric(s.count.toString(), 0);
  const rscale = displayScale(s.sum);
  const sumSquared = numeric(Exact.mul(s.sum, s.sum), rscale * 2);
  const nSumSquares = numeric(Exact.mul(n, s.sumSquares), rscale * 2);
  const numerator = numericSub(nSumSquares, sumSquared);
  if (numerator.lte(0)) return numeric(0, 0);
  const denominator = numeric(Exact.mul(n, sample ? Exact.sub(n, 1) : n), 0);
  const scale = divisionScale(numerator, denominator);
  const variance = divideRounded(numerator, denominator, scale);
  if (moment === 'var_samp' || moment === 'var_pop') return variance;
  const Ctor = decimalOfPrecision(Math.max(1, Math.ceil((variance.e + 1) / 2) + 1) + scale + 3, Decimal.ROUND_DOWN);
  return roundToScale(Ctor.sqrt(variance), scale);
}

function numericMomentAggregate(name: string, moment: Moment, integerInput: boolean): Factory {
  return define<NumericAccumulator>(name, true, {
    initial: emptyAccumulator,
    transition: (s, [v]) => numericAccumulate(s, integerInput ? numeric(String(v), 0) : (v as Decimal), true),
    combine: numericCombine,
    final: (s) => numericMoment(s, moment),
  });
}

/** float8_accum's transition values: N, Σx and Σ(x - mean)² (Youngs-Cramer). */
interface FloatAccumulator {
  n: number;
  sx: number;
  sxx: number;
}

function floatAccumulate(s: FloatAccumulator, value: number): FloatAccumulator {
  const previousN = s.n;
  const previousSx = s.sx;
  s.n += 1;
  s.sx += value;
  if (previousN > 0) {
    const tmp = value * s.n - s.sx;
    s.sxx += (tmp * tmp) / (s.n * previousN);
    if (!Number.isFinite(s.sx) || !Number.isFinite(s.sxx)) {
      if (Number.isFinite(previousSx) && Number.isFinite(value)) throw new PgError('22003', 'value out of range: overflow');
      s.sxx = NaN;
    }
  } else if (!Number.isFinite(value)) {
    s.sxx = NaN;
  }
  return s;
}

function floatCombine(a: FloatAccumulator, b: FloatAccumulator): FloatAccumulator {
  if (a.n === 0) return { ...b };
  if (b.n === 0) return { ...a };
  const n = a.n + b.n;
  const tmp = a.sx / a.n - b.sx / b.n;
  return { n, sx: a.sx + b.sx, sxx: a.sxx + b.sxx + (a.n * b.n * tmp * tmp) / n };
}

function floatMoment(s: FloatAccumulator, moment: Moment | 'avg'): number | null {
  if (moment === 'avg') return s.n === 0 ? null : s.sx / s.n;
  const sample = moment === 'var_samp' || moment === 'stddev_samp';
  if (s.n === 0 || (sample && s.n <= 1)) return null;
  const numerator = s.sxx;
  if (!(numerator > 0) && !Number.isNaN(numerator)) return 0;
  const variance = numerator / (sample ? s.n - 1 : s.n);
  return moment === 'var_samp' || moment === 'var_pop' ? variance : Math.sqrt(variance);
}

function floatMomentAggregate(name: string, moment: Moment | 'avg'): Factory {
  return define<FloatAccumulator>(name, true, {
    initial: () => ({ n: 0, sx: 0, sxx: 0 }),
    transition: (s, [v]) => floatAccumulate(s, v as number),
    combine: floatCombine,
    final: (s) => floatMoment(s, moment),
  });
}

// ---------------------------------------------------------------------------------------------
// min, max, boolean and bitwise aggregates

function extreme(name: 'min' | 'max'): Factory {
  return (argTypes, returnType) => {
    const comparator: Comparator = comparatorFor(argTypes[0]?.oid ?? returnType.oid);
    const better = name === 'min' ? (c: number) => c < 0 : (c: number) => c > 0;
    const pick = (a: Value, b: Value): Value => (a === null ? b : b === null ? a : better(comparator(b, a)) ? b : a);
    return define<Value>(name, true, {
      initial: () => null,
      transition: (s, [v]) => pick(s, v as Value),
      combine: pick,
      final: (s) => s,
    })(argTypes, returnType);
  };
}

function booleanAggregate(name: string, and: boolean): Factory {
  const merge = (a: boolean | null, b: boolean | null): boolean | null => (a === null ? b : b === null ? a : and ? a && b : a || b);
  return define<boolean | null>(name, true, {
    initial: () => null,
    transition: (s, [v]) => merge(s, v as boolean),
    combine: merge,
    final: (s) => s,
  });
}

function bitAggregate(name: string, op: 'and' | 'or' | 'xor', width: 2 | 4 | 8): Factory {
  const apply = (a: bigint, b: bigint): bigint => (op === 'and' ? a & b : op === 'or' ? a | b : a ^ b);
  const merge = (a: bigint | null, b: bigint | null): bigint | null => (a === null ? b : b === null ? a : apply(a, b));
  return define<bigint | null>(name, true, {
    initial: () => null,
    transition: (s, [v]) => merge(s, BigInt(v as number | bigint)),
    combine: merge,
    final: (s) => (s === null ? null : width === 8 ? s : Number(s)),
  });
}

// ---------------------------------------------------------------------------------------------
// string_agg, array_agg, json aggregates

/**
 * string_agg: each value after the first is preceded by its own row's delimiter. The state keeps
 * the first value's delimiter too, which a combine needs to join two partial results.
 */
interface StringAggState<T> {
  value: T;
  firstDelimiter: T | null;
}

function stringAggregate<T extends string | Uint8Array>(join: (...parts: T[]) => T, empty: T): Factory {
  return define<StringAggState<T> | null>('string_agg', false, {
    initial: () => null,
    transition: (s, [v, d]) => {
      if (v === null) return s;
      const delimiter = (d as T | null) ?? empty;
      if (s === null) return { value: v as T, firstDelimiter: delimiter };
      s.value = join(s.value, delimiter, v as T);
      return s;
    },
    combine: (a, b) => (a === null ? b : b === null ? a : { value: join(a.value, b.firstDelimiter ?? empty, b.value), firstDelimiter: a.firstDelimiter }),
    final: (s) => (s === null ? null : s.value),
  });
}

const stringAgg = stringAggregate<string>((...parts) => parts.join(''), '');
const byteaStringAgg = stringAggregate<Uint8Array>((...parts) => concatBytes(...parts), new Uint8Array(0));

const arrayAgg: Factory = (argTypes, returnType) => {
  const element = argTypes[0]?.oid ?? elementTypeOf(returnType.oid);
  return define<Value[] | null>('array_agg', false, {
    initial: () => null,
    transition: (s, [v]) => {
      const list = s ?? [];
      list.push(v as Value);
      return list;
    },
    combine: (a, b) => (a === null ? b : b === null ? a : [...a, ...b]),
    final: (s) => (s === null ? null : SqlArray.of(element, s)),
  })(argTypes, returnType);
};

const arrayAggArrays: Factory = (argTypes, returnType) => {
  const element = elementTypeOf(argTypes[0]?.oid ?? returnType.oid);
  return define<SqlArray[] | null>('array_agg', false, {
    initial: () => null,
    transition: (s, [v]) => {
      if (v === null) throw new PgError('22004', 'cannot accumulate null arrays');
      const array = v as SqlArray;
      if (array.ndim === 0) throw new PgError('2202E', 'cannot accumulate empty arrays');
      const list = s ?? [];
      const first = list[0];
      if (first !== undefined && (first.ndim !== array.ndim || first.dims.some((d, i) => d !== array.dims[i]))) {
        throw new PgError('2202E', 'cannot accumulate arrays of different dimensionality');
      }
      list.push(array);
      return list;
    },
    combine: (a, b) => (a === null ? b : b === null ? a : [...a, ...b]),
    final: (s) => {
      if (s === null) return null;
      const first = s[0] as SqlArray;
      return new SqlArray(element, s.flatMap((a) => a.elements), [s.length, ...first.dims], [1, ...first.lowerBounds]);
    },
  })(argTypes, returnType);
};

const jsonAgg: Factory = (argTypes, returnType) => {
  const type = argTypes[0] ?? sqlType(Oid.unknown);
  return define<string[] | null>('json_agg', false, {
    initial: () => null,
    transition: (s, [v], ctx) => {
      const list = s ?? [];
      list.push(toJsonText(v as Value, type, ctx));
      return list;
    },
    combine: (a, b) => (a === null ? b : b === null ? a : [...a, ...b]),
    final: (s) => (s === null ? null : `[${s.join(', ')}]`),
  })(argTypes, returnType);
};

const jsonbAgg: Factory = (argTypes, returnType) => {
  const type = argTypes[0] ?? sqlType(Oid.unknown);
  return define<JsonbValue[] | null>('jsonb_agg', false, {
    initial: () => null,
    transition: (s, [v], ctx) => {
      const list = s ?? [];
      list.push(toJsonb(v as Value, type, ctx));
      return list;
    },
    combine: (a, b) => (a === null ? b : b === null ? a : [...a, ...b]),
    final: (s) => (s === null ? null : (s as unknown as Value)),
  })(argTypes, returnType);
};

function objectKey(key: Value, type: SqlType, ctx: EvalContext): string {
  if (key === null) throw new PgError('22023', 'field name must not be null');
  return jsonKeyText(key, type, ctx);
}

const jsonObjectAgg: Factory = (argTypes, returnType) => {
  const [keyType, valueType] = [argTypes[0] ?? sqlType(Oid.text), argTypes[1] ?? sqlType(Oid.text)];
  return define<string[] | null>('json_object_agg', false, {
    initial: () => null,
    transition: (s, [k, v], ctx) => {
      const list = s ?? [];
      list.push(`${quoteJsonString(objectKey(k as Value, keyType, ctx))} : ${toJsonText(v as Value, valueType, ctx)}`);
      return list;
    },
    combine: (a, b) => (a === null ? b : b === null ? a : [...a, ...b]),
    final: (s) => (s === null ? null : `{ ${s.join(', ')} }`),
  })(argTypes, returnType);
};

const jsonbObjectAgg: Factory = (argTypes, returnType) => {
  const [keyType, valueType] = [argTypes[0] ?? sqlType(Oid.text), argTypes[1] ?? sqlType(Oid.text)];
  return define<[string, JsonbValue][] | null>('jsonb_object_agg', false, {
    initial: () => null,
    transition: (s, [k, v], ctx) => {
      const list = s ?? [];
      list.push([objectKey(k as Value, keyType, ctx), v === null ? JSONB_NULL : toJsonb(v as Value, valueType, ctx)]);
      return list;
    },
    combine: (a, b) => (a === null ? b : b === null ? a : [...a, ...b]),
    final: (s) => (s === null ? null : (jsonbObject(s) as unknown as Value)),
  })(argTypes, returnType);
};

// ---------------------------------------------------------------------------------------------

const momentNames: [string, Moment][] = [
  ['stddev', 'stddev_samp'], ['stddev_samp', 'stddev_samp'], ['stddev_pop', 'stddev_pop'],
  ['variance', 'var_samp'], ['var_samp', 'var_samp'], ['var_pop', 'var_pop'],
];

/** Aggregate implementations, by pg_proc signature key (`sum(int4)`). */
export const aggregateFactories: Record<string, Factory> = {
  'count()': countAll,
  'count(any)': countValues,
  'sum(int2)': integerSum(false),
  'sum(int4)': integerSum(false),
  'sum(int8)': integerSum(true),
  'sum(numeric)': numericSum,
  'sum(float4)': floatSum(true),
  'sum(float8)': floatSum(false),
  'sum(interval)': intervalSum,
  'avg(int2)': integerAvg,
  'avg(int4)': integerAvg,
  'avg(int8)': integerAvg,
  'avg(numeric)': numericAvg,
  'avg(float4)': floatMomentAggregate('avg', 'avg'),
  'avg(float8)': floatMomentAggregate('avg', 'avg'),
  'avg(interval)': intervalAvg,
  'bool_and(bool)': booleanAggregate('bool_and', true),
  'bool_or(bool)': booleanAggregate('bool_or', false),
  'every(bool)': booleanAggregate('every', true),
  'string_agg(text,text)': stringAgg,
  'string_agg(bytea,bytea)': byteaStringAgg,
  'array_agg(anynonarray)': arrayAgg,
  'array_agg(anyarray)': arrayAggArrays,
  'json_agg(anyelement)': jsonAgg,
  'jsonb_agg(anyelement)': jsonbAgg,
  'json_object_agg(any,any)': jsonObjectAgg,
  'jsonb_object_agg(any,any)': jsonbObjectAgg,
};
for (const type of ['anyarray', 'bpchar', 'date', 'float4', 'float8', 'int2', 'int4', 'int8', 'interval', 'numeric', 'oid', 'text', 'time', 'timestamp', 'timestamptz']) {
  aggregateFactories[`min(${type})`] = extreme('min');
  aggregateFactories[`max(${type})`] = extreme('max');
}
for (const [name, moment] of momentNames) {
  for (const type of ['int2', 'int4', 'int8']) aggregateFactories[`${name}(${type})`] = numericMomentAggregate(name, moment, true);
  aggregateFactories[`${name}(numeric)`] = numericMomentAggregate(name, moment, false);
  aggregateFactories[`${name}(float4)`] = floatMomentAggregate(name, moment);
  aggregateFactories[`${name}(float8)`] = floatMomentAggregate(name, moment);
}
for (const op of ['and', 'or', 'xor'] as const) {
  aggregateFactories[`bit_${op}(int2)`] = bitAggregate(`bit_${op}`, op, 2);
  aggregateFactories[`bit_${op}(int4)`] = bitAggregate(`bit_${op}`, op, 4);
  aggregateFactories[`bit_${op}(int8)`] = bitAggregate(`bit_${op}`, op, 8);
}

