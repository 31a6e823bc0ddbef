import type { Command } from 'commander';
import { TesseraNode } from '../../node/server.js';

/** The SQL port of PostgreSQL-compatible Tessera nodes unless told otherwise. */
export const SQL_PORT_DEFAULT = 26257;

/**
 * The HTTP port unless told otherwise: 0, a free one, printed at start. A fixed default would
 * make a second node on the same machine fail to start over a port nobody asked for.
 */
export const HTTP_PORT_DEFAULT = 0;

interface StartOptions {
  readonly insecure?: boolean;
  readonly store: string;
  readonly sqlAddr: string;
  readonly httpAddr: string;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start a node (without --join, a one-node cluster) and serve SQL until SIGTERM or SIGINT')
    .option('--insecure', 'serve without TLS and let existing users in without a password')
    .requiredOption('--store <dir>', 'directory of the node\'s store (created when missing)')
    .option('--sql-addr <host:port>', 'address of the PostgreSQL wire protocol server', `127.0.0.1:${SQL_PORT_DEFAULT}`)
    .option('--http-addr <host:port>', 'address of the HTTP server: /health, /health?ready=1, /metrics (port 0 picks a free one)', `127.0.0.1:${HTTP_PORT_DEFAULT}`)
    .action(async (options: StartOptions) => {
      if (options.insecure !== true) throw new Error('only --insecure mode is supported: TLS and passwords are not served yet');
      const sqlAddr = parseHostPort(options.sqlAddr, '--sql-addr');
      const httpAddr = parseHostPort(options.httpAddr, '--http-addr');
      const node = await TesseraNode.start({
        storePath: options.store,
        sqlHost: sqlAddr.host,
        sqlPort: sqlAddr.port,
        httpHost: httpAddr.host,
        httpPort: httpAddr.port,
      });
      const sql = node.sqlAddress;
      const http = node.httpAddress;
      process.stdout.write(
        `tessera: node started\nsql: ${formatHostPort(sql.host, sql.port)}\nhttp: ${formatHostPort(http.host, http.port)}\nstore: ${options.store}\n`,
      );
      await untilSignal();
      process.stdout.write('tessera: stopping\n');
      await node.stop();
    });
}

/** Resolves at the first SIGTERM or SIGINT; a second one exits at once. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (): void => {
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      const force = (): void => process.exit(1);
      process.once('SIGTERM', force);
      process.once('SIGINT', force);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** Parses a `host:port` flag value; IPv6 hosts are written in brackets, `[::1]:26257`. */
export function parseHostPort(text: string, flag: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port > 65535) throw new Error(`${flag} must be host:port, got ${JSON.stringify(text)}`);
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** The host as it goes into a URL or a host:port string. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
