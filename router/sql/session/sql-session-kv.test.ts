/**
 * Sessions over the real KV stack (client/kv over an in-process KV server): concurrent
 * transactions do not lose updates, and KV errors reach the client as SQLSTATEs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KvDB } from '../../../client/kv/index.js';
import { LocalKvServer } from '../../../node/kv-server/local-kv-server.js';
import { MemoryEngine } from '../../../storage/memory-engine.js';
import { SqlServer } from './sql-server.js';
import type { SqlSession } from './sql-session.js';
import { formatRow, type StatementOutcome } from './statement-result.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<SqlServer> {
  const kvServer = await LocalKvServer.start({ engine: new MemoryEngine(), syncWrites: false });
  const db = new KvDB({ sender: kvServer, clock: kvServer.clock });
  cleanups.push(() => kvServer.close(), () => db.close());
  return SqlServer.create({ kv: db });
}

function last(outcomes: StatementOutcome[]): StatementOutcome {
  const outcome = outcomes[outcomes.length - 1];
  if (outcome === undefined) throw new Error('no outcome');
  return outcome;
}

async function rows(session: SqlSession, sql: string): Promise<(string | null)[][]> {
  const outcome = last(await session.execute(sql));
  if (outcome.kind === 'error') throw outcome.error;
  return outcome.result.rows.map((r) => formatRow(outcome.result.columns, r, session.typeContext()));
}

describe('sessions over client/kv', () => {
  it('applies two concurrent read-modify-write increments (no lost update)', async () => {
    const server = await start();
    const a = await server.session({ database: 'defaultdb' });
    const b = await server.session({ database: 'defaultdb' });
    await a.execute('CREATE TABLE counter (id int PRIMARY KEY, n int); INSERT INTO counter VALUES (1, 0)');
    await a.execute('BEGIN');
    expect(last(await a.execute('UPDATE counter SET n = n + 1 WHERE id = 1')).kind).toBe('ok');
    // b's increment meets a's intent and waits for a to finish, then applies on top of it.
    const pending = b.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
    expect(last(await a.execute('COMMIT')).kind).toBe('ok');
    const outcome = last(await pending);
    expect(outcome.kind === 'ok' ? outcome.result.commandTag : outcome.error.code).toBe('UPDATE 1');
    expect(await rows(a, 'SELECT n FROM counter')).toEqual([['2']]);
  });

  it('keeps unique violations as 23505 through a conditional put', async () => {
    const server = await start();
    const s = await server.session({ database: 'defaultdb' });
    await s.execute('CREATE TABLE u (id int PRIMARY KEY, email text UNIQUE)');
    await s.execute("INSERT INTO u VALUES (1, 'a@x')");
    const outcome = last(await s.execute("INSERT INTO u VALUES (2, 'a@x')"));
    expect(outcome.kind === 'error' ? outcome.error.code : 'ok').toBe('23505');
    expect(await rows(s, 'SELECT count(*) FROM u')).toEqual([['1']]);
  });
});
