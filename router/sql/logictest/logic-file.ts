/**
 * Parses logic test files (sqllogictest as CockroachDB writes it) into records. The grammar:
 *
 *     # a comment (only between records)
 *     statement ok | statement count N | statement error pgcode XXXXX [regex]
 *     <one SQL statement, any number of lines, ended by a blank line>
 *
 *     query <types> [nosort|rowsort|valuesort] [colnames]
 *     <SQL>
 *     ----
 *     <expected rows, one per line, ended by a blank line; see result-format.ts>
 *
 *     query error pgcode XXXXX [regex]
 *     <SQL>
 *
 *     skipif <engine> / onlyif <engine>       before a record: run it only on some engines
 *     connection <name>                       later records run on this session (opened on first
 *                                             use, on the file's database); `default` is the first
 *     statement async <label> ok|count N|error ...   start a statement that must block on a lock
 *     query async <label> <types> ...                (a query likewise), and go on
 *     await <label>                           wait for it to finish and check its expectation
 *     halt                                    ignore the rest of the file
 *
 * `<types>` has one letter per column: I integer (int2/int4/int8), R numeric or floating point,
 * B boolean, T any other type. Parsing is pure; running is `runner.ts`.
 */
import { engines, type Engine } from './sql-target.js';

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

export const columnTypeLetters = ['I', 'R', 'B', 'T'] as const;
export type ColumnTypeLetter = (typeof columnTypeLetters)[number];

/** A span of lines, 0-based and half-open, for rewriting a record in place. */
export interface LineSpan {
  readonly start: number;
  readonly end: number;
}

export interface Condition {
  readonly kind: 'skipif' | 'onlyif';
  readonly engine: Engine;
}

export type StatementExpectation =
  | { readonly kind: 'ok' }
  | { readonly kind: 'count'; readonly count: number }
  | ErrorExpectation;

export interface ErrorExpectation {
  readonly kind: 'error';
  readonly code: string;
  /** Matched against the error message when present. */
  readonly messagePattern: string | undefined;
}

export interface RowsExpectation {
  readonly kind: 'rows';
  readonly types: string;
  readonly sort: SortMode;
  readonly colnames: boolean;
  /** The expected block as written, one line per row (plus the names line with colnames). */
  readonly lines: readonly string[];
  /** Where the expected block sits (after `----`), for REWRITE. */
  readonly block: LineSpan;
}

interface RecordCommon {
  /** `file:line` of the record's header, for messages. */
  readonly pos: string;
  /** 0-based index of the header line, and the line itself (REWRITE edits it). */
  readonly headerIndex: number;
  readonly header: string;
  readonly conditions: readonly Condition[];
}

export type LogicRecord =
  | (RecordCommon & {
      readonly kind: 'statement';
      readonly sql: string;
      readonly asyncLabel: string | undefined;
      readonly expect: StatementExpectation;
    })
  | (RecordCommon & {
      readonly kind: 'query';
      readonly sql: string;
      readonly asyncLabel: string | undefined;
      readonly expect: RowsExpectation | ErrorExpectation;
    })
  | (RecordCommon & { readonly kind: 'connection'; readonly name: string })
  | (RecordCommon & { readonly kind: 'await'; readonly label: string })
  | (RecordCommon & { readonly kind: 'halt' });

export interface LogicFile {
  readonly path: string;
  /** The file's lines, kept so that REWRITE can replace records in place. */
  readonly lines: readonly string[];
  readonly records: readonly LogicRecord[];
}

/** A mistake in a logic file (not a failure of the engine under test). */
export class LogicFileError extends Error {
  override readonly name = 'LogicFileError';
}

const sqlStatePattern = /^[0-9A-Z]{5}$/;
const labelPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseLogicFile(text: string, path: string): LogicFile {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const records: LogicRecord[] = [];
  let conditions: Condition[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const pos = `${path}:${i + 1}`;
    const words = line.trim().split(/\s+/);
    const keyword = words[0] as string;
    const common = { pos, headerIndex: i, header: line, conditions };
    if (keyword === 'skipif' || keyword === 'onlyif') {
      conditions = [...conditions, parseCondition(keyword, words, pos)];
      i++;
      continue;
    }
    conditions = [];
    switch (keyword) {
      case 'statement': {
        const header = parseStatementHeader(line, pos);
        const body = readSql(lines, i + 1, 'blank', pos);
        records.push({ ...common, kind: 'statement', sql: body.sql, ...header });
        i = body.next;
        break;
      }
      case 'query': {
        const parsed = parseQuery(lines, i, pos);
        records.push({ ...common, kind: 'query', ...parsed.record });
        i = parsed.next;
        break;
      }
      case 'connection':
        records.push({ ...common, kind: 'connection', name: singleArgument(words, pos, 'a connection name') });
        i++;
        break;
      case 'await':
        records.push({ ...common, kind: 'await', label: singleArgument(words, pos, 'a label') });
        i++;
        break;
      case 'halt':
        if (words.length !== 1) throw new LogicFileError(`${pos}: halt takes no arguments`);
        records.push({ ...common, kind: 'halt' });
        i++;
        break;
      default:
        throw new LogicFileError(`${pos}: unknown record "${keyword}"`);
    }
  }
  if (conditions.length > 0) throw new LogicFileError(`${path}: skipif/onlyif at the end of the file, before no record`);
  return { path, lines, records };
}

function parseCondition(kind: 'skipif' | 'onlyif', words: readonly string[], pos: string): Condition {
  const engine = words[1];
  const rest = words.slice(2);
  if (engine === undefined || !(engines as readonly string[]).includes(engine)) {
    throw new LogicFileError(`${pos}: ${kind} needs an engine: ${engines.join(' or ')}`);
  }
  if (rest.length > 0 && !(rest[0] as string).startsWith('#')) {
    throw new LogicFileError(`${pos}: ${kind} takes one engine (a reason may follow after #)`);
  }
  return { kind, engine: engine as Engine };
}

function singleArgument(words: readonly string[], pos: string, what: string): string {
  const [keyword, argument, ...rest] = words;
  if (argument === undefined || rest.length > 0 || !labelPattern.test(argument)) {
    throw new LogicFileError(`${pos}: ${keyword} takes ${what} (letters, digits, _)`);
  }
  return argument;
}

/** Splits `async <label>` off the front of a header's arguments. */
function takeAsync(rest: string, pos: string): { asyncLabel: string | undefined; rest: string } {
  const match = /^async(?:\s+(\S+))?\s*(.*)$/.exec(rest);
  if (match === null) return { asyncLabel: undefined, rest };
  const label = match[1];
  if (label === undefined || !labelPattern.test(label)) throw new LogicFileError(`${pos}: async needs a label`);
  return { asyncLabel: label, rest: match[2] ?? '' };
}

function parseStatementHeader(
  line: string,
  pos: string,
): { asyncLabel: string | undefined; expect: StatementExpectation } {
  const { asyncLabel, rest } = takeAsync(line.trim().slice('statement'.length).trim(), pos);
  if (rest === 'ok') return { asyncLabel, expect: { kind: 'ok' } };
  const count = /^count\s+(\d+)$/.exec(rest);
  if (count !== null) return { asyncLabel, expect: { kind: 'count', count: Number(count[1]) } };
  if (rest.startsWith('error')) return { asyncLabel, expect: parseErrorExpectation(rest, pos) };
  throw new LogicFileError(`${pos}: statement needs ok, count N or error pgcode XXXXX`);
}

function parseErrorExpectation(rest: string, pos: string): ErrorExpectation {
  const match = /^error\s+pgcode\s+(\S+)\s*(.*)$/.exec(rest);
  if (match === null || !sqlStatePattern.test(match[1] as string)) {
    throw new LogicFileError(`${pos}: an error expectation is "error pgcode XXXXX [regex]" with a SQLSTATE`);
  }
  const pattern = (match[2] as string).trim();
  if (pattern !== '') {
    try {
      new RegExp(pattern);
    } catch (err) {
      throw new LogicFileError(`${pos}: bad error regex: ${(err as Error).message}`);
    }
  }
  return { kind: 'error', code: match[1] as string, messagePattern: pattern === '' ? undefined : pattern };
}

function parseQuery(
  lines: readonly string[],
  headerIndex: number,
  pos: string,
): {
  record: { sql: string; asyncLabel: string | undefined; expect: RowsExpectation | ErrorExpectation };
  next: number;
} {
  const header = lines[headerIndex] as string;
  const { asyncLabel, rest } = takeAsync(header.trim().slice('query'.length).trim(), pos);
  if (rest.startsWith('error')) {
    const expect = parseErrorExpectation(rest, pos);
    const body = readSql(lines, headerIndex + 1, 'blank', pos);
    return { record: { sql: body.sql, asyncLabel, expect }, next: body.next };
  }
  const [types, ...options] = rest.split(/\s+/);
  if (types === undefined || types === '' || ![...types].every((c) => (columnTypeLetters as readonly string[]).includes(c))) {
    throw new LogicFileError(`${pos}: query needs column types, one of ${columnTypeLetters.join('')} per column`);
  }
  let sort: SortMode = 'nosort';
  let colnames = false;
  for (const option of options) {
    if (option === 'nosort' || option === 'rowsort' || option === 'valuesort') sort = option;
    else if (option === 'colnames') colnames = true;
    else throw new LogicFileError(`${pos}: unknown query option "${option}"`);
  }
  const body = readSql(lines, headerIndex + 1, 'separator', pos);
  let end = body.next;
  while (end < lines.length && (lines[end] as string).trim() !== '') end++;
  const expect: RowsExpectation = {
    kind: 'rows',
    types,
    sort,
    colnames,
    lines: lines.slice(body.next, end),
    block: { start: body.next, end },
  };
  return { record: { sql: body.sql, asyncLabel, expect }, next: end };
}

/**
 * Reads SQL lines from `start`, up to a blank line (statements, query errors) or up to `----`
 * (queries with results). Returns the index after the terminator.
 */
function readSql(
  lines: readonly string[],
  start: number,
  until: 'blank' | 'separator',
  pos: string,
): { sql: string; next: number } {
  const sqlLines: string[] = [];
  let i = start;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line === '----') {
      if (until === 'blank') throw new LogicFileError(`${pos}: ---- after a record that has no results (line ${i + 1})`);
      break;
    }
    if (line.trim() === '') {
      if (until === 'separator') throw new LogicFileError(`${pos}: query without ---- before the blank line`);
      break;
    }
    sqlLines.push(line);
    i++;
  }
  if (until === 'separator' && i >= lines.length) throw new LogicFileError(`${pos}: query without ----`);
  if (sqlLines.length === 0) throw new LogicFileError(`${pos}: record without SQL`);
  return { sql: sqlLines.join('\n'), next: until === 'separator' ? i + 1 : i };
}
