/**
 * String functions (manual 9.4) and binary string functions (9.5), in the C collation: case
 * mapping (lower, upper, initcap) changes ASCII letters only, as PostgreSQL's C locale does;
 * positions and lengths count characters (code points), octet lengths count UTF-8 bytes.
 */
import { createHash } from 'node:crypto';
import { PgError } from '../../errors/pg-error.js';
import { formatBytea, parseBytea, parseHexBytes } from '../../types/io/scalar-io.js';
import { bpcharTrim } from '../../types/io/text-io.js';
import { castValue } from '../../types/coercion.js';
import { formatValue } from '../../types/io/value-io.js';
import { T } from '../../types/sql-type.js';
import { textLimits } from '../../types/limits.js';
import { Oid } from '../../types/oids.js';
import type { SqlType } from '../../types/sql-type.js';
import { characters, charLength, utf8Length } from '../../types/text-order.js';
import type { Value } from '../../types/value.js';
import type { Call, ScalarImpl } from '../function-types.js';
import { MoreSqlState } from '../../types/sqlstates.js';

const s = (v: unknown): string => v as string;
const n = (v: unknown): number => v as number;
const bytes = (v: unknown): Uint8Array => v as Uint8Array;

export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function asciiUpper(text: string): string {
  return text.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

function initcap(text: string): string {
  let out = '';
  let inWord = false;
  for (const c of text) {
    const alnum = /[A-Za-z0-9]/.test(c);
    if (alnum) out += inWord ? asciiLower(c) : asciiUpper(c);
    else out += c;
    inWord = alnum;
  }
  return out;
}

/** length(bytea, encoding): the characters of the bytes read in an encoding (UTF8 or single-byte ones). */
function lengthInEncoding(value: Uint8Array, encoding: string): number {
  const name = encoding.toUpperCase().replace(/[-_]/g, '');
  if (name === 'UTF8' || name === 'UNICODE') {
    try {
      return charLength(new TextDecoder('utf-8', { fatal: true }).decode(value));
    } catch {
      const bad = [...value.slice(0, 2)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
      throw new PgError('22021', `invalid byte sequence for encoding "UTF8": ${bad}`);
    }
  }
  if (['SQLASCII', 'LATIN1', 'LATIN2', 'LATIN9', 'WIN1252', 'ISO88591'].includes(name)) return value.length;
  if (/^[A-Z0-9]+$/.test(name)) throw new PgError('0A000', `encoding "${encoding}" is not supported`);
  throw new PgError('22023', `invalid encoding name "${encoding}"`);
}

function checkLength(length: number): void {
  if (length > textLimits.resultCharsMax) {
    throw new PgError('54000', 'requested length too large', { detail: `resultCharsMax: the limit is ${textLimits.resultCharsMax} characters` });
  }
}

/** substr(string, start [, count]) in characters, with start before 1 eating into count. */
export function substring(text: string, start: number, count?: number): string {
  if (count !== undefined && count < 0) throw new PgError(MoreSqlState.SubstringError, 'negative substring length not allowed');
  const chars = characters(text);
  const first = Math.max(start, 1);
  const end = count === undefined ? chars.length + 1 : start + count;
  if (end <= first) return '';
  return chars.slice(first - 1, end - 1).join('');
}

function bytesSubstring(value: Uint8Array, start: number, count?: number): Uint8Array {
  if (count !== undefined && count < 0) throw new PgError(MoreSqlState.SubstringError, 'negative substring length not allowed');
  const first = Math.max(start, 1);
  const end = count === undefined ? value.length + 1 : start + count;
  if (end <= first) return new Uint8Array(0);
  return value.slice(first - 1, end - 1);
}

/** position(needle in haystack): 1-based character position, 0 when absent. */
export function position(haystack: string, needle: string): number {
  if (needle === '') return 1;
  const index = haystack.indexOf(needle);
  return index < 0 ? 0 : charLength(haystack.slice(0, index)) + 1;
}

function bytesPosition(haystack: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 1;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i + 1;
  }
  return 0;
}

function trimChars(text: string, set: string, leading: boolean, trailing: boolean): string {
  const chars = characters(text);
  const remove = new Set(characters(set));
  let start = 0;
  let end = chars.length;
  if (leading) while (start < end && remove.has(chars[start] as string)) start++;
  if (trailing) while (end > start && remove.has(chars[end - 1] as string)) end--;
  return chars.slice(start, end).join('');
}

function trimBytes(value: Uint8Array, set: Uint8Array, leading: boolean, trailing: boolean): Uint8Array {
  const remove = new Set(set);
  let start = 0;
  let end = value.length;
  if (leading) while (start < end && remove.has(value[start] as number)) start++;
  if (trailing) while (end > start && remove.has(value[end - 1] as number)) end--;
  return value.slice(start, end);
}

function pad(text: string, length: number, fill: string, left: boolean): string {
  if (length <= 0) return '';
  checkLength(length);
  const chars = characters(text);
  if (chars.length >= length) return chars.slice(0, length).join('');
  const fillChars = characters(fill);
  if (fillChars.length === 0) return text;
  const needed = length - chars.length;
  const padding: string[] = [];
  for (let i = 0; i < needed; i++) padding.push(fillChars[i % fillChars.length] as string);
  return left ? padding.join('') + text : text + padding.join('');
}

function left(text: string, count: number): string {
  const chars = characters(text);
  return (count >= 0 ? chars.slice(0, count) : chars.slice(0, Math.max(0, chars.length + count))).join('');
}

function right(text: string, count: number): string {
  const chars = characters(text);
  return (count >= 0 ? chars.slice(Math.max(0, chars.length - count)) : chars.slice(Math.min(chars.length, -count))).join('');
}

function repeat(text: string, count: number): string {
  if (count <= 0 || text === '') return '';
  checkLength(text.length * count);
  return text.repeat(count);
}

function splitPart(text: string, delimiter: string, field: number): string {
  if (field === 0) throw new PgError('22023', 'field position must not be zero');
  if (text === '') return '';
  if (delimiter === '') return field === 1 || field === -1 ? text : '';
  const parts = text.split(delimiter);
  const index = field > 0 ? field - 1 : parts.length + field;
  return parts[index] ?? '';
}

/** The text of an argument of type "any", as its output function prints it. */
function anyText(value: Value, type: SqlType, call: Call): string {
  if (typeof value === 'string' && (type.oid === Oid.text || type.oid === Oid.unknown || type.oid === Oid.varchar)) return value;
  return formatValue(value, type, call.ctx);
}

function castToText(value: Value, type: SqlType, call: Call): string {
  return castValue(value, type, T.text, 'explicit', call.ctx) as string;
}

function concat(args: readonly Value[], call: Call, start: number): string[] {
  const parts: string[] = [];
  for (let i = start; i < args.length; i++) {
    const value = args[i] as Value;
    if (value !== null) parts.push(anyText(value, call.argTypes[i] as SqlType, call));
  }
  return parts;
}

function chr(code: number): string {
  if (code < 0) throw new PgError('54000', 'character number must be positive');
  if (code === 0) throw new PgError('54000', 'null character not permitted');
  if (code > 0x10ffff) throw new PgError('54000', `requested character too large for encoding: ${code}`);
  if (code >= 0xd800 && code <= 0xdfff) throw new PgError('54000', `requested character not valid for encoding: ${code}`);
  return String.fromCodePoint(code);
}

function toHex(value: bigint, bits: 32 | 64): string {
  return BigInt.asUintN(bits, value).toString(16);
}

const reservedKeywords = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'authorization', 'between', 'bigint',
  'binary', 'bit', 'boolean', 'both', 'case', 'cast', 'char', 'character', 'check', 'coalesce', 'collate', 'collation',
  'column', 'concurrently', 'constraint', 'create', 'cross', 'current_catalog', 'current_date', 'current_role',
  'current_schema', 'current_time', 'current_timestamp', 'current_user', 'dec', 'decimal', 'default', 'deferrable',
  'desc', 'distinct', 'do', 'else', 'end', 'except', 'exists', 'extract', 'false', 'fetch', 'float', 'for', 'foreign',
  'freeze', 'from', 'full', 'grant', 'greatest', 'group', 'grouping', 'having', 'ilike', 'in', 'initially', 'inner',
  'inout', 'int', 'integer', 'intersect', 'interval', 'into', 'is', 'isnull', 'join', 'lateral', 'leading', 'least',
  'left', 'like', 'limit', 'localtime', 'localtimestamp', 'national', 'natural', 'nchar', 'none', 'normalize', 'not',
  'notnull', 'null', 'nullif', 'numeric', 'offset', 'on', 'only', 'or', 'order', 'out', 'outer', 'overlaps', 'overlay',
  'placing', 'position', 'precision', 'primary', 'real', 'references', 'returning', 'right', 'row', 'select',
  'session_user', 'setof', 'similar', 'smallint', 'some', 'substring', 'symmetric', 'table', 'tablesample', 'then',
  'time', 'timestamp', 'to', 'trailing', 'treat', 'trim', 'true', 'union', 'unique', 'user', 'using', 'values',
  'varchar', 'variadic', 'verbose', 'when', 'where', 'window', 'with', 'xmlattributes', 'xmlconcat', 'xmlelement',
  'xmlexists', 'xmlforest', 'xmlnamespaces', 'xmlparse', 'xmlpi', 'xmlroot', 'xmlserialize', 'xmltable',
]);

/** quote_ident: quotes unless the name is a lowercase identifier that is not a keyword. */
export function quoteIdent(name: string): string {
  const safe = /^[a-z_][a-z0-9_]*$/.test(name) && !reservedKeywords.has(name);
  return safe ? name : `"${name.replace(/"/g, '""')}"`;
}

/** quote_literal: doubled quotes, and E'' with doubled backslashes when there are any. */
export function quoteLiteral(text: string): string {
  const body = text.replace(/'/g, "''");
  return text.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

function translate(text: string, from: string, to: string): string {
  const fromChars = characters(from);
  const toChars = characters(to);
  const map = new Map<string, string | null>();
  fromChars.forEach((c, i) => {
    if (!map.has(c)) map.set(c, toChars[i] ?? null);
  });
  let out = '';
  for (const c of text) {
    if (!map.has(c)) out += c;
    else {
      const replacement = map.get(c);
      if (replacement !== null && replacement !== undefined) out += replacement;
    }
  }
  return out;
}

function overlay(text: string, placing: string, start: number, count?: number): string {
  const length = count ?? charLength(placing);
  if (start <= 0) throw new PgError(MoreSqlState.SubstringError, 'negative substring length not allowed');
  if (length < 0) throw new PgError(MoreSqlState.SubstringError, 'negative substring length not allowed');
  return substring(text, 1, start - 1) + placing + substring(text, start + length);
}

function overlayBytes(value: Uint8Array, placing: Uint8Array, start: number, count?: number): Uint8Array {
  const length = count ?? placing.length;
  if (start <= 0 || length < 0) throw new PgError(MoreSqlState.SubstringError, 'negative substring length not allowed');
  return concatBytes(bytesSubstring(value, 1, start - 1), placing, bytesSubstring(value, start + length));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, p) => total + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function encode(value: Uint8Array, format: string): string {
  switch (format.toLowerCase()) {
    case 'hex':
      return Buffer.from(value).toString('hex');
    case 'base64': {
      const text = Buffer.from(value).toString('base64');
      // PostgreSQL breaks base64 output into lines of 76 characters.
      return text.replace(/(.{76})(?=.)/g, '$1\n');
    }
    case 'escape':
      return formatBytea(value, 'escape');
    default:
      throw new PgError('22023', `unrecognized encoding: "${format}"`);
  }
}

function decode(text: string, format: string): Uint8Array {
  switch (format.toLowerCase()) {
    case 'hex':
      return parseHexBytes(text);
    case 'base64': {
      const clean = text.replace(/[ \t\n\r]/g, '');
      const invalid = /[^A-Za-z0-9+/=]/.exec(clean);
      if (invalid !== null) throw new PgError('22023', `invalid symbol "${invalid[0]}" found while decoding base64 sequence`);
      if (/=[^=]/.test(clean)) throw new PgError('22023', 'unexpected "=" while decoding base64 sequence');
      if ((clean.replace(/=+$/, '').length * 6) % 8 >= 6) throw new PgError('22023', 'invalid base64 end sequence', { hint: 'Input data is missing padding, is truncated, or is otherwise corrupted.' });
      return Uint8Array.from(Buffer.from(clean, 'base64'));
    }
    case 'escape':
      return parseBytea(text.startsWith('\\x') ? `\\${text}` : text);
    default:
      throw new PgError('22023', `unrecognized encoding: "${format}"`);
  }
}

function checkByteIndex(value: Uint8Array, index: number): void {
  if (index < 0 || index >= value.length) {
    throw new PgError('2202E', `index ${index} out of valid range, 0..${value.length - 1}`);
  }
}

function unistr(text: string): string {
  let out = '';
  const invalid = (): PgError => new PgError('22025', 'invalid Unicode escape', {
    hint: 'Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.',
  });
  for (let i = 0; i < text.length; ) {
    const c = text[i] as string;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    if (text[i + 1] === '\\') {
      out += '\\';
      i += 2;
      continue;
    }
    let digits: number;
    let skip: number;
    if (text[i + 1] === '+') [digits, skip] = [6, 2];
    else if (text[i + 1] === 'u') [digits, skip] = [4, 2];
    else if (text[i + 1] === 'U') [digits, skip] = [8, 2];
    else [digits, skip] = [4, 1];
    const hex = text.slice(i + skip, i + skip + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) throw invalid();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) {
      throw new PgError('22025', `invalid Unicode code point: ${hex}`);
    }
    out += String.fromCodePoint(code);
    i += skip + digits;
  }
  return out;
}

/** The text and bytea functions, by C symbol (SQL-language ones by signature). */
export const textImpls: Record<string, ScalarImpl> = {
  textcat: ([a, b]) => {
    checkLength(s(a).length + s(b).length);
    return s(a) + s(b);
  },
  // SQL functions `select $1 || $2::text`: the value is cast to text (true becomes 'true').
  'textanycat(text,anynonarray)': ([a, b], call) => (b === null || a === null ? null : s(a) + castToText(b, call.argTypes[1] as SqlType, call)),
  'anytextcat(anynonarray,text)': ([a, b], call) => (a === null || b === null ? null : castToText(a, call.argTypes[0] as SqlType, call) + s(b)),
  textlen: ([a]) => charLength(s(a)),
  bpcharlen: ([a]) => charLength(bpcharTrim(s(a))),
  textoctetlen: ([a]) => utf8Length(s(a)),
  bpcharoctetlen: ([a]) => utf8Length(s(a)),
  byteaoctetlen: ([a]) => bytes(a).length,
  length_in_encoding: ([a, encoding]) => lengthInEncoding(bytes(a), s(encoding)),
  'bit_length(text)': ([a]) => utf8Length(s(a)) * 8,
  'bit_length(bytea)': ([a]) => bytes(a).length * 8,
  lower: ([a]) => asciiLower(s(a)),
  upper: ([a]) => asciiUpper(s(a)),
  initcap: ([a]) => initcap(s(a)),
  text_substr: ([a, start, count]) => substring(s(a), n(start), n(count)),
  text_substr_no_len: ([a, start]) => substring(s(a), n(start)),
  bytea_substr: ([a, start, count]) => bytesSubstring(bytes(a), n(start), n(count)),
  bytea_substr_no_len: ([a, start]) => bytesSubstring(bytes(a), n(start)),
  textpos: ([a, b]) => position(s(a), s(b)),
  byteapos: ([a, b]) => bytesPosition(bytes(a), bytes(b)),
  btrim: ([a, set]) => trimChars(s(a), s(set), true, true),
  btrim1: ([a]) => trimChars(s(a), ' ', true, true),
  ltrim: ([a, set]) => trimChars(s(a), s(set), true, false),
  ltrim1: ([a]) => trimChars(s(a), ' ', true, false),
  rtrim: ([a, set]) => trimChars(s(a), s(set), false, true),
  rtrim1: ([a]) => bpcharTrim(s(a)),
  byteatrim: ([a, set]) => trimBytes(bytes(a), bytes(set), true, true),
  bytealtrim: ([a, set]) => trimBytes(bytes(a), bytes(set), true, false),
  byteartrim: ([a, set]) => trimBytes(bytes(a), bytes(set), false, true),
  lpad: ([a, length, fill]) => pad(s(a), n(length), s(fill), true),
  rpad: ([a, length, fill]) => pad(s(a), n(length), s(fill), false),
  'lpad(text,int4)': ([a, length]) => pad(s(a), n(length), ' ', true),
  'rpad(text,int4)': ([a, length]) => pad(s(a), n(length), ' ', false),
  text_left: ([a, count]) => left(s(a), n(count)),
  text_right: ([a, count]) => right(s(a), n(count)),
  repeat: ([a, count]) => repeat(s(a), n(count)),
  replace_text: ([a, from, to]) => (s(from) === '' ? s(a) : s(a).split(s(from)).join(s(to))),
  text_reverse: ([a]) => characters(s(a)).reverse().join(''),
  split_part: ([a, delimiter, field]) => splitPart(s(a), s(delimiter), n(field)),
  text_concat: (args, call) => concat(args, call, 0).join(''),
  text_concat_ws: (args, call) => (args[0] === null ? null : concat(args, call, 1).join(s(args[0]))),
  text_starts_with: ([a, b]) => s(a).startsWith(s(b)),
  ascii: ([a]) => s(a).codePointAt(0) ?? 0,
  chr: ([a]) => chr(n(a)),
  md5_text: ([a]) => createHash('md5').update(s(a), 'utf8').digest('hex'),
  md5_bytea: ([a]) => createHash('md5').update(bytes(a)).digest('hex'),
  sha224_bytea: ([a]) => Uint8Array.from(createHash('sha224').update(bytes(a)).digest()),
  sha256_bytea: ([a]) => Uint8Array.from(createHash('sha256').update(bytes(a)).digest()),
  sha384_bytea: ([a]) => Uint8Array.from(createHash('sha384').update(bytes(a)).digest()),
  sha512_bytea: ([a]) => Uint8Array.from(createHash('sha512').update(bytes(a)).digest()),
  to_hex32: ([a]) => toHex(BigInt(n(a)), 32),
  to_hex64: ([a]) => toHex(a as bigint, 64),
  quote_ident: ([a]) => quoteIdent(s(a)),
  quote_literal: ([a]) => quoteLiteral(s(a)),
  quote_nullable: ([a]) => (a === null ? 'NULL' : quoteLiteral(s(a))),
  'quote_literal(anyelement)': ([a], call) => quoteLiteral(anyText(a as Value, call.argTypes[0] as SqlType, call)),
  'quote_nullable(anyelement)': ([a], call) => (a === null ? 'NULL' : quoteLiteral(anyText(a, call.argTypes[0] as SqlType, call))),
  textoverlay: ([a, b, start, count]) => overlay(s(a), s(b), n(start), n(count)),
  textoverlay_no_len: ([a, b, start]) => overlay(s(a), s(b), n(start)),
  byteaoverlay: ([a, b, start, count]) => overlayBytes(bytes(a), bytes(b), n(start), n(count)),
  byteaoverlay_no_len: ([a, b, start]) => overlayBytes(bytes(a), bytes(b), n(start)),
  translate: ([a, from, to]) => translate(s(a), s(from), s(to)),
  binary_encode: ([a, format]) => encode(bytes(a), s(format)),
  binary_decode: ([a, format]) => decode(s(a), s(format)),
  byteaGetByte: ([a, index]) => {
    checkByteIndex(bytes(a), n(index));
    return bytes(a)[n(index)] as number;
  },
  byteaSetByte: ([a, index, value]) => {
    checkByteIndex(bytes(a), n(index));
    const copy = bytes(a).slice();
    copy[n(index)] = n(value) & 0xff;
    return copy;
  },
  byteacat: ([a, b]) => concatBytes(bytes(a), bytes(b)),
  unistr: ([a]) => unistr(s(a)),
  char_text: ([a]) => a,
  name_text: ([a]) => a,
  booltext: ([a]) => (a ? 'true' : 'false'),
};
