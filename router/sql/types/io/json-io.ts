/**
 * JSON text: a parser with PostgreSQL's grammar and error details (src/common/jsonapi.c), which
 * json input uses to validate and jsonb input to build a canonical value, and jsonb's output in
 * PostgreSQL's layout (`{"a": 1, "b": [1, 2]}`) and in jsonb_pretty's.
 */
import type { Decimal } from 'decimal.js';
import { PgError } from '../../errors/pg-error.js';
import { JSONB_NULL, JsonbObject, jsonbObject, type JsonbValue } from '../jsonb-value.js';
import { formatNumeric } from '../numeric-value.js';
import { parseNumeric } from './numeric-io.js';

type TokenKind = 'string' | 'number' | 'true' | 'false' | 'null' | '{' | '}' | '[' | ']' | ',' | ':' | 'end';

interface Token {
  readonly kind: TokenKind;
  /** The token's text as it appears in the input (for messages and numbers). */
  readonly text: string;
  /** A string token's decoded value. */
  readonly value?: string;
}

type Context = 'value' | 'string' | 'array-start' | 'array-next' | 'object-start' | 'object-label' | 'object-next' | 'object-comma' | 'end';

const expected: Record<Context, string> = {
  value: 'Expected JSON value, but found',
  string: 'Expected string, but found',
  'array-start': 'Expected array element or "]", but found',
  'array-next': 'Expected "," or "]", but found',
  'object-start': 'Expected string or "}", but found',
  'object-label': 'Expected ":", but found',
  'object-next': 'Expected "," or "}", but found',
  'object-comma': 'Expected string, but found',
  end: 'Expected end of input, but found',
};

function jsonError(detail: string, code: '22P02' | '22P05' = '22P02', message = 'invalid input syntax for type json'): PgError {
  return new PgError(code, message, { detail });
}

const isAlnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_\u0080-\uffff]/.test(c);

class Lexer {
  private position = 0;

  constructor(
    private readonly text: string,
    /** jsonb cannot hold \u0000; json keeps its text and accepts it. */
    private readonly forJsonb: boolean,
  ) {}

  next(): Token {
    const s = this.text;
    while (this.position < s.length && ' \t\n\r'.includes(s[this.position] as string)) this.position++;
    if (this.position >= s.length) return { kind: 'end', text: '' };
    const start = this.position;
    const c = s[start] as string;
    if ('{}[],:'.includes(c)) {
      this.position++;
      return { kind: c as TokenKind, text: c };
    }
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    let end = start;
    while (end < s.length && isAlnum(s[end])) end++;
    if (end === start) end = start + 1;
    const word = s.slice(start, end);
    this.position = end;
    if (word === 'true' || word === 'false' || word === 'null') return { kind: word, text: word };
    throw jsonError(`Token "${word}" is invalid.`);
  }

  private number(): Token {
    const s = this.text;
    const start = this.position;
    let p = start;
    let bad = false;
    if (s[p] === '-') p++;
    if (s[p] === '0') p++;
    else if (s[p] !== undefined && s[p]! >= '1' && s[p]! <= '9') while (s[p] !== undefined && s[p]! >= '0' && s[p]! <= '9') p++;
    else bad = true;
    if (s[p] === '.') {
      p++;
      if (!(s[p] !== undefined && s[p]! >= '0' && s[p]! <= '9')) bad = true;
      while (s[p] !== undefined && s[p]! >= '0' && s[p]! <= '9') p++;
    }
    if (s[p] === 'e' || s[p] === 'E') {
      p++;
      if (s[p] === '+' || s[p] === '-') p++;
      if (!(s[p] !== undefined && s[p]! >= '0' && s[p]! <= '9')) bad = true;
      while (s[p] !== undefined && s[p]! >= '0' && s[p]! <= '9') p++;
    }
    while (p < s.length && isAlnum(s[p])) {
      p++;
      bad = true;
    }
    this.position = p;
    const text = s.slice(start, p);
    if (bad) throw jsonError(`Token "${text}" is invalid.`);
    return { kind: 'number', text };
  }

  private string(): Token {
    const s = this.text;
    const start = this.position;
    let p = start + 1;
    let value = '';
    let pendingHigh: number | undefined;
    while (true) {
      if (p >= s.length) {
        this.position = p;
        throw jsonError('The input string ended unexpectedly.');
      }
      const c = s[p] as string;
      if (c === '"') break;
      const code = c.charCodeAt(0);
      if (code < 0x20) throw jsonError(`Character with value 0x${code.toString(16).padStart(2, '0')} must be escaped.`);
      if (c !== '\\') {
        if (pendingHigh !== undefined) throw jsonError('Unicode low surrogate must follow a high surrogate.');
        value += c;
        p++;
        continue;
      }
      const e = s[p + 1];
      if (e === undefined) throw jsonError('The input string ended unexpectedly.');
      if (e === 'u') {
        const hex = s.slice(p + 2, p + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw jsonError('"\\u" must be followed by four hexadecimal digits.');
        const unit = parseInt(hex, 16);
        p += 6;
        if (unit >= 0xd800 && unit <= 0xdbff) {
          if (pendingHigh !== undefined) throw jsonError('Unicode high surrogate must not follow a high surrogate.');
          pendingHigh = unit;
        } else if (unit >= 0xdc00 && unit <= 0xdfff) {
          if (pendingHigh === undefined) throw jsonError('Unicode low surrogate must follow a high surrogate.');
          value += String.fromCharCode(pendingHigh, unit);
          pendingHigh = undefined;
        } else {
          if (pendingHigh !== undefined) throw jsonError('Unicode low surrogate must follow a high surrogate.');
          if (unit === 0 && this.forJsonb) {
            throw jsonError('\\u0000 cannot be converted to text.', '22P05', 'unsupported Unicode escape sequence');
          }
          value += String.fromCharCode(unit);
        }
        continue;
      }
      if (pendingHigh !== undefined) throw jsonError('Unicode low surrogate must follow a high surrogate.');
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      const decoded = simple[e];
      if (decoded === undefined) {
        let end = p + 1;
        // PostgreSQL reports the escape as one character (a whole multibyte one).
        end += (s.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
        throw jsonError(`Escape sequence "${s.slice(p, end)}" is invalid.`);
      }
      value += decoded;
      p += 2;
    }
    if (pendingHigh !== undefined) throw jsonError('Unicode low surrogate must follow a high surrogate.');
    this.position = p + 1;
    return { kind: 'string', text: s.slice(start, p + 1), value };
  }
}

/** Builds values as the parser recognizes them; json input only validates. */
interface Builder<T> {
  scalar(token: Token): T;
  array(items: T[]): T;
  object(entries: [string, T][]): T;
}

/** Nesting beyond this many levels is refused, as PostgreSQL's stack depth check would. */
const jsonDepthMax = 6_400;

function parseWith<T>(text: string, forJsonb: boolean, builder: Builder<T>): T {
  const lexer = new Lexer(text, forJsonb);
  let token = lexer.next();
  const advance = (): void => {
    token = lexer.next();
  };
  // A function, so that the compiler does not narrow the token across advance() calls.
  const kind = (): TokenKind => token.kind;
  const unexpected = (context: Context): never => {
    if (kind() === 'end') throw jsonError('The input string ended unexpectedly.');
    throw jsonError(`${expected[context]} "${token.text}".`);
  };
  const parseValue = (depth: number): T => {
    if (depth > jsonDepthMax) throw new PgError('54001', 'stack depth limit exceeded');
    switch (kind()) {
      case 'string':
      case 'number':
      case 'true':
      case 'false':
      case 'null': {
        const value = builder.scalar(token);
        advance();
        return value;
      }
      case '[': {
        advance();
        const items: T[] = [];
        if (kind() === ']') {
          advance();
          return builder.array(items);
        }
        while (true) {
          if (!isValueStart(kind())) unexpected(items.length === 0 ? 'array-start' : 'value');
          items.push(parseValue(depth + 1));
          if (kind() === ',') {
            advance();
            continue;
          }
          if (kind() === ']') {
            advance();
            return builder.array(items);
          }
          unexpected('array-next');
        }
      }
      case '{': {
        advance();
        const entries: [string, T][] = [];
        if (kind() === '}') {
          advance();
          return builder.object(entries);
        }
        while (true) {
          if (kind() !== 'string') unexpected(entries.length === 0 ? 'object-start' : 'object-comma');
          const key = token.value as string;
          advance();
          if (kind() !== ':') unexpected('object-label');
          advance();
          if (!isValueStart(kind())) unexpected('value');
          entries.push([key, parseValue(depth + 1)]);
          if (kind() === ',') {
            advance();
            continue;
          }
          if (kind() === '}') {
            advance();
            return builder.object(entries);
          }
          unexpected('object-next');
        }
      }
      default:
        return unexpected('value');
    }
  };
  const value = parseValue(0);
  if (kind() !== 'end') unexpected('end');
  return value;
}

function isValueStart(kind: TokenKind): boolean {
  return kind === 'string' || kind === 'number' || kind === 'true' || kind === 'false' || kind === 'null' || kind === '[' || kind === '{';
}

const validator: Builder<null> = {
  scalar: () => null,
  array: () => null,
  object: () => null,
};

/** json input: the text is kept as given once it parses. */
export function parseJson(text: string): string {
  parseWith(text, false, validator);
  return text;
}

const jsonbBuilder: Builder<JsonbValue> = {
  scalar(token) {
    switch (token.kind) {
      case 'string':
        return token.value as string;
      case 'number':
        return parseNumeric(token.text);
      case 'true':
        return true;
      case 'false':
        return false;
      default:
        return JSONB_NULL;
    }
  },
  array: (items) => items,
  object: (entries) => jsonbObject(entries),
};

export function parseJsonb(text: string): JsonbValue {
  return parseWith(text, true, jsonbBuilder);
}

/** Parses json text into a jsonb-shaped value (for json functions), keeping duplicate keys' last values. */
export function parseJsonToValue(text: string): JsonbValue {
  return parseWith(text, false, jsonbBuilder);
}

/**
 * A json value parsed with its objects' keys in input order and duplicates kept, which json
 * (unlike jsonb) preserves.
 */
export type JsonTree =
  | { readonly kind: 'scalar'; readonly text: string; readonly value: JsonbValue }
  | { readonly kind: 'array'; readonly items: readonly JsonTree[]; readonly text: string }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, JsonTree])[]; readonly text: string };

export function parseJsonTree(text: string): JsonTree {
  const tree = parseWith<JsonTree>(text, false, {
    scalar: (token) => ({ kind: 'scalar', text: token.text, value: jsonbBuilder.scalar(token) }),
    array: (items) => ({ kind: 'array', items, text: '' }),
    object: (entries) => ({ kind: 'object', entries, text: '' }),
  });
  return tree;
}

/** escape_json: the JSON string literal of a text. */
export function quoteJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const code = c.charCodeAt(0);
    switch (c) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      default:
        out += code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : c;
    }
  }
  return `${out}"`;
}

export function formatJsonbScalar(value: JsonbValue): string {
  if (value === JSONB_NULL) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return quoteJsonString(value);
  return formatNumeric(value as Decimal);
}

/** jsonb output: `{"a": 1, "b": [1, 2]}`. */
export function formatJsonb(value: JsonbValue): string {
  if (Array.isArray(value)) return `[${value.map(formatJsonb).join(', ')}]`;
  if (value instanceof JsonbObject) {
    return `{${value.keys.map((k, i) => `${quoteJsonString(k)}: ${formatJsonb(value.values[i] as JsonbValue)}`).join(', ')}}`;
  }
  return formatJsonbScalar(value as JsonbValue);
}

/** jsonb_pretty's layout: one element per line, four spaces per level. */
export function formatJsonbPretty(value: JsonbValue, indent = 0): string {
  const pad = (n: number): string => ' '.repeat(4 * n);
  if (Array.isArray(value)) {
    const items = value.map((v) => `${pad(indent + 1)}${formatJsonbPretty(v, indent + 1)}`);
    return `[\n${items.join(',\n')}${items.length > 0 ? '\n' : ''}${pad(indent)}]`;
  }
  if (value instanceof JsonbObject) {
    const items = value.keys.map((k, i) => `${pad(indent + 1)}${quoteJsonString(k)}: ${formatJsonbPretty(value.values[i] as JsonbValue, indent + 1)}`);
    return `{\n${items.join(',\n')}${items.length > 0 ? '\n' : ''}${pad(indent)}}`;
  }
  return formatJsonbScalar(value as JsonbValue);
}
