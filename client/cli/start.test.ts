/**
 * `tessera start` as users run it: a real node process on a temporary store, reached by real
 * clients nobody here wrote (psql 15 and node-postgres). `npm test` builds dist/ first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontend, splitBackend, startupPacket, errorFieldsOf } from '../../router/pgwire/codec/testing/frontend-writer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mainJs = path.join(root, 'dist/client/cli/main.js');
const pgBin = '/usr/lib/postgresql/15/bin';
const psqlPath = existsSync(`${pgBin}/psql`) ? `${pgBin}/psql` : 'psql';
const pgbenchPath = existsSync(`${pgBin}/pgbench`) ? `${pgBin}/pgbench` : 'pgbench';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface RunningNode {
  readonly child: ChildProcess;
  readonly port: number;
  output: string;
}

async function startNode(store: string): Promise<RunningNode> {
  const port = await freePort();
  const child = spawn(process.execPath, [mainJs, 'start', '--insecure', '--store', store, '--sql-addr', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const node: RunningNode = { child, port, output: '' };
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      node.output += chunk.toString();
      if (node.output.includes(`sql: 127.0.0.1:${port}`)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`tessera start exited with ${code}: ${node.output}`)));
  });
  return node;
}

/** SIGTERM, then the exit code: a clean shutdown exits 0. */
async function stopNode(node: RunningNode): Promise<number | null> {
  if (node.child.exitCode !== null) return node.child.exitCode;
  const exited = new Promise<number | null>((resolve) => node.child.once('exit', (code) => resolve(code)));
  node.child.kill('SIGTERM');
  return exited;
}

function psql(port: number, ...commands: string[]): { status: number | null; stdout: string; stderr: string } {
  const args = ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'root', '-d', 'defaultdb', ...commands.flatMap((c) => ['-c', c])];
  const result = spawnSync(psqlPath, args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Sends raw bytes and collects what the server answers until it closes the connection. */
function rawExchange(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received)));
    socket.on('connect', () => socket.write(data));
    socket.setTimeout(20_000, () => socket.destroy(new Error('the server did not close the connection')));
  });
}

describe('tessera start with real clients', () => {
  let store: string;
  let node: RunningNode;

  beforeAll(async () => {
    store = await mkdtemp(path.join(os.tmpdir(), 'tessera-start-'));
    node = await startNode(path.join(store, 'node1'));
  });

  afterAll(async () => {
    if (node !== undefined) await stopNode(node);
    await rm(store, { recursive: true, force: true });
  });

  it('serves psql -c with DDL, writes, reads and errors', () => {
    const created = psql(node.port, 'CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance int)',
      "INSERT INTO accounts VALUES (1, 'ann', 100), (2, 'bob', NULL)");
    expect(created).toMatchObject({ status: 0, stdout: 'CREATE TABLE\nINSERT 0 2\n' });
    const read = psql(node.port, 'SELECT id, owner, balance FROM accounts ORDER BY id');
    expect(read.status).toBe(0);
    expect(read.stdout).toBe(' id | owner | balance \n----+-------+---------\n  1 | ann   |     100\n  2 | bob   |        \n(2 rows)\n\n');
    const failed = psql(node.port, 'SELECT 1/0');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('ERROR:  division by zero');
  });

  it('runs a psql -f script with a transaction block and stops at the first error', async () => {
    const script = path.join(store, 'script.sql');
    await writeFile(script, [
      'CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, qty int);',
      'BEGIN;',
      "INSERT INTO orders VALUES (1, 'apple', 3);",
      "INSERT INTO orders VALUES (2, 'pear', 5);",
      'COMMIT;',
      'SELECT item, qty FROM orders',
      '  WHERE qty > 1 ORDER BY id;',
      "INSERT INTO orders VALUES (1, 'dup', 0);",
      'SELECT 1;',
      '',
    ].join('\n'));
    const args = ['-X', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(node.port), '-U', 'root', '-d', 'defaultdb', '-f', script];
    const result = spawnSync(psqlPath, args, { encoding: 'utf8', timeout: 30_000 });
    expect(result.stdout).toBe('CREATE TABLE\nBEGIN\nINSERT 0 1\nINSERT 0 1\nCOMMIT\n item  | qty \n-------+-----\n apple |   3\n pear  |   5\n(2 rows)\n\n');
    // psql exits with 3 when ON_ERROR_STOP stops a script.
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('ERROR:  duplicate key value violates unique constraint');
  });

  // pgbench (libpq) drives the three query modes: simple Query, unnamed Parse/Bind/Describe/
  // Execute/Sync every time, and named statements parsed once (-M prepared).
  it('runs a pgbench script in simple, extended and prepared mode with no failed transaction', async () => {
    expect(psql(node.port, 'CREATE TABLE bench (id int PRIMARY KEY, bal int)', 'INSERT INTO bench VALUES (1, 0), (2, 0), (3, 0)').status).toBe(0);
    const script = path.join(store, 'bench.sql');
    await writeFile(script, '\\set id random(1, 3)\nBEGIN;\nUPDATE bench SET bal = bal + 1 WHERE id = :id;\nSELECT bal FROM bench WHERE id = :id;\nEND;\n');
    for (const mode of ['simple', 'extended', 'prepared']) {
      const args = ['-n', '-h', '127.0.0.1', '-p', String(node.port), '-U', 'root', '-f', script, '-M', mode, '-c', '1', '-t', '20', 'defaultdb'];
      const result = spawnSync(pgbenchPath, args, { encoding: 'utf8', timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain('number of transactions actually processed: 20/20');
      expect(result.stdout).toContain('number of failed transactions: 0 (0.000%)');
    }
    expect(psql(node.port, 'SELECT sum(bal) AS total FROM bench').stdout).toBe(' total \n-------\n    60\n(1 row)\n\n');
  });

  it('refuses an unknown database or user with a FATAL error', () => {
    const noDb = spawnSync(psqlPath, ['-X', '-h', '127.0.0.1', '-p', String(node.port), '-U', 'root', '-d', 'nodb', '-c', 'SELECT 1'], { encoding: 'utf8' });
    expect(noDb.status).toBe(2);
    expect(noDb.stderr).toContain('FATAL:  database "nodb" does not exist');
    const noUser = spawnSync(psqlPath, ['-X', '-h', '127.0.0.1', '-p', String(node.port), '-U', 'nobody', '-d', 'defaultdb', '-c', 'SELECT 1'], { encoding: 'utf8' });
    expect(noUser.status).toBe(2);
    expect(noUser.stderr).toContain('FATAL:  role "nobody" does not exist');
  });

  it('serves node-postgres: simple queries, parameters, named statements, transactions', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: node.port, user: 'root', database: 'defaultdb' });
    await client.connect();
    try {
      await client.query('CREATE TABLE kv (k int PRIMARY KEY, v text)');
      expect((await client.query('INSERT INTO kv VALUES ($1, $2), ($3, $4)', [1, "it's", 2, null])).rowCount).toBe(2);
      expect((await client.query('SELECT k, v FROM kv WHERE k = $1', [1])).rows).toEqual([{ k: 1, v: "it's" }]);
      const named = { name: 'by-key', text: 'SELECT v FROM kv WHERE k = $1' };
      expect((await client.query({ ...named, values: [2] })).rows).toEqual([{ v: null }]);
      expect((await client.query({ ...named, values: [1] })).rows).toEqual([{ v: "it's" }]);
      await expect(client.query('SELECT $1::int', ['nope'])).rejects.toMatchObject({ code: '22P02' });
      expect((await client.query('')).rows).toEqual([]);
      // ReadyForQuery's status byte drives pg's view of the transaction; a failed block needs ROLLBACK.
      await client.query('BEGIN');
      await client.query('INSERT INTO kv VALUES (3, $1)', ['three']);
      await expect(client.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
      await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
      await client.query('ROLLBACK');
      expect((await client.query('SELECT count(*) AS n FROM kv')).rows).toEqual([{ n: '2' }]);
    } finally {
      await client.end();
    }
  });

  it('closes a connection that sends garbage or an oversized message, and keeps serving others', async () => {
    const startup = startupPacket({ user: 'root', database: 'defaultdb' });
    const garbage = await rawExchange(node.port, Buffer.concat([startup, Buffer.from([0x21, 0, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef])]));
    const garbageError = splitBackend(garbage).find((m) => m.type === 'E');
    expect(errorFieldsOf(garbageError?.body ?? Buffer.alloc(0))).toMatchObject({ S: 'FATAL', C: '08P01' });
    const oversized = Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff]);
    const tooBig = await rawExchange(node.port, Buffer.concat([startup, oversized]));
    const tooBigError = splitBackend(tooBig).find((m) => m.type === 'E');
    expect(errorFieldsOf(tooBigError?.body ?? Buffer.alloc(0))).toMatchObject({ S: 'FATAL', C: '54000' });
    const badStartup = await rawExchange(node.port, Buffer.from([0, 0, 0, 2, 1, 2, 3]));
    expect(splitBackend(badStartup).map((m) => m.type)).toEqual(['E']);
    expect(psql(node.port, 'SELECT 41 + 1 AS answer').stdout).toBe(' answer \n--------\n     42\n(1 row)\n\n');
  });

  it('rolls back the transaction of a client that disconnects in the middle of it', async () => {
    const startup = startupPacket({ user: 'root', database: 'defaultdb' });
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(node.port, '127.0.0.1', () => {
        socket.write(Buffer.concat([startup, frontend.query('CREATE TABLE gone (a int PRIMARY KEY)')]));
      });
      let seen = '';
      socket.on('data', (chunk) => {
        seen += chunk.toString('latin1');
        if (seen.includes('CREATE TABLE')) {
          seen = '';
          socket.write(frontend.query('BEGIN; INSERT INTO gone VALUES (1)'));
        } else if (seen.includes('INSERT 0 1')) socket.destroy();
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    // The abandoned insert holds no lock once rolled back, so this write and read go through.
    expect(psql(node.port, 'INSERT INTO gone VALUES (2)', 'SELECT a FROM gone').stdout).toBe('INSERT 0 1\n a \n---\n 2\n(1 row)\n\n');
  });

  it('finds every committed row after a clean restart on the same store', async () => {
    expect(psql(node.port, 'CREATE TABLE durable (a int PRIMARY KEY)', 'INSERT INTO durable VALUES (1), (2), (3)').status).toBe(0);
    expect(await stopNode(node)).toBe(0);
    node = await startNode(path.join(store, 'node1'));
    expect(psql(node.port, 'SELECT sum(a) AS total FROM durable', 'SELECT count(*) AS n FROM accounts').stdout).toBe(
      ' total \n-------\n     6\n(1 row)\n\n n \n---\n 2\n(1 row)\n\n',
    );
  });
});
