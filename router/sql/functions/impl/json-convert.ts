/**
 * SQL values to JSON (to_json, to_jsonb, json_build_object, json_agg...), as datum_to_json and
 * datum_to_jsonb do: numbers stay numbers (NaN and infinities become strings), booleans become
 * true/false, arrays become JSON arrays, rows become objects, dates and timestamps take the
 * ISO 8601 form (`"2024-01-01T12:00:00"`), json and jsonb are embedded, anything else is the
 * string of its text output.
 */
import type { Decimal } from 'decimal.js';
import {
  civilFromDays, floorDiv, floorMod, MICROS_PER_DAY, TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS,
} from '../../types/datetime/calendar.js';
import { formatDate, formatOffset, formatTime, toLocal } from '../../types/datetime/datetime-io.js';
import { formatJsonb, parseJsonb, quoteJsonString } from '../../types/io/json-io.js';
import { formatValue } from '../../types/io/value-io.js';
import { JSONB_NULL, jsonbObject, type JsonbValue } from '../../types/jsonb-value.js';
import { numeric } from '../../types/numeric-value.js';
import { Oid, type TypeOid } from '../../types/oids.js';
import { sqlType, type SqlType } from '../../types/sql-type.js';
import type { TypeContext } from '../../types/type-context.js';
import { elementTypeOf, isArrayType, typeCategory } from '../../types/type-registry.js';
import type { SqlArray, SqlRecord} from '../../types/value.js';
import { type Value } from '../../types/value.js';

/** The XSD/ISO 8601 rendering JSON uses for timestamps (JsonEncodeDateTime). */
function isoLocal(micros: bigint): string {
  const days = Number(floorDiv(micros, MICROS_PER_DAY));
  const time = floorMod(micros, MICROS_PER_DAY);
  const { year } = civilFromDays(days);
  const date = formatDate(days);
  const base = year <= 0 ? date.replace(/ BC$/, '') : date;
  return `${base}T${formatTime(time)}${year <= 0 ? ' BC' : ''}`;
}

function isoTimestamp(micros: bigint): string {
  if (micros === TIMESTAMP_INFINITY_MICROS) return 'infinity';
  if (micros === TIMESTAMP_MINUS_INFINITY_MICROS) return '-infinity';
  return isoLocal(micros);
}

function isoTimestamptz(utc: bigint, ctx: TypeContext): string {
  if (utc === TIMESTAMP_INFINITY_MICROS) return 'infinity';
  if (utc === TIMESTAMP_MINUS_INFINITY_MICROS) return '-infinity';
  const { localMicros, offsetSeconds } = toLocal(utc, ctx.timeZone);
  let offset = formatOffset(offsetSeconds);
  if (offset.length === 3) offset += ':00';
  const text = isoLocal(localMicros);
  return text.endsWith(' BC') ? `${text.slice(0, -3)}${offset} BC` : `${text}${offset}`;
}

type Kind = 'null' | 'number' | 'float' | 'bool' | 'json' | 'jsonb' | 'array' | 'record' | 'date' | 'timestamp' | 'timestamptz' | 'string';

function kindOf(oid: TypeOid): Kind {
  switch (oid) {
    case Oid.int2: case Oid.int4: case Oid.int8: case Oid.numeric:
      return 'number';
    case Oid.float4: case Oid.float8:
      return 'float';
    case Oid.bool: return 'bool';
    case Oid.json: return 'json';
    case Oid.jsonb: return 'jsonb';
    case Oid.date: return 'date';
    case Oid.timestamp: return 'timestamp';
    case Oid.timestamptz: return 'timestamptz';
    case Oid.record: return 'record';
    default:
      return isArrayType(oid) ? 'array' : typeCategory(oid) === 'A' ? 'array' : 'string';
  }
}

/** datum_to_json: the JSON text of a value (compact layout, as to_json prints arrays and rows). */
export function toJsonText(value: Value, type: SqlType, ctx: TypeContext): string {
  if (value === null) return 'null';
  const kind = kindOf(type.oid);
  switch (kind) {
    case 'number': {
      const text = formatValue(value, type, ctx);
      return /^-?(\d+\.?\d*|\.\d+)$/.test(text) ? text : quoteJsonString(text);
    }
    case 'float': {
      const n = value as number;
      return Number.isFinite(n) ? formatValue(value, type, ctx) : quoteJsonString(formatValue(value, type, ctx));
    }
    case 'bool':
      return value ? 'true' : 'false';
    case 'json':
      return value as string;
    case 'jsonb':
      return formatJsonb(value as JsonbValue);
    case 'date': {
      const days = value as number;
      return quoteJsonString(Number.isFinite(days) ? formatDate(days) : days > 0 ? 'infinity' : '-infinity');
    }
    case 'timestamp':
      return quoteJsonString(isoTimestamp(value as bigint));
    case 'timestamptz':
      return quoteJsonString(isoTimestamptz(value as bigint, ctx));
    case 'array':
      return arrayToJsonText(value as SqlArray, type, ctx, false);
    case 'record':
      return recordToJsonText(value as SqlRecord, ctx, false);
    default:
      return quoteJsonString(formatValue(value, type, ctx));
  }
}

/** array_to_json: nested JSON arrays, one per dimension; `pretty` puts top-level elements on lines. */
export function arrayToJsonText(array: SqlArray, type: SqlType, ctx: TypeContext, pretty: boolean): string {
  const element = sqlType(array.elementType !== 0 ? array.elementType : elementTypeOf(type.oid));
  if (array.ndim === 0) return '[]';
  let index = 0;
  const level = (depth: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < (array.dims[depth] as number); i++) {
      if (depth + 1 < array.ndim) parts.push(level(depth + 1));
      else parts.push(toJsonText(array.elements[index++] as Value, element, ctx));
    }
    return `[${parts.join(pretty && depth === 0 ? ',\n ' : ',')}]`;
  };
  return level(0);
}

/** row_to_json: {"f1":1,"f2":"a"}; `pretty` puts fields on lines. */
export function recordToJsonText(record: SqlRecord, ctx: TypeContext, pretty: boolean): string {
  const parts = record.fields.map((f, i) => {
    const name = record.names?.[i] ?? `f${i + 1}`;
    return `${quoteJsonString(name)}:${toJsonText(f, record.types[i] as SqlType, ctx)}`;
  });
  return `{${parts.join(pretty ? ',\n ' : ',')}}`;
}

/** datum_to_jsonb: the jsonb value of a SQL value. */
export function toJsonb(value: Value, type: SqlType, ctx: TypeContext): JsonbValue {
  if (value === null) return JSONB_NULL;
  const kind = kindOf(type.oid);
  switch (kind) {
    case 'number': {
      if (type.oid === Oid.numeric) {
        const d = value as Decimal;
        return d.isFinite() ? d : formatValue(value, type, ctx);
      }
      return numeric(String(value), 0);
    }
    case 'float': {
      const n = value as number;
      return Number.isFinite(n) ? parseJsonb(formatValue(value, type, ctx)) : formatValue(value, type, ctx);
    }
    case 'bool':
      return value as boolean;
    case 'json':
      return parseJsonb(value as string);
    case 'jsonb':
      return value as JsonbValue;
    case 'date': {
      const days = value as number;
      return Number.isFinite(days) ? formatDate(days) : days > 0 ? 'infinity' : '-infinity';
    }
    case 'timestamp':
      return isoTimestamp(value as bigint);
    case 'timestamptz':
      return isoTimestamptz(value as bigint, ctx);
    case 'array': {
      const array = value as SqlArray;
      const element = sqlType(array.elementType !== 0 ? array.elementType : elementTypeOf(type.oid));
      if (array.ndim === 0) return [];
      let index = 0;
      const level = (depth: number): JsonbValue[] => {
        const items: JsonbValue[] = [];
        for (let i = 0; i < (array.dims[depth] as number); i++) {
          if (depth + 1 < array.ndim) items.push(level(depth + 1));
          else items.push(toJsonb(array.elements[index++] as Value, element, ctx));
        }
        return items;
      };
      return level(0);
    }
    case 'record': {
      const record = value as SqlRecord;
      return jsonbObject(record.fields.map((f, i) => [record.names?.[i] ?? `f${i + 1}`, toJsonb(f, record.types[i] as SqlType, ctx)] as const));
    }
    default:
      return formatValue(value, type, ctx);
  }
}

/** The text of a key argument of json_build_object and friends. */
export function jsonKeyText(value: Value, type: SqlType, ctx: TypeContext): string {
  if (typeof value === 'string' && (type.oid === Oid.text || type.oid === Oid.unknown || type.oid === Oid.varchar || type.oid === Oid.name)) return value;
  return formatValue(value as Exclude<Value, null>, type, ctx);
}
