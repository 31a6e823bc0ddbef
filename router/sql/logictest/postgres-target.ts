/**
 * The PostgreSQL target: logic files over the wire to a real PostgreSQL 15 with node-postgres.
 * Statements go through the simple query protocol (a query without parameters) and every type
 * parser is replaced by the identity, so values arrive as the server's text output, untouched.
 * An administrative session on the `postgres` database creates and drops the files' databases and
 * watches pg_stat_activity to tell when a session waits for a lock.
 */
import pg from 'pg';
import { SqlError, type SqlConnection, type SqlResult, type SqlTarget } from './sql-target.js';

export interface PostgresAddress {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
}

/**
 * The session settings every engine starts with (see sql-target.ts), as startup options, so the
 * target behaves the same against any server whatever its configuration.
 */
const sessionOptions = [
  'TimeZone=UTC',
  'DateStyle=ISO,MDY',
  'IntervalStyle=postgres',
  'extra_float_digits=1',
  'default_transaction_isolation=serializable',
  'lc_messages=C',
]
  .map((setting) => `-c ${setting}`)
  .join(' ');

/** Every value stays the text the server sent. */
const rawText: pg.CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as unknown as pg.CustomTypesConfig['getTypeParser'],
};

export class PostgresTarget implements SqlTarget {
  readonly engine = 'postgres' as const;
  private admin: pg.Client | undefined;

  constructor(private readonly address: PostgresAddress) {}

  async createDatabase(name: string): Promise<void> {
    const admin = await this.adminClient();
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE template0`);
  }

  async dropDatabase(name: string): Promise<void> {
    const admin = await this.adminClient();
    // FORCE ends sessions a failed file left behind (say, one stuck behind a lock).
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  }

  async connect(database: string): Promise<SqlConnection> {
    const client = this.client(database);
    await client.connect();
    const [row] = (await client.query<[string]>({ text: 'SELECT pg_backend_pid()', rowMode: 'array', types: rawText })).rows;
    const backendPid = Number(row?.[0]);
    return new PostgresConnection(client, backendPid, () => this.adminClient());
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.end();
  }

  private client(database: string): pg.Client {
    const { host, port, user, password } = this.address;
    return new pg.Client({ host, port, user, database, options: sessionOptions, ...(password === undefined ? {} : { password }) });
  }

  private async adminClient(): Promise<pg.Client> {
    if (this.admin === undefined) {
      const admin = this.client('postgres');
      this.admin = admin;
      await admin.connect();
    }
    return this.admin;
  }
}

class PostgresConnection implements SqlConnection {
  /** The tag of the last CommandComplete: node-postgres keeps only its first word and count. */
  private lastCommandTag = '';
  private results = 0;

  constructor(
    private readonly client: pg.Client,
    private readonly backendPid: number,
    private readonly admin: () => Promise<pg.Client>,
  ) {
    client.connection.on('commandComplete', (message: { text: string }) => {
      this.lastCommandTag = message.text;
      this.results++;
    });
    // A session ended by the server (DROP DATABASE ... FORCE) must not crash the process.
    client.on('error', () => undefined);
  }

  async query(sql: string): Promise<SqlResult> {
    this.results = 0;
    let result: pg.QueryArrayResult<(string | null)[]>;
    try {
      result = await this.client.query<(string | null)[]>({ text: sql, rowMode: 'array', types: rawText });
    } catch (err) {
      throw toSqlError(err);
    }
    if (Array.isArray(result) || this.results > 1) {
      throw new Error(`one statement per record, but this sent several: ${sql}`);
    }
    return {
      columns: result.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID })),
      rows: result.rows,
      commandTag: this.lastCommandTag,
    };
  }

  async isWaitingForLock(): Promise<boolean> {
    const admin = await this.admin();
    const result = await admin.query<[string | null]>({
      text: 'SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1',
      values: [this.backendPid],
      rowMode: 'array',
    });
    return result.rows[0]?.[0] === 'Lock';
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

function toSqlError(err: unknown): unknown {
  if (err instanceof pg.DatabaseError && err.code !== undefined) {
    return new SqlError({ code: err.code, message: err.message, detail: err.detail, constraint: err.constraint });
  }
  return err;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
