/**
 * jsonb values: parsed JSON in PostgreSQL's canonical form. Objects keep one value per key (the
 * last one written wins, "duplicate keys are not kept... the last value is kept") and keep their
 * keys sorted as jsonb stores them: shorter keys first, then bytewise; numbers are exact numerics
 * (manual 8.14: "jsonb ... will reject numbers that are outside the range of the PostgreSQL
 * numeric data type"). JSON null is the JSONB_NULL sentinel, never the JavaScript null that
 * stands for SQL NULL.
 */
import { Decimal } from 'decimal.js';
import { assert } from '../../../common/assert.js';
import { compareCodePoints, utf8Length } from './text-order.js';

/** JSON's null, which is a value, unlike SQL NULL. */
export const JSONB_NULL: unique symbol = Symbol('jsonb null');
export type JsonbNull = typeof JSONB_NULL;

export type JsonbValue = JsonbNull | boolean | string | Decimal | readonly JsonbValue[] | JsonbObject;

/** The order of keys inside a jsonb object: by UTF-8 length, then bytewise. */
export function compareJsonbKeys(a: string, b: string): number {
  const la = utf8Length(a);
  const lb = utf8Length(b);
  if (la !== lb) return la < lb ? -1 : 1;
  return compareCodePoints(a, b);
}

export class JsonbObject {
  /** Use jsonbObject(): the keys must be sorted and distinct. */
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly JsonbValue[],
  ) {
    assert(keys.length === values.length, 'jsonb object keys and values differ in length');
  }

  get size(): number {
    return this.keys.length;
  }

  /** The index of a key, or -1. */
  indexOf(key: string): number {
    let low = 0;
    let high = this.keys.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const cmp = compareJsonbKeys(this.keys[mid] as string, key);
      if (cmp === 0) return mid;
      if (cmp < 0) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  get(key: string): JsonbValue | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  entries(): [string, JsonbValue][] {
    return this.keys.map((k, i) => [k, this.values[i] as JsonbValue]);
  }
}

export const EMPTY_JSONB_OBJECT = new JsonbObject([], []);

/** An object of key/value pairs in any order; for a repeated key the last value wins. */
export function jsonbObject(entries: Iterable<readonly [string, JsonbValue]>): JsonbObject {
  const map = new Map<string, JsonbValue>();
  for (const [key, value] of entries) map.set(key, value);
  const keys = [...map.keys()].sort(compareJsonbKeys);
  return new JsonbObject(keys, keys.map((k) => map.get(k) as JsonbValue));
}

export function isJsonbObject(value: JsonbValue): value is JsonbObject {
  return value instanceof JsonbObject;
}

export function isJsonbArray(value: JsonbValue): value is readonly JsonbValue[] {
  return Array.isArray(value);
}

export function isJsonbNumber(value: JsonbValue): value is Decimal {
  return Decimal.isDecimal(value);
}

export type JsonbKind = 'null' | 'boolean' | 'string' | 'number' | 'array' | 'object';

export function jsonbKind(value: JsonbValue): JsonbKind {
  if (value === JSONB_NULL) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (value instanceof JsonbObject) return 'object';
  return 'number';
}

