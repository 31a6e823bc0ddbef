/**
 * Text input and output of every type: PostgreSQL's typinput and typoutput functions. Input is
 * what a literal `'...'::type` and COPY run; output is what a client receives in the text format,
 * byte for byte PostgreSQL 15's with default settings.
 */
import type { Decimal } from 'decimal.js';
import type { Interval } from '../../../../storage/key-codec/datum.js';
import { assert } from '../../../../common/assert.js';
import { PgError } from '../../errors/pg-error.js';
import { formatDate, formatTime, formatTimestamp, formatTimestamptz, parseDate, parseTime, parseTimestamp, parseTimestamptz } from '../datetime/datetime-io.js';
import { formatInterval, parseInterval } from '../datetime/interval-io.js';
import type { JsonbValue } from '../jsonb-value.js';
import { formatNumeric } from '../numeric-value.js';
import { Oid } from '../oids.js';
import type { SqlType } from '../sql-type.js';
import type { TypeContext } from '../type-context.js';
import { parseTypeNameText } from '../type-names.js';
import { elementTypeOf, findType, isArrayType, typeInfo } from '../type-registry.js';
import { formatType } from '../typmod.js';
import type { SqlRecord} from '../value.js';
import { SqlArray, type Value } from '../value.js';
import { arrayLimits } from '../limits.js';
import { formatArrayText, formatRecordText, parseArrayText } from './array-io.js';
import { formatFloat4, formatFloat8, parseFloat4, parseFloat8 } from './float-io.js';
import { parseInt2, parseInt4, parseInt8, parseOid } from './int-io.js';
import { formatJsonb, parseJson, parseJsonb } from './json-io.js';
import { parseNumeric } from './numeric-io.js';
import { formatBool, formatBytea, formatChar, parseBool, parseBytea, parseChar, parseUuid } from './scalar-io.js';
import { applyCharLength, toName } from './text-io.js';

/** Parses a value's text as the input function of `type` does (with its typmod). */
export function parseValue(text: string, type: SqlType, ctx: TypeContext): Value {
  const { oid, typmod } = type;
  switch (oid) {
    case Oid.bool: return parseBool(text);
    case Oid.int2: return parseInt2(text);
    case Oid.int4: return parseInt4(text);
    case Oid.int8: return parseInt8(text);
    case Oid.float4: return parseFloat4(text);
    case Oid.float8: return parseFloat8(text);
    case Oid.numeric: return parseNumeric(text, typmod);
    case Oid.text:
    case Oid.unknown:
    case Oid.cstring:
      return text;
    case Oid.varchar: return applyCharLength(text, typmod, 'varchar', false);
    case Oid.bpchar: return applyCharLength(text, typmod, 'bpchar', false);
    case Oid.name: return toName(text);
    case Oid.char: return parseChar(text);
    case Oid.bytea: return parseBytea(text);
    case Oid.date: return parseDate(text, ctx);
    case Oid.time: return parseTime(text, typmod, ctx);
    case Oid.timestamp: return parseTimestamp(text, typmod, ctx);
    case Oid.timestamptz: return parseTimestamptz(text, typmod, ctx);
    case Oid.interval: return parseInterval(text, typmod);
    case Oid.uuid: return parseUuid(text);
    case Oid.json: return parseJson(text);
    case Oid.jsonb: return parseJsonb(text) as Value;
    case Oid.oid: return parseOid(text);
    case Oid.regclass: return parseRegclass(text, ctx);
    case Oid.regtype: return parseRegtype(text);
    case Oid.regproc:
    case Oid.regprocedure:
    case Oid.regoper:
    case Oid.regnamespace:
    case Oid.regrole:
      return parseRegOther(text, oid, ctx);
    case Oid.int2vector: return parseVector(text, parseInt2);
    case Oid.oidvector: return parseVector(text, parseOid);
    case Oid.void: return '';
    default:
      if (isArrayType(oid)) return parseArray(text, type, ctx);
      throw new PgError('0A000', `input of type ${formatType(type)} is not supported`);
  }
}

function parseArray(text: string, type: SqlType, ctx: TypeContext): SqlArray {
  const elementOid = elementTypeOf(type.oid);
  const element: SqlType = { oid: elementOid, typmod: type.typmod };
  const parsed = parseArrayText(text, typeInfo(elementOid).delimiter);
  if (parsed.items.length > arrayLimits.elementsMax) {
    throw new PgError('54000', `array size exceeds the maximum allowed (${arrayLimits.elementsMax})`);
  }
  const elements = parsed.items.map((item) => (item === null ? null : parseValue(item, element, ctx)));
  return new SqlArray(elementOid, elements, parsed.dims, parsed.lowerBounds);
}

function parseVector(text: string, parse: (s: string) => number): SqlArray {
  const items = text.trim() === '' ? [] : text.trim().split(/\s+/).map(parse);
  return new SqlArray(0, items, items.length === 0 ? [] : [items.length], items.length === 0 ? [] : [0]);
}

function parseRegclass(text: string, ctx: TypeContext): number {
  if (/^\s*\d+\s*$/.test(text)) return parseOid(text);
  const oid = ctx.catalog?.relationOid(text);
  if (oid === undefined) throw new PgError('42P01', `relation "${text}" does not exist`);
  return oid;
}

function parseRegtype(text: string): number {
  if (/^\s*\d+\s*$/.test(text)) return parseOid(text);
  return parseTypeNameText(text).oid;
}

function parseRegOther(text: string, oid: number, ctx: TypeContext): number {
  if (/^\s*\d+\s*$/.test(text)) return parseOid(text);
  const catalog = ctx.catalog;
  let found: number | undefined;
  let missing: PgError;
  switch (oid) {
    case Oid.regnamespace:
      found = catalog?.namespaceOid?.(text);
      missing = new PgError('3F000', `schema "${text}" does not exist`);
      break;
    case Oid.regrole:
      found = catalog?.roleOid?.(text);
      missing = new PgError('42704', `role "${text}" does not exist`);
      break;
    default:
      found = catalog?.procOid?.(text);
      missing = new PgError('42883', `function "${text}" does not exist`);
      break;
  }
  if (found === undefined) throw missing;
  return found;
}

/** The text output of a non-null value of `type`. */
export function formatValue(value: Value, type: SqlType, ctx: TypeContext): string {
  assert(value !== null, 'formatValue of NULL');
  const oid = type.oid;
  switch (oid) {
    case Oid.bool: return formatBool(value as boolean);
    case Oid.int2:
    case Oid.int4:
    case Oid.int8:
    case Oid.oid:
      return String(value);
    case Oid.float4: return formatFloat4(value as number, ctx.extraFloatDigits);
    case Oid.float8: return formatFloat8(value as number, ctx.extraFloatDigits);
    case Oid.numeric: return formatNumeric(value as Decimal);
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.unknown:
    case Oid.cstring:
    case Oid.json:
    case Oid.uuid:
      return value as string;
    case Oid.char: return formatChar(value as string);
    case Oid.bytea: return formatBytea(value as Uint8Array, ctx.byteaOutput);
    case Oid.date: return formatDate(value as number);
    case Oid.time: return formatTime(value as bigint);
    case Oid.timestamp: return formatTimestamp(value as bigint);
    case Oid.timestamptz: return formatTimestamptz(value as bigint, ctx.timeZone);
    case Oid.interval: return formatInterval(value as Interval);
    case Oid.jsonb: return formatJsonb(value as JsonbValue);
    case Oid.regclass: return ctx.catalog?.relationName(value as number) ?? String(value);
    case Oid.regtype: return findType(value as number) === undefined ? String(value) : formatType({ oid: value as number, typmod: -1 });
    case Oid.regproc:
    case Oid.regprocedure:
      return ctx.catalog?.procName?.(value as number) ?? (value === 0 ? '-' : String(value));
    case Oid.regoper: return String(value);
    case Oid.regnamespace: return ctx.catalog?.namespaceName?.(value as number) ?? String(value);
    case Oid.regrole: return ctx.catalog?.roleName?.(value as number) ?? String(value);
    case Oid.int2vector:
    case Oid.oidvector:
      return (value as SqlArray).elements.map(String).join(' ');
    case Oid.void: return '';
    case Oid.record: return formatRecord(value as SqlRecord, ctx);
    default:
      if (isArrayType(oid)) return formatArray(value as SqlArray, type, ctx);
      throw new PgError('0A000', `output of type ${formatType(type)} is not supported`);
  }
}

/** The text output of a value, or null for SQL NULL. */
export function formatNullable(value: Value, type: SqlType, ctx: TypeContext): string | null {
  return value === null ? null : formatValue(value, type, ctx);
}

function formatArray(value: SqlArray, type: SqlType, ctx: TypeContext): string {
  const elementOid = value.elementType !== 0 ? value.elementType : elementTypeOf(type.oid);
  const element: SqlType = { oid: elementOid, typmod: -1 };
  const items = value.elements.map((e) => (e === null ? null : formatValue(e, element, ctx)));
  return formatArrayText(value.dims, value.lowerBounds, items, typeInfo(elementOid).delimiter);
}

function formatRecord(value: SqlRecord, ctx: TypeContext): string {
  return formatRecordText(value.fields.map((f, i) => (f === null ? null : formatValue(f, value.types[i] as SqlType, ctx))));
}
