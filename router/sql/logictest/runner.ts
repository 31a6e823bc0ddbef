/**
 * Runs a logic file (grammar in `logic-file.ts`, row format in `result-format.ts`) against a
 * `SqlTarget`, in a database of its own, and reports every record whose outcome differs from
 * the file, with its file:line.
 *
 * With `rewrite` (REWRITE=1), what PostgreSQL answered replaces what the file expected: result
 * blocks, column type letters, `statement count` numbers and SQLSTATEs of expected errors.
 * Differences a rewrite cannot settle stay failures: success where an error was expected (or the
 * reverse), an error message that does not match its regex, a statement that should have blocked.
 * Only PostgreSQL's output is the reference, so rewriting against any other engine is refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  connectionCloseTimeoutMs,
  databaseNameBytesMax,
  lockWaitPollIntervalMs,
  lockWaitStartTimeoutMs,
  statementTimeoutMs,
} from './limits.js';
import { parseLogicFile, type ErrorExpectation, type LogicRecord, type RowsExpectation } from './logic-file.js';
import { arrangeRows, formatValue, parseRow, renderRows, RowFormatError, typeLetterOf, type Row } from './result-format.js';
import { SqlError, type SqlConnection, type SqlResult, type SqlTarget } from './sql-target.js';

export interface RunOptions {
  /** Rewrite the file's expectations from the target's output; defaults to REWRITE=1. */
  readonly rewrite?: boolean;
}

export interface Failure {
  /** `file:line` of the record. */
  readonly pos: string;
  readonly message: string;
}

export interface LogicFileResult {
  readonly path: string;
  /** Statements and queries run; records skipped for this engine are counted apart. */
  readonly recordsRun: number;
  readonly recordsSkipped: number;
  readonly failures: readonly Failure[];
  readonly rewritten: boolean;
}

/** Stops a file: the session is unusable or the file is wrong, so later records would only mislead. */
class AbortFile extends Error {
  override readonly name = 'AbortFile';
}

type Outcome = { readonly kind: 'result'; readonly result: SqlResult } | { readonly kind: 'error'; readonly error: SqlError };

type RunnableRecord = Extract<LogicRecord, { kind: 'statement' | 'query' }>;

interface Session {
  readonly connection: SqlConnection;
  /** The label of the async statement this session is running, if any. */
  busyWith: string | undefined;
}

interface Pending {
  readonly record: RunnableRecord;
  readonly session: Session;
  readonly outcome: Promise<Outcome>;
}

let databaseCounter = 0;

export async function runLogicFile(path: string, target: SqlTarget, options: RunOptions = {}): Promise<LogicFileResult> {
  const rewrite = options.rewrite ?? process.env['REWRITE'] === '1';
  if (rewrite && target.engine !== 'postgres') {
    throw new Error(`REWRITE only runs against PostgreSQL, whose output is the reference, not ${target.engine}`);
  }
  const file = parseLogicFile(readFileSync(path, 'utf8'), path);
  const database = databaseName(path);
  await target.createDatabase(database);
  const run = new FileRun(path, target, database, rewrite);
  try {
    await run.runAll(file.records);
  } finally {
    await run.closeSessions();
    await target.dropDatabase(database);
  }
  let rewritten = false;
  if (rewrite && run.edits.size > 0) {
    writeFileSync(path, applyEdits(file.lines, run.edits).join('\n'));
    rewritten = true;
  }
  return { path, recordsRun: run.recordsRun, recordsSkipped: run.recordsSkipped, failures: run.failures, rewritten };
}

function databaseName(path: string): string {
  databaseCounter++;
  const suffix = `_${process.pid}_${databaseCounter}`;
  const stem = basename(path).replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `logic_${stem}`.slice(0, databaseNameBytesMax - suffix.length) + suffix;
}

/** A replacement of lines [start, end) of the file. */
interface Edit {
  readonly start: number;
  readonly end: number;
  readonly lines: readonly string[];
}

function applyEdits(lines: readonly string[], edits: ReadonlyMap<number, Edit>): string[] {
  const out: string[] = [];
  let next = 0;
  for (const edit of [...edits.values()].sort((a, b) => a.start - b.start)) {
    out.push(...lines.slice(next, edit.start), ...edit.lines);
    next = edit.end;
  }
  out.push(...lines.slice(next));
  return out;
}

class FileRun {
  readonly failures: Failure[] = [];
  readonly edits = new Map<number, Edit>();
  recordsRun = 0;
  recordsSkipped = 0;
  private readonly sessions = new Map<string, Session>();
  private readonly pending = new Map<string, Pending>();
  private current = 'default';

  constructor(
    private readonly path: string,
    private readonly target: SqlTarget,
    private readonly database: string,
    private readonly rewrite: boolean,
  ) {}

  async runAll(records: readonly LogicRecord[]): Promise<void> {
    try {
      for (const record of records) {
        if (!this.applies(record)) {
          this.recordsSkipped++;
          continue;
        }
        if (record.kind === 'halt') break;
        await this.runRecord(record);
      }
      for (const [label, pending] of this.pending) {
        this.fail(pending.record.pos, `async statement ${label} was never awaited`);
      }
    } catch (err) {
      if (!(err instanceof AbortFile)) throw err;
      this.failures.push({ pos: this.path, message: `file abandoned: ${err.message}` });
    }
  }

  private applies(record: LogicRecord): boolean {
    const engine = this.target.engine;
    if (record.conditions.some((c) => c.kind === 'skipif' && c.engine === engine)) return false;
    const only = record.conditions.filter((c) => c.kind === 'onlyif');
    return only.length === 0 || only.some((c) => c.engine === engine);
  }

  private async runRecord(record: Exclude<LogicRecord, { kind: 'halt' }>): Promise<void> {
    switch (record.kind) {
      case 'connection':
        this.current = record.name;
        await this.session(record.pos, { mayBeBusy: true });
        return;
      case 'await':
        await this.awaitPending(record.label, record.pos);
        return;
      case 'statement':
      case 'query':
        this.recordsRun++;
        if (record.asyncLabel !== undefined) await this.startAsync(record, record.asyncLabel);
        else this.check(record, await this.execute(await this.session(record.pos), record));
        return;
    }
  }

  /** The current session, opened on first use; only `connection` may find it busy. */
  private async session(pos: string, options: { mayBeBusy?: boolean } = {}): Promise<Session> {
    let session = this.sessions.get(this.current);
    if (session === undefined) {
      session = { connection: await this.target.connect(this.database), busyWith: undefined };
      this.sessions.set(this.current, session);
    }
    if (session.busyWith !== undefined && options.mayBeBusy !== true) {
      throw new AbortFile(`${pos}: connection ${this.current} is still running async ${session.busyWith}; await it first`);
    }
    return session;
  }

  private async execute(session: Session, record: RunnableRecord): Promise<Outcome> {
    return withTimeout(outcomeOf(session.connection, record.sql), statementTimeoutMs, `${record.pos}: statement`);
  }

  private async startAsync(record: RunnableRecord, label: string): Promise<void> {
    if (this.pending.has(label)) throw new AbortFile(`${record.pos}: async label ${label} is already pending`);
    const session = await this.session(record.pos);
    let settled = false;
    const outcome = outcomeOf(session.connection, record.sql).finally(() => (settled = true));
    // The outcome is checked at `await`; until then a rejection must not count as unhandled.
    outcome.catch(() => undefined);
    session.busyWith = label;
    this.pending.set(label, { record, session, outcome });
    const deadline = Date.now() + lockWaitStartTimeoutMs;
    while (!settled) {
      if (await session.connection.isWaitingForLock()) return;
      if (Date.now() > deadline) throw new AbortFile(`${record.pos}: async ${label} neither blocked nor finished`);
      await sleep(lockWaitPollIntervalMs);
    }
    this.fail(record.pos, `async ${label} was expected to wait for a lock, but it finished without waiting`);
  }

  private async awaitPending(label: string, pos: string): Promise<void> {
    const pending = this.pending.get(label);
    if (pending === undefined) throw new AbortFile(`${pos}: await ${label}: no such async statement is pending`);
    const outcome = await withTimeout(pending.outcome, statementTimeoutMs, `${pos}: await ${label}`);
    this.pending.delete(label);
    pending.session.busyWith = undefined;
    this.check(pending.record, outcome);
  }

  private check(record: RunnableRecord, outcome: Outcome): void {
    const expect = record.expect;
    switch (expect.kind) {
      case 'error':
        this.checkError(record, expect, outcome);
        return;
      case 'ok':
        if (outcome.kind === 'error') this.fail(record.pos, `expected success, got ${describeError(outcome.error)}`, record.sql);
        return;
      case 'count':
        this.checkCount(record, expect.count, outcome);
        return;
      case 'rows':
        this.checkRows(record, expect, outcome);
        return;
    }
  }

  private checkError(record: RunnableRecord, expect: ErrorExpectation, outcome: Outcome): void {
    if (outcome.kind === 'result') {
      this.fail(record.pos, `expected error ${expect.code}, but the statement succeeded (${outcome.result.commandTag})`, record.sql);
      return;
    }
    const error = outcome.error;
    const messageMatches = expect.messagePattern === undefined || new RegExp(expect.messagePattern).test(error.message);
    if (!messageMatches) {
      this.fail(record.pos, `expected an error matching /${expect.messagePattern}/, got ${describeError(error)}`, record.sql);
    } else if (error.code !== expect.code) {
      if (this.rewrite) this.editHeader(record, (h) => h.replace(/pgcode\s+\S+/, `pgcode ${error.code}`));
      else this.fail(record.pos, `expected error ${expect.code}, got ${describeError(error)}`, record.sql);
    }
  }

  private checkCount(record: RunnableRecord, expected: number, outcome: Outcome): void {
    if (outcome.kind === 'error') {
      this.fail(record.pos, `expected success, got ${describeError(outcome.error)}`, record.sql);
      return;
    }
    const tag = outcome.result.commandTag;
    const count = /(\d+)$/.exec(tag);
    if (count === null) {
      this.fail(record.pos, `command tag "${tag}" has no row count`, record.sql);
    } else if (Number(count[1]) !== expected) {
      if (this.rewrite) this.editHeader(record, (h) => h.replace(/count\s+\d+/, `count ${count[1]}`));
      else this.fail(record.pos, `expected count ${expected}, got "${tag}"`, record.sql);
    }
  }

  private checkRows(record: RunnableRecord, expect: RowsExpectation, outcome: Outcome): void {
    if (outcome.kind === 'error') {
      this.fail(record.pos, `expected rows, got ${describeError(outcome.error)}`, record.sql);
      return;
    }
    const { columns, rows } = outcome.result;
    if (columns.length === 0) {
      this.fail(record.pos, `query returned no columns (${outcome.result.commandTag}): use statement`, record.sql);
      return;
    }
    const types = columns.map((c) => typeLetterOf(c.typeOid)).join('');
    const actualLines = [
      ...(expect.colnames ? renderRows([columns.map((c) => formatValue(c.name))]) : []),
      ...renderRows(arrangeRows(rows, expect.sort, columns.length)),
    ];
    const expected = expectedBlock(expect, columns.length);
    const problems: string[] = [];
    if (types !== expect.types) problems.push(`column types: expected ${expect.types}, got ${types}`);
    if (typeof expected === 'string') problems.push(expected);
    else if (!sameLines(expected, actualLines)) problems.push('results differ');
    if (problems.length === 0) return;
    if (this.rewrite) {
      if (types !== expect.types) this.editHeader(record, (h) => h.replace(/^(\s*query\s+(?:async\s+\S+\s+)?)\S+/, `$1${types}`));
      this.edits.set(expect.block.start, { start: expect.block.start, end: expect.block.end, lines: actualLines });
      return;
    }
    const shown = expect.lines.length === 0 ? '(no rows)' : expect.lines.join('\n');
    const got = actualLines.length === 0 ? '(no rows)' : actualLines.join('\n');
    this.fail(record.pos, `${problems.join('; ')}\n--- expected\n${shown}\n--- actual\n${got}`, record.sql);
  }

  private editHeader(record: RunnableRecord, change: (header: string) => string): void {
    const index = record.headerIndex;
    const header = this.edits.get(index)?.lines[0] ?? record.header;
    this.edits.set(index, { start: index, end: index + 1, lines: [change(header)] });
  }

  private fail(pos: string, message: string, sql?: string): void {
    this.failures.push({ pos, message: sql === undefined ? message : `${message}\n--- sql\n${sql}` });
  }

  async closeSessions(): Promise<void> {
    await Promise.all(
      [...this.sessions.values()].map((s) =>
        withTimeout(s.connection.close(), connectionCloseTimeoutMs, 'close').catch(() => undefined),
      ),
    );
    this.sessions.clear();
  }
}

/**
 * The expected block normalized to how the runner writes it (rows arranged by the sort mode,
 * columns aligned), or what is wrong with it: a row that does not parse or has the wrong width.
 */
function expectedBlock(expect: RowsExpectation, width: number): string[] | string {
  const lines = [...expect.lines];
  const names = expect.colnames ? lines.shift() : undefined;
  let rows: Row[];
  let nameValues: Row = [];
  try {
    rows = lines.map(parseRow);
    if (names !== undefined) nameValues = parseRow(names);
  } catch (err) {
    if (err instanceof RowFormatError) return `an expected row does not parse: ${err.message}`;
    throw err;
  }
  const wrong = rows.findIndex((row) => row.length !== width);
  if (wrong >= 0) return `expected row ${wrong + 1} has ${rows[wrong]?.length} values for ${width} columns`;
  const namesLines = names === undefined ? [] : renderRows([nameValues.map(formatValue)]);
  return [...namesLines, ...renderRows(arrangeRows(rows, expect.sort, width))];
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, k) => line === b[k]);
}

async function outcomeOf(connection: SqlConnection, sql: string): Promise<Outcome> {
  try {
    return { kind: 'result', result: await connection.query(sql) };
  } catch (err) {
    if (err instanceof SqlError) return { kind: 'error', error: err };
    throw new AbortFile(`the session failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function describeError(error: SqlError): string {
  return `error ${error.code}: ${error.message}`;
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AbortFile(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
