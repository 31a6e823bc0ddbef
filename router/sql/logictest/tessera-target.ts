/**
 * Tessera's SQL engine in-process as a logic-test target: each connection is a SqlSession of one
 * SqlServer, results are formatted to PostgreSQL's text output exactly as the wire protocol will
 * send them, and errors carry their SQLSTATE.
 */
import { SqlServer } from '../session/sql-server.js';
import type { KvDB } from '../../../client/kv/index.js';
import type { SqlKvDb } from '../session/sql-kv.js';
import type { SqlSession } from '../session/sql-session.js';
import { formatRow } from '../session/statement-result.js';
import { SqlError, type SqlConnection, type SqlResult, type SqlTarget } from './sql-target.js';

const ADMIN_DATABASE = 'defaultdb';

export class TesseraTarget implements SqlTarget {
  readonly engine = 'tessera' as const;
  private admin: SqlSession | undefined;
  private readonly connections = new Set<TesseraConnection>();

  private constructor(private readonly server: SqlServer) {}

  static async start(kv: KvDB | SqlKvDb): Promise<TesseraTarget> {
    return new TesseraTarget(await SqlServer.create({ kv }));
  }

  private async adminSession(): Promise<SqlSession> {
    this.admin ??= await this.server.session({ user: 'root', database: ADMIN_DATABASE });
    return this.admin;
  }

  private async adminRun(sql: string): Promise<void> {
    const outcomes = await (await this.adminSession()).execute(sql);
    const last = outcomes[outcomes.length - 1];
    if (last?.kind === 'error') throw last.error;
  }

  async createDatabase(name: string): Promise<void> {
    await this.adminRun(`CREATE DATABASE ${quoteIdentifier(name)}`);
  }

  async dropDatabase(name: string): Promise<void> {
    for (const connection of this.connections) {
      if (connection.database === name) await connection.close();
    }
    await this.adminRun(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
  }

  async connect(database: string): Promise<SqlConnection> {
    const session = await this.server.session({ user: 'root', database });
    const connection = new TesseraConnection(session, database, () => this.connections.delete(connection));
    this.connections.add(connection);
    return connection;
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections]) await connection.close();
    await this.admin?.close();
    this.admin = undefined;
  }
}

class TesseraConnection implements SqlConnection {
  constructor(
    private readonly session: SqlSession,
    readonly database: string,
    private readonly onClose: () => void,
  ) {}

  async query(sql: string): Promise<SqlResult> {
    const outcomes = await this.session.execute(sql);
    if (outcomes.length > 1) throw new Error(`one statement per record, but this sent several: ${sql}`);
    const outcome = outcomes[0];
    if (outcome === undefined) return { columns: [], rows: [], commandTag: '' };
    if (outcome.kind === 'error') {
      const { code, message, detail, constraint } = outcome.error;
      throw new SqlError({ code, message, detail, constraint });
    }
    const { columns, rows, commandTag } = outcome.result;
    const ctx = this.session.typeContext();
    return {
      columns: columns.map((c) => ({ name: c.name, typeOid: c.typeOid })),
      rows: rows.map((row) => formatRow(columns, row, ctx)),
      commandTag,
    };
  }

  isWaitingForLock(): Promise<boolean> {
    return Promise.resolve(this.session.isWaitingForLock());
  }

  async close(): Promise<void> {
    this.onClose();
    await this.session.close();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
