/**
 * The node's HTTP server, for operators and their tools: `/health` (the process is up),
 * `/health?ready=1` (the node serves SQL: load balancers route to it only then), and `/metrics`
 * in Prometheus's text format. It reads the node's state through a `NodeStatusSource`, so it
 * owns no state of its own and never blocks the SQL path.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Registry } from 'prom-client';
import { httpLimits } from './limits.js';

/** What the HTTP server asks of the node it reports on. */
export interface NodeStatusSource {
  /** True while the node accepts and serves SQL connections (false before start and once stopping). */
  readonly sqlReady: boolean;
  /** The node's metrics; the server calls `registry.metrics()` per scrape. */
  readonly registry: Registry;
}

export interface HttpServerOptions {
  readonly host: string;
  /** 0 picks a free port; `address` tells which. */
  readonly port: number;
  readonly source: NodeStatusSource;
}

export class NodeHttpServer {
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: http.Server) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: HttpServerOptions): Promise<NodeHttpServer> {
    const server = http.createServer((req, res) => {
      void handle(req, res, options.source);
    });
    server.headersTimeout = httpLimits.headersTimeoutMs;
    server.requestTimeout = httpLimits.requestTimeoutMs;
    server.maxHeadersCount = httpLimits.headersCountMax;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new NodeHttpServer(server);
  }

  get address(): { host: string; port: number } {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('the HTTP server is not listening');
    return { host: address.address, port: address.port };
  }

  /** Stops listening and cuts open connections (scrapes are short; nothing to drain). */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, source: NodeStatusSource): Promise<void> {
  // Bodies are never read: every endpoint is a GET. Draining keeps keep-alive connections usable.
  req.resume();
  const url = new URL(req.url ?? '/', 'http://node');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    reply(res, 405, 'text/plain', 'only GET and HEAD are served\n', { allow: 'GET, HEAD' });
    return;
  }
  switch (url.pathname) {
    case '/health': {
      const ready = url.searchParams.get('ready');
      const wantsReady = ready !== null && ready !== '0' && ready !== 'false';
      if (wantsReady && !source.sqlReady) {
        reply(res, 503, 'application/json', JSON.stringify({ ready: false, reason: 'the node is not serving SQL' }) + '\n');
      } else {
        reply(res, 200, 'application/json', JSON.stringify(wantsReady ? { ready: true } : { live: true }) + '\n');
      }
      return;
    }
    case '/metrics': {
      try {
        const body = await source.registry.metrics();
        reply(res, 200, source.registry.contentType, body);
      } catch (err) {
        reply(res, 500, 'text/plain', `collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
      return;
    }
    default:
      reply(res, 404, 'text/plain', `no such endpoint: ${url.pathname} (try /health, /health?ready=1, /metrics)\n`);
  }
}

function reply(res: http.ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
