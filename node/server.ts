/**
 * The lifecycle of one node process: open the store, serve KV over it, start the SQL layer and
 * the wire protocol server, and on stop undo each step in reverse order. Today a node is a
 * one-node cluster serving every range from its own store.
 */
import { KvDB } from '../client/kv/index.js';
import { PgServer } from '../router/pgwire/server.js';
import { SqlServer } from '../router/sql/session/sql-server.js';
import { LevelEngine } from '../storage/level-engine.js';
import { NodeHttpServer } from './http/http-server.js';
import { nodeMetricsRegistry } from './http/node-metrics.js';
import { LocalKvServer } from './kv-server/local-kv-server.js';

export interface NodeOptions {
  /** The directory of the node's store; created when missing. */
  readonly storePath: string;
  readonly sqlHost: string;
  /** 0 picks a free port. */
  readonly sqlPort: number;
  readonly httpHost: string;
  /** 0 picks a free port. */
  readonly httpPort: number;
}

/** How long a stopping node lets running statements finish before cutting their connections. */
export const DRAIN_MS_DEFAULT = 5_000;

export class TesseraNode {
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly engine: LevelEngine,
    private readonly kvServer: LocalKvServer,
    private readonly kv: KvDB,
    private readonly pgServer: PgServer,
    private readonly httpServer: NodeHttpServer,
    private readonly status: { sqlReady: boolean },
  ) {}

  static async start(options: NodeOptions): Promise<TesseraNode> {
    const engine = await LevelEngine.open({ path: options.storePath });
    let kvServer: LocalKvServer | undefined;
    let kv: KvDB | undefined;
    let pgServer: PgServer | undefined;
    try {
      kvServer = await LocalKvServer.start({ engine });
      kv = new KvDB({ sender: kvServer, clock: kvServer.clock });
      const sql = await SqlServer.create({ kv });
      pgServer = await PgServer.start({ sql, host: options.sqlHost, port: options.sqlPort });
      const pg = pgServer;
      const registry = nodeMetricsRegistry({
        nodeId: 1,
        sqlConnections: () => pg.connectionCount,
        sqlBusyConnections: () => pg.busyCount,
      });
      // Ready once SQL is served; stop() clears it first so load balancers drain the node.
      const status = { sqlReady: true };
      const source = {
        registry,
        get sqlReady(): boolean {
          return status.sqlReady;
        },
      };
      const httpServer = await NodeHttpServer.start({ host: options.httpHost, port: options.httpPort, source });
      return new TesseraNode(engine, kvServer, kv, pgServer, httpServer, status);
    } catch (err) {
      await pgServer?.stop({ drainMs: 0 });
      await kv?.close();
      await kvServer?.close();
      await engine.close();
      throw err;
    }
  }

  /** The SQL address clients connect to. */
  get sqlAddress(): { host: string; port: number } {
    return this.pgServer.address;
  }

  /** The HTTP address of /health and /metrics. */
  get httpAddress(): { host: string; port: number } {
    return this.httpServer.address;
  }

  /** Stops accepting, drains running statements for up to drainMs, then closes the store. */
  stop(options: { drainMs: number } = { drainMs: DRAIN_MS_DEFAULT }): Promise<void> {
    this.stopping ??= (async () => {
      this.status.sqlReady = false;
      await this.pgServer.stop(options);
      await this.httpServer.stop();
      await this.kv.close();
      await this.kvServer.close();
      await this.engine.close();
    })();
    return this.stopping;
  }
}
