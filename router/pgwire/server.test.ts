/** The TCP server over an in-memory store: connection limits and stopping with clients attached. */
import net from 'node:net';
import pg from 'pg';
import { Prng } from '../../common/prng.js';
import { frontend, startupPacket } from './codec/testing/frontend-writer.js';
import { afterEach, describe, expect, it } from 'vitest';
import { KvDB } from '../../client/kv/index.js';
import { LocalKvServer } from '../../node/kv-server/local-kv-server.js';
import { MemoryEngine } from '../../storage/memory-engine.js';
import { SqlServer } from '../sql/session/sql-server.js';
import { PgServer } from './server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(connectionsMax?: number): Promise<{ server: PgServer; sql: SqlServer }> {
  const kvServer = await LocalKvServer.start({ engine: new MemoryEngine(), syncWrites: false });
  const db = new KvDB({ sender: kvServer, clock: kvServer.clock });
  cleanups.push(() => kvServer.close(), () => db.close());
  const sql = await SqlServer.create({ kv: db });
  const server = await PgServer.start({ sql, host: '127.0.0.1', port: 0, ...(connectionsMax === undefined ? {} : { connectionsMax }) });
  cleanups.push(() => server.stop({ drainMs: 0 }));
  return { server, sql };
}

function client(server: PgServer): pg.Client {
  const c = new pg.Client({ host: '127.0.0.1', port: server.address.port, user: 'root', database: 'defaultdb' });
  c.on('error', () => undefined);
  return c;
}

describe('PgServer', () => {
  it('refuses connections past connectionsMax with 53300 and accepts again once one closes', async () => {
    const { server } = await startServer(1);
    const first = client(server);
    await first.connect();
    await expect(client(server).connect()).rejects.toMatchObject({ code: '53300' });
    await first.end();
    while (server.connectionCount > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = client(server);
    await second.connect();
    expect((await second.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await second.end();
  });

  it('stops with a transaction open: the client is cut off and its writes are rolled back', async () => {
    const { server, sql } = await startServer();
    const c = client(server);
    await c.connect();
    await c.query('CREATE TABLE t (a int PRIMARY KEY)');
    await c.query('BEGIN');
    await c.query('INSERT INTO t VALUES (1)');
    const ended = new Promise((resolve) => c.once('end', resolve));
    await server.stop({ drainMs: 0 });
    await ended;
    expect(server.connectionCount).toBe(0);
    const session = await sql.session({ database: 'defaultdb' });
    const [outcome] = await session.execute('SELECT count(*) FROM t');
    expect(outcome?.kind === 'ok' ? outcome.result.rows : outcome).toEqual([[0n]]);
    await session.close();
  });

  it('lets a running statement finish while stopping, then cuts the connections', async () => {
    const { server } = await startServer();
    const holder = client(server);
    const waiter = client(server);
    await holder.connect();
    await waiter.connect();
    await holder.query('CREATE TABLE t (a int PRIMARY KEY)');
    await holder.query('BEGIN');
    await holder.query('INSERT INTO t VALUES (1)');
    // The waiter blocks on the holder's intent: a running statement.
    const waiting = waiter.query('INSERT INTO t VALUES (1)').then(() => 'inserted', (err: { code?: string }) => err.code);
    while (!(await isBusy(server))) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = server.stop({ drainMs: 30_000 });
    await holder.query('COMMIT');
    expect(await waiting).toBe('23505');
    await stopped;
    expect(server.connectionCount).toBe(0);
  });
});

describe('PgServer under damaged input', () => {
  it('serves a well-behaved client while 400 connections send damaged streams', async () => {
    const { server } = await startServer();
    const good = client(server);
    await good.connect();
    await good.query('CREATE TABLE t (a int PRIMARY KEY)');
    const prng = new Prng(4242);
    const valid = Buffer.concat([
      startupPacket({ user: 'root', database: 'defaultdb' }), frontend.query('INSERT INTO t VALUES (1000)'),
      frontend.parse('', 'SELECT $1'), frontend.bind('', '', ['x']), frontend.execute(''), frontend.sync(),
    ]);
    const damaged = (): Buffer => {
      const bytes = Buffer.from(valid);
      for (let i = 0; i < 1 + (prng.nextUint32() % 3); i++) bytes[prng.nextUint32() % bytes.length] = prng.nextUint32() & 0xff;
      return bytes.subarray(0, 1 + (prng.nextUint32() % bytes.length));
    };
    for (let round = 0; round < 40; round++) {
      await Promise.all(Array.from({ length: 10 }, () => sendAndClose(server.address.port, damaged())));
      expect((await good.query('INSERT INTO t VALUES ($1) RETURNING a', [100_000 + round])).rows).toEqual([{ a: 100_000 + round }]);
    }
    await good.end();
  });
});

/** Writes the bytes, half-closes, and resolves when the server has closed its side too. */
function sendAndClose(port: number, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(data));
    socket.on('data', () => undefined);
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

async function isBusy(server: PgServer): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return server.busyCount > 0;
}
