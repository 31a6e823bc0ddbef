/**
 * Array text input and output (array_in / array_out): `{1,2,NULL}`, `{"a b","c\"d"}`,
 * `{{1,2},{3,4}}`, and explicit bounds `[0:1]={a,b}` (manual 8.15.2 and 8.15.6).
 */
import { PgError } from '../../errors/pg-error.js';
import { arrayLimits } from '../limits.js';

export interface ArrayText {
  readonly dims: readonly number[];
  readonly lowerBounds: readonly number[];
  /** Element texts in row-major order; null for an unquoted NULL. */
  readonly items: readonly (string | null)[];
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

function malformed(text: string, detail: string): PgError {
  return new PgError('22P02', `malformed array literal: "${text}"`, { detail });
}

/** Splits array text into its structure and element texts. */
export function parseArrayText(text: string, delimiter = ','): ArrayText {
  let p = 0;
  const s = text;
  const skipSpace = (): void => {
    while (isSpace(s[p])) p++;
  };
  skipSpace();
  let explicitDims: { lower: number; upper: number }[] | undefined;
  if (s[p] === '[') {
    explicitDims = [];
    while (s[p] === '[') {
      p++;
      const match = /^\s*([+-]?\d+)\s*(?::\s*([+-]?\d+)\s*)?\]/.exec(s.slice(p));
      if (match === null) {
        if (!/^\s*[+-]?\d/.test(s.slice(p))) throw malformed(text, 'Missing array dimension value.');
        throw malformed(text, 'Missing "]" after array dimensions.');
      }
      const first = Number(match[1]);
      const lower = match[2] === undefined ? 1 : first;
      const upper = match[2] === undefined ? first : Number(match[2]);
      if (upper < lower) throw new PgError('2202E', 'upper bound cannot be less than lower bound');
      explicitDims.push({ lower, upper });
      p += match[0].length;
      skipSpace();
    }
    if (s[p] !== '=') throw malformed(text, 'Missing "=" after array dimensions.');
    p++;
    skipSpace();
  }
  if (s[p] !== '{') throw malformed(text, 'Array value must start with "{" or dimension information.');
  // Errors about the braces' contents quote the text from the opening brace on, as ArrayCount's do.
  const body = s.slice(p);
  const items: (string | null)[] = [];
  const dims: number[] = [];
  let leafDepth: number | undefined;

  const parseLevel = (depth: number): void => {
    if (depth >= arrayLimits.dimensionsMax) {
      throw new PgError('54000', `number of array dimensions (${depth + 1}) exceeds the maximum allowed (${arrayLimits.dimensionsMax})`);
    }
    p++; // '{'
    skipSpace();
    let count = 0;
    let nested: boolean | undefined;
    if (s[p] === '}') {
      p++;
      if (depth > 0) throw malformed(body, 'Unexpected "}" character.');
      return;
    }
    while (true) {
      skipSpace();
      if (p >= s.length) throw malformed(body, 'Unexpected end of input.');
      if (s[p] === '{') {
        if (nested === false) throw malformed(body, 'Unexpected "{" character.');
        nested = true;
        parseLevel(depth + 1);
      } else {
        if (nested === true) throw malformed(body, 'Unexpected array element.');
        if (s[p] === '}' || s[p] === delimiter) throw malformed(body, `Unexpected "${s[p]}" character.`);
        nested = false;
        items.push(readElement());
      }
      count++;
      skipSpace();
      if (p >= s.length) throw malformed(body, 'Unexpected end of input.');
      if (s[p] === delimiter) {
        p++;
        continue;
      }
      if (s[p] === '}') {
        p++;
        break;
      }
      throw malformed(body, `Unexpected "${s[p]}" character.`);
    }
    const known = dims[depth];
    if (known === undefined) dims[depth] = count;
    else if (known !== count) throw malformed(body, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
    if (nested === false) {
      if (leafDepth === undefined) leafDepth = depth;
      else if (leafDepth !== depth) throw malformed(body, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
    }
  };

  const readElement = (): string | null => {
    let value = '';
    let quoted = false;
    let sawQuote = false;
    let trailingSpaceStart = -1;
    while (p < s.length) {
      const c = s[p] as string;
      if (quoted) {
        if (c === '\\') {
          p++;
          if (p >= s.length) throw malformed(body, 'Unexpected end of input.');
          value += s[p++];
        } else if (c === '"') {
          quoted = false;
          p++;
        } else {
          value += c;
          p++;
        }
        trailingSpaceStart = -1;
        continue;
      }
      if (c === '"') {
        if (value.trim() !== '' && !sawQuote) throw malformed(body, 'Unexpected """ character.');
        quoted = true;
        sawQuote = true;
        p++;
        continue;
      }
      if (c === delimiter || c === '}') break;
      if (c === '{') throw malformed(body, 'Unexpected "{" character.');
      if (c === '\\') {
        p++;
        if (p >= s.length) throw malformed(body, 'Unexpected end of input.');
        value += s[p++];
        trailingSpaceStart = -1;
        continue;
      }
      if (isSpace(c)) {
        if (trailingSpaceStart < 0) trailingSpaceStart = value.length;
      } else {
        if (sawQuote) throw malformed(body, `Unexpected "${c}" character.`);
        trailingSpaceStart = -1;
      }
      value += c;
      p++;
    }
    if (quoted) throw malformed(body, 'Unexpected end of input.');
    if (trailingSpaceStart >= 0) value = value.slice(0, trailingSpaceStart);
    if (!sawQuote && value === '') throw malformed(body, `Unexpected "${s[p] ?? ''}" character.`);
    if (!sawQuote && value.toUpperCase() === 'NULL' && !/\\/.test(value)) return null;
    return value;
  };

  parseLevel(0);
  skipSpace();
  if (p < s.length) throw malformed(body, 'Junk after closing right brace.');
  if (items.length === 0) {
    if (explicitDims !== undefined && explicitDims.length > 0) {
      throw malformed(text, 'Specified array dimensions do not match array contents.');
    }
    return { dims: [], lowerBounds: [], items };
  }
  if (explicitDims !== undefined) {
    if (explicitDims.length !== dims.length || explicitDims.some((d, i) => d.upper - d.lower + 1 !== dims[i])) {
      throw malformed(text, 'Specified array dimensions do not match array contents.');
    }
    return { dims, lowerBounds: explicitDims.map((d) => d.lower), items };
  }
  return { dims, lowerBounds: dims.map(() => 1), items };
}

/** Whether array_out must quote an element's text. */
function needsQuotes(text: string, delimiter: string): boolean {
  if (text === '' || text.toUpperCase() === 'NULL') return true;
  for (const c of text) {
    if (c === '"' || c === '\\' || c === '{' || c === '}' || c === delimiter || isSpace(c)) return true;
  }
  return false;
}

export function quoteArrayElement(text: string, delimiter = ','): string {
  if (!needsQuotes(text, delimiter)) return text;
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** array_out: nested braces, NULL, quoting, and `[l:u]=` when a lower bound is not 1. */
export function formatArrayText(
  dims: readonly number[],
  lowerBounds: readonly number[],
  items: readonly (string | null)[],
  delimiter = ',',
): string {
  if (dims.length === 0) return '{}';
  let prefix = '';
  if (lowerBounds.some((b) => b !== 1)) {
    prefix = dims.map((d, i) => `[${lowerBounds[i]}:${(lowerBounds[i] as number) + d - 1}]`).join('') + '=';
  }
  let index = 0;
  const level = (depth: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < (dims[depth] as number); i++) {
      if (depth + 1 < dims.length) parts.push(level(depth + 1));
      else {
        const item = items[index++];
        parts.push(item === null || item === undefined ? 'NULL' : quoteArrayElement(item, delimiter));
      }
    }
    return `{${parts.join(delimiter)}}`;
  };
  return prefix + level(0);
}

/** record_out's quoting: `(1,"a b",)` with NULL as nothing and quotes doubled. */
export function formatRecordText(fields: readonly (string | null)[]): string {
  const parts = fields.map((f) => {
    if (f === null) return '';
    if (f === '' || /[(),"\\\s]/.test(f)) return `"${f.replace(/["\\]/g, (c) => c + c)}"`;
    return f;
  });
  return `(${parts.join(',')})`;
}
