/**
 * The SQL server of one router: the catalog bootstrap, the KV database it reaches data through,
 * the clock, and the sessions the wire protocol opens on it.
 */
import { CatalogStore, ROOT_USER } from '../catalog/catalog-store.js';
import { PgError } from '../errors/pg-error.js';
import { initParser } from '../parser/parse.js';
import { KvDB } from '../../../client/kv/index.js';
import { ClientKvSqlDb } from './client-kv-db.js';
import type { SqlKvDb } from './sql-kv.js';
import { SqlSession } from './sql-session.js';
import { SequenceRuntime } from '../exec/sequence-runtime.js';

export interface SqlServerOptions {
  /** client/kv's KvDB (the router's KV client), or any SqlKvDb (tests over a simpler store). */
  readonly kv: KvDB | SqlKvDb;
  /** Microseconds since 1970 UTC; defaults to the system clock. */
  readonly clockMicros?: () => bigint;
  /** Seeds the sessions' random(); a fixed seed makes random() replayable. */
  readonly randomSeed?: number;
}

export class SqlServer {
  private lastRowId = 0n;
  /** Sequence values handed out by this router. */
  readonly sequences = new SequenceRuntime();
  private sessionCounter = 0;

  private constructor(
    readonly kv: SqlKvDb,
    readonly clockMicros: () => bigint,
    readonly randomSeed: number,
  ) {}

  /** Starts a server: loads the parser and creates the catalog on first start. */
  static async create(options: SqlServerOptions): Promise<SqlServer> {
    await initParser();
    const kv = options.kv instanceof KvDB ? new ClientKvSqlDb(options.kv) : options.kv;
    const server = new SqlServer(kv, options.clockMicros ?? (() => BigInt(Date.now()) * 1000n), options.randomSeed ?? 0);
    const txn = kv.newTxn({ isolation: 'serializable' });
    try {
      await new CatalogStore(txn).bootstrap();
      await txn.commit();
    } catch (err) {
      await txn.rollback();
      throw err;
    }
    return server;
  }

  /** Opens a session for `user` on `database` (3D000 when it does not exist, 28000 for an unknown user). */
  async session(options: { readonly user?: string; readonly database: string }): Promise<SqlSession> {
    const user = options.user ?? ROOT_USER;
    const txn = this.kv.newTxn({ isolation: 'serializable' });
    try {
      const catalog = new CatalogStore(txn);
      if ((await catalog.user(user)) === undefined) throw new PgError('28000', `role "${user}" does not exist`);
      const database = await catalog.database(options.database);
      if (database === undefined) throw new PgError('3D000', `database "${options.database}" does not exist`);
      await txn.commit();
      return new SqlSession(this, user, database.name, database.id, this.randomSeed + ++this.sessionCounter);
    } catch (err) {
      await txn.rollback();
      throw err;
    }
  }

  /**
   * A unique int8 for hidden row ids, in the shape of unique_rowid(): the time in microseconds,
   * bumped past the last one handed out so ids only grow within this router.
   */
  allocateRowId(): bigint {
    const now = this.clockMicros();
    this.lastRowId = now > this.lastRowId ? now : this.lastRowId + 1n;
    return this.lastRowId;
  }
}
