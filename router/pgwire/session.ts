/**
 * One client connection: the protocol state machine between the bytes of a socket and a
 * SqlSession. It frames and decodes what arrives, answers the startup handshake, runs the simple
 * and extended query protocols, and writes backend messages through a ConnectionIo, so it can be
 * driven without a socket. Frames are handled strictly one after another, as PostgreSQL does.
 */
import type { SqlServer } from '../sql/session/sql-server.js';
import type { SqlSession } from '../sql/session/sql-session.js';
import { formatRow, type Notice, type ResultColumn, type StatementOutcome } from '../sql/session/statement-result.js';
import { ROOT_USER } from '../sql/catalog/catalog-store.js';
import { PgError } from '../sql/errors/pg-error.js';
import { toPgError } from '../sql/errors/to-pg-error.js';
import { findType } from '../sql/types/type-registry.js';
import * as backend from './codec/backend-messages.js';
import { FrameReader, type Frame } from './codec/frame-reader.js';
import { decodeFrontend, decodeStartup, type FrontendMessage, type StartupPacket } from './codec/frontend-messages.js';
import { ProtocolError } from './codec/protocol-error.js';
import { inlineParams, placeholderCount } from './inline-params.js';
import { Oid } from '../sql/types/oids.js';
import { pgwireLimits } from './limits.js';
import { CantChangeRuntimeParam, DuplicateCursor, DuplicatePreparedStatement, InvalidCursorName, InvalidSqlStatementName } from './sqlstates.js';

/** The socket as the connection sees it. */
export interface ConnectionIo {
  write(data: Buffer): void;
  /** Ends the connection after what was written has been sent. */
  end(): void;
  /** Flow control: stop and restart reading from a client that sends faster than it is served. */
  pauseReading?(): void;
  resumeReading?(): void;
  /** Resolves once the written bytes have drained to the client, so results never pile up. */
  drained?(): Promise<void>;
}

/** The version clients are told; psql and pg_dump choose their catalog queries by its major. */
export const SERVER_VERSION = '15.0';

interface PreparedStatement {
  readonly sql: string;
  readonly paramTypeOids: readonly number[];
}

interface Portal {
  readonly statement: PreparedStatement;
  /** Bind's text parameters, null for NULL. */
  readonly params: readonly (string | null)[];
  /** Set once the portal ran: its outcome and how many rows Execute has sent. */
  ran?: { readonly outcome: StatementOutcome | undefined; rowsSent: number };
}

type Phase = 'startup' | 'ready' | 'closed';

export interface PgConnectionOptions {
  readonly processId: number;
  readonly secretKey: number;
  readonly frameReader?: FrameReader;
}

export class PgConnection {
  private readonly reader: FrameReader;
  private phase: Phase = 'startup';
  private session: SqlSession | undefined;
  private readonly chunks: Buffer[] = [];
  private chunksBytes = 0;
  private readingPaused = false;
  private pumping: Promise<void> | undefined;
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();
  /** After an error in the extended protocol, messages are skipped until Sync (protocol 55.2.3). */
  private discardUntilSync = false;
  /** The ParameterStatus values the client was last told, to report changes (protocol 55.2.7). */
  private readonly reported = new Map<string, string>();
  /** True while a statement runs, so that a shutdown can wait for it. */
  busy = false;

  constructor(
    private readonly server: SqlServer,
    private readonly io: ConnectionIo,
    readonly options: PgConnectionOptions,
  ) {
    this.reader = options.frameReader ?? new FrameReader();
  }

  /** Bytes from the client; handled in order, after everything received before them. */
  receive(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    this.chunks.push(chunk);
    this.chunksBytes += chunk.length;
    if (!this.readingPaused && this.chunksBytes > pgwireLimits.queuedBytesMax) {
      this.readingPaused = true;
      this.io.pauseReading?.();
    }
    this.startPump();
  }

  private startPump(): void {
    // pump() answers every failure on the connection itself; should anything still escape, only
    // this connection ends, never the process.
    this.pumping ??= this.pump().catch(() => this.close()).finally(() => {
      this.pumping = undefined;
      // Bytes that arrived while the pump was finishing are handled by a new one.
      if (this.chunks.length > 0 && this.phase !== 'closed') this.startPump();
    });
  }

  /** The client went away (or the server is stopping): an open transaction is rolled back. */
  async disconnected(): Promise<void> {
    this.phase = 'closed';
    this.chunks.length = 0;
    await this.pumping;
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  /** Resolves once everything received so far has been handled. */
  async idle(): Promise<void> {
    while (this.pumping !== undefined) await this.pumping;
  }

  private async pump(): Promise<void> {
    while (this.phase !== 'closed') {
      let frames: Frame[];
      try {
        frames = this.reader.push(this.takeChunk());
      } catch (err) {
        this.fatal(err);
        return;
      }
      if (frames.length === 0 && this.chunks.length === 0) return;
      for (const frame of frames) {
        if (this.isClosed()) return;
        try {
          if (frame.kind === 'startup') await this.startup(decodeStartup(frame.body));
          else await this.message(decodeFrontend(frame));
          await this.io.drained?.();
        } catch (err) {
          this.fatal(err);
          return;
        }
      }
    }
  }

  private takeChunk(): Buffer {
    const chunk = this.chunks.shift() ?? Buffer.alloc(0);
    this.chunksBytes -= chunk.length;
    if (this.readingPaused && this.chunksBytes <= pgwireLimits.queuedBytesMax / 2) {
      this.readingPaused = false;
      this.io.resumeReading?.();
    }
    return chunk;
  }

  /** Ends the connection with a FATAL error: a protocol violation, or a failure of the server. */
  private fatal(err: unknown): void {
    if (err instanceof ProtocolError) {
      this.sendError({ severity: 'FATAL', code: err.code, message: err.message });
    } else {
      const error = toPgError(err);
      this.sendError({ ...errorFieldsOf(error), severity: 'FATAL' });
    }
    this.close();
  }

  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  private close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.io.end();
  }

  private async startup(packet: StartupPacket): Promise<void> {
    if (this.phase !== 'startup') throw new ProtocolError('08P01', 'unexpected startup packet');
    switch (packet.kind) {
      case 'ssl-request':
      case 'gssenc-request':
        // "The server then responds with a single byte containing S or N" (protocol 53.2.10);
        // TLS and GSSAPI encryption are not offered yet, and the client may go on in the clear.
        this.io.write(Buffer.from('N'));
        this.reader.setExpectStartup(true);
        return;
      case 'cancel-request':
        // "For security reasons, no direct reply is made to the cancel request message" (53.2.7).
        this.close();
        return;
      case 'startup':
        await this.authenticate(packet.parameters);
        return;
    }
  }

  private async authenticate(parameters: ReadonlyMap<string, string>): Promise<void> {
    const user = parameters.get('user');
    if (user === undefined || user === '') {
      this.sendError({ severity: 'FATAL', code: '28000', message: 'no PostgreSQL user name specified in startup packet' });
      this.close();
      return;
    }
    const database = parameters.get('database') ?? user;
    try {
      this.session = await this.server.session({ user, database });
    } catch (err) {
      if (this.isClosed()) return;
      this.sendError({ ...errorFieldsOf(toPgError(err)), severity: 'FATAL' });
      this.close();
      return;
    }
    // A client that left while its session was opened: disconnected() closes the session.
    if (this.isClosed()) return;
    try {
      applyStartupSettings(this.session, parameters);
    } catch (err) {
      this.sendError({ ...errorFieldsOf(toPgError(err)), severity: 'FATAL' });
      this.close();
      return;
    }
    this.phase = 'ready';
    const out: Buffer[] = [backend.authenticationOk()];
    for (const [name, value] of this.reportedSettings(this.session)) {
      this.reported.set(name, value);
      out.push(backend.parameterStatus(name, value));
    }
    out.push(backend.backendKeyData(this.options.processId, this.options.secretKey));
    out.push(backend.readyForQuery('I'));
    this.io.write(Buffer.concat(out));
  }

  private async message(message: FrontendMessage): Promise<void> {
    const session = this.session;
    if (this.phase !== 'ready' || session === undefined) throw new ProtocolError('08P01', `unexpected message ${message.type} before startup`);
    if (this.discardUntilSync && message.type !== 'sync' && message.type !== 'terminate') return;
    this.busy = true;
    try {
      await this.dispatch(session, message);
    } finally {
      this.busy = false;
    }
  }

  private async dispatch(session: SqlSession, message: FrontendMessage): Promise<void> {
    switch (message.type) {
      case 'query': return this.simpleQuery(session, message.sql);
      case 'parse': return this.extended(() => this.parse(message.statement, message.sql, message.paramTypeOids));
      case 'bind': return this.extended(() => this.bind(message));
      case 'describe': return this.extended(() => this.describe(session, message.target, message.name));
      case 'execute': return this.extended(() => this.execute(session, message.portal, message.rowsMax));
      case 'close': return this.extended(() => this.closeTarget(message.target, message.name));
      case 'sync': return this.sync(session);
      case 'flush': return;
      case 'terminate': this.close(); return;
      case 'password': throw new ProtocolError('08P01', 'unexpected password message');
    }
  }

  private async simpleQuery(session: SqlSession, sql: string): Promise<void> {
    const outcomes = await session.execute(sql);
    const out: Buffer[] = [];
    if (outcomes.length === 0) out.push(backend.emptyQueryResponse());
    for (const outcome of outcomes) this.writeOutcome(session, outcome, out);
    // A simple Query also closes the unnamed portal and statement (protocol 55.2.2).
    this.portals.delete('');
    this.statements.delete('');
    out.push(...this.changedSettings(session));
    out.push(backend.readyForQuery(statusOf(session)));
    this.io.write(Buffer.concat(out));
  }

  /** Runs one extended-protocol step; an error is reported and starts discarding until Sync. */
  private async extended(step: () => Promise<Buffer[]> | Buffer[]): Promise<void> {
    try {
      this.io.write(Buffer.concat(await step()));
    } catch (err) {
      if (err instanceof ProtocolError) throw err;
      this.sendError(errorFieldsOf(toPgError(err)));
      this.discardUntilSync = true;
    }
  }

  private parse(name: string, sql: string, paramTypeOids: readonly number[]): Buffer[] {
    if (name !== '' && this.statements.has(name)) throw new PgError(DuplicatePreparedStatement, `prepared statement "${name}" already exists`);
    this.statements.set(name, { sql, paramTypeOids });
    return [backend.parseComplete()];
  }

  private bind(message: Extract<FrontendMessage, { type: 'bind' }>): Buffer[] {
    const statement = this.statements.get(message.statement);
    if (statement === undefined) throw new PgError(InvalidSqlStatementName, `prepared statement "${message.statement}" does not exist`);
    if (message.portal !== '' && this.portals.has(message.portal)) throw new PgError(DuplicateCursor, `portal "${message.portal}" already exists`);
    if (message.paramFormats.includes(1)) throw new PgError('0A000', 'binary format parameters are not supported');
    if (message.resultFormats.includes(1)) throw new PgError('0A000', 'binary format results are not supported');
    const params = message.params.map((p) => (p === null ? null : p.toString('utf8')));
    this.portals.set(message.portal, { statement, params });
    return [backend.bindComplete()];
  }

  private async describe(session: SqlSession, target: 'statement' | 'portal', name: string): Promise<Buffer[]> {
    if (target === 'statement') {
      const statement = this.statements.get(name);
      if (statement === undefined) throw new PgError(InvalidSqlStatementName, `prepared statement "${name}" does not exist`);
      // Parameter types are not inferred yet: an unspecified one is described as text, which every
      // client can send. The result's shape is only known once the statement runs (see run()).
      const count = Math.max(statement.paramTypeOids.length, placeholderCount(statement.sql));
      const typeOids = Array.from({ length: count }, (_, i) => statement.paramTypeOids[i] || Oid.text);
      return [backend.parameterDescription(typeOids), backend.noData()];
    }
    const portal = this.requirePortal(name);
    // The result's shape is known once the statement ran, so a described portal runs now and
    // Execute sends the rows it produced.
    const ran = await this.run(session, portal);
    const outcome = ran.outcome;
    if (outcome?.kind === 'error') throw outcome.error;
    if (outcome === undefined || outcome.result.columns.length === 0) return [backend.noData()];
    return [backend.rowDescription(outcome.result.columns.map(fieldOf))];
  }

  private async execute(session: SqlSession, name: string, rowsMax: number): Promise<Buffer[]> {
    const portal = this.requirePortal(name);
    const ran = await this.run(session, portal);
    const outcome = ran.outcome;
    if (outcome === undefined) return [backend.emptyQueryResponse()];
    const out: Buffer[] = [];
    // A suspended portal's notices went out with its first rows.
    if (ran.rowsSent === 0) for (const notice of noticesOf(outcome)) out.push(backend.noticeResponse(noticeFieldsOf(notice)));
    if (outcome.kind === 'error') {
      this.discardUntilSync = true;
      out.push(backend.errorResponse(errorFieldsOf(outcome.error)));
      return out;
    }
    const { columns, rows } = outcome.result;
    const end = rowsMax === 0 ? rows.length : Math.min(rows.length, ran.rowsSent + rowsMax);
    const ctx = session.typeContext();
    for (let i = ran.rowsSent; i < end; i++) out.push(backend.dataRow(formatRow(columns, rows[i] ?? [], ctx)));
    ran.rowsSent = end;
    // "If Execute terminates before completing the execution of a portal (due to reaching a
    // nonzero result-row count), it will send a PortalSuspended message" (protocol 55.2.3).
    if (rowsMax !== 0 && end < rows.length) out.push(backend.portalSuspended());
    else out.push(backend.commandComplete(outcome.result.commandTag));
    return out;
  }

  private closeTarget(target: 'statement' | 'portal', name: string): Buffer[] {
    // "It is not an error to issue Close against a nonexistent statement or portal name" (55.7).
    if (target === 'statement') this.statements.delete(name);
    else this.portals.delete(name);
    return [backend.closeComplete()];
  }

  private sync(session: SqlSession): void {
    this.discardUntilSync = false;
    // Portals live until the end of their transaction; outside a block that is now.
    if (session.transactionState === 'idle') this.portals.clear();
    this.io.write(Buffer.concat([...this.changedSettings(session), backend.readyForQuery(statusOf(session))]));
  }

  /**
   * The settings PostgreSQL reports in ParameterStatus, in its order: "ParameterStatus messages
   * will be generated whenever the active value changes for any of the parameters the backend
   * believes the frontend should know about" (protocol 55.2.7).
   */
  private reportedSettings(session: SqlSession): [string, string][] {
    const setting = (name: string): [string, string] => [name, session.settings.get(name)];
    return [
      setting('application_name'),
      setting('client_encoding'),
      setting('DateStyle'),
      ['default_transaction_read_only', 'off'],
      ['in_hot_standby', 'off'],
      setting('integer_datetimes'),
      setting('IntervalStyle'),
      ['is_superuser', session.user === ROOT_USER ? 'on' : 'off'],
      setting('server_encoding'),
      ['server_version', SERVER_VERSION],
      ['session_authorization', session.user],
      setting('standard_conforming_strings'),
      setting('TimeZone'),
    ];
  }

  private changedSettings(session: SqlSession): Buffer[] {
    const out: Buffer[] = [];
    for (const [name, value] of this.reportedSettings(session)) {
      if (this.reported.get(name) === value) continue;
      this.reported.set(name, value);
      out.push(backend.parameterStatus(name, value));
    }
    return out;
  }

  private requirePortal(name: string): Portal {
    const portal = this.portals.get(name);
    if (portal === undefined) throw new PgError(InvalidCursorName, `portal "${name}" does not exist`);
    return portal;
  }

  private async run(session: SqlSession, portal: Portal): Promise<NonNullable<Portal['ran']>> {
    if (portal.ran !== undefined) return portal.ran;
    const outcomes = await session.execute(inlineParams(portal.statement.sql, portal.params, portal.statement.paramTypeOids));
    // A prepared statement holds one command; of several, the first error or the last result counts.
    const outcome = outcomes.find((o) => o.kind === 'error') ?? outcomes.at(-1);
    portal.ran = { outcome, rowsSent: 0 };
    return portal.ran;
  }

  private writeOutcome(session: SqlSession, outcome: StatementOutcome, out: Buffer[]): void {
    for (const notice of noticesOf(outcome)) out.push(backend.noticeResponse(noticeFieldsOf(notice)));
    if (outcome.kind === 'error') {
      out.push(backend.errorResponse(errorFieldsOf(outcome.error)));
      return;
    }
    const { columns, rows, commandTag } = outcome.result;
    if (columns.length > 0) out.push(backend.rowDescription(columns.map(fieldOf)));
    const ctx = session.typeContext();
    for (let i = 0; i < rows.length; i++) out.push(backend.dataRow(formatRow(columns, rows[i] ?? [], ctx)));
    out.push(backend.commandComplete(commandTag));
  }

  private sendError(fields: backend.ErrorFields): void {
    if (this.phase === 'closed') return;
    this.io.write(backend.errorResponse(fields));
  }
}

/** Startup parameters that are not settings, or that the server decides alone. */
const notSettings = new Set(['user', 'database', 'options', 'replication', 'client_encoding']);
/** Settings a client may not change ("parameter cannot be changed", 55P02). */
const readOnlySettings = new Set(['server_version', 'server_encoding', 'integer_datetimes', 'max_identifier_length']);

/**
 * Applies the settings a client gives at startup: "In addition to the above, other parameters may
 * be listed. Parameter names beginning with _pq_. are reserved ... any run-time parameter that can
 * be set at backend start time might be listed" (protocol 55.7, StartupMessage), and those of the
 * `options` parameter in the command-line form `-c name=value` / `--name=value`. client_encoding
 * stays UTF8: libpq derives it from the client's locale, and only UTF8 is served.
 */
function applyStartupSettings(session: SqlSession, parameters: ReadonlyMap<string, string>): void {
  const settings: [string, string][] = [...parameters].filter(([name]) => !notSettings.has(name) && !name.startsWith('_pq_.'));
  const words = (parameters.get('options') ?? '').split(/\s+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const assignment = word === '-c' ? words[++i] : word.startsWith('--') ? word.slice(2) : word.startsWith('-c') ? word.slice(2) : undefined;
    const eq = assignment?.indexOf('=') ?? -1;
    if (assignment === undefined || eq <= 0) throw new PgError('42601', `invalid command-line argument for server process: ${word}`);
    settings.push([assignment.slice(0, eq).replaceAll('-', '_'), assignment.slice(eq + 1)]);
  }
  for (const [name, value] of settings) {
    if (readOnlySettings.has(name.toLowerCase())) throw new PgError(CantChangeRuntimeParam, `parameter "${name}" cannot be changed`);
    session.settings.set(name, value);
  }
}

function statusOf(session: SqlSession): backend.TransactionStatus {
  const state = session.transactionState;
  return state === 'idle' ? 'I' : state === 'open' ? 'T' : 'E';
}

function fieldOf(column: ResultColumn): backend.FieldDescription {
  return {
    name: column.name,
    tableOid: column.tableOid ?? 0,
    columnAttnum: column.columnAttnum ?? 0,
    typeOid: column.typeOid,
    typeSize: findType(column.typeOid)?.length ?? -1,
    typmod: column.typmod,
    format: 0,
  };
}

export function errorFieldsOf(error: PgError): backend.ErrorFields {
  const fields: { -readonly [K in keyof backend.ErrorFields]: backend.ErrorFields[K] } = {
    severity: error.severity, code: error.code, message: error.message,
  };
  if (error.detail !== undefined) fields.detail = error.detail;
  if (error.hint !== undefined) fields.hint = error.hint;
  if (error.position !== undefined) fields.position = error.position;
  if (error.schema !== undefined) fields.schema = error.schema;
  if (error.table !== undefined) fields.table = error.table;
  if (error.column !== undefined) fields.column = error.column;
  if (error.dataType !== undefined) fields.dataType = error.dataType;
  if (error.constraint !== undefined) fields.constraint = error.constraint;
  return fields;
}

function noticesOf(outcome: StatementOutcome): readonly Notice[] {
  return outcome.kind === 'ok' ? outcome.result.notices : outcome.notices;
}

function noticeFieldsOf(notice: Notice): backend.ErrorFields {
  return { severity: notice.severity, code: notice.code, message: notice.message };
}
