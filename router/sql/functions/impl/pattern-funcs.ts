/**
 * Pattern matching (manual 9.7): LIKE and ILIKE, SIMILAR TO (through similar_to_escape), the
 * POSIX regular expression operators and the regexp_* functions, with PostgreSQL's flags and
 * its rules for global matching (after an empty match the search moves one character on).
 */
import { PgError } from '../../errors/pg-error.js';
import { Oid } from '../../types/oids.js';
import { SqlArray, type Value } from '../../types/value.js';
import type { ScalarImpl, SetImpl } from '../function-types.js';
import { applyFlagLetters, backtrackingAgrees, defaultFlags, parseRegex, PosixMatcher, simplePattern, toJsRegExp, type Match, type ParsedRegex, type RegexFlags } from './regex.js';
import { MoreSqlState } from '../../types/sqlstates.js';

/** Compiled patterns are cached: a query applies one pattern to many rows. */
const cacheEntriesMax = 256;

function cached<V>(cache: Map<string, V>, key: string, build: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const value = build();
  if (cache.size >= cacheEntriesMax) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

// ---------------------------------------------------------------------------------------------
// LIKE

const likeCache = new Map<string, { exact: RegExp; dangling?: RegExp }>();

function escapeForRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/**
 * A LIKE pattern as an anchored RegExp; `\` escapes, % and _ are wildcards (manual 9.7.1). A
 * pattern ending in a lone escape is an error only when matching reaches it with text left
 * ("LIKE pattern must not end with escape character"); the `dangling` form finds that case.
 */
function likeRegExp(pattern: string, caseInsensitive: boolean, bytes: boolean): { exact: RegExp; dangling?: RegExp } {
  return cached(likeCache, `${caseInsensitive ? 'i' : 'c'}${bytes ? 'b' : 't'}${pattern}`, () => {
    let source = '';
    let dangling = false;
    const chars = bytes ? pattern.split('') : Array.from(pattern);
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as string;
      if (c === '\\') {
        i++;
        if (i >= chars.length) {
          dangling = true;
          break;
        }
        source += literal(chars[i] as string, caseInsensitive);
      } else if (c === '%') source += '[\\s\\S]*';
      else if (c === '_') source += '[\\s\\S]';
      else source += literal(c, caseInsensitive);
    }
    const flags = bytes ? '' : 'u';
    const exact = new RegExp(`^${source}$`, flags);
    return dangling ? { exact, dangling: new RegExp(`^${source}[\\s\\S]`, flags) } : { exact };
  });
}

function likeMatches(text: string, compiled: { exact: RegExp; dangling?: RegExp }): boolean {
  if (compiled.dangling !== undefined) {
    if (compiled.exact.test(text)) return false;
    if (compiled.dangling.test(text)) throw new PgError('22025', 'LIKE pattern must not end with escape character');
    return false;
  }
  return compiled.exact.test(text);
}

function literal(c: string, caseInsensitive: boolean): string {
  if (caseInsensitive && /[A-Za-z]/.test(c)) return `[${c.toLowerCase()}${c.toUpperCase()}]`;
  return escapeForRegExp(c);
}

export function like(text: string, pattern: string, caseInsensitive = false): boolean {
  return likeMatches(text, likeRegExp(pattern, caseInsensitive, false));
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** like_escape: rewrites a pattern with ESCAPE e into one with backslash as its escape. */
export function likeEscape(pattern: string, escape: string): string {
  const escapeChars = Array.from(escape);
  if (escapeChars.length > 1) {
    throw new PgError('22025', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  }
  if (escapeChars.length === 0) return pattern.replace(/\\/g, '\\\\');
  const e = escapeChars[0] as string;
  if (e === '\\') return pattern;
  let out = '';
  let afterEscape = false;
  for (const c of pattern) {
    if (c === e && !afterEscape) {
      out += '\\';
      afterEscape = true;
    } else if (c === '\\') {
      out += afterEscape ? '\\' : '\\\\';
      afterEscape = false;
    } else {
      out += c;
      afterEscape = false;
    }
  }
  return out;
}

/** similar_to_escape: a SQL regular expression (SIMILAR TO) as a POSIX one. */
export function similarToEscape(pattern: string, escape: string | null): string {
  let e: string | null = escape ?? '\\';
  if (escape !== null) {
    const chars = Array.from(escape);
    if (chars.length === 0) e = null;
    else if (chars.length > 1) throw new PgError('22025', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  }
  let out = '^(?:';
  let afterEscape = false;
  let inClass = false;
  let quotes = 0;
  for (const c of pattern) {
    if (afterEscape) {
      if (c === '"' && !inClass) {
        if (quotes === 0) out += '){1,1}?(';
        else if (quotes === 1) out += '){1,1}(?:';
        else throw new PgError(MoreSqlState.InvalidUseOfEscapeCharacter, 'SQL regular expression may not contain more than two escape-double-quote separators');
        quotes++;
      } else {
        out += `\\${c}`;
      }
      afterEscape = false;
    } else if (e !== null && c === e) {
      afterEscape = true;
    } else if (inClass) {
      if (c === '\\') out += '\\';
      out += c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      out += c;
      inClass = true;
    } else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (c === '(') out += '(?:';
    else if (c === '\\' || c === '.' || c === '^' || c === '$') out += `\\${c}`;
    else out += c;
  }
  return `${out})$`;
}

// ---------------------------------------------------------------------------------------------
// regular expressions

interface Compiled {
  readonly parsed: ParsedRegex;
  readonly js: RegExp;
  /** JavaScript's answer is PostgreSQL's (simplePattern). */
  readonly simple: boolean;
}

const regexCache = new Map<string, Compiled>();

function flagsKey(flags: RegexFlags): string {
  return `${+flags.caseInsensitive}${+flags.newlineDot}${+flags.newlineAnchor}${+flags.expanded}${+flags.literal}`;
}

function compile(pattern: string, flags: RegexFlags): Compiled {
  return cached(regexCache, `${flagsKey(flags)}${pattern}`, () => {
    const parsed = parseRegex(pattern, flags);
    let js: RegExp;
    try {
      js = toJsRegExp(parsed, true);
    } catch (err) {
      throw new PgError(MoreSqlState.InvalidRegularExpression, `invalid regular expression: ${(err as Error).message}`);
    }
    return { parsed, js, simple: simplePattern(parsed.root) };
  });
}

/** The options of the regexp_* functions' flags argument; 'g' is reported apart. */
function parseFlags(text: string | null | undefined, caseInsensitive = false): { flags: RegexFlags; global: boolean } {
  const flags = defaultFlags();
  flags.caseInsensitive = caseInsensitive;
  let global = false;
  for (const letter of text ?? '') {
    if (letter === 'g') global = true;
    else applyFlagLetters(flags, letter, false);
  }
  return { flags, global };
}

export function regexMatches(text: string, pattern: string, caseInsensitive: boolean): boolean {
  const { js } = compile(pattern, { ...defaultFlags(), caseInsensitive });
  js.lastIndex = 0;
  return js.test(text);
}

/** A text prepared for repeated searches: JavaScript finds where, the POSIX matcher what. */
class Searcher {
  private posix: PosixMatcher | undefined;
  /** UTF-16 offset of each code point, and one past the end. */
  private readonly offsets: number[];

  constructor(
    private readonly compiled: Compiled,
    readonly text: string,
  ) {
    this.offsets = [];
    let offset = 0;
    for (const c of text) {
      this.offsets.push(offset);
      offset += c.length;
    }
    this.offsets.push(offset);
  }

  /** The text's length in code points. */
  get length(): number {
    return this.offsets.length - 1;
  }

  private get matcher(): PosixMatcher {
    this.posix ??= new PosixMatcher(this.compiled.parsed, this.text);
    return this.posix;
  }

  /** The leftmost match starting at code point `from` or later. */
  find(from: number): Match | undefined {
    if (from > this.length) return undefined;
    const js = this.compiled.js;
    js.lastIndex = this.offsets[from] as number;
    const found = js.exec(this.text);
    if (found === null) return undefined;
    if (this.compiled.simple || this.compiled.parsed.hasBackrefs) return this.fromJs(found);
    return this.matcher.find(this.codePointIndex(found.index));
  }

  private codePointIndex(utf16: number): number {
    let low = 0;
    let high = this.offsets.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.offsets[mid] as number) < utf16) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** A match as JavaScript found it, for patterns with back references (backtrackingAgrees). */
  private fromJs(found: RegExpExecArray): Match {
    if (!this.compiled.simple && !backtrackingAgrees(this.compiled.parsed.root)) {
      throw new PgError('0A000', 'regular expressions with back references and alternation or non-greedy quantifiers are not supported here');
    }
    const indices = found.indices as [number, number][];
    const whole = indices[0] as [number, number];
    const groups = indices.slice(1).map((span) => (span === undefined ? undefined : [this.codePointIndex(span[0]), this.codePointIndex(span[1])] as [number, number]));
    return { start: this.codePointIndex(whole[0]), end: this.codePointIndex(whole[1]), groups };
  }

  slice(start: number, end: number): string {
    return this.text.slice(this.offsets[start], this.offsets[end]);
  }

  /** Every match from `from` on, moving one character past each empty match. */
  *all(from = 0): Iterable<Match> {
    let position = from;
    while (position <= this.length) {
      const match = this.find(position);
      if (match === undefined) return;
      yield match;
      position = match.end > match.start ? match.end : match.end + 1;
    }
  }

  groupTexts(match: Match): (string | null)[] {
    return match.groups.map((g) => (g === undefined ? null : this.slice(g[0], g[1])));
  }
}

function searcher(text: string, pattern: string, flags: RegexFlags): Searcher {
  return new Searcher(compile(pattern, flags), text);
}

/** regexp_match's and regexp_matches's row: the groups, or the whole match without groups. */
function matchArray(s: Searcher, match: Match): SqlArray {
  const values = match.groups.length === 0 ? [s.slice(match.start, match.end)] : s.groupTexts(match);
  return SqlArray.of(Oid.text, values);
}

/** The replacement text with \1..\9 and \& substituted (manual 9.7.3, regexp_replace). */
function expandReplacement(replacement: string, s: Searcher, match: Match): string {
  if (!replacement.includes('\\')) return replacement;
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i] as string;
    if (c !== '\\' || i + 1 >= replacement.length) {
      out += c;
      continue;
    }
    const next = replacement[i + 1] as string;
    if (next >= '1' && next <= '9') {
      const group = match.groups[Number(next) - 1];
      if (group !== undefined) out += s.slice(group[0], group[1]);
      i++;
    } else if (next === '&') {
      out += s.slice(match.start, match.end);
      i++;
    } else if (next === '\\') {
      out += '\\';
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

function checkStart(start: number): void {
  if (start <= 0) throw new PgError('22023', `invalid value for parameter "start": ${start}`);
}

function regexpReplace(text: string, pattern: string, replacement: string, options: {
  flags: string | null; start?: number; n?: number;
}): string {
  const { flags, global } = parseFlags(options.flags);
  const start = options.start ?? 1;
  checkStart(start);
  if (options.n !== undefined && options.n < 0) throw new PgError('22023', `invalid value for parameter "n": ${options.n}`);
  const s = searcher(text, pattern, flags);
  const replaceAll = options.n === undefined ? global : options.n === 0;
  const target = options.n ?? 1;
  let out = '';
  let copied = 0;
  let count = 0;
  for (const match of s.all(start - 1)) {
    count++;
    if (replaceAll || count === target) {
      out += s.slice(copied, match.start) + expandReplacement(replacement, s, match);
      copied = match.end;
      if (!replaceAll) break;
    }
  }
  return out + s.slice(copied, s.length);
}

/**
 * regexp_split: the pieces between matches. "Degenerate" matches are ignored: empty ones at the
 * start or end of the string or right after a previous match (setup_regexp_matches).
 */
function* regexpSplit(text: string, pattern: string, flagText: string | null, fn: string): Iterable<string> {
  const { flags, global } = parseFlags(flagText);
  if (global) throw new PgError('22023', `${fn}() does not support the "global" option`);
  const s = searcher(text, pattern, flags);
  let previousEnd = 0;
  let pieceStart = 0;
  for (const match of s.all(0)) {
    if (match.start < s.length && match.end > previousEnd) {
      yield s.slice(pieceStart, match.start);
      pieceStart = match.end;
    }
    previousEnd = match.end;
  }
  yield s.slice(pieceStart, s.length);
}

function nthMatch(s: Searcher, start: number, n: number): Match | undefined {
  let count = 0;
  for (const match of s.all(start - 1)) if (++count === n) return match;
  return undefined;
}

function checkN(n: number, name = 'n'): void {
  if (n <= 0) throw new PgError('22023', `invalid value for parameter "${name}": ${n}`);
}

function noGlobal(flagText: string | null | undefined, fn: string): RegexFlags {
  const { flags, global } = parseFlags(flagText);
  if (global) throw new PgError('22023', `${fn}() does not support the "global" option`, fn === 'regexp_match' ? { hint: 'Use the regexp_matches function instead.' } : {});
  return flags;
}

function regexpInstr(args: readonly Value[]): number {
  const [text, pattern, start = 1, n = 1, endOption = 0, flagText = null, subexpr = 0] = args as [string, string, number?, number?, number?, string?, number?];
  checkStart(start);
  checkN(n);
  if (endOption !== 0 && endOption !== 1) throw new PgError('22023', `invalid value for parameter "endoption": ${endOption}`);
  if (subexpr < 0) throw new PgError('22023', `invalid value for parameter "subexpr": ${subexpr}`);
  const s = searcher(text, pattern, noGlobal(flagText, 'regexp_instr'));
  const match = nthMatch(s, start, n);
  if (match === undefined) return 0;
  const span = subexpr === 0 ? ([match.start, match.end] as [number, number]) : match.groups[subexpr - 1];
  if (span === undefined) return 0;
  return (endOption === 0 ? span[0] : span[1]) + 1;
}

function regexpSubstr(args: readonly Value[]): string | null {
  const [text, pattern, start = 1, n = 1, flagText = null, subexpr = 0] = args as [string, string, number?, number?, string?, number?];
  checkStart(start);
  checkN(n);
  if (subexpr < 0) throw new PgError('22023', `invalid value for parameter "subexpr": ${subexpr}`);
  const s = searcher(text, pattern, noGlobal(flagText, 'regexp_substr'));
  const match = nthMatch(s, start, n);
  if (match === undefined) return null;
  const span = subexpr === 0 ? ([match.start, match.end] as [number, number]) : match.groups[subexpr - 1];
  return span === undefined ? null : s.slice(span[0], span[1]);
}

function regexpCount(args: readonly Value[]): number {
  const [text, pattern, start = 1, flagText = null] = args as [string, string, number?, string?];
  checkStart(start);
  const s = searcher(text, pattern, noGlobal(flagText, 'regexp_count'));
  let count = 0;
  for (const _ of s.all(start - 1)) count++;
  return count;
}

/** substring(text from pattern): the first group's text if the pattern has groups, else the match. */
function regexSubstring(text: string, pattern: string): string | null {
  const s = searcher(text, pattern, defaultFlags());
  const match = s.find(0);
  if (match === undefined) return null;
  if (match.groups.length === 0) return s.slice(match.start, match.end);
  const group = match.groups[0];
  return group === undefined ? null : s.slice(group[0], group[1]);
}

const t = (v: unknown): string => v as string;
const b = (v: unknown): Uint8Array => v as Uint8Array;

/** The pattern matching functions and operators, by C symbol. */
export const patternImpls: Record<string, ScalarImpl> = {
  textlike: ([a, p]) => like(t(a), t(p)),
  textnlike: ([a, p]) => !like(t(a), t(p)),
  texticlike: ([a, p]) => like(t(a), t(p), true),
  texticnlike: ([a, p]) => !like(t(a), t(p), true),
  namelike: ([a, p]) => like(t(a), t(p)),
  namenlike: ([a, p]) => !like(t(a), t(p)),
  nameiclike: ([a, p]) => like(t(a), t(p), true),
  nameicnlike: ([a, p]) => !like(t(a), t(p), true),
  bytealike: ([a, p]) => likeMatches(latin1(b(a)), likeRegExp(latin1(b(p)), false, true)),
  byteanlike: ([a, p]) => !likeMatches(latin1(b(a)), likeRegExp(latin1(b(p)), false, true)),
  like_escape: ([p, e]) => likeEscape(t(p), t(e)),
  like_escape_bytea: ([p, e]) => Uint8Array.from(Buffer.from(likeEscape(latin1(b(p)), latin1(b(e))), 'latin1')),
  similar_to_escape_1: ([p]) => similarToEscape(t(p), null),
  similar_to_escape_2: ([p, e]) => similarToEscape(t(p), t(e)),
  similar_escape: ([p, e]) => (p === null ? null : similarToEscape(t(p), e === null ? null : t(e))),
  textregexeq: ([a, p]) => regexMatches(t(a), t(p), false),
  textregexne: ([a, p]) => !regexMatches(t(a), t(p), false),
  texticregexeq: ([a, p]) => regexMatches(t(a), t(p), true),
  texticregexne: ([a, p]) => !regexMatches(t(a), t(p), true),
  nameregexeq: ([a, p]) => regexMatches(t(a), t(p), false),
  nameregexne: ([a, p]) => !regexMatches(t(a), t(p), false),
  nameicregexeq: ([a, p]) => regexMatches(t(a), t(p), true),
  nameicregexne: ([a, p]) => !regexMatches(t(a), t(p), true),
  textregexsubstr: ([a, p]) => regexSubstring(t(a), t(p)),
  'substring(text,text,text)': ([a, p, e]) => regexSubstring(t(a), similarToEscape(t(p), t(e))),
  textregexreplace_noopt: ([a, p, r]) => regexpReplace(t(a), t(p), t(r), { flags: null }),
  textregexreplace: ([a, p, r, f]) => regexpReplace(t(a), t(p), t(r), { flags: t(f) }),
  textregexreplace_extended_no_n: ([a, p, r, s]) => regexpReplace(t(a), t(p), t(r), { flags: null, start: s as number }),
  textregexreplace_extended_no_flags: ([a, p, r, s, n]) => regexpReplace(t(a), t(p), t(r), { flags: null, start: s as number, n: n as number }),
  textregexreplace_extended: ([a, p, r, s, n, f]) => regexpReplace(t(a), t(p), t(r), { flags: t(f), start: s as number, n: n as number }),
  regexp_match_no_flags: ([a, p]) => {
    const s = searcher(t(a), t(p), defaultFlags());
    const match = s.find(0);
    return match === undefined ? null : matchArray(s, match);
  },
  regexp_match: ([a, p, f]) => {
    const s = searcher(t(a), t(p), noGlobal(t(f), 'regexp_match'));
    const match = s.find(0);
    return match === undefined ? null : matchArray(s, match);
  },
  regexp_split_to_array_no_flags: ([a, p]) => SqlArray.of(Oid.text, [...regexpSplit(t(a), t(p), null, 'regexp_split_to_array')]),
  regexp_split_to_array: ([a, p, f]) => SqlArray.of(Oid.text, [...regexpSplit(t(a), t(p), t(f), 'regexp_split_to_array')]),
  regexp_count_no_start: (args) => regexpCount(args),
  regexp_count_no_flags: (args) => regexpCount(args),
  regexp_count: (args) => regexpCount(args),
  regexp_instr_no_start: (args) => regexpInstr(args),
  regexp_instr_no_n: (args) => regexpInstr(args),
  regexp_instr_no_endoption: (args) => regexpInstr(args),
  regexp_instr_no_flags: (args) => regexpInstr(args),
  regexp_instr_no_subexpr: (args) => regexpInstr(args),
  regexp_instr: (args) => regexpInstr(args),
  regexp_like_no_flags: ([a, p]) => regexMatches(t(a), t(p), false),
  regexp_like: ([a, p, f]) => {
    const flags = noGlobal(t(f), 'regexp_like');
    const { js } = compile(t(p), flags);
    js.lastIndex = 0;
    return js.test(t(a));
  },
  regexp_substr_no_start: (args) => regexpSubstr(args),
  regexp_substr_no_n: (args) => regexpSubstr(args),
  regexp_substr_no_flags: (args) => regexpSubstr(args),
  regexp_substr_no_subexpr: (args) => regexpSubstr(args),
  regexp_substr: (args) => regexpSubstr(args),
};

function* matchesAll(text: string, pattern: string, flagText: string | null): Iterable<Value> {
  const { flags, global } = parseFlags(flagText);
  const s = searcher(text, pattern, flags);
  if (!global) {
    const match = s.find(0);
    if (match !== undefined) yield matchArray(s, match);
    return;
  }
  for (const match of s.all(0)) yield matchArray(s, match);
}

export const patternSetImpls: Record<string, SetImpl> = {
  regexp_matches_no_flags: ([a, p]) => matchesAll(t(a), t(p), null),
  regexp_matches: ([a, p, f]) => matchesAll(t(a), t(p), t(f)),
  regexp_split_to_table_no_flags: ([a, p]) => regexpSplit(t(a), t(p), null, 'regexp_split_to_table'),
  regexp_split_to_table: ([a, p, f]) => regexpSplit(t(a), t(p), t(f), 'regexp_split_to_table'),
};
