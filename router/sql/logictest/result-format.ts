/**
 * How expected rows are written in a logic file, and how results are compared.
 *
 * One row per line; values separated by one or more spaces (REWRITE aligns the columns). A value
 * is PostgreSQL's text output exactly as the server sends it, written
 *   - `NULL` for SQL NULL and `(empty)` for the empty string;
 *   - bare when that is unambiguous: no space, tab or control character, not starting with a
 *     quote or `E'`, and not the words NULL or (empty);
 *   - otherwise as a SQL string literal: `'2024-01-02 03:04:05+00'`, `'{"a": 1}'`, `'it''s'`,
 *     `'NULL'` (the text, not the null); with control characters as an escape string literal,
 *     `E'a\nb'` (escapes \\ \' \n \r \t and \xHH).
 * So a value with spaces in it never reads as two columns, and every row parses back to exactly
 * the values it was written from.
 *
 * rowsort sorts the rows (by their written values) on both sides before comparing; valuesort
 * sorts all values regardless of row, and writes them back in rows of the query's width; nosort
 * compares in the order the server returned (use it only with ORDER BY, or a single row).
 */
import type { ColumnTypeLetter, SortMode } from './logic-file.js';

export type Value = string | null;
export type Row = readonly Value[];

/** The column type letter of a PostgreSQL type OID. */
export function typeLetterOf(typeOid: number): ColumnTypeLetter {
  switch (typeOid) {
    case 20: // int8
    case 21: // int2
    case 23: // int4
      return 'I';
    case 700: // float4
    case 701: // float8
    case 1700: // numeric
      return 'R';
    case 16: // bool
      return 'B';
    default:
      return 'T';
  }
}

const controlPattern = /[\u0000-\u001f\u007f]/;

function needsQuotes(value: string): boolean {
  return (
    value === 'NULL' ||
    value === '(empty)' ||
    value.startsWith("'") ||
    value.startsWith("E'") ||
    value.includes(' ') ||
    controlPattern.test(value)
  );
}

export function formatValue(value: Value): string {
  if (value === null) return 'NULL';
  if (value === '') return '(empty)';
  if (!needsQuotes(value)) return value;
  if (!controlPattern.test(value)) return `'${value.replaceAll("'", "''")}'`;
  let body = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') body += '\\\\';
    else if (ch === "'") body += "\\'";
    else if (ch === '\n') body += '\\n';
    else if (ch === '\r') body += '\\r';
    else if (ch === '\t') body += '\\t';
    else if (code < 0x20 || code === 0x7f) body += `\\x${code.toString(16).padStart(2, '0')}`;
    else body += ch;
  }
  return `E'${body}'`;
}

export class RowFormatError extends Error {
  override readonly name = 'RowFormatError';
}

/** Parses one written row back into its values. */
export function parseRow(line: string): Value[] {
  const values: Value[] = [];
  let i = 0;
  const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';
  while (i < line.length) {
    while (isSpace(line[i])) i++;
    if (i >= line.length) break;
    let value: string;
    if (line[i] === "'") {
      ({ value, next: i } = readQuoted(line, i + 1, false));
    } else if (line.startsWith("E'", i)) {
      ({ value, next: i } = readQuoted(line, i + 2, true));
    } else {
      const start = i;
      while (i < line.length && !isSpace(line[i])) i++;
      const word = line.slice(start, i);
      values.push(word === 'NULL' ? null : word === '(empty)' ? '' : word);
      continue;
    }
    if (i < line.length && !isSpace(line[i])) {
      throw new RowFormatError(`text after a closing quote at column ${i + 1} of: ${line}`);
    }
    values.push(value);
  }
  return values;
}

function readQuoted(line: string, start: number, escapes: boolean): { value: string; next: number } {
  let value = '';
  let i = start;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === "'") {
      if (line[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, next: i + 1 };
    }
    if (escapes && ch === '\\') {
      const next = line[i + 1];
      const simple: Record<string, string> = { '\\': '\\', "'": "'", n: '\n', r: '\r', t: '\t' };
      if (next !== undefined && simple[next] !== undefined) {
        value += simple[next];
        i += 2;
        continue;
      }
      const hex = /^x([0-9a-fA-F]{2})/.exec(line.slice(i + 1));
      if (hex === null) throw new RowFormatError(`bad escape at column ${i + 1} of: ${line}`);
      value += String.fromCharCode(parseInt(hex[1] as string, 16));
      i += 4;
      continue;
    }
    value += ch;
    i++;
  }
  throw new RowFormatError(`unterminated quoted value in: ${line}`);
}

/** Orders rows by their written values, column by column; the same on both sides of a comparison. */
function compareRows(a: readonly string[], b: readonly string[]): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const x = a[k] as string;
    const y = b[k] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Puts rows in the order the sort mode compares them in, as written values: unchanged for nosort,
 * sorted rows for rowsort, and all values sorted and regrouped by `width` for valuesort.
 */
export function arrangeRows(rows: readonly Row[], sort: SortMode, width: number): string[][] {
  const written = rows.map((row) => row.map(formatValue));
  switch (sort) {
    case 'nosort':
      return written;
    case 'rowsort':
      return written.sort(compareRows);
    case 'valuesort': {
      const values = written.flat().sort();
      const regrouped: string[][] = [];
      for (let k = 0; k < values.length; k += Math.max(width, 1)) regrouped.push(values.slice(k, k + width));
      return regrouped;
    }
  }
}

/** Writes rows as lines with the columns aligned; trailing spaces trimmed. */
export function renderRows(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((value, k) => (widths[k] = Math.max(widths[k] ?? 0, [...value].length)));
  }
  return rows.map((row) =>
    row
      .map((value, k) => (k === row.length - 1 ? value : value + ' '.repeat((widths[k] ?? 0) - [...value].length)))
      .join(' ')
      .trimEnd(),
  );
}
