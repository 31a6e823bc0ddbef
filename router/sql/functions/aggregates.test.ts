/**
 * Aggregates' partial states: combining the states of any split of the rows must give what one
 * pass over all rows gives, which is what pushing partial aggregation to ranges relies on
 * (CREATE AGGREGATE's combinefunc: "combines two partial aggregation states").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatValue } from '../types/io/value-io.js';
import { parseNumeric } from '../types/io/numeric-io.js';
import { T, type SqlType } from '../types/sql-type.js';
import type { Value } from '../types/value.js';
import { fixedEvalContext } from './eval-context.js';
import { accumulate, type Aggregate } from './function-types.js';
import { resolveFunction } from './resolve.js';

const ctx = fixedEvalContext();

function aggregateOf(name: string, types: SqlType[]): Aggregate<unknown> {
  return resolveFunction(name, types.map((type) => ({ type }))).createAggregate();
}

function run(aggregate: Aggregate<unknown>, rows: Value[][]): unknown {
  let state = aggregate.initial();
  for (const row of rows) state = accumulate(aggregate, state, row, ctx);
  return state;
}

function finalText(aggregate: Aggregate<unknown>, state: unknown): string | null {
  const value = aggregate.final(state, ctx);
  return value === null ? null : formatValue(value, aggregate.returnType, ctx);
}

const cases: { name: string; types: SqlType[]; value: fc.Arbitrary<Value[]> }[] = [
  { name: 'count', types: [T.int4], value: fc.option(fc.integer(), { nil: null }).map((v) => [v]) },
  { name: 'sum', types: [T.int4], value: fc.option(fc.integer(), { nil: null }).map((v) => [v]) },
  { name: 'sum', types: [T.int8], value: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }).map((v) => [v]) },
  { name: 'avg', types: [T.int4], value: fc.integer().map((v) => [v]) },
  { name: 'avg', types: [T.numeric], value: fc.integer({ min: -1e6, max: 1e6 }).map((v) => [parseNumeric((v / 100).toFixed(2))]) },
  { name: 'stddev', types: [T.numeric], value: fc.integer({ min: -1e6, max: 1e6 }).map((v) => [parseNumeric((v / 10).toFixed(1))]) },
  { name: 'var_pop', types: [T.int4], value: fc.integer({ min: -1e6, max: 1e6 }).map((v) => [v]) },
  { name: 'min', types: [T.text], value: fc.option(fc.string(), { nil: null }).map((v) => [v]) },
  { name: 'max', types: [T.float8], value: fc.double({ noNaN: false }).map((v) => [v]) },
  { name: 'bool_and', types: [T.bool], value: fc.option(fc.boolean(), { nil: null }).map((v) => [v]) },
  { name: 'string_agg', types: [T.text, T.text], value: fc.tuple(fc.option(fc.string(), { nil: null }), fc.constantFrom(',', '-', null)) },
  { name: 'array_agg', types: [T.int4], value: fc.option(fc.integer(), { nil: null }).map((v) => [v]) },
  { name: 'jsonb_agg', types: [T.int4], value: fc.option(fc.integer(), { nil: null }).map((v) => [v]) },
];

describe('partial aggregation', () => {
  for (const { name, types, value } of cases) {
    it(`${name}(${types.map((t) => t.oid).join(',')}) combines partial states`, () => {
      fc.assert(fc.property(fc.array(value, { maxLength: 30 }), fc.nat(), (rows, cut) => {
        const aggregate = aggregateOf(name, types);
        const split = rows.length === 0 ? 0 : cut % (rows.length + 1);
        const whole = finalText(aggregate, run(aggregate, rows));
        const left = run(aggregate, rows.slice(0, split));
        const right = run(aggregate, rows.slice(split));
        expect(finalText(aggregate, aggregate.combine(left, right, ctx))).toBe(whole);
      }), { numRuns: 60 });
    });
  }
});

describe('strictness', () => {
  it('skips rows with a NULL argument for strict aggregates only', () => {
    const count = aggregateOf('count', [T.int4]);
    expect(finalText(count, run(count, [[1], [null], [2]]))).toBe('2');
    const countAll = resolveFunction('count', []).createAggregate();
    expect(finalText(countAll, run(countAll, [[], [], []]))).toBe('3');
    const arrayAgg = aggregateOf('array_agg', [T.int4]);
    expect(finalText(arrayAgg, run(arrayAgg, [[1], [null]]))).toBe('{1,NULL}');
  });
});
