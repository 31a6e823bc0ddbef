/**
 * Text input and output of boolean, bytea, uuid and "char".
 */
import { PgError } from '../../errors/pg-error.js';

/** parse_bool: any unambiguous prefix of true/false/yes/no, on/off, 1/0, any case. */
export function parseBool(input: string): boolean {
  const text = input.trim().toLowerCase();
  const len = text.length;
  const prefixOf = (word: string, min = 1): boolean => len >= min && word.startsWith(text);
  if (len > 0) {
    switch (text[0]) {
      case 't': if (prefixOf('true')) return true; break;
      case 'f': if (prefixOf('false')) return false; break;
      case 'y': if (prefixOf('yes')) return true; break;
      case 'n': if (prefixOf('no')) return false; break;
      case 'o':
        if (prefixOf('on', 2)) return true;
        if (prefixOf('off', 2)) return false;
        break;
      case '1': if (len === 1) return true; break;
      case '0': if (len === 1) return false; break;
      default: break;
    }
  }
  throw new PgError('22P02', `invalid input syntax for type boolean: "${input}"`);
}

export function formatBool(value: boolean): string {
  return value ? 't' : 'f';
}

const hexDigit = (c: string): number => {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
};

/** bytea input: `\x` followed by hex pairs (whitespace between pairs allowed), or escape format. */
export function parseBytea(input: string): Uint8Array {
  if (input.startsWith('\\x')) return parseHexBytes(input.slice(2));
  return parseEscapeBytes(input);
}

export function parseHexBytes(hex: string): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < hex.length) {
    const c = hex[i] as string;
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const high = hexDigit(c);
    if (high < 0) throw new PgError('22023', `invalid hexadecimal digit: "${c}"`);
    if (i + 1 >= hex.length) throw new PgError('22023', 'invalid hexadecimal data: odd number of digits');
    const low = hexDigit(hex[i + 1] as string);
    if (low < 0) throw new PgError('22023', `invalid hexadecimal digit: "${hex[i + 1]}"`);
    out.push(high * 16 + low);
    i += 2;
  }
  return Uint8Array.from(out);
}

const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';

function parseEscapeBytes(input: string): Uint8Array {
  const out: number[] = [];
  const bytes = new TextEncoder().encode(input);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b !== 0x5c) {
      out.push(b);
      continue;
    }
    const next = String.fromCharCode(bytes[i + 1] ?? 0);
    if (next === '\\') {
      out.push(0x5c);
      i++;
    } else if (
      next >= '0' && next <= '3' && isOctal(String.fromCharCode(bytes[i + 2] ?? 0)) && isOctal(String.fromCharCode(bytes[i + 3] ?? 0))
    ) {
      out.push(parseInt(String.fromCharCode(bytes[i + 1] as number, bytes[i + 2] as number, bytes[i + 3] as number), 8));
      i += 3;
    } else {
      throw new PgError('22P02', 'invalid input syntax for type bytea');
    }
  }
  return Uint8Array.from(out);
}

export function formatBytea(value: Uint8Array, style: 'hex' | 'escape' = 'hex'): string {
  if (style === 'hex') return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  let text = '';
  for (const b of value) {
    if (b === 0x5c) text += '\\\\';
    else if (b < 0x20 || b > 0x7e) text += `\\${b.toString(8).padStart(3, '0')}`;
    else text += String.fromCharCode(b);
  }
  return text;
}

/**
 * uuid input: 32 hex digits, optionally in braces, with a hyphen allowed after any group of four
 * digits (manual 8.12).
 */
export function parseUuid(input: string): string {
  let text = input;
  const braces = text.startsWith('{');
  if (braces) text = text.slice(1);
  let hex = '';
  let i = 0;
  while (i < text.length && hex.length < 32) {
    const c = text[i] as string;
    if (hexDigit(c) < 0) break;
    hex += c.toLowerCase();
    i++;
    if (hex.length % 4 === 0 && hex.length < 32 && text[i] === '-') i++;
  }
  if (braces) {
    if (text[i] !== '}') hex = '';
    i++;
  }
  if (hex.length !== 32 || i !== text.length) throw new PgError('22P02', `invalid input syntax for type uuid: "${input}"`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * "char" input: the first byte of the text, or a byte written as \ooo. The value is a string of
 * one character whose code is the byte (or the empty string for the zero byte).
 */
export function parseChar(input: string): string {
  if (input.length === 4 && input[0] === '\\' && isOctal(input[1]) && isOctal(input[2]) && isOctal(input[3])) {
    const code = parseInt(input.slice(1), 8) & 0xff;
    return code === 0 ? '' : String.fromCharCode(code);
  }
  const first = new TextEncoder().encode(input)[0];
  return first === undefined ? '' : String.fromCharCode(first);
}

export function formatChar(value: string): string {
  if (value === '') return '';
  const code = value.charCodeAt(0);
  return code >= 0x80 ? `\\${code.toString(8).padStart(3, '0')}` : value;
}
