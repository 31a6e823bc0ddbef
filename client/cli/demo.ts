import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { TesseraNode } from '../../node/server.js';
import { SQL_PORT_DEFAULT, formatHostPort, untilSignal } from './start.js';

interface DemoOptions {
  readonly sqlPort: string;
  readonly format: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run a node on a temporary store until Ctrl-C, then remove it')
    .option('--sql-port <port>', 'SQL port of the first node (0 picks a free one)', String(SQL_PORT_DEFAULT))
    .option('--format <format>', 'text or json (one line when the nodes are ready)', 'text')
    .action(async (options: DemoOptions) => {
      const sqlPort = Number(options.sqlPort);
      if (!Number.isInteger(sqlPort) || sqlPort < 0 || sqlPort > 65535) throw new Error(`--sql-port must be a port number, got ${options.sqlPort}`);
      if (options.format !== 'text' && options.format !== 'json') throw new Error(`unknown --format ${options.format}: use text or json`);
      const storePath = await mkdtemp(path.join(os.tmpdir(), 'tessera-demo-'));
      try {
        const node = await TesseraNode.start({ storePath, sqlHost: '127.0.0.1', sqlPort, httpHost: '127.0.0.1', httpPort: 0 });
        try {
          const sqlAddr = formatHostPort(node.sqlAddress.host, node.sqlAddress.port);
          const httpAddr = formatHostPort(node.httpAddress.host, node.httpAddress.port);
          if (options.format === 'json') {
            process.stdout.write(JSON.stringify({ nodes: [{ id: 1, sqlAddr, httpAddr, pid: process.pid }] }) + '\n');
          } else {
            process.stdout.write(`Tessera demo: one node, store in ${storePath} (removed on exit)\n`);
            process.stdout.write(`Connect with: psql 'postgresql://root@${sqlAddr}/defaultdb?sslmode=disable'\n`);
            process.stdout.write(`Health and metrics: http://${httpAddr}/health?ready=1 and http://${httpAddr}/metrics\n`);
            process.stdout.write('Press Ctrl-C to stop.\n');
          }
          await untilSignal();
        } finally {
          await node.stop();
        }
      } finally {
        await rm(storePath, { recursive: true, force: true });
      }
    });
}
