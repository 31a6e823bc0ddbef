/**
 * The shapes of function implementations the executor calls: scalar functions and operators,
 * set-returning functions, aggregates and window functions.
 */
import type { SqlType } from '../types/sql-type.js';
import type { Value } from '../types/value.js';
import type { EvalContext } from './eval-context.js';

/** What a call knows besides its argument values. */
export interface Call {
  readonly ctx: EvalContext;
  /** The types of the arguments as passed (after coercion; "any" arguments keep their own). */
  readonly argTypes: readonly SqlType[];
  readonly returnType: SqlType;
}

/**
 * The arguments of a call. Typed as a long tuple so that implementations can destructure the
 * arguments their signature guarantees (`([a, b]) => ...`) without undefined checks; a function
 * never reads past its own arity.
 */
export type Args = readonly [Value, Value, Value, Value, Value, Value, Value, Value, ...Value[]];

/** Views an argument list as Args. */
export function asArgs(values: readonly Value[]): Args {
  return values as unknown as Args;
}

/**
 * A scalar function or operator. Strict functions are never called with a NULL argument (the
 * caller answers NULL, as PostgreSQL does for proisstrict functions); others see nulls.
 */
export type ScalarImpl = (args: Args, call: Call) => Value;

/**
 * A set-returning function: the rows it produces, one value each (a SqlRecord for functions with
 * several output columns, such as jsonb_each).
 */
export type SetImpl = (args: Args, call: Call) => Iterable<Value>;

/**
 * An aggregate, as PostgreSQL defines one (CREATE AGGREGATE): a state that starts empty, a
 * transition per input row, a final function, and a combine function that merges two partial
 * states, so that ranges can aggregate their rows and the router merge the results. Strict
 * aggregates skip rows where any argument is NULL (the executor calls `accumulate`, which does).
 * States are plain data (numbers, bigints, strings, arrays, Decimals, values) so that they can
 * travel between nodes.
 */
export interface Aggregate<S = unknown> {
  readonly name: string;
  readonly argTypes: readonly SqlType[];
  readonly returnType: SqlType;
  /** Rows with a NULL argument are skipped. */
  readonly strict: boolean;
  initial(): S;
  /** Adds one row's arguments to the state (the state may be mutated and returned). */
  transition(state: S, args: Args, ctx: EvalContext): S;
  /** Merges two partial states over disjoint rows. */
  combine(a: S, b: S, ctx: EvalContext): S;
  /** The aggregate's value; NULL when there were no rows for most aggregates. */
  final(state: S, ctx: EvalContext): Value;
}

/** Adds a row to an aggregate's state, skipping it when the aggregate is strict and an argument is NULL. */
export function accumulate<S>(aggregate: Aggregate<S>, state: S, args: readonly Value[], ctx: EvalContext): S {
  if (aggregate.strict && args.some((a) => a === null)) return state;
  return aggregate.transition(state, asArgs(args), ctx);
}

/**
 * The rows a window function sees, as the executor lays them out: the partition's rows in
 * window order, the current row, its peer group (rows equal under ORDER BY) and its frame.
 * Indexes are 0-based positions in the partition; frames are [start, end) ranges.
 */
export interface WindowRows {
  readonly partitionRowCount: number;
  readonly currentRow: number;
  /** The first row of the current row's peer group, and one past its last. */
  readonly peerGroupStart: number;
  readonly peerGroupEnd: number;
  /** 0-based index of the current peer group among the partition's peer groups. */
  readonly peerGroupIndex: number;
  readonly frameStart: number;
  readonly frameEnd: number;
  /** Row positions inside the frame that EXCLUDE removes; empty without an exclusion. */
  isExcluded(row: number): boolean;
  /** How many arguments the call has (lag's offset and default are optional). */
  readonly argumentCount: number;
  /** The value of argument `argument` evaluated at partition row `row`. */
  argument(argument: number, row: number): Value;
}

/** A window function (row_number, rank, lag, first_value...), evaluated for one row at a time. */
export interface WindowFunction {
  readonly name: string;
  readonly argTypes: readonly SqlType[];
  readonly returnType: SqlType;
  /** True for functions that read the frame (first_value, last_value, nth_value). */
  readonly usesFrame: boolean;
  evaluate(rows: WindowRows, ctx: EvalContext): Value;
}
