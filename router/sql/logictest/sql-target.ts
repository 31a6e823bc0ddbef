/**
 * What a logic test runs against: PostgreSQL 15 over the wire (`postgres-target.ts`), and later
 * Tessera's SQL engine in-process. The contract is the simple query protocol seen from a client:
 * one statement in, column descriptions, rows of values in PostgreSQL's text output format, and
 * the command tag out; or an error with its SQLSTATE.
 *
 * Every session starts with the same settings on every engine, because logic files assume them:
 * TimeZone UTC, DateStyle ISO, MDY, IntervalStyle postgres, extra_float_digits 1, client_encoding
 * UTF8, and default_transaction_isolation serializable (Tessera's default; PostgreSQL's own
 * default of read committed is set explicitly by the files that test it).
 */

/** The engines a logic file can name in `skipif` / `onlyif`. */
export const engines = ['postgres', 'tessera'] as const;
export type Engine = (typeof engines)[number];

export interface SqlColumn {
  readonly name: string;
  /** The PostgreSQL type OID of the column (23 int4, 25 text, 1700 numeric, ...). */
  readonly typeOid: number;
}

export interface SqlResult {
  /** Empty for statements that return no rows (DDL, INSERT without RETURNING, ...). */
  readonly columns: readonly SqlColumn[];
  /** Values exactly as the server's text output sends them; null for SQL NULL. */
  readonly rows: readonly (readonly (string | null)[])[];
  /** The CommandComplete tag, e.g. `INSERT 0 3`, `UPDATE 2`, `SELECT 5`, `CREATE TABLE`. */
  readonly commandTag: string;
}

export interface SqlConnection {
  /** Runs exactly one statement; a SQL error rejects with a `SqlError`. */
  query(sql: string): Promise<SqlResult>;
  /**
   * True while a statement of this connection is waiting for a lock another transaction holds.
   * It lets a logic file check that a statement blocks before it lets the other session go on,
   * which keeps tests of concurrent transactions deterministic.
   */
  isWaitingForLock(): Promise<boolean>;
  /** Ends the session; an open transaction is rolled back. */
  close(): Promise<void>;
}

export interface SqlTarget {
  readonly engine: Engine;
  /** Creates an empty database (PostgreSQL: from template0) for one logic file. */
  createDatabase(name: string): Promise<void>;
  /** Drops a database created by createDatabase, ending any session still connected to it. */
  dropDatabase(name: string): Promise<void>;
  connect(database: string): Promise<SqlConnection>;
  /** Releases what the target holds (its administrative session); its connections are closed. */
  close(): Promise<void>;
}

/** A statement's failure as PostgreSQL reports it: the SQLSTATE is the API, the message is not. */
export class SqlError extends Error {
  override readonly name = 'SqlError';
  readonly code: string;
  readonly detail: string | undefined;
  readonly constraint: string | undefined;

  constructor(fields: { code: string; message: string; detail?: string | undefined; constraint?: string | undefined }) {
    super(fields.message);
    this.code = fields.code;
    this.detail = fields.detail;
    this.constraint = fields.constraint;
  }
}
