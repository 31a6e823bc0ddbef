/**
 * A SQL session: the entry point the wire protocol calls. It keeps the current database,
 * settings and the transaction state machine (idle, in a transaction block, failed), and runs a
 * query string statement by statement with simple-query semantics: outside a transaction block
 * each statement is its own transaction; after the first error the rest of the string is skipped.
 */
import type { Node, TransactionStmt, VariableSetStmt, VariableShowStmt } from '@pgsql/types';
import { CatalogStore } from '../catalog/catalog-store.js';
import { InvalidSavepointSpecification } from './pending-sqlstates.js';
import { PgError, unsupported } from '../errors/pg-error.js';
import { toPgError } from '../errors/to-pg-error.js';
import { DEFAULT_VERSION_TEXT, SessionRandom, type EvalContext } from '../functions/eval-context.js';
import { parseSql, type ParsedStatement } from '../parser/parse.js';
import { nodeKind } from '../semantic/bind-scalar.js';
import { timeZoneSetting } from '../types/datetime/time-zone.js';
import { Oid } from '../types/oids.js';
import type { TypeContext } from '../types/type-context.js';
import type { Value } from '../types/value.js';
import { runStatement } from './run-statement.js';
import { SessionSequences } from '../exec/sequence-runtime.js';
import { Settings } from './settings.js';
import { sessionLimits } from './limits.js';
import type { SqlServer } from './sql-server.js';
import type { IsolationLevel, SqlKvSavepoint, SqlKvTxn } from './sql-kv.js';
import type { StatementContext } from './statement-context.js';
import { type Notice, type StatementOutcome, type StatementResult } from './statement-result.js';

export type TransactionState = 'idle' | 'open' | 'failed';

interface OpenTransaction {
  readonly txn: SqlKvTxn;
  readonly isolation: IsolationLevel;
  readonly readOnly: boolean;
  readonly startMicros: bigint;
  readonly savepoints: { readonly name: string; readonly token: SqlKvSavepoint }[];
}

/** Statements a READ ONLY transaction refuses (25006), with the name PostgreSQL gives them. */
const readOnlyForbidden: ReadonlyMap<string, string> = new Map([
  ['InsertStmt', 'INSERT'], ['UpdateStmt', 'UPDATE'], ['DeleteStmt', 'DELETE'], ['CreateStmt', 'CREATE TABLE'], ['DropStmt', 'DROP'],
  ['AlterTableStmt', 'ALTER TABLE'], ['IndexStmt', 'CREATE INDEX'], ['TruncateStmt', 'TRUNCATE TABLE'], ['CreateSeqStmt', 'CREATE SEQUENCE'],
  ['ViewStmt', 'CREATE VIEW'], ['CreateTableAsStmt', 'SELECT INTO'],
]);

/** Retries of an implicit transaction that failed with a retryable error (40001). */
const IMPLICIT_RETRIES_MAX = 10;

export class SqlSession {
  readonly settings = new Settings();
  private transaction: OpenTransaction | undefined;
  private failed = false;
  private readonly random: SessionRandom;
  private readonly sequenceState = new SessionSequences();
  /** The transaction the running statement uses (an implicit one included). */
  private running: SqlKvTxn | undefined;

  constructor(
    private readonly server: SqlServer,
    readonly user: string,
    readonly databaseName: string,
    readonly databaseId: number,
    seed: number,
  ) {
    this.random = new SessionRandom(seed);
  }

  get transactionState(): TransactionState {
    if (this.transaction === undefined) return 'idle';
    return this.failed ? 'failed' : 'open';
  }

  /** The settings that shape text input and output, as the types module takes them. */
  typeContext(transactionTimestampMicros = this.server.clockMicros()): TypeContext {
    const dateStyle = this.settings.get('DateStyle');
    return {
      timeZone: timeZoneSetting(this.settings.get('TimeZone')),
      dateOrder: dateStyle.includes('DMY') ? 'DMY' : dateStyle.includes('YMD') ? 'YMD' : 'MDY',
      extraFloatDigits: Number(this.settings.get('extra_float_digits')),
      byteaOutput: this.settings.get('bytea_output') === 'escape' ? 'escape' : 'hex',
      transactionTimestampMicros,
    };
  }

  /** Runs a query string (one or more statements) and answers one outcome per statement run. */
  async execute(sql: string, params: readonly Value[] = []): Promise<StatementOutcome[]> {
    let statements: readonly ParsedStatement[];
    try {
      statements = parseSql(sql);
    } catch (err) {
      if (this.transaction !== undefined) this.failed = true;
      return [{ kind: 'error', error: toPgError(err), notices: [] }];
    }
    const outcomes: StatementOutcome[] = [];
    for (const statement of statements) {
      const outcome = await this.executeStatement(statement, params);
      outcomes.push(outcome);
      if (outcome.kind === 'error') break;
    }
    return outcomes;
  }

  /** Ends the session: an open transaction is rolled back. */
  async close(): Promise<void> {
    const open = this.transaction;
    this.transaction = undefined;
    this.failed = false;
    if (open !== undefined) await open.txn.rollback();
  }

  private async executeStatement(statement: ParsedStatement, params: readonly Value[]): Promise<StatementOutcome> {
    const notices: Notice[] = [];
    try {
      const [kind, body] = nodeKind(statement.ast);
      if (kind === 'TransactionStmt') return { kind: 'ok', result: await this.transactionStatement(body as TransactionStmt, notices) };
      if (this.failed) {
        throw new PgError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
      }
      if (kind === 'VariableSetStmt') return { kind: 'ok', result: this.setStatement(body as VariableSetStmt, notices) };
      if (kind === 'VariableShowStmt') return { kind: 'ok', result: this.showStatement(body as VariableShowStmt, notices) };
      const open = this.transaction;
      if (open !== undefined && (kind === 'CreatedbStmt' || kind === 'DropdbStmt')) {
        this.failed = true;
        throw new PgError('25001', `${kind === 'CreatedbStmt' ? 'CREATE' : 'DROP'} DATABASE cannot run inside a transaction block`);
      }
      if (open?.readOnly === true && readOnlyForbidden.has(kind)) {
        this.failed = true;
        throw new PgError('25006', `cannot execute ${readOnlyForbidden.get(kind) ?? kind} in a read-only transaction`);
      }
      if (open !== undefined) {
        try {
          return { kind: 'ok', result: await this.runIn(open, statement.ast, params, notices) };
        } catch (err) {
          this.failed = true;
          throw err;
        }
      }
      return { kind: 'ok', result: await this.runImplicit(statement.ast, params, notices) };
    } catch (err) {
      return { kind: 'error', error: toPgError(err), notices };
    }
  }

  private defaultIsolation(): IsolationLevel {
    return this.settings.get('default_transaction_isolation') === 'read committed' ? 'read-committed' : 'serializable';
  }

  private begin(isolation: IsolationLevel, readOnly = false): OpenTransaction {
    return { txn: this.server.kv.newTxn({ isolation }), isolation, readOnly, startMicros: this.server.clockMicros(), savepoints: [] };
  }

  private async runImplicit(ast: Node, params: readonly Value[], notices: Notice[]): Promise<StatementResult> {
    for (let attempt = 0; ; attempt++) {
      const open = this.begin(this.defaultIsolation());
      try {
        const result = await this.runIn(open, ast, params, notices);
        await open.txn.commit();
        return result;
      } catch (err) {
        await open.txn.rollback();
        const error = toPgError(err);
        if (error.code !== '40001' || attempt >= IMPLICIT_RETRIES_MAX) throw error;
        notices.length = 0;
      }
    }
  }

  private evalContext(open: OpenTransaction): EvalContext {
    const now = this.server.clockMicros();
    return {
      ...this.typeContext(open.startMicros),
      statementTimestampMicros: now,
      clockTimestampMicros: () => this.server.clockMicros(),
      random: this.random,
      versionText: DEFAULT_VERSION_TEXT,
    };
  }

  private async searchPath(catalog: CatalogStore): Promise<{ id: number; name: string }[]> {
    const names = this.settings.get('search_path').split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1')).filter((s) => s !== '' && s !== '$user');
    const out: { id: number; name: string }[] = [];
    for (const name of names) {
      const schema = await catalog.schema(this.databaseId, name);
      if (schema !== undefined) out.push({ id: schema.id, name });
    }
    return out;
  }

  /**
   * True while the running statement waits for a lock another transaction holds: one of its KV
   * requests has gone unanswered for longer than an in-process request ever takes otherwise.
   */
  isWaitingForLock(): boolean {
    const waited = this.running?.pendingRequestMs();
    return waited !== undefined && waited >= sessionLimits.lockWaitSuspectMs;
  }

  private async runIn(open: OpenTransaction, ast: Node, params: readonly Value[], notices: Notice[]): Promise<StatementResult> {
    this.running = open.txn;
    open.txn.beginStatement();
    try {
      return await this.runInTxn(open, ast, params, notices);
    } finally {
      this.running = undefined;
    }
  }

  private async runInTxn(open: OpenTransaction, ast: Node, params: readonly Value[], notices: Notice[]): Promise<StatementResult> {
    const catalog = new CatalogStore(open.txn);
    const ctx: StatementContext = {
      txn: open.txn, catalog, databaseId: this.databaseId, databaseName: this.databaseName,
      searchPath: await this.searchPath(catalog), evalCtx: this.evalContext(open), notices, params, paramTypes: [],
      tables: new Map(), views: new Map(), allocateRowId: () => this.server.allocateRowId(),
      sequences: new Map(), sequenceRuntime: this.server.sequences, sessionSequences: this.sequenceState,
    };
    try {
      return await runStatement(ctx, ast);
    } finally {
      await this.server.sequences.flush(catalog);
    }
  }

  private async transactionStatement(stmt: TransactionStmt, notices: Notice[]): Promise<StatementResult> {
    const done = (commandTag: string): StatementResult => ({ columns: [], rows: [], commandTag, notices });
    switch (stmt.kind) {
      case 'TRANS_STMT_BEGIN':
      case 'TRANS_STMT_START': {
        if (this.transaction !== undefined) {
          notices.push({ severity: 'WARNING', code: '25001', message: 'there is already a transaction in progress' });
          return done('BEGIN');
        }
        let isolation = this.defaultIsolation();
        let readOnly = false;
        for (const option of stmt.options ?? []) {
          const def = nodeKind(option)[1] as { defname?: string; arg?: Node };
          if (def.defname === 'transaction_isolation' && def.arg !== undefined) {
            const level = (nodeKind(def.arg)[1] as { sval?: { sval?: string } }).sval?.sval ?? '';
            isolation = level === 'read committed' || level === 'read uncommitted' ? 'read-committed' : 'serializable';
          }
          if (def.defname === 'transaction_read_only' && def.arg !== undefined) {
            readOnly = (nodeKind(def.arg)[1] as { ival?: number }).ival === 1;
          }
        }
        this.transaction = this.begin(isolation, readOnly);
        this.failed = false;
        return done('BEGIN');
      }
      case 'TRANS_STMT_COMMIT': {
        const open = this.transaction;
        if (open === undefined) {
          notices.push({ severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' });
          return done('COMMIT');
        }
        this.transaction = undefined;
        if (this.failed) {
          this.failed = false;
          await open.txn.rollback();
          return done('ROLLBACK');
        }
        try {
          await open.txn.commit();
        } catch (err) {
          await open.txn.rollback();
          throw err;
        }
        return done('COMMIT');
      }
      case 'TRANS_STMT_ROLLBACK': {
        const open = this.transaction;
        if (open === undefined) {
          notices.push({ severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' });
          return done('ROLLBACK');
        }
        this.transaction = undefined;
        this.failed = false;
        await open.txn.rollback();
        return done('ROLLBACK');
      }
      case 'TRANS_STMT_SAVEPOINT': {
        const open = this.requireBlock('SAVEPOINT');
        if (this.failed) throw new PgError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
        open.savepoints.push({ name: stmt.savepoint_name ?? '', token: await open.txn.savepoint() });
        return done('SAVEPOINT');
      }
      case 'TRANS_STMT_RELEASE': {
        const open = this.requireBlock('RELEASE SAVEPOINT');
        if (this.failed) throw new PgError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
        const index = this.findSavepoint(open, stmt.savepoint_name ?? '');
        open.savepoints.length = index;
        return done('RELEASE');
      }
      case 'TRANS_STMT_ROLLBACK_TO': {
        const open = this.requireBlock('ROLLBACK TO SAVEPOINT');
        const index = this.findSavepoint(open, stmt.savepoint_name ?? '');
        const savepoint = open.savepoints[index];
        if (savepoint === undefined) throw new PgError(InvalidSavepointSpecification, `savepoint "${stmt.savepoint_name ?? ''}" does not exist`);
        await open.txn.rollbackToSavepoint(savepoint.token);
        open.savepoints.length = index + 1;
        this.failed = false;
        return done('ROLLBACK');
      }
      default:
        throw unsupported(`transaction statement ${String(stmt.kind)}`);
    }
  }

  private requireBlock(what: string): OpenTransaction {
    const open = this.transaction;
    if (open === undefined) throw new PgError('25P01', `${what} can only be used in transaction blocks`);
    return open;
  }

  private findSavepoint(open: OpenTransaction, name: string): number {
    for (let i = open.savepoints.length - 1; i >= 0; i--) if (open.savepoints[i]?.name === name) return i;
    if (this.failed) {
      // PostgreSQL reports the missing savepoint even in a failed transaction.
    }
    throw new PgError(InvalidSavepointSpecification, `savepoint "${name}" does not exist`);
  }

  private setStatement(stmt: VariableSetStmt, notices: Notice[]): StatementResult {
    const done: StatementResult = { columns: [], rows: [], commandTag: stmt.kind === 'VAR_RESET' || stmt.kind === 'VAR_RESET_ALL' ? 'RESET' : 'SET', notices };
    switch (stmt.kind) {
      case 'VAR_RESET_ALL': this.settings.resetAll(); return done;
      case 'VAR_RESET':
      case 'VAR_SET_DEFAULT':
        this.settings.reset(stmt.name ?? '');
        return done;
      case 'VAR_SET_MULTI': {
        if (stmt.name === 'TRANSACTION' || stmt.name === 'SESSION CHARACTERISTICS') return done;
        throw unsupported(`SET ${stmt.name ?? ''}`);
      }
      case 'VAR_SET_VALUE': {
        const values = (stmt.args ?? []).map((a) => {
          const [kind, body] = nodeKind(a);
          if (kind !== 'A_Const') throw new PgError('42601', `SET ${stmt.name ?? ''} takes only constants`);
          const c = body as { sval?: { sval?: string }; ival?: { ival?: number }; fval?: { fval?: string } };
          return c.sval?.sval ?? c.fval?.fval ?? String(c.ival?.ival ?? 0);
        });
        const name = stmt.name ?? '';
        this.settings.set(name === 'timezone' ? 'TimeZone' : name, values.join(', '));
        return done;
      }
      default:
        throw unsupported(`SET form ${String(stmt.kind)}`);
    }
  }

  private showStatement(stmt: VariableShowStmt, notices: Notice[]): StatementResult {
    const name = stmt.name ?? '';
    let value: string;
    let column = name;
    if (name === 'transaction_isolation' || name === 'transaction isolation level') {
      const isolation = this.transaction?.isolation ?? this.defaultIsolation();
      value = isolation === 'read-committed' ? 'read committed' : 'serializable';
      column = 'transaction_isolation';
    } else if (name === 'all') {
      throw unsupported('SHOW ALL');
    } else {
      value = this.settings.get(name);
      column = name === 'timezone' ? 'TimeZone' : name;
    }
    return { columns: [{ name: column, typeOid: Oid.text, typmod: -1 }], rows: [[value]], commandTag: 'SHOW', notices };
  }
}

