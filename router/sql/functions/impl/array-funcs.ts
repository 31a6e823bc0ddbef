/**
 * Array functions and operators (manual 9.19) and the subscript and slice operations the
 * executor applies to `a[i]` and `a[i:j]` (manual 8.15.3).
 */
import { PgError } from '../../errors/pg-error.js';
import { compareValues, valuesEqual } from '../../types/compare.js';
import { formatValue } from '../../types/io/value-io.js';
import { arrayLimits } from '../../types/limits.js';
import { Oid, type TypeOid } from '../../types/oids.js';
import { sqlType, type SqlType } from '../../types/sql-type.js';
import { elementTypeOf } from '../../types/type-registry.js';
import { SqlArray, type Value } from '../../types/value.js';
import type { Call, ScalarImpl, SetImpl } from '../function-types.js';

const arr = (v: unknown): SqlArray => v as SqlArray;

/** The element type of an array argument: the array's own, or its declared type's. */
function elementOf(array: SqlArray | null, type: SqlType | undefined): TypeOid {
  if (array !== null && array.elementType !== 0) return array.elementType;
  return type === undefined ? Oid.unknown : elementTypeOf(type.oid);
}

function checkSize(count: number): void {
  if (count > arrayLimits.elementsMax) {
    throw new PgError('54000', `array size exceeds the maximum allowed (${arrayLimits.elementsMax})`);
  }
}

function requireOneDimension(array: SqlArray): void {
  if (array.ndim > 1) throw new PgError('2202E', 'argument must be empty or one-dimensional array');
}

/** IS NOT DISTINCT FROM on elements: NULL matches NULL. */
function sameElement(a: Value, b: Value, element: TypeOid): boolean {
  if (a === null || b === null) return a === b;
  return valuesEqual(a, b, element);
}

export function arrayAppend(array: SqlArray | null, value: Value, element: TypeOid): SqlArray {
  if (array === null || array.ndim === 0) return SqlArray.of(element, [value]);
  requireOneDimension(array);
  checkSize(array.elements.length + 1);
  return new SqlArray(element, [...array.elements, value], [array.elements.length + 1], array.lowerBounds);
}

export function arrayPrepend(value: Value, array: SqlArray | null, element: TypeOid): SqlArray {
  if (array === null || array.ndim === 0) return SqlArray.of(element, [value]);
  requireOneDimension(array);
  checkSize(array.elements.length + 1);
  // array_prepend keeps the input's lower bound ("Readjust result's LB to match the input's").
  return new SqlArray(element, [value, ...array.elements], [array.elements.length + 1], array.lowerBounds);
}

/** array_cat: arrays of equal rank join along the first dimension; an N-1 rank array is a new row. */
export function arrayCat(a: SqlArray | null, b: SqlArray | null, element: TypeOid): SqlArray | null {
  if (a === null) return b === null ? null : new SqlArray(element, b.elements, b.dims, b.lowerBounds);
  if (b === null || b.ndim === 0) return new SqlArray(element, a.elements, a.dims, a.lowerBounds);
  if (a.ndim === 0) return new SqlArray(element, b.elements, b.dims, b.lowerBounds);
  checkSize(a.elements.length + b.elements.length);
  const incompatible = (detail: string): PgError => new PgError('2202E', 'cannot concatenate incompatible arrays', { detail });
  if (a.ndim === b.ndim) {
    if (a.dims.slice(1).some((d, i) => d !== b.dims[i + 1])) {
      throw incompatible('Arrays with differing element dimensions are not compatible for concatenation.');
    }
    return new SqlArray(element, [...a.elements, ...b.elements], [(a.dims[0] as number) + (b.dims[0] as number), ...a.dims.slice(1)], a.lowerBounds);
  }
  if (a.ndim === b.ndim + 1) {
    if (a.dims.slice(1).some((d, i) => d !== b.dims[i])) throw incompatible('Arrays with differing dimensions are not compatible for concatenation.');
    return new SqlArray(element, [...a.elements, ...b.elements], [(a.dims[0] as number) + 1, ...a.dims.slice(1)], a.lowerBounds);
  }
  if (b.ndim === a.ndim + 1) {
    if (b.dims.slice(1).some((d, i) => d !== a.dims[i])) throw incompatible('Arrays with differing dimensions are not compatible for concatenation.');
    return new SqlArray(element, [...a.elements, ...b.elements], [(b.dims[0] as number) + 1, ...b.dims.slice(1)], b.lowerBounds);
  }
  throw incompatible(`Arrays of ${a.ndim} and ${b.ndim} dimensions are not compatible for concatenation.`);
}

function dimensionValue(array: SqlArray, dimension: number, pick: (index: number) => number): number | null {
  if (dimension < 1 || dimension > array.ndim) return null;
  return pick(dimension - 1);
}

function arrayPosition(array: SqlArray, value: Value, element: TypeOid, start?: number): number | null {
  if (array.ndim > 1) throw new PgError('0A000', 'searching for elements in multidimensional arrays is not supported');
  if (array.ndim === 0) return null;
  const lower = array.lowerBounds[0] as number;
  const from = start === undefined ? 0 : Math.max(0, start - lower);
  for (let i = from; i < array.elements.length; i++) {
    if (sameElement(array.elements[i] as Value, value, element)) return i + lower;
  }
  return null;
}

function arrayPositions(array: SqlArray, value: Value, element: TypeOid): SqlArray {
  if (array.ndim > 1) throw new PgError('0A000', 'searching for elements in multidimensional arrays is not supported');
  const lower = array.lowerBounds[0] ?? 1;
  const positions: number[] = [];
  array.elements.forEach((e, i) => {
    if (sameElement(e, value, element)) positions.push(i + lower);
  });
  return SqlArray.of(Oid.int4, positions);
}

function arrayReplace(array: SqlArray, search: Value, replacement: Value, element: TypeOid, remove: boolean): SqlArray {
  if (remove && array.ndim > 1) throw new PgError('0A000', 'removing elements from multidimensional arrays is not supported');
  if (remove) {
    const kept = array.elements.filter((e) => !sameElement(e, search, element));
    if (kept.length === array.elements.length) return array;
    if (kept.length === 0) return SqlArray.of(element, []);
    return new SqlArray(element, kept, [kept.length], array.lowerBounds);
  }
  const replaced = array.elements.map((e) => (sameElement(e, search, element) ? replacement : e));
  return new SqlArray(element, replaced, array.dims, array.lowerBounds);
}

function arrayToString(array: SqlArray, delimiter: string, nullText: string | null, element: TypeOid, call: Call): string {
  const type = sqlType(element);
  const parts: string[] = [];
  for (const e of array.elements) {
    if (e === null) {
      if (nullText !== null) parts.push(nullText);
    } else {
      parts.push(element === Oid.text || element === Oid.varchar ? (e as string) : formatValue(e, type, call.ctx));
    }
  }
  return parts.join(delimiter);
}

function stringToArray(text: string, delimiter: string | null, nullText: string | null): SqlArray {
  if (text === '') return SqlArray.of(Oid.text, []);
  let parts: string[];
  if (delimiter === null) parts = Array.from(text);
  else if (delimiter === '') parts = [text];
  else parts = text.split(delimiter);
  checkSize(parts.length);
  return SqlArray.of(Oid.text, parts.map((p) => (nullText !== null && p === nullText ? null : p)));
}

/** @> on arrays: every element of `b` equals some element of `a` (NULLs never match). */
function arrayContains(a: SqlArray, b: SqlArray, element: TypeOid): boolean {
  return b.elements.every((x) => x !== null && a.elements.some((y) => y !== null && valuesEqual(x, y, element)));
}

function arrayOverlaps(a: SqlArray, b: SqlArray, element: TypeOid): boolean {
  return b.elements.some((x) => x !== null && a.elements.some((y) => y !== null && valuesEqual(x, y, element)));
}

function arrayDims(array: SqlArray): string | null {
  if (array.ndim === 0) return null;
  return array.dims.map((d, i) => `[${array.lowerBounds[i]}:${(array.lowerBounds[i] as number) + d - 1}]`).join('');
}

function arrayFill(value: Value, dims: SqlArray, lowerBounds: SqlArray | null, element: TypeOid): SqlArray {
  if (dims.ndim > 1 || (lowerBounds !== null && lowerBounds.ndim > 1)) throw new PgError('2202E', 'wrong number of array subscripts', { detail: 'Dimension array must be one dimensional.' });
  if (dims.elements.some((d) => d === null)) throw new PgError('22004', 'dimension values cannot be null');
  if (lowerBounds !== null && lowerBounds.elements.length !== dims.elements.length) {
    throw new PgError('2202E', 'wrong number of array subscripts', { detail: 'Low bound array has different size than dimensions array.' });
  }
  const sizes = dims.elements as number[];
  if (sizes.length === 0 || sizes.some((d) => d <= 0)) return SqlArray.of(element, []);
  const total = sizes.reduce((product, d) => product * d, 1);
  checkSize(total);
  const lows = lowerBounds === null ? sizes.map(() => 1) : (lowerBounds.elements as number[]);
  return new SqlArray(element, new Array<Value>(total).fill(value), sizes, lows);
}

function widthBucketArray(operand: Value, thresholds: SqlArray, element: TypeOid): number {
  if (thresholds.ndim > 1) throw new PgError('2202E', 'thresholds must be one-dimensional array');
  if (thresholds.hasNulls) throw new PgError('22004', 'thresholds array must not contain NULLs');
  let low = 0;
  let high = thresholds.elements.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (compareValues(operand, thresholds.elements[mid] as Value, element) >= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

const argType = (call: Call, i: number): SqlType | undefined => call.argTypes[i];

/** The array functions and operators, by C symbol. */
export const arrayImpls: Record<string, ScalarImpl> = {
  array_append: ([a, v], call) => arrayAppend(a as SqlArray | null, v as Value, elementOf(a as SqlArray | null, argType(call, 0))),
  array_prepend: ([v, a], call) => arrayPrepend(v as Value, a as SqlArray | null, elementOf(a as SqlArray | null, argType(call, 1))),
  array_cat: ([a, b], call) => arrayCat(a as SqlArray | null, b as SqlArray | null, elementOf((a ?? b) as SqlArray | null, argType(call, 0))),
  array_length: ([a, d]) => dimensionValue(arr(a), d as number, (i) => arr(a).dims[i] as number),
  array_lower: ([a, d]) => dimensionValue(arr(a), d as number, (i) => arr(a).lowerBounds[i] as number),
  array_upper: ([a, d]) => dimensionValue(arr(a), d as number, (i) => (arr(a).lowerBounds[i] as number) + (arr(a).dims[i] as number) - 1),
  array_ndims: ([a]) => (arr(a).ndim === 0 ? null : arr(a).ndim),
  array_dims: ([a]) => arrayDims(arr(a)),
  array_cardinality: ([a]) => arr(a).elements.length,
  array_position: ([a, v], call) => (a === null ? null : arrayPosition(arr(a), v as Value, elementOf(arr(a), argType(call, 0)))),
  array_position_start: ([a, v, s], call) => {
    if (a === null) return null;
    if (s === null) throw new PgError('22004', 'initial position must not be null');
    return arrayPosition(arr(a), v as Value, elementOf(arr(a), argType(call, 0)), s as number);
  },
  array_positions: ([a, v], call) => (a === null ? null : arrayPositions(arr(a), v as Value, elementOf(arr(a), argType(call, 0)))),
  array_remove: ([a, v], call) => (a === null ? null : arrayReplace(arr(a), v as Value, null, elementOf(arr(a), argType(call, 0)), true)),
  array_replace: ([a, v, r], call) => (a === null ? null : arrayReplace(arr(a), v as Value, r as Value, elementOf(arr(a), argType(call, 0)), false)),
  array_to_text: ([a, d], call) => arrayToString(arr(a), d as string, null, elementOf(arr(a), argType(call, 0)), call),
  array_to_text_null: ([a, d, n], call) => {
    if (a === null || d === null) return null;
    return arrayToString(arr(a), d as string, n as string | null, elementOf(arr(a), argType(call, 0)), call);
  },
  text_to_array: ([t, d]) => (t === null ? null : stringToArray(t as string, d as string | null, null)),
  text_to_array_null: ([t, d, n]) => (t === null ? null : stringToArray(t as string, d as string | null, n as string | null)),
  arraycontains: ([a, b], call) => arrayContains(arr(a), arr(b), elementOf(arr(a), argType(call, 0))),
  arraycontained: ([a, b], call) => arrayContains(arr(b), arr(a), elementOf(arr(a), argType(call, 0))),
  arrayoverlap: ([a, b], call) => arrayOverlaps(arr(a), arr(b), elementOf(arr(a), argType(call, 0))),
  trim_array: ([a, n]) => {
    const array = arr(a);
    const count = n as number;
    const length = array.ndim === 0 ? 0 : (array.dims[0] as number);
    if (count < 0 || count > length) throw new PgError('2202E', `number of elements to trim must be between 0 and ${length}`);
    if (array.ndim > 1) {
      const rowSize = array.elements.length / length;
      const rows = length - count;
      if (rows === 0) return SqlArray.of(array.elementType, []);
      return new SqlArray(array.elementType, array.elements.slice(0, rows * rowSize), [rows, ...array.dims.slice(1)], array.lowerBounds);
    }
    const kept = array.elements.slice(0, length - count);
    return kept.length === 0 ? SqlArray.of(array.elementType, []) : new SqlArray(array.elementType, kept, [kept.length], array.lowerBounds);
  },
  array_fill: ([v, d], call) => {
    if (d === null) throw new PgError('22004', 'dimension array or low bound array cannot be null');
    return arrayFill(v as Value, arr(d), null, call.returnType.oid === 0 ? Oid.unknown : elementTypeOf(call.returnType.oid));
  },
  array_fill_with_lower_bounds: ([v, d, l], call) => {
    if (d === null || l === null) throw new PgError('22004', 'dimension array or low bound array cannot be null');
    return arrayFill(v as Value, arr(d), arr(l), elementTypeOf(call.returnType.oid));
  },
  width_bucket_array: ([v, t], call) => widthBucketArray(v as Value, arr(t), elementOf(arr(t), argType(call, 1))),
};

/** The set-returning array functions, by C symbol. */
export const arraySetImpls: Record<string, SetImpl> = {
  array_unnest: ([a]) => arr(a).elements,
  generate_subscripts_nodir: ([a, d]) => subscripts(arr(a), d as number, false),
  generate_subscripts: ([a, d, reverse]) => subscripts(arr(a), d as number, reverse === true),
};

function subscripts(array: SqlArray, dimension: number, reverse: boolean): number[] {
  if (dimension < 1 || dimension > array.ndim) return [];
  const lower = array.lowerBounds[dimension - 1] as number;
  const count = array.dims[dimension - 1] as number;
  const out = Array.from({ length: count }, (_, i) => lower + i);
  return reverse ? out.reverse() : out;
}

/**
 * `array[i][j]...`: the element at those subscripts, or NULL when any is NULL or out of range
 * ("An array subscript expression will return null if either the array itself or any of the
 * subscript expressions are null... if a subscript is outside the array bounds").
 */
export function arraySubscript(array: SqlArray | null, subscripts: readonly (number | null)[]): Value {
  if (array === null || subscripts.some((s) => s === null)) return null;
  if (subscripts.length !== array.ndim) return null;
  let offset = 0;
  for (let d = 0; d < array.ndim; d++) {
    const index = (subscripts[d] as number) - (array.lowerBounds[d] as number);
    if (index < 0 || index >= (array.dims[d] as number)) return null;
    offset = offset * (array.dims[d] as number) + index;
  }
  return array.elements[offset] ?? null;
}

/**
 * `array[lo:hi]` on a one-dimensional array: the elements in range, with lower bound 1 in the
 * result; an omitted bound is the array's own. Empty when nothing is in range.
 */
export function arraySlice(array: SqlArray | null, lower: number | null | undefined, upper: number | null | undefined): SqlArray | null {
  if (array === null || lower === null || upper === null) return null;
  if (array.ndim === 0) return array;
  if (array.ndim > 1) throw new PgError('0A000', 'slices of multidimensional arrays are not supported');
  const first = array.lowerBounds[0] as number;
  const last = first + (array.dims[0] as number) - 1;
  const from = Math.max(lower ?? first, first);
  const to = Math.min(upper ?? last, last);
  if (from > to) return SqlArray.of(array.elementType, []);
  return SqlArray.of(array.elementType, array.elements.slice(from - first, to - first + 1));
}

/**
 * `UPDATE ... SET a[i] = v` on a one-dimensional array: positions beyond the ends are filled
 * with NULLs (manual 8.15.4: "positions between those previously present and the newly assigned
 * element will be filled with nulls").
 */
export function arrayAssign(array: SqlArray | null, subscript: number | null, value: Value, element: TypeOid): SqlArray {
  if (subscript === null) throw new PgError('22004', 'array subscript in assignment must not be null');
  if (array === null || array.ndim === 0) return new SqlArray(element, [value], [1], [subscript]);
  if (array.ndim > 1) throw new PgError('0A000', 'assignment to elements of multidimensional arrays is not supported');
  const first = array.lowerBounds[0] as number;
  const last = first + array.elements.length - 1;
  const newFirst = Math.min(first, subscript);
  const newLast = Math.max(last, subscript);
  checkSize(newLast - newFirst + 1);
  const elements: Value[] = new Array<Value>(newLast - newFirst + 1).fill(null);
  array.elements.forEach((e, i) => {
    elements[first - newFirst + i] = e;
  });
  elements[subscript - newFirst] = value;
  return new SqlArray(element, elements, [elements.length], [newFirst]);
}
