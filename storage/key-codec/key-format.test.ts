/**
 * The key bytes of every type, pinned in testdata/*.txt. Keys are stored on disk, so these bytes
 * are a storage format: a change here is a format change that existing data would not survive.
 *
 *   encode type=<type> [direction=asc|desc] [nulls=first|last]
 *   <one value literal per line>
 *   ----
 *   <hex of each key>, and " = <literal>" when the key decodes to another spelling of the value
 *
 *   decode type=<type> [direction=...] [nulls=...]
 *   <one hex key per line>
 *   ----
 *   <the decoded literal, or "error: <message>">
 *
 * Literals: NULL; numbers and bigints as decimal text; 'infinity' / '-infinity' for date and the
 * timestamps; numeric as decimal.js reads it; strings as JSON string literals (ASCII only, other
 * characters escaped); bytea as \x<hex>;
 * intervals as {months, days, micros}; uuids as themselves.
 */
import { Decimal } from 'decimal.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { argString, DataDrivenError, type TestCase } from '../../testing/datadriven.js';
import { dataDrivenTests } from '../../testing/vitest-datadriven.js';
import {
  DATUM_TYPES, TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS, type Datum, type DatumType, type Interval,
} from './datum.js';
import { decodeKey, encodeKey } from './key.js';
import type { KeyColumn } from './key-column.js';
import { KeyDecodeError } from './key-decode-error.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

describe('key format', () => {
  dataDrivenTests(testdata, () => handle);
});

function handle(tc: TestCase): string {
  const column = columnOf(tc);
  const lines = tc.input.split('\n').filter((line) => line !== '');
  switch (tc.cmd) {
    case 'encode':
      return lines.map((line) => {
        const bytes = encodeKey([parseLiteral(column.type, line, tc)], [column]);
        const decoded = formatLiteral(column.type, decodeKey(bytes, [column])[0] as Datum);
        return Buffer.from(bytes).toString('hex') + (decoded === line ? '' : ` = ${decoded}`);
      }).join('\n');
    case 'decode':
      return lines.map((line) => {
        try {
          return formatLiteral(column.type, decodeKey(Buffer.from(line, 'hex'), [column])[0] as Datum);
        } catch (error) {
          if (error instanceof KeyDecodeError) return `error: ${error.message}`;
          throw error;
        }
      }).join('\n');
    default:
      throw new DataDrivenError(`${tc.pos}: unknown command ${tc.cmd}`);
  }
}

function columnOf(tc: TestCase): KeyColumn {
  const type = argString(tc, 'type') as DatumType;
  if (!DATUM_TYPES.includes(type)) throw new DataDrivenError(`${tc.pos}: unknown type ${type}`);
  const direction = argString(tc, 'direction', 'asc');
  const nulls = argString(tc, 'nulls', direction === 'asc' ? 'last' : 'first');
  if ((direction !== 'asc' && direction !== 'desc') || (nulls !== 'first' && nulls !== 'last')) {
    throw new DataDrivenError(`${tc.pos}: bad direction or nulls`);
  }
  return { type, direction, nulls };
}

function parseLiteral(type: DatumType, text: string, tc: TestCase): Datum {
  if (text === 'NULL') return null;
  switch (type) {
    case 'int2':
    case 'int4':
    case 'float4':
    case 'float8':
      return Number(text);
    case 'date':
      return text === 'infinity' ? Infinity : text === '-infinity' ? -Infinity : Number(text);
    case 'int8':
    case 'time':
      return BigInt(text);
    case 'timestamp':
    case 'timestamptz':
      return text === 'infinity' ? TIMESTAMP_INFINITY_MICROS : text === '-infinity' ? TIMESTAMP_MINUS_INFINITY_MICROS : BigInt(text);
    case 'numeric':
      return new Decimal(text);
    case 'text':
    case 'varchar':
    case 'bpchar':
      return JSON.parse(text) as string;
    case 'bytea':
      return Uint8Array.from(Buffer.from(text.replace(/^\\x/, ''), 'hex'));
    case 'bool':
      return text === 'true';
    case 'interval': {
      const match = /^\{(-?\d+), (-?\d+), (-?\d+)\}$/.exec(text);
      if (match === null) throw new DataDrivenError(`${tc.pos}: interval literal is {months, days, micros}`);
      return { months: Number(match[1]), days: Number(match[2]), micros: BigInt(match[3] as string) };
    }
    case 'uuid':
      return text;
  }
}

function formatLiteral(type: DatumType, value: Datum): string {
  if (value === null) return 'NULL';
  switch (type) {
    case 'date':
      return value === Infinity ? 'infinity' : value === -Infinity ? '-infinity' : String(value);
    case 'timestamp':
    case 'timestamptz':
      return value === TIMESTAMP_INFINITY_MICROS ? 'infinity' : value === TIMESTAMP_MINUS_INFINITY_MICROS ? '-infinity' : String(value);
    case 'float4':
    case 'float8':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'text':
    case 'varchar':
    case 'bpchar':
      // Escaped beyond printable ASCII, so that U+FFFF and the like are visible in the file.
      return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    case 'bytea':
      return `\\x${Buffer.from(value as Uint8Array).toString('hex')}`;
    case 'interval': {
      const { months, days, micros } = value as Interval;
      return `{${months}, ${days}, ${micros}}`;
    }
    default:
      return String(value);
  }
}
