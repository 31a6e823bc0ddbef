/**
 * System and miscellaneous functions (pg_typeof, version, random, gen_random_uuid, num_nulls)
 * and generate_series (manual 9.25, 9.26, 9.3, 9.14).
 */
import { randomUUID } from 'node:crypto';
import type { Decimal } from 'decimal.js';
import type { Interval } from '../../../../storage/key-codec/datum.js';
import { PgError } from '../../errors/pg-error.js';
import { isInfiniteTimestamp } from '../../types/conversions.js';
import { Oid } from '../../types/oids.js';
import { VOID, type Value } from '../../types/value.js';
import type { ScalarImpl, SetImpl } from '../function-types.js';
import { intervalSpanMicros } from '../../../../storage/key-codec/interval.js';
import { timestampPlusInterval, timestamptzPlusInterval } from './interval-math.js';
import { numericAdd } from './numeric-ops.js';
import { numeric } from '../../types/numeric-value.js';

/** num_nulls and num_nonnulls (a VARIADIC array's elements arrive spread as arguments). */
function countNulls(args: readonly Value[], nulls: boolean): number {
  return args.filter((v) => (v === null) === nulls).length;
}

export const miscImpls: Record<string, ScalarImpl> = {
  pg_typeof: (_args, call) => call.argTypes[0]?.oid ?? Oid.unknown,
  pgsql_version: (_args, call) => call.ctx.versionText,
  drandom: (_args, call) => call.ctx.random.next(),
  setseed: ([seed], call) => {
    const x = seed as number;
    if (!(x >= -1 && x <= 1)) throw new PgError('22023', `setseed parameter ${x} is out of allowed range [-1,1]`);
    call.ctx.random.setSeed(x);
    return VOID;
  },
  gen_random_uuid: () => randomUUID(),
  pg_num_nulls: (args) => countNulls(args, true),
  pg_num_nonnulls: (args) => countNulls(args, false),
};

function* seriesInt(start: bigint, stop: bigint, step: bigint): Iterable<bigint> {
  if (step === 0n) throw new PgError('22023', 'step size cannot equal zero');
  for (let i = start; step > 0n ? i <= stop : i >= stop; i += step) yield i;
}

function* seriesNumeric(start: Decimal, stop: Decimal, step: Decimal): Iterable<Value> {
  const check = (value: Decimal, what: string): void => {
    if (value.isNaN()) throw new PgError('22023', `${what} cannot be NaN`);
    if (!value.isFinite()) throw new PgError('22023', `${what} cannot be infinity`);
  };
  check(start, 'start value');
  check(stop, 'stop value');
  check(step, 'step size');
  if (step.isZero()) throw new PgError('22023', 'step size cannot equal zero');
  const up = !step.isNegative();
  for (let i = start; up ? i.lte(stop) : i.gte(stop); i = numericAdd(i, step)) yield i;
}

function* seriesTimestamp(start: bigint, stop: bigint, step: Interval, add: (t: bigint, span: Interval) => bigint): Iterable<Value> {
  const span = intervalSpanMicros(step);
  if (span === 0n) throw new PgError('22023', 'step size cannot equal zero');
  // An infinite start never advances: PostgreSQL would produce rows forever.
  if (isInfiniteTimestamp(start)) {
    if (span > 0n ? start <= stop : start >= stop) throw new PgError('0A000', 'generate_series from an infinite timestamp is not supported');
    return;
  }
  let current = start;
  while (span > 0n ? current <= stop : current >= stop) {
    yield current;
    current = add(current, step);
  }
}

const asInt = (v: unknown): bigint => BigInt(v as number | bigint);

export const seriesImpls: Record<string, SetImpl> = {
  generate_series_int4: ([a, b]) => mapNumbers(seriesInt(asInt(a), asInt(b), 1n)),
  generate_series_step_int4: ([a, b, s]) => mapNumbers(seriesInt(asInt(a), asInt(b), asInt(s))),
  generate_series_int8: ([a, b]) => seriesInt(asInt(a), asInt(b), 1n),
  generate_series_step_int8: ([a, b, s]) => seriesInt(asInt(a), asInt(b), asInt(s)),
  generate_series_numeric: ([a, b]) => seriesNumeric(a as Decimal, b as Decimal, numeric(1, 0)),
  generate_series_step_numeric: ([a, b, s]) => seriesNumeric(a as Decimal, b as Decimal, s as Decimal),
  generate_series_timestamp: ([a, b, s]) => seriesTimestamp(a as bigint, b as bigint, s as Interval, timestampPlusInterval),
  generate_series_timestamptz: ([a, b, s], call) =>
    seriesTimestamp(a as bigint, b as bigint, s as Interval, (t, span) => timestamptzPlusInterval(t, span, call.ctx.timeZone)),
};

function* mapNumbers(values: Iterable<bigint>): Iterable<number> {
  for (const v of values) yield Number(v);
}
