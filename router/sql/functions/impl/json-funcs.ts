/**
 * json and jsonb functions and operators (manual 9.16). json values are text: functions on them
 * return slices of the input as written (json keeps whitespace, key order and duplicate keys);
 * jsonb values are canonical trees.
 */
import { PgError } from '../../errors/pg-error.js';
import { compareJsonb } from '../../types/compare.js';
import { formatJsonb, formatJsonbPretty, quoteJsonString } from '../../types/io/json-io.js';
import {
  EMPTY_JSONB_OBJECT, isJsonbArray, isJsonbObject, JSONB_NULL, jsonbKind, jsonbObject, type JsonbValue,
} from '../../types/jsonb-value.js';
import { Oid } from '../../types/oids.js';
import type { SqlType } from '../../types/sql-type.js';
import { SqlArray, SqlRecord, type Value } from '../../types/value.js';
import { T } from '../../types/sql-type.js';
import { asArgs, type Call, type ScalarImpl, type SetImpl } from '../function-types.js';
import { arrayToJsonText, jsonKeyText, recordToJsonText, toJsonb, toJsonText } from './json-convert.js';

// ---------------------------------------------------------------------------------------------
// json text navigation

/** A json value located in its text: its kind and [start, end) span, and its children. */
interface Span {
  readonly kind: 'object' | 'array' | 'string' | 'number' | 'true' | 'false' | 'null';
  readonly start: number;
  readonly end: number;
  readonly items?: Span[];
  readonly entries?: [string, Span][];
}

/** Locates the values of already validated json text. */
export function jsonSpans(text: string): Span {
  let p = 0;
  const skip = (): void => {
    while (p < text.length && ' \t\n\r'.includes(text[p] as string)) p++;
  };
  const readString = (): string => {
    const start = p;
    p++;
    while (text[p] !== '"') p += text[p] === '\\' ? 2 : 1;
    p++;
    return JSON.parse(text.slice(start, p).replace(/\\u0000/g, '\\u0000')) as string;
  };
  const value = (): Span => {
    skip();
    const start = p;
    const c = text[p];
    if (c === '{') {
      p++;
      const entries: [string, Span][] = [];
      skip();
      if (text[p] === '}') p++;
      else {
        while (true) {
          skip();
          const key = readString();
          skip();
          p++; // ':'
          entries.push([key, value()]);
          skip();
          if (text[p++] === '}') break;
        }
      }
      return { kind: 'object', start, end: p, entries };
    }
    if (c === '[') {
      p++;
      const items: Span[] = [];
      skip();
      if (text[p] === ']') p++;
      else {
        while (true) {
          items.push(value());
          skip();
          if (text[p++] === ']') break;
        }
      }
      return { kind: 'array', start, end: p, items };
    }
    if (c === '"') {
      readString();
      return { kind: 'string', start, end: p };
    }
    while (p < text.length && /[^\s,\]}:]/.test(text[p] as string)) p++;
    const word = text.slice(start, p);
    const kind = word === 'true' ? 'true' : word === 'false' ? 'false' : word === 'null' ? 'null' : 'number';
    return { kind, start, end: p };
  };
  return value();
}

const sliceOf = (text: string, span: Span): string => text.slice(span.start, span.end);

/** The ->> text of a json value: strings unquoted, null as SQL NULL, others as written. */
function jsonSpanText(text: string, span: Span): string | null {
  if (span.kind === 'null') return null;
  if (span.kind === 'string') return JSON.parse(sliceOf(text, span)) as string;
  return sliceOf(text, span);
}

function jsonField(text: string, span: Span, key: string): Span | undefined {
  if (span.kind !== 'object') return undefined;
  // With duplicate keys, json's -> finds the last one, as PostgreSQL's does.
  let found: Span | undefined;
  for (const [k, v] of span.entries ?? []) if (k === key) found = v;
  return found;
}

function jsonElement(span: Span, index: number): Span | undefined {
  if (span.kind !== 'array') return undefined;
  const items = span.items ?? [];
  const i = index < 0 ? items.length + index : index;
  return items[i];
}

function jsonPath(text: string, span: Span, path: readonly (string | null)[]): Span | undefined {
  let current: Span | undefined = span;
  for (const step of path) {
    if (current === undefined || step === null) return undefined;
    if (current.kind === 'object') current = jsonField(text, current, step);
    else if (current.kind === 'array') {
      if (!/^\s*-?\d+\s*$/.test(step)) return undefined;
      current = jsonElement(current, Number(step));
    } else return undefined;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// jsonb navigation and editing

function jsonbField(value: JsonbValue, key: string): JsonbValue | undefined {
  return isJsonbObject(value) ? value.get(key) : undefined;
}

function jsonbElement(value: JsonbValue, index: number): JsonbValue | undefined {
  if (!isJsonbArray(value)) return undefined;
  const i = index < 0 ? value.length + index : index;
  return value[i];
}

/**
 * jsonb -> integer at the top level, where PostgreSQL stores a scalar as a one-element array:
 * '5'::jsonb -> 0 and -> -1 give 5.
 */
function rootElement(value: JsonbValue, index: number): JsonbValue | undefined {
  if (isJsonbArray(value) || isJsonbObject(value)) return jsonbElement(value, index);
  return index === 0 || index === -1 ? value : undefined;
}

function jsonbPath(value: JsonbValue, path: readonly (string | null)[]): JsonbValue | undefined {
  let current: JsonbValue | undefined = value;
  for (const step of path) {
    if (current === undefined || step === null) return undefined;
    if (isJsonbObject(current)) current = current.get(step);
    else if (isJsonbArray(current)) {
      if (!/^\s*-?\d+\s*$/.test(step)) return undefined;
      current = jsonbElement(current, Number(step));
    } else return undefined;
  }
  return current;
}

/** The ->> text of a jsonb value: strings unquoted, null as SQL NULL, others as jsonb output. */
export function jsonbText(value: JsonbValue): string | null {
  if (value === JSONB_NULL) return null;
  if (typeof value === 'string') return value;
  return formatJsonb(value);
}

/** jsonb @> jsonb (manual 8.14.3: containment). */
export function jsonbContains(container: JsonbValue, contained: JsonbValue, topLevel = true): boolean {
  if (isJsonbObject(container)) {
    if (!isJsonbObject(contained)) return false;
    for (let i = 0; i < contained.size; i++) {
      const inner = container.get(contained.keys[i] as string);
      if (inner === undefined || !jsonbContains(inner, contained.values[i] as JsonbValue, false)) return false;
    }
    return true;
  }
  if (isJsonbArray(container)) {
    // "a scalar is contained in an array of scalars" only at the top level.
    const items = isJsonbArray(contained) ? contained : topLevel && !isJsonbObject(contained) ? [contained] : undefined;
    if (items === undefined) return false;
    return items.every((item) => {
      const x = item as JsonbValue;
      if (isJsonbArray(x) || isJsonbObject(x)) return container.some((c: JsonbValue) => (isJsonbArray(c) || isJsonbObject(c)) && jsonbContains(c, x, false));
      return container.some((c: JsonbValue) => !isJsonbArray(c) && !isJsonbObject(c) && compareJsonb(c, x, false) === 0);
    });
  }
  if (isJsonbArray(contained) || isJsonbObject(contained)) return false;
  return compareJsonb(container, contained, false) === 0;
}

/** jsonb ? text: a top-level key, or a string element of a top-level array. */
function jsonbExists(value: JsonbValue, key: string): boolean {
  if (isJsonbObject(value)) return value.indexOf(key) >= 0;
  if (isJsonbArray(value)) return value.some((v) => v === key);
  return value === key;
}

/** jsonb || jsonb: objects merge (right wins), otherwise arrays concatenate. */
function jsonbConcat(a: JsonbValue, b: JsonbValue): JsonbValue {
  if (isJsonbObject(a) && isJsonbObject(b)) return jsonbObject([...a.entries(), ...b.entries()]);
  const asArray = (v: JsonbValue): readonly JsonbValue[] => (isJsonbArray(v) ? v : [v]);
  if (isJsonbObject(a) && !isJsonbArray(b)) return [a, b];
  if (isJsonbObject(b) && !isJsonbArray(a)) return [a, b];
  return [...asArray(a), ...asArray(b)];
}

function jsonbDeleteKey(value: JsonbValue, key: string): JsonbValue {
  if (isJsonbObject(value)) return jsonbObject(value.entries().filter(([k]) => k !== key));
  if (isJsonbArray(value)) return value.filter((v) => v !== key);
  throw new PgError('22023', 'cannot delete from scalar');
}

function jsonbDeleteIndex(value: JsonbValue, index: number): JsonbValue {
  if (isJsonbObject(value)) throw new PgError('22023', 'cannot delete from object using integer index');
  if (!isJsonbArray(value)) throw new PgError('22023', 'cannot delete from scalar');
  const i = index < 0 ? value.length + index : index;
  if (i < 0 || i >= value.length) return value;
  return value.filter((_, j) => j !== i);
}

function textArrayItems(value: Value): (string | null)[] {
  const array = value as SqlArray;
  if (array.ndim > 1) throw new PgError('2202E', 'wrong number of array subscripts');
  return array.elements as (string | null)[];
}

function pathIndex(step: string, length: number): number | undefined {
  if (!/^\s*[+-]?\d+\s*$/.test(step)) return undefined;
  const n = Number(step);
  return n < 0 ? length + n : n;
}

type PathOp = { kind: 'set'; value: JsonbValue; create: boolean } | { kind: 'insert'; value: JsonbValue; after: boolean } | { kind: 'delete' };

/** setPath of jsonfuncs.c: jsonb_set, jsonb_insert and #- walk the path and edit at its end. */
function editPath(value: JsonbValue, path: readonly (string | null)[], depth: number, op: PathOp): JsonbValue {
  const step = path[depth];
  if (step === null) throw new PgError('22004', `path element at position ${depth + 1} is null`);
  if (step === undefined) return value;
  const last = depth === path.length - 1;
  if (isJsonbObject(value)) {
    const index = value.indexOf(step);
    if (index < 0) {
      if (last && ((op.kind === 'set' && op.create) || op.kind === 'insert')) {
        return jsonbObject([...value.entries(), [step, op.value]]);
      }
      return value;
    }
    const entries = value.entries();
    if (last) {
      if (op.kind === 'delete') return jsonbObject(entries.filter(([k]) => k !== step));
      if (op.kind === 'insert') throw new PgError('22023', 'cannot replace existing key', { hint: 'Try using the function jsonb_set to replace key value.' });
      entries[index] = [step, op.value];
      return jsonbObject(entries);
    }
    entries[index] = [step, editPath(entries[index]![1], path, depth + 1, op)];
    return jsonbObject(entries);
  }
  if (isJsonbArray(value)) {
    const i = pathIndex(step, value.length);
    if (i === undefined) {
      throw new PgError('22P02', `path element at position ${depth + 1} is not an integer: "${step}"`);
    }
    const items = [...value];
    if (last) {
      if (op.kind === 'delete') return i >= 0 && i < items.length ? items.filter((_, j) => j !== i) : value;
      if (op.kind === 'insert') {
        const position = i < 0 ? 0 : i > items.length ? items.length : op.after ? i + 1 : i;
        items.splice(Math.min(position, items.length), 0, op.value);
        return items;
      }
      if (i >= 0 && i < items.length) items[i] = op.value;
      else if (op.create) {
        if (i < 0) items.unshift(op.value);
        else items.push(op.value);
      }
      return items;
    }
    if (i < 0 || i >= items.length) return value;
    items[i] = editPath(items[i] as JsonbValue, path, depth + 1, op);
    return items;
  }
  // A path continuing through a scalar changes nothing; a scalar document itself is an error.
  if (depth === 0) throw new PgError('22023', op.kind === 'delete' ? 'cannot delete path in scalar' : 'cannot set path in scalar');
  return value;
}

function stripNulls(value: JsonbValue): JsonbValue {
  if (isJsonbObject(value)) return jsonbObject(value.entries().filter(([, v]) => v !== JSONB_NULL).map(([k, v]) => [k, stripNulls(v)] as const));
  if (isJsonbArray(value)) return value.map(stripNulls);
  return value;
}

function stripNullsJson(text: string, span: Span): string {
  switch (span.kind) {
    case 'object':
      return `{${(span.entries ?? []).filter(([, v]) => v.kind !== 'null').map(([k, v]) => `${quoteJsonString(k)}:${stripNullsJson(text, v)}`).join(',')}}`;
    case 'array':
      return `[${(span.items ?? []).map((i) => stripNullsJson(text, i)).join(',')}]`;
    default:
      return sliceOf(text, span);
  }
}

const jsonbTypeName = (value: JsonbValue): string => jsonbKind(value);

const jb = (v: unknown): JsonbValue => v as JsonbValue;
const str = (v: unknown): string => v as string;

function buildObjectArgs(args: readonly Value[], call: Call): [string, number][] {
  if (args.length % 2 !== 0) {
    throw new PgError('22023', 'argument list must have even number of elements', {
      hint: `The arguments of ${call.returnType.oid === Oid.jsonb ? 'jsonb' : 'json'}_build_object() must consist of alternating keys and values.`,
    });
  }
  const pairs: [string, number][] = [];
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i] as Value;
    if (key === null) throw new PgError('22023', `argument ${i + 1} cannot be null`, { hint: 'Object keys should be text.' });
    const keyType = call.argTypes[i] as SqlType;
    if (keyType.oid === Oid.json || keyType.oid === Oid.jsonb || key instanceof SqlArray || key instanceof SqlRecord) {
      throw new PgError('22023', 'key value must be scalar, not array, composite, or json');
    }
    pairs.push([jsonKeyText(key, keyType, call.ctx), i + 1]);
  }
  return pairs;
}

function objectFromTextArrays(keys: Value, values: Value | undefined, asJsonb: boolean): string | JsonbValue {
  const keyArray = keys as SqlArray;
  let pairs: [string | null, string | null][];
  if (values === undefined) {
    if (keyArray.ndim === 1) {
      if (keyArray.elements.length % 2 !== 0) throw new PgError('2202E', 'array must have even number of elements');
      pairs = [];
      for (let i = 0; i < keyArray.elements.length; i += 2) pairs.push([keyArray.elements[i] as string | null, keyArray.elements[i + 1] as string | null]);
    } else if (keyArray.ndim === 2) {
      if (keyArray.dims[1] !== 2) throw new PgError('2202E', 'array must have two columns');
      pairs = [];
      for (let i = 0; i < keyArray.elements.length; i += 2) pairs.push([keyArray.elements[i] as string | null, keyArray.elements[i + 1] as string | null]);
    } else if (keyArray.ndim === 0) {
      pairs = [];
    } else {
      throw new PgError('2202E', 'wrong number of array subscripts');
    }
  } else {
    const valueArray = values as SqlArray;
    if (keyArray.ndim > 1 || valueArray.ndim > 1) throw new PgError('2202E', 'wrong number of array subscripts');
    if (keyArray.elements.length !== valueArray.elements.length) throw new PgError('2202E', 'mismatched array dimensions');
    pairs = keyArray.elements.map((k, i) => [k as string | null, valueArray.elements[i] as string | null]);
  }
  for (const [k] of pairs) if (k === null) throw new PgError('22004', 'null value not allowed for object key');
  if (asJsonb) return jsonbObject(pairs.map(([k, v]) => [k as string, v === null ? JSONB_NULL : v] as const));
  return `{${pairs.map(([k, v]) => `${quoteJsonString(k as string)} : ${v === null ? 'null' : quoteJsonString(v)}`).join(', ')}}`;
}

function jsonArrayLength(text: string): number {
  const span = jsonSpans(text);
  if (span.kind === 'object') throw new PgError('22023', 'cannot get array length of a non-array');
  if (span.kind !== 'array') throw new PgError('22023', 'cannot get array length of a scalar');
  return (span.items ?? []).length;
}

function jsonTypeof(text: string): string {
  const kind = jsonSpans(text).kind;
  return kind === 'true' || kind === 'false' ? 'boolean' : kind;
}

/** The json and jsonb scalar functions and operators, by C symbol. */
export const jsonImpls: Record<string, ScalarImpl> = {
  json_object_field: ([j, k]) => {
    const text = str(j);
    const span = jsonField(text, jsonSpans(text), str(k));
    return span === undefined ? null : sliceOf(text, span);
  },
  json_object_field_text: ([j, k]) => {
    const text = str(j);
    const span = jsonField(text, jsonSpans(text), str(k));
    return span === undefined ? null : jsonSpanText(text, span);
  },
  json_array_element: ([j, i]) => {
    const text = str(j);
    const span = jsonElement(jsonSpans(text), i as number);
    return span === undefined ? null : sliceOf(text, span);
  },
  json_array_element_text: ([j, i]) => {
    const text = str(j);
    const span = jsonElement(jsonSpans(text), i as number);
    return span === undefined ? null : jsonSpanText(text, span);
  },
  json_extract_path: ([j, p]) => {
    const text = str(j);
    const span = jsonPath(text, jsonSpans(text), textArrayItems(p as Value));
    return span === undefined ? null : sliceOf(text, span);
  },
  json_extract_path_text: ([j, p]) => {
    const text = str(j);
    const span = jsonPath(text, jsonSpans(text), textArrayItems(p as Value));
    return span === undefined ? null : jsonSpanText(text, span);
  },
  jsonb_object_field: ([j, k]) => jsonbField(jb(j), str(k)) ?? null,
  jsonb_object_field_text: ([j, k]) => {
    const v = jsonbField(jb(j), str(k));
    return v === undefined ? null : jsonbText(v);
  },
  jsonb_array_element: ([j, i]) => rootElement(jb(j), i as number) ?? null,
  jsonb_array_element_text: ([j, i]) => {
    const v = rootElement(jb(j), i as number);
    return v === undefined ? null : jsonbText(v);
  },
  jsonb_extract_path: ([j, p]) => jsonbPath(jb(j), textArrayItems(p as Value)) ?? null,
  jsonb_extract_path_text: ([j, p]) => {
    const v = jsonbPath(jb(j), textArrayItems(p as Value));
    return v === undefined ? null : jsonbText(v);
  },
  jsonb_exists: ([j, k]) => jsonbExists(jb(j), str(k)),
  jsonb_exists_any: ([j, keys]) => textArrayItems(keys as Value).some((k) => k !== null && jsonbExists(jb(j), k)),
  jsonb_exists_all: ([j, keys]) => textArrayItems(keys as Value).every((k) => k === null || jsonbExists(jb(j), k)),
  jsonb_contains: ([a, b]) => jsonbContains(jb(a), jb(b)),
  jsonb_contained: ([a, b]) => jsonbContains(jb(b), jb(a)),
  jsonb_concat: ([a, b]) => jsonbConcat(jb(a), jb(b)),
  jsonb_delete: ([j, k]) => jsonbDeleteKey(jb(j), str(k)),
  jsonb_delete_idx: ([j, i]) => jsonbDeleteIndex(jb(j), i as number),
  jsonb_delete_array: ([j, keys]) => {
    let value = jb(j);
    for (const k of textArrayItems(keys as Value)) if (k !== null) value = jsonbDeleteKey(value, k);
    return value;
  },
  jsonb_delete_path: ([j, p]) => {
    const value = jb(j);
    if (!isJsonbArray(value) && !isJsonbObject(value)) throw new PgError('22023', 'cannot delete path in scalar');
    const path = textArrayItems(p as Value);
    const empty = isJsonbArray(value) ? value.length === 0 : value.size === 0;
    return path.length === 0 || empty ? value : editPath(value, path, 0, { kind: 'delete' });
  },
  to_json: ([v], call) => toJsonText(v as Value, call.argTypes[0] as SqlType, call.ctx),
  to_jsonb: ([v], call) => toJsonb(v as Value, call.argTypes[0] as SqlType, call.ctx) as Value,
  array_to_json: ([a], call) => arrayToJsonText(a as SqlArray, call.argTypes[0] as SqlType, call.ctx, false),
  array_to_json_pretty: ([a, pretty], call) => arrayToJsonText(a as SqlArray, call.argTypes[0] as SqlType, call.ctx, pretty === true),
  row_to_json: ([r], call) => recordToJsonText(r as SqlRecord, call.ctx, false),
  row_to_json_pretty: ([r, pretty], call) => recordToJsonText(r as SqlRecord, call.ctx, pretty === true),
  json_build_object: (args, call) => {
    const pairs = buildObjectArgs(args, call);
    return `{${pairs.map(([k, i]) => `${quoteJsonString(k)} : ${toJsonText(args[i] as Value, call.argTypes[i] as SqlType, call.ctx)}`).join(', ')}}`;
  },
  json_build_object_noargs: () => '{}',
  json_build_array: (args, call) => `[${args.map((a, i) => toJsonText(a, call.argTypes[i] as SqlType, call.ctx)).join(', ')}]`,
  json_build_array_noargs: () => '[]',
  jsonb_build_object: (args, call) => {
    const pairs = buildObjectArgs(args, call);
    return jsonbObject(pairs.map(([k, i]) => [k, toJsonb(args[i] as Value, call.argTypes[i] as SqlType, call.ctx)] as const)) as unknown as Value;
  },
  jsonb_build_object_noargs: () => EMPTY_JSONB_OBJECT as unknown as Value,
  jsonb_build_array: (args, call) => args.map((a, i) => toJsonb(a, call.argTypes[i] as SqlType, call.ctx)) as unknown as Value,
  jsonb_build_array_noargs: () => [] as unknown as Value,
  json_object: ([k]) => objectFromTextArrays(k as Value, undefined, false) as string,
  json_object_two_arg: ([k, v]) => objectFromTextArrays(k as Value, v as Value, false) as string,
  jsonb_object: ([k]) => objectFromTextArrays(k as Value, undefined, true) as Value,
  jsonb_object_two_arg: ([k, v]) => objectFromTextArrays(k as Value, v as Value, true) as Value,
  jsonb_typeof: ([j]) => jsonbTypeName(jb(j)),
  json_typeof: ([j]) => jsonTypeof(str(j)),
  jsonb_array_length: ([j]) => {
    const value = jb(j);
    if (isJsonbObject(value)) throw new PgError('22023', 'cannot get array length of a non-array');
    if (!isJsonbArray(value)) throw new PgError('22023', 'cannot get array length of a scalar');
    return value.length;
  },
  json_array_length: ([j]) => jsonArrayLength(str(j)),
  jsonb_set: ([j, p, v, create]) => {
    const path = textArrayItems(p as Value);
    const value = jb(j);
    if (!isJsonbArray(value) && !isJsonbObject(value)) throw new PgError('22023', 'cannot set path in scalar');
    if (path.length === 0) return value;
    return editPath(value, path, 0, { kind: 'set', value: jb(v), create: create as boolean });
  },
  jsonb_set_lax: ([j, p, v, create, treatment]) => {
    if (j === null || p === null || create === null) return null;
    if (treatment === null) throw new PgError('22004', 'null_value_treatment must be "delete_key", "return_target", "use_json_null", or "raise_exception"');
    const mode = str(treatment);
    if (v === null) {
      switch (mode) {
        case 'raise_exception': throw new PgError('22004', 'JSON value must not be null', { detail: 'Exception was raised because null_value_treatment is "raise_exception".', hint: 'To avoid, either change the null_value_treatment argument or ensure that an SQL NULL is not passed.' });
        case 'delete_key': return jsonImpls['jsonb_delete_path']!(asArgs([j, p]), undefined as unknown as Call);
        case 'return_target': return j;
        case 'use_json_null': return jsonImpls['jsonb_set']!(asArgs([j, p, JSONB_NULL as unknown as Value, create]), undefined as unknown as Call);
        default: throw new PgError('22023', 'null_value_treatment must be "delete_key", "return_target", "use_json_null", or "raise_exception"');
      }
    }
    return jsonImpls['jsonb_set']!(asArgs([j, p, v, create]), undefined as unknown as Call);
  },
  jsonb_insert: ([j, p, v, after]) => {
    const value = jb(j);
    const path = textArrayItems(p as Value);
    if (!isJsonbArray(value) && !isJsonbObject(value)) throw new PgError('22023', 'cannot set path in scalar');
    if (path.length === 0) return value;
    return editPath(value, path, 0, { kind: 'insert', value: jb(v), after: after as boolean });
  },
  jsonb_strip_nulls: ([j]) => stripNulls(jb(j)),
  json_strip_nulls: ([j]) => stripNullsJson(str(j), jsonSpans(str(j))),
  jsonb_pretty: ([j]) => formatJsonbPretty(jb(j)),
  jsonb_bool: ([j]) => j,
};

// ---------------------------------------------------------------------------------------------
// set-returning json functions

function record(fields: Value[], names: string[], types: SqlType[]): SqlRecord {
  return new SqlRecord(fields, types, names);
}

function* jsonbEach(value: JsonbValue, asText: boolean): Iterable<Value> {
  if (!isJsonbObject(value)) throw new PgError('22023', `cannot call ${asText ? 'jsonb_each_text' : 'jsonb_each'} on a non-object`);
  for (let i = 0; i < value.size; i++) {
    const v = value.values[i] as JsonbValue;
    yield record([value.keys[i] as string, asText ? jsonbText(v) : (v as Value)], ['key', 'value'], [T.text, asText ? T.text : T.jsonb]);
  }
}

function* jsonEach(text: string, asText: boolean): Iterable<Value> {
  const span = jsonSpans(text);
  if (span.kind !== 'object') throw new PgError('22023', `cannot call ${asText ? 'json_each_text' : 'json_each'} on a non-object`);
  for (const [k, v] of span.entries ?? []) {
    yield record([k, asText ? jsonSpanText(text, v) : sliceOf(text, v)], ['key', 'value'], [T.text, asText ? T.text : T.json]);
  }
}

/** The set-returning json functions, by C symbol. */
export const jsonSetImpls: Record<string, SetImpl> = {
  jsonb_each: ([j]) => jsonbEach(jb(j), false),
  jsonb_each_text: ([j]) => jsonbEach(jb(j), true),
  json_each: ([j]) => jsonEach(str(j), false),
  json_each_text: ([j]) => jsonEach(str(j), true),
  jsonb_object_keys: ([j]) => {
    const value = jb(j);
    if (!isJsonbObject(value)) throw new PgError('22023', `cannot call jsonb_object_keys on ${isJsonbArray(value) ? 'an array' : 'a scalar'}`);
    return value.keys;
  },
  json_object_keys: ([j]) => {
    const span = jsonSpans(str(j));
    if (span.kind !== 'object') throw new PgError('22023', `cannot call json_object_keys on ${span.kind === 'array' ? 'an array' : 'a scalar'}`);
    return (span.entries ?? []).map(([k]) => k);
  },
  jsonb_array_elements: ([j]) => {
    const value = jb(j);
    if (!isJsonbArray(value)) throw new PgError('22023', `cannot extract elements from ${isJsonbObject(value) ? 'an object' : 'a scalar'}`);
    return value as Value[];
  },
  jsonb_array_elements_text: ([j]) => {
    const value = jb(j);
    if (!isJsonbArray(value)) throw new PgError('22023', `cannot extract elements from ${isJsonbObject(value) ? 'an object' : 'a scalar'}`);
    return value.map(jsonbText);
  },
  json_array_elements: ([j]) => {
    const text = str(j);
    const span = jsonSpans(text);
    if (span.kind !== 'array') throw new PgError('22023', `cannot extract elements from ${span.kind === 'object' ? 'an object' : 'a scalar'}`);
    return (span.items ?? []).map((s) => sliceOf(text, s));
  },
  json_array_elements_text: ([j]) => {
    const text = str(j);
    const span = jsonSpans(text);
    if (span.kind !== 'array') throw new PgError('22023', `cannot extract elements from ${span.kind === 'object' ? 'an object' : 'a scalar'}`);
    return (span.items ?? []).map((s) => jsonSpanText(text, s));
  },
};

