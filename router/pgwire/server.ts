/**
 * The TCP server of the wire protocol: it accepts connections and runs one PgConnection per
 * socket over the router's SqlServer. A connection's failure ends that connection only.
 */
import { randomInt } from 'node:crypto';
import net from 'node:net';
import type { SqlServer } from '../sql/session/sql-server.js';
import { errorResponse } from './codec/backend-messages.js';
import { pgwireLimits } from './limits.js';
import { PgConnection } from './session.js';

export interface PgServerOptions {
  readonly sql: SqlServer;
  readonly host: string;
  /** 0 picks a free port; `address` tells which. */
  readonly port: number;
  /** Defaults to pgwireLimits.connectionsMax. */
  readonly connectionsMax?: number;
}

export interface StopOptions {
  /** How long running statements may take to finish before their connections are cut. */
  readonly drainMs: number;
}

export class PgServer {
  private readonly connections = new Map<net.Socket, PgConnection>();
  /** Every open socket, refused ones included, so that stop() can cut them all. */
  private readonly sockets = new Set<net.Socket>();
  private nextProcessId = 1;

  private constructor(
    private readonly listener: net.Server,
    private readonly sql: SqlServer,
    private readonly connectionsMax: number,
  ) {}

  static async start(options: PgServerOptions): Promise<PgServer> {
    const listener = net.createServer();
    const server = new PgServer(listener, options.sql, options.connectionsMax ?? pgwireLimits.connectionsMax);
    listener.on('connection', (socket) => server.accept(socket));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(options.port, options.host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** The address it listens on, as host:port. */
  get address(): { host: string; port: number } {
    const address = this.listener.address();
    if (address === null || typeof address === 'string') throw new Error('the server is not listening');
    return { host: address.address, port: address.port };
  }

  /** Connections running a statement now. */
  get busyCount(): number {
    return [...this.connections.values()].filter((c) => c.busy).length;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Stops accepting, lets running statements finish for up to drainMs, then closes every
   * connection; their open transactions are rolled back.
   */
  async stop(options: StopOptions): Promise<void> {
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    const deadline = Date.now() + options.drainMs;
    while ([...this.connections.values()].some((c) => c.busy) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const sockets = [...this.connections.entries()];
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(sockets.map(([, connection]) => connection.disconnected()));
    this.connections.clear();
    await closed;
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    // A reset or a write to a vanished client is that client's problem, never the node's.
    socket.on('error', () => socket.destroy());
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (this.connections.size >= this.connectionsMax) {
      const message = `sorry, too many clients already (limit connectionsMax: ${this.connectionsMax})`;
      socket.end(errorResponse({ severity: 'FATAL', code: '53300', message }));
      return;
    }
    const processId = this.nextProcessId++;
    const connection = new PgConnection(
      this.sql,
      {
        write: (data) => {
          if (!socket.destroyed) socket.write(data);
        },
        end: () => socket.end(),
        pauseReading: () => socket.pause(),
        resumeReading: () => socket.resume(),
        drained: () => drained(socket),
      },
      { processId, secretKey: randomInt(0, 2 ** 31) },
    );
    this.connections.set(socket, connection);
    socket.on('data', (chunk: Buffer) => connection.receive(chunk));
    socket.on('close', () => {
      this.connections.delete(socket);
      void connection.disconnected().catch(() => undefined);
    });
  }
}

/** Resolves when the socket's write buffer has drained (or the socket is gone). */
function drained(socket: net.Socket): Promise<void> {
  if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
