/**
 * PostgreSQL's Advanced Regular Expressions (manual 9.7.3) in the C locale.
 *
 * A pattern is parsed once into a tree, which serves two ways:
 *  - compiled to a JavaScript RegExp, for "is there a match" and "where is the leftmost match":
 *    the two engines agree on those, since both look for the leftmost position where the
 *    pattern matches at all;
 *  - interpreted by a small matcher with PostgreSQL's POSIX semantics for "which match" and
 *    "which submatches": among the matches at the leftmost position the longest is taken (the
 *    shortest when the pattern is non-greedy, as its first quantifier decides), and each
 *    subexpression takes the longest or shortest part consistent with the whole (manual 9.7.3.5,
 *    "Regular Expression Matching Rules"). JavaScript's backtracking answers differently for
 *    alternations (`a|ab` matches `ab` in PostgreSQL) and mixed greediness (`(.*?)@(.*)`).
 *
 * Case-insensitive matching folds ASCII letters only, and character classes ([[:alpha:]], \w...)
 * hold ASCII characters only, as PostgreSQL's regex library does in the C locale.
 */
import { PgError } from '../../errors/pg-error.js';
import { MoreSqlState } from '../../types/sqlstates.js';

export interface RegexFlags {
  caseInsensitive: boolean;
  /** '.' and [^...] do not match newline ('n', 'p'). */
  newlineDot: boolean;
  /** ^ and $ match at newlines ('n', 'w'). */
  newlineAnchor: boolean;
  expanded: boolean;
  literal: boolean;
}

export const defaultFlags = (): RegexFlags => ({ caseInsensitive: false, newlineDot: false, newlineAnchor: false, expanded: false, literal: false });

type Range = readonly [number, number];

export type Node =
  | { readonly kind: 'char'; readonly code: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'class'; readonly ranges: readonly Range[]; readonly negated: boolean }
  | { readonly kind: 'assert'; readonly what: 'bol' | 'eol' | 'bos' | 'eos' | 'word' | 'nonword' | 'wordstart' | 'wordend' }
  | { readonly kind: 'group'; readonly index: number | undefined; readonly body: Node }
  | { readonly kind: 'look'; readonly ahead: boolean; readonly negative: boolean; readonly body: Node }
  | { readonly kind: 'alt'; readonly branches: readonly Node[] }
  | { readonly kind: 'concat'; readonly items: readonly Node[] }
  /** `exact` marks the {m} form, which passes its atom's greediness through ({m,m} does not). */
  | { readonly kind: 'repeat'; readonly body: Node; readonly min: number; readonly max: number; readonly greedy: boolean; readonly exact?: boolean }
  | { readonly kind: 'backref'; readonly index: number };

export function regexError(detail: string): PgError {
  return new PgError(MoreSqlState.InvalidRegularExpression, `invalid regular expression: ${detail}`);
}

/** DUPMAX: the largest repetition count PostgreSQL's regex library accepts. */
const DUPMAX = 255;
const MAX_CODE = 0x10ffff;

const digitRanges: Range[] = [[0x30, 0x39]];
const upperRanges: Range[] = [[0x41, 0x5a]];
const lowerRanges: Range[] = [[0x61, 0x7a]];
const alphaRanges: Range[] = [...upperRanges, ...lowerRanges];
const alnumRanges: Range[] = [...digitRanges, ...alphaRanges];
const wordRanges: Range[] = [...alnumRanges, [0x5f, 0x5f]];
const spaceRanges: Range[] = [[0x09, 0x0d], [0x20, 0x20]];
const namedClasses: Record<string, Range[]> = {
  alpha: alphaRanges, digit: digitRanges, alnum: alnumRanges, upper: upperRanges, lower: lowerRanges,
  space: spaceRanges, blank: [[0x09, 0x09], [0x20, 0x20]], punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]], cntrl: [[0x00, 0x1f], [0x7f, 0x7f]], print: [[0x20, 0x7e]],
  graph: [[0x21, 0x7e]], word: wordRanges,
};

function complement(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CODE) out.push([next, MAX_CODE]);
  return out;
}

/** Adds the other case of ASCII letters, for case-insensitive matching. */
function foldRanges(ranges: readonly Range[]): Range[] {
  const out: Range[] = [...ranges];
  for (const [lo, hi] of ranges) {
    const addShifted = (from: number, to: number, shift: number): void => {
      const a = Math.max(lo, from);
      const b = Math.min(hi, to);
      if (a <= b) out.push([a + shift, b + shift]);
    };
    addShifted(0x41, 0x5a, 0x20);
    addShifted(0x61, 0x7a, -0x20);
  }
  return out;
}

export interface ParsedRegex {
  readonly root: Node;
  readonly groupCount: number;
  readonly flags: RegexFlags;
  readonly hasBackrefs: boolean;
}

/** Parses an ARE (with its leading ***: / ***= and (?flags) directors). */
export function parseRegex(pattern: string, initialFlags: RegexFlags): ParsedRegex {
  const flags = { ...initialFlags };
  let source = pattern;
  if (source.startsWith('***=')) {
    flags.literal = true;
    source = source.slice(4);
  } else if (source.startsWith('***:')) {
    source = source.slice(4);
  }
  if (!flags.literal) {
    const embedded = /^\(\?([a-z]*)\)/.exec(source);
    if (embedded !== null) {
      applyFlagLetters(flags, embedded[1] as string, true);
      source = source.slice(embedded[0].length);
    }
  }
  const codes = Array.from(source, (c) => c.codePointAt(0) as number);
  if (flags.literal) {
    return { root: { kind: 'concat', items: codes.map((code) => ({ kind: 'char', code })) }, groupCount: 0, flags, hasBackrefs: false };
  }
  const parser = new Parser(codes, flags);
  const root = parser.parseAlternation();
  if (parser.position < codes.length) {
    throw regexError(codes[parser.position] === 0x29 ? 'parentheses () not balanced' : 'invalid regular expression');
  }
  return { root, groupCount: parser.groupCount, flags, hasBackrefs: parser.hasBackrefs };
}

/** Applies option letters (manual Table 9.24); `embedded` is (?...) inside the pattern. */
export function applyFlagLetters(flags: RegexFlags, letters: string, embedded: boolean): void {
  for (const letter of letters) {
    switch (letter) {
      case 'i': flags.caseInsensitive = true; break;
      case 'c': flags.caseInsensitive = false; break;
      case 'n': case 'm': flags.newlineDot = true; flags.newlineAnchor = true; break;
      case 's': flags.newlineDot = false; flags.newlineAnchor = false; break;
      case 'p': flags.newlineDot = true; flags.newlineAnchor = false; break;
      case 'w': flags.newlineDot = false; flags.newlineAnchor = true; break;
      case 'x': flags.expanded = true; break;
      case 't': flags.expanded = false; break;
      case 'q': flags.literal = true; break;
      case 'b': case 'e':
        throw new PgError('0A000', 'basic and extended regular expressions are not supported, only advanced ones');
      default:
        if (embedded) throw regexError('invalid embedded option');
        throw new PgError('22023', `invalid regular expression option: "${letter}"`);
    }
  }
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isHex = (c: number | undefined): boolean => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
const isAlnum = (c: number | undefined): boolean => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));

class Parser {
  position = 0;
  groupCount = 0;
  hasBackrefs = false;

  constructor(
    private readonly codes: readonly number[],
    private readonly flags: RegexFlags,
  ) {}

  private peek(offset = 0): number | undefined {
    return this.codes[this.position + offset];
  }

  private skipExpanded(): void {
    if (!this.flags.expanded) return;
    while (this.position < this.codes.length) {
      const c = this.peek() as number;
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c) this.position++;
      else if (c === 0x23) {
        while (this.position < this.codes.length && this.peek() !== 0x0a) this.position++;
      } else break;
    }
  }

  parseAlternation(): Node {
    const branches: Node[] = [this.parseConcat()];
    while (this.peek() === 0x7c) {
      this.position++;
      branches.push(this.parseConcat());
    }
    return branches.length === 1 ? (branches[0] as Node) : { kind: 'alt', branches };
  }

  private parseConcat(): Node {
    const items: Node[] = [];
    while (true) {
      this.skipExpanded();
      const c = this.peek();
      if (c === undefined || c === 0x7c || c === 0x29) break;
      const atom = this.parseAtom();
      items.push(this.parseQuantifiers(atom));
    }
    return items.length === 1 ? (items[0] as Node) : { kind: 'concat', items };
  }

  private parseQuantifiers(atom: Node): Node {
    let node = atom;
    while (true) {
      this.skipExpanded();
      const c = this.peek();
      let min: number;
      let max: number;
      let exact = false;
      if (c === 0x2a) [min, max] = [0, Infinity];
      else if (c === 0x2b) [min, max] = [1, Infinity];
      else if (c === 0x3f) [min, max] = [0, 1];
      else if (c === 0x7b && isDigit(this.peek(1))) {
        const bound = this.parseBound();
        [min, max] = bound;
        exact = !this.codes.slice(this.boundStart, this.position).includes(0x2c);
        this.position--;
      } else break;
      this.position++;
      let greedy = true;
      if (this.peek() === 0x3f) {
        greedy = false;
        this.position++;
      }
      if (node.kind === 'assert' || node.kind === 'look') throw regexError('quantifier operand invalid');
      if (node.kind === 'repeat') throw regexError('quantifier operand invalid');
      node = exact && greedy ? { kind: 'repeat', body: node, min, max, greedy, exact } : { kind: 'repeat', body: node, min, max, greedy };
    }
    return node;
  }

  /** Where the last bound's text began, to tell {m} from {m,m}. */
  private boundStart = 0;

  /** {m}, {m,}, {m,n}; leaves the position on the closing brace. */
  private parseBound(): [number, number] {
    this.position++;
    this.boundStart = this.position;
    let text = '';
    while (this.position < this.codes.length && this.peek() !== 0x7d) text += String.fromCodePoint(this.codes[this.position++] as number);
    if (this.peek() !== 0x7d) throw regexError('braces {} not balanced');
    this.position++;
    const match = /^(\d+)(,(\d*))?$/.exec(text);
    if (match === null) throw regexError('invalid repetition count(s)');
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
    if (min > DUPMAX || (max !== Infinity && (max > DUPMAX || max < min))) throw regexError('invalid repetition count(s)');
    return [min, max];
  }

  private parseAtom(): Node {
    const c = this.peek() as number;
    this.position++;
    switch (c) {
      case 0x28: // (
        return this.parseGroup();
      case 0x5b: // [
        return this.parseBracket();
      case 0x2e: // .
        return { kind: 'any' };
      case 0x5e: // ^
        return { kind: 'assert', what: this.flags.newlineAnchor ? 'bol' : 'bos' };
      case 0x24: // $
        return { kind: 'assert', what: this.flags.newlineAnchor ? 'eol' : 'eos' };
      case 0x5c: // backslash
        return this.parseEscape();
      case 0x2a: case 0x2b: case 0x3f:
        throw regexError('quantifier operand invalid');
      case 0x7b:
        if (isDigit(this.peek())) throw regexError('quantifier operand invalid');
        return this.char(c);
      default:
        return this.char(c);
    }
  }

  private char(code: number): Node {
    if (this.flags.caseInsensitive && ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a))) {
      return { kind: 'class', ranges: foldRanges([[code, code]]), negated: false };
    }
    return { kind: 'char', code };
  }

  private parseGroup(): Node {
    if (this.peek() === 0x3f) {
      const next = this.peek(1);
      if (next === 0x3a) {
        this.position += 2;
        return { kind: 'group', index: undefined, body: this.closeGroup() };
      }
      if (next === 0x3d || next === 0x21) {
        this.position += 2;
        return { kind: 'look', ahead: true, negative: next === 0x21, body: this.closeGroup() };
      }
      if (next === 0x3c && (this.peek(2) === 0x3d || this.peek(2) === 0x21)) {
        const negative = this.peek(2) === 0x21;
        this.position += 3;
        return { kind: 'look', ahead: false, negative, body: this.closeGroup() };
      }
      throw regexError('quantifier operand invalid');
    }
    const index = ++this.groupCount;
    return { kind: 'group', index, body: this.closeGroup() };
  }

  private closeGroup(): Node {
    const body = this.parseAlternation();
    if (this.peek() !== 0x29) throw regexError('parentheses () not balanced');
    this.position++;
    return body;
  }

  private parseBracket(): Node {
    let negated = false;
    if (this.peek() === 0x5e) {
      negated = true;
      this.position++;
    }
    const ranges: Range[] = [];
    let first = true;
    while (true) {
      const c = this.peek();
      if (c === undefined) throw regexError('brackets [] not balanced');
      if (c === 0x5d && !first) {
        this.position++;
        break;
      }
      first = false;
      let low: number;
      if (c === 0x5b && this.peek(1) === 0x3a) {
        const end = this.findClose(0x3a);
        const name = String.fromCodePoint(...this.codes.slice(this.position + 2, end));
        const named = namedClasses[name];
        if (named === undefined) throw regexError('invalid character class');
        ranges.push(...named);
        this.position = end + 2;
        continue;
      }
      if (c === 0x5b && (this.peek(1) === 0x2e || this.peek(1) === 0x3d)) {
        const delimiter = this.peek(1) as number;
        const end = this.findClose(delimiter);
        const inner = this.codes.slice(this.position + 2, end);
        if (inner.length !== 1) throw new PgError('0A000', 'collating elements in regular expressions are not supported');
        low = inner[0] as number;
        this.position = end + 2;
      } else if (c === 0x5c) {
        this.position++;
        const escaped = this.bracketEscape();
        if (Array.isArray(escaped)) {
          ranges.push(...escaped);
          continue;
        }
        low = escaped as number;
      } else {
        low = c;
        this.position++;
      }
      if (this.peek() === 0x2d && this.peek(1) !== undefined && this.peek(1) !== 0x5d) {
        this.position++;
        let high = this.peek() as number;
        this.position++;
        if (high === 0x5c) {
          const escaped = this.bracketEscape();
          if (Array.isArray(escaped)) throw regexError('invalid character range');
          high = escaped as number;
        } else if (high === 0x5b && (this.peek() === 0x2e || this.peek() === 0x3d)) {
          const delimiter = this.peek() as number;
          this.position--;
          const end = this.findClose(delimiter);
          const inner = this.codes.slice(this.position + 2, end);
          if (inner.length !== 1) throw new PgError('0A000', 'collating elements in regular expressions are not supported');
          high = inner[0] as number;
          this.position = end + 2;
        }
        if (high < low) throw regexError('invalid character range');
        ranges.push([low, high]);
      } else {
        ranges.push([low, low]);
      }
    }
    const folded = this.flags.caseInsensitive ? foldRanges(ranges) : ranges;
    return { kind: 'class', ranges: folded, negated };
  }

  private findClose(delimiter: number): number {
    for (let i = this.position + 2; i + 1 < this.codes.length; i++) {
      if (this.codes[i] === delimiter && this.codes[i + 1] === 0x5d) return i;
    }
    throw regexError('brackets [] not balanced');
  }

  /** An escape inside brackets: a character or a class's ranges. */
  private bracketEscape(): number | Range[] {
    const c = this.peek();
    if (c === undefined) throw regexError('invalid escape \\ sequence');
    const cls = this.classEscape(c);
    if (cls !== undefined) {
      this.position++;
      return cls;
    }
    return this.characterEscape();
  }

  private classEscape(c: number): Range[] | undefined {
    switch (c) {
      case 0x64: return digitRanges;
      case 0x44: return complement(digitRanges);
      case 0x73: return spaceRanges;
      case 0x53: return complement(spaceRanges);
      case 0x77: return wordRanges;
      case 0x57: return complement(wordRanges);
      default: return undefined;
    }
  }

  private parseEscape(): Node {
    const c = this.peek();
    if (c === undefined) throw regexError('invalid escape \\ sequence');
    const cls = this.classEscape(c);
    if (cls !== undefined) {
      this.position++;
      return { kind: 'class', ranges: cls, negated: false };
    }
    const asserts: Record<number, Extract<Node, { kind: 'assert' }>['what']> = {
      0x41: 'bos', 0x5a: 'eos', 0x79: 'word', 0x59: 'nonword', 0x6d: 'wordstart', 0x4d: 'wordend',
    };
    const what = asserts[c];
    if (what !== undefined) {
      this.position++;
      return { kind: 'assert', what };
    }
    if (isDigit(c) && c !== 0x30) {
      // A back reference when that many groups exist (or a single digit), else octal.
      let digits = '';
      let i = 0;
      while (isDigit(this.peek(i))) digits += String.fromCodePoint(this.peek(i++) as number);
      let n = digits.length;
      while (n > 1 && Number(digits.slice(0, n)) > this.groupCount) n--;
      const index = Number(digits.slice(0, n));
      if (n === 1 || index <= this.groupCount) {
        if (index > this.groupCount) throw regexError('invalid backreference number');
        this.position += n;
        this.hasBackrefs = true;
        return { kind: 'backref', index };
      }
    }
    return this.char(this.characterEscape());
  }

  /** Character-entry escapes (\n, \t, \x41, \u00e9, \0, octal) and escaped punctuation. */
  private characterEscape(): number {
    const c = this.peek() as number;
    this.position++;
    const simple: Record<number, number> = {
      0x61: 0x07, 0x62: 0x08, 0x42: 0x5c, 0x65: 0x1b, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x76: 0x0b,
    };
    const mapped = simple[c];
    if (mapped !== undefined) return mapped;
    if (c === 0x63) {
      const next = this.peek();
      if (next === undefined) throw regexError('invalid escape \\ sequence');
      this.position++;
      return next & 0x1f;
    }
    if (c === 0x78 || c === 0x75 || c === 0x55) {
      const width = c === 0x78 ? Infinity : c === 0x75 ? 4 : 8;
      let hex = '';
      while (hex.length < width && isHex(this.peek())) hex += String.fromCodePoint(this.codes[this.position++] as number);
      if (hex === '' || (width !== Infinity && hex.length !== width)) throw regexError('invalid escape \\ sequence');
      const code = parseInt(hex, 16);
      if (code > MAX_CODE) throw regexError('invalid escape \\ sequence');
      return code;
    }
    if (isDigit(c)) {
      let octal = String.fromCodePoint(c);
      while (octal.length < 3 && this.peek() !== undefined && (this.peek() as number) >= 0x30 && (this.peek() as number) <= 0x37) {
        octal += String.fromCodePoint(this.codes[this.position++] as number);
      }
      if (/[89]/.test(octal)) throw regexError('invalid escape \\ sequence');
      return parseInt(octal, 8);
    }
    if (isAlnum(c)) throw regexError('invalid escape \\ sequence');
    return c;
  }
}

// ---------------------------------------------------------------------------------------------
// JavaScript compilation

function jsCode(code: number, inClass = false): string {
  if (code < 0x20 || code > 0x7e) return `\\u{${code.toString(16)}}`;
  const c = String.fromCharCode(code);
  const special = inClass ? /[\\\]\[^-]/ : /[\\^$.*+?()[\]{}|/]/;
  return special.test(c) ? `\\${c}` : c;
}

function jsClass(ranges: readonly Range[], negated: boolean, flags: RegexFlags): string {
  const body = ranges.map(([lo, hi]) => (lo === hi ? jsCode(lo, true) : `${jsCode(lo, true)}-${jsCode(hi, true)}`)).join('');
  if (negated) return `[^${body}${flags.newlineDot ? '\\n' : ''}]`;
  return body === '' ? '[^\\s\\S]' : `[${body}]`;
}

const WORD = '[A-Za-z0-9_]';

function jsSource(node: Node, flags: RegexFlags): string {
  switch (node.kind) {
    case 'char':
      return jsCode(node.code);
    case 'any':
      return flags.newlineDot ? '[^\\n]' : '[\\s\\S]';
    case 'class':
      return jsClass(node.ranges, node.negated, flags);
    case 'assert':
      switch (node.what) {
        case 'bos': return '(?<![\\s\\S])';
        case 'eos': return '(?![\\s\\S])';
        case 'bol': return '(?<![^\\n])';
        case 'eol': return '(?![^\\n])';
        case 'word': return `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
        case 'nonword': return `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;
        case 'wordstart': return `(?<!${WORD})(?=${WORD})`;
        case 'wordend': return `(?<=${WORD})(?!${WORD})`;
      }
      return '';
    case 'group':
      return node.index === undefined ? `(?:${jsSource(node.body, flags)})` : `(${jsSource(node.body, flags)})`;
    case 'look':
      return `(?${node.ahead ? '' : '<'}${node.negative ? '!' : '='}${jsSource(node.body, flags)})`;
    case 'alt':
      return node.branches.map((b) => jsSource(b, flags)).join('|');
    case 'concat':
      return node.items.map((item) => (item.kind === 'alt' ? `(?:${jsSource(item, flags)})` : jsSource(item, flags))).join('');
    case 'repeat': {
      const body = node.body.kind === 'concat' || node.body.kind === 'alt' ? `(?:${jsSource(node.body, flags)})` : jsSource(node.body, flags);
      const quantifier = node.min === 0 && node.max === Infinity ? '*' : node.min === 1 && node.max === Infinity ? '+'
        : node.min === 0 && node.max === 1 ? '?' : node.max === Infinity ? `{${node.min},}` : node.min === node.max ? `{${node.min}}` : `{${node.min},${node.max}}`;
      return `${body}${quantifier}${node.greedy ? '' : '?'}`;
    }
    case 'backref':
      return `\\${node.index}`;
  }
}

export function toJsRegExp(parsed: ParsedRegex, global = false): RegExp {
  return new RegExp(jsSource(parsed.root, parsed.flags), global ? 'dgu' : 'du');
}

/**
 * Whether JavaScript's backtracking finds the match PostgreSQL's rules choose. With no
 * alternation, no non-greedy quantifier, and quantifiers only on single characters, the first
 * match backtracking finds (each quantifier as long as the rest allows, left to right) is the
 * longest at its position and splits it as POSIX does; such common patterns (\s+, [a-z]+,
 * (\w+)@(\w+)) skip the slower POSIX matcher.
 */
export function simplePattern(node: Node): boolean {
  switch (node.kind) {
    case 'alt':
      return false;
    case 'repeat':
      return node.greedy && (node.body.kind === 'char' || node.body.kind === 'class' || node.body.kind === 'any');
    case 'group':
    case 'look':
      return simplePattern(node.body);
    case 'concat':
      return node.items.every(simplePattern);
    default:
      return true;
  }
}

/**
 * A weaker condition, for patterns with back references, which the POSIX matcher does not
 * interpret: without alternation and non-greedy quantifiers both engines prefer greedy matches.
 */
export function backtrackingAgrees(node: Node): boolean {
  switch (node.kind) {
    case 'alt':
      return false;
    case 'repeat':
      return node.greedy && backtrackingAgrees(node.body);
    case 'group':
    case 'look':
      return backtrackingAgrees(node.body);
    case 'concat':
      return node.items.every(backtrackingAgrees);
    default:
      return true;
  }
}

// ---------------------------------------------------------------------------------------------
// POSIX-semantics matcher

/** greediness of a node: true (longest), false (shortest) or undefined (none), manual 9.7.3.5. */
function greediness(node: Node): boolean | undefined {
  switch (node.kind) {
    case 'repeat':
      // "{m,n} exercises preference, even if it's {m,m}"; "{m} passes operand's preference through".
      if (!node.greedy) return false;
      return node.exact === true ? greediness(node.body) : true;
    case 'group':
      return greediness(node.body);
    case 'alt':
      return true;
    case 'concat':
      for (const item of node.items) {
        const g = greediness(item);
        if (g !== undefined) return g;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Whether a node holds a capturing group (PostgreSQL dissects only those parts). */
function hasCapture(node: Node): boolean {
  switch (node.kind) {
    case 'group':
      return node.index !== undefined || hasCapture(node.body);
    case 'alt':
      return node.branches.some(hasCapture);
    case 'concat':
      return node.items.some(hasCapture);
    case 'repeat':
    case 'look':
      return hasCapture(node.body);
    default:
      return false;
  }
}

/**
 * A part of a concatenation as PostgreSQL's parser builds its tree: each item with capturing
 * groups stands alone, and runs of items without any merge into one leaf, whose greediness is
 * that of its first item with a greediness.
 */
interface Unit {
  readonly nodes: readonly Node[];
  readonly capture: boolean;
  readonly greedy: boolean | undefined;
}

const unitCache = new WeakMap<readonly Node[], readonly Unit[]>();

function units(items: readonly Node[]): readonly Unit[] {
  const cached = unitCache.get(items);
  if (cached !== undefined) return cached;
  const out: Unit[] = [];
  let run: Node[] = [];
  let runGreedy: boolean | undefined;
  const flush = (): void => {
    if (run.length === 0) return;
    out.push({ nodes: run, capture: false, greedy: runGreedy });
    run = [];
    runGreedy = undefined;
  };
  for (const item of items) {
    if (hasCapture(item)) {
      flush();
      out.push({ nodes: [item], capture: true, greedy: greediness(item) });
      continue;
    }
    // A preference that clashes with the run's ("short/long clash") starts a new part.
    const preference = greediness(item);
    if (preference !== undefined && runGreedy !== undefined && preference !== runGreedy) flush();
    run.push(item);
    runGreedy ??= preference;
  }
  flush();
  unitCache.set(items, out);
  return out;
}

export interface Match {
  /** Code point offsets of the whole match. */
  readonly start: number;
  readonly end: number;
  /** Code point spans of the groups, 1-based; undefined for a group that did not take part. */
  readonly groups: readonly ([number, number] | undefined)[];
}

const isWordCode = (c: number | undefined): boolean => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f);

/** Interprets a parsed regex over one text with PostgreSQL's matching rules. */
export class PosixMatcher {
  private readonly text: readonly number[];
  private readonly memo = new Map<Node, Map<number, readonly number[]>>();

  constructor(
    private readonly parsed: ParsedRegex,
    text: string,
  ) {
    this.text = Array.from(text, (c) => c.codePointAt(0) as number);
  }

  get length(): number {
    return this.text.length;
  }

  /** The match at the leftmost position at or after `from`, or undefined. */
  find(from: number): Match | undefined {
    const root = this.parsed.root;
    const longest = greediness(root) !== false;
    for (let s = from; s <= this.text.length; s++) {
      const ends = this.ends(root, s);
      if (ends.length === 0) continue;
      const end = longest ? Math.max(...ends) : Math.min(...ends);
      const groups: ([number, number] | undefined)[] = new Array<[number, number] | undefined>(this.parsed.groupCount + 1).fill(undefined);
      this.dissect(root, s, end, groups);
      return { start: s, end, groups: groups.slice(1) };
    }
    return undefined;
  }

  /** Whether the node can match exactly text[start, end). */
  private matchesSpan(node: Node, start: number, end: number): boolean {
    return this.ends(node, start).includes(end);
  }

  private ends(node: Node, start: number): readonly number[] {
    let byStart = this.memo.get(node);
    if (byStart === undefined) {
      byStart = new Map();
      this.memo.set(node, byStart);
    }
    const cached = byStart.get(start);
    if (cached !== undefined) return cached;
    const result = this.computeEnds(node, start);
    byStart.set(start, result);
    return result;
  }

  private classMatches(ranges: readonly Range[], negated: boolean, code: number): boolean {
    let inside = false;
    for (const [lo, hi] of ranges) {
      if (code >= lo && code <= hi) {
        inside = true;
        break;
      }
    }
    if (negated) return !inside && !(this.parsed.flags.newlineDot && code === 0x0a);
    return inside;
  }

  private assertHolds(what: Extract<Node, { kind: 'assert' }>['what'], p: number): boolean {
    const before = this.text[p - 1];
    const after = this.text[p];
    switch (what) {
      case 'bos': return p === 0;
      case 'eos': return p === this.text.length;
      case 'bol': return p === 0 || before === 0x0a;
      case 'eol': return p === this.text.length || after === 0x0a;
      case 'word': return isWordCode(before) !== isWordCode(after);
      case 'nonword': return isWordCode(before) === isWordCode(after);
      case 'wordstart': return !isWordCode(before) && isWordCode(after);
      case 'wordend': return isWordCode(before) && !isWordCode(after);
    }
  }

  private computeEnds(node: Node, s: number): readonly number[] {
    const code = this.text[s];
    switch (node.kind) {
      case 'char':
        return code === node.code ? [s + 1] : [];
      case 'any':
        return code !== undefined && !(this.parsed.flags.newlineDot && code === 0x0a) ? [s + 1] : [];
      case 'class':
        return code !== undefined && this.classMatches(node.ranges, node.negated, code) ? [s + 1] : [];
      case 'assert':
        return this.assertHolds(node.what, s) ? [s] : [];
      case 'group':
        return this.ends(node.body, s);
      case 'look': {
        let found: boolean;
        if (node.ahead) found = this.ends(node.body, s).length > 0;
        else {
          found = false;
          for (let t = s; t >= 0 && !found; t--) found = this.matchesSpan(node.body, t, s);
        }
        return found !== node.negative ? [s] : [];
      }
      case 'alt': {
        const set = new Set<number>();
        for (const b of node.branches) for (const e of this.ends(b, s)) set.add(e);
        return [...set];
      }
      case 'concat': {
        let positions = new Set<number>([s]);
        for (const item of node.items) {
          const next = new Set<number>();
          for (const p of positions) for (const e of this.ends(item, p)) next.add(e);
          positions = next;
          if (positions.size === 0) break;
        }
        return [...positions];
      }
      case 'repeat': {
        const result = new Set<number>();
        if (node.min === 0) result.add(s);
        let current = new Set<number>([s]);
        const seen = new Set<number>();
        for (let k = 1; k <= node.max && current.size > 0; k++) {
          const next = new Set<number>();
          for (const p of current) for (const e of this.ends(node.body, p)) next.add(e);
          if (k >= node.min) {
            // Past the minimum, positions already reached add nothing new.
            for (const e of [...next]) {
              if (seen.has(e)) next.delete(e);
              else {
                seen.add(e);
                result.add(e);
              }
            }
          }
          current = next;
        }
        return [...result];
      }
      case 'backref':
        return [];
    }
  }

  /**
   * Assigns group spans for a node known to match [s, e), as PostgreSQL's cdissect does on its
   * tree of subexpressions: parts without capturing groups are matched as units, and the
   * captures come from the splits the greediness of each part chooses.
   */
  private dissect(node: Node, s: number, e: number, groups: ([number, number] | undefined)[]): void {
    if (!hasCapture(node)) return;
    switch (node.kind) {
      case 'group':
        if (node.index !== undefined) groups[node.index] = [s, e];
        this.dissect(node.body, s, e, groups);
        return;
      case 'alt':
        // caltdissect: the first alternative that can match the whole span.
        for (const b of node.branches) {
          if (this.matchesSpan(b, s, e)) {
            this.dissect(b, s, e, groups);
            return;
          }
        }
        return;
      case 'concat':
        this.dissectSequence(units(node.items), s, e, groups);
        return;
      case 'repeat':
        this.dissectRepeat(node, s, e, groups);
        return;
      default:
        return;
    }
  }

  /** Where a run of nodes can end, starting at `s`. */
  private runEnds(nodes: readonly Node[], s: number): number[] {
    let positions: number[] = [s];
    for (const node of nodes) {
      const next = new Set<number>();
      for (const p of positions) for (const e of this.ends(node, p)) next.add(e);
      positions = [...next];
      if (positions.length === 0) break;
    }
    return positions;
  }

  /**
   * A concatenation split into units (ccondissect on a right-nested tree): the first unit takes
   * the longest part the rest can follow, or the shortest when it is non-greedy.
   */
  private dissectSequence(list: readonly Unit[], s: number, e: number, groups: ([number, number] | undefined)[]): void {
    let position = s;
    for (let k = 0; k < list.length; k++) {
      const unit = list[k] as Unit;
      if (k === list.length - 1) {
        for (const node of unit.nodes) this.dissect(node, position, e, groups);
        return;
      }
      const rest = list.slice(k + 1).flatMap((u) => u.nodes);
      const candidates = this.runEnds(unit.nodes, position).filter((m) => m <= e && this.runEnds(rest, m).includes(e));
      if (candidates.length === 0) return;
      const split = unit.greedy === false ? Math.min(...candidates) : Math.max(...candidates);
      if (unit.capture) for (const node of unit.nodes) this.dissect(node, position, split, groups);
      position = split;
    }
  }

  /**
   * Repetitions of a part with capturing groups. x{m,n} with m >= 1 is x{m-1,n-1} followed by a
   * last x that alone holds the captures ("Turn x{m,n} into x{m-1,n-1}x, with capturing parens
   * in only the second x", regcomp.c); x{0,n} is an iteration whose last round holds them, each
   * round as long as possible (as short as possible when x is non-greedy), and an empty span is
   * matched by one empty round when x can match empty and is not itself non-greedy, so that its
   * groups are set: PostgreSQL answers {""} for regexp_match('', '(a*)*?') but {NULL} for
   * regexp_match('', '(a*?)*').
   */
  private dissectRepeat(node: Extract<Node, { kind: 'repeat' }>, s: number, e: number, groups: ([number, number] | undefined)[]): void {
    if (node.min >= 1) {
      const prefix: Extract<Node, { kind: 'repeat' }> = { kind: 'repeat', body: node.body, min: node.min - 1, max: node.max - 1, greedy: node.greedy };
      const candidates = [...this.ends(prefix, s)].filter((m) => m <= e && this.matchesSpan(node.body, m, e));
      if (candidates.length === 0) return;
      const split = greediness(node) !== false ? Math.max(...candidates) : Math.min(...candidates);
      this.dissect(node.body, split, e, groups);
      return;
    }
    if (s === e) {
      if (greediness(node.body) !== false && this.matchesSpan(node.body, s, s)) this.dissect(node.body, s, s, groups);
      return;
    }
    const rounds = this.iterationRounds(node, s, e);
    if (rounds === undefined || rounds.length === 0) return;
    const last = rounds[rounds.length - 1] as [number, number];
    this.dissect(node.body, last[0], last[1], groups);
  }

  /** citerdissect / creviterdissect: the rounds of a repetition over [s, e), none empty. */
  private iterationRounds(node: Extract<Node, { kind: 'repeat' }>, s: number, e: number): [number, number][] | undefined {
    const roundsMax = Math.min(node.max, e - s);
    // The iteration's own preference is its body's: (x*?)* takes short rounds, (a|ab)*? long ones.
    const longest = greediness(node.body) !== false;
    const search = (start: number, used: number): [number, number][] | undefined => {
      if (start === e) return [];
      if (used >= roundsMax) return undefined;
      const ends = this.ends(node.body, start).filter((m) => m > start && m <= e).sort((a, b) => (longest ? b - a : a - b));
      for (const m of ends) {
        const rest = search(m, used + 1);
        if (rest !== undefined) return [[start, m], ...rest];
      }
      return undefined;
    };
    return search(s, 0);
  }

  /** The text of a code point span. */
  slice(start: number, end: number): string {
    let out = '';
    for (let i = start; i < end; i += 4096) out += String.fromCodePoint(...this.text.slice(i, Math.min(end, i + 4096)));
    return out;
  }
}
