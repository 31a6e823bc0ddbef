import { existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgServerError, startPgServer, type PgServer } from './pg-server.js';

async function query(server: PgServer, sql: string): Promise<unknown[][]> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: 'postgres' });
  await client.connect();
  try {
    const result = await client.query<unknown[]>({ text: sql, rowMode: 'array' });
    return result.rows;
  } finally {
    await client.end();
  }
}

async function acceptsTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startPgServer', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPgServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('serves PostgreSQL 15 on loopback', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    const [[version]] = (await query(server, 'SHOW server_version_num')) as [[string]];
    expect(Number(version)).toBeGreaterThanOrEqual(150000);
    expect(Number(version)).toBeLessThan(160000);
  });

  it('uses the C collation, UTF8 and UTC', async () => {
    // "The C and POSIX collations ... sort by byte values" (PostgreSQL 15 manual, 24.2.2.1):
    // 'B' (0x42) sorts before 'a' (0x61), which a linguistic collation would not do.
    const rows = await query(
      server,
      "SELECT current_setting('lc_collate'), current_setting('server_encoding'), current_setting('TimeZone'), 'B' < 'a'",
    );
    expect(rows).toEqual([['C', 'UTF8', 'UTC', true]]);
  });

  it('gives every server its own port and directory, and stop() removes both', async () => {
    const second = await startPgServer();
    expect(second.port).not.toBe(server.port);
    const [[dataDir]] = (await query(second, 'SHOW data_directory')) as [[string]];
    expect(existsSync(dataDir)).toBe(true);
    if (process.getuid?.() === 0) {
      // As root the server runs as the postgres OS user, which must own its data directory.
      expect(statSync(dataDir).uid).not.toBe(0);
    }
    await second.stop();
    await second.stop();
    expect(existsSync(dataDir)).toBe(false);
    expect(await acceptsTcp(second.host, second.port)).toBe(false);
  });
});

describe('startPgServer without PostgreSQL', () => {
  it('fails with an error that says what is missing', async () => {
    const attempt = startPgServer({ binDir: '/nonexistent/postgresql/bin' });
    await expect(attempt).rejects.toBeInstanceOf(PgServerError);
    await expect(attempt).rejects.toThrow(/PostgreSQL 15 is not installed.*\/nonexistent\/postgresql\/bin.*TESSERA_PG_BIN/);
  });
});
