/**
 * The session end to end over an in-memory KV: statements in, results and SQLSTATEs out.
 */
import { describe, expect, it } from 'vitest';
import { SqlServer } from './sql-server.js';
import type { SqlSession } from './sql-session.js';
import { formatRow, type StatementOutcome } from './statement-result.js';
import { MemorySqlKvDb } from './testing/memory-sql-kv.js';

async function open(): Promise<SqlSession> {
  const server = await SqlServer.create({ kv: new MemorySqlKvDb(), clockMicros: () => 1_700_000_000_000_000n });
  return server.session({ user: 'root', database: 'defaultdb' });
}

function texts(session: SqlSession, outcome: StatementOutcome | undefined): (string | null)[][] {
  if (outcome === undefined) throw new Error('no outcome');
  if (outcome.kind === 'error') throw outcome.error;
  return outcome.result.rows.map((r) => formatRow(outcome.result.columns, r, session.typeContext()));
}

async function query(session: SqlSession, sql: string): Promise<(string | null)[][]> {
  const outcomes = await session.execute(sql);
  return texts(session, outcomes[outcomes.length - 1]);
}

async function tag(session: SqlSession, sql: string): Promise<string> {
  const [outcome] = await session.execute(sql);
  if (outcome === undefined) throw new Error('no outcome');
  if (outcome.kind === 'error') throw outcome.error;
  return outcome.result.commandTag;
}

async function errorCode(session: SqlSession, sql: string): Promise<string> {
  const outcomes = await session.execute(sql);
  const last = outcomes[outcomes.length - 1];
  return last?.kind === 'error' ? last.error.code : 'ok';
}

describe('SqlSession', () => {
  it('creates a table, inserts and selects with WHERE, ORDER BY and LIMIT', async () => {
    const s = await open();
    expect(await tag(s, 'CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, score numeric(5,1) DEFAULT 1.5)')).toBe('CREATE TABLE');
    expect(await tag(s, "INSERT INTO t VALUES (1, 'a', 2.25), (2, 'b', NULL), (3, 'c', DEFAULT)")).toBe('INSERT 0 3');
    expect(await query(s, 'SELECT id, name, score FROM t WHERE id >= 2 ORDER BY id DESC')).toEqual([['3', 'c', '1.5'], ['2', 'b', null]]);
    expect(await query(s, 'SELECT name FROM t ORDER BY score NULLS FIRST LIMIT 2 OFFSET 1')).toEqual([['c'], ['a']]);
    expect(await query(s, 'SELECT id * 2 + 1 AS x FROM t WHERE id = 1')).toEqual([['3']]);
  });

  it('aggregates with GROUP BY and HAVING', async () => {
    const s = await open();
    await s.execute("CREATE TABLE g (k text, v int); INSERT INTO g VALUES ('a', 1), ('a', 2), ('b', 5), ('c', NULL)");
    expect(await query(s, 'SELECT k, count(*), sum(v), avg(v) FROM g GROUP BY k HAVING count(v) > 0 ORDER BY k')).toEqual([
      ['a', '2', '3', '1.5000000000000000'],
      ['b', '1', '5', '5.0000000000000000'],
    ]);
    expect(await query(s, 'SELECT count(*), max(v) FROM g WHERE v > 100')).toEqual([['0', null]]);
    expect(await errorCode(s, 'SELECT k, v FROM g GROUP BY k')).toBe('42803');
  });

  it('joins', async () => {
    const s = await open();
    await s.execute('CREATE TABLE a (id int PRIMARY KEY, x int); CREATE TABLE b (id int PRIMARY KEY, a_id int)');
    await s.execute('INSERT INTO a VALUES (1, 10), (2, 20); INSERT INTO b VALUES (1, 1), (2, 1), (3, 3)');
    expect(await query(s, 'SELECT a.id, b.id FROM a JOIN b ON a.id = b.a_id ORDER BY 1, 2')).toEqual([['1', '1'], ['1', '2']]);
    expect(await query(s, 'SELECT a.id, b.id FROM a LEFT JOIN b ON a.id = b.a_id ORDER BY 1, 2')).toEqual([['1', '1'], ['1', '2'], ['2', null]]);
    expect(await query(s, 'SELECT a.id, b.id FROM a FULL JOIN b ON a.id = b.a_id ORDER BY 1, 2')).toEqual([['1', '1'], ['1', '2'], ['2', null], [null, '3']]);
  });

  it('updates, deletes and enforces constraints', async () => {
    const s = await open();
    await s.execute('CREATE TABLE u (id int PRIMARY KEY, v int UNIQUE, w int CHECK (w > 0))');
    await s.execute('INSERT INTO u VALUES (1, 1, 1), (2, 2, 2)');
    expect(await errorCode(s, 'INSERT INTO u VALUES (1, 3, 3)')).toBe('23505');
    expect(await errorCode(s, 'INSERT INTO u VALUES (3, 1, 3)')).toBe('23505');
    expect(await errorCode(s, 'INSERT INTO u VALUES (3, 3, 0)')).toBe('23514');
    expect(await errorCode(s, 'INSERT INTO u VALUES (NULL, 3, 3)')).toBe('23502');
    expect(await tag(s, 'UPDATE u SET w = w + 10 WHERE id = 2')).toBe('UPDATE 1');
    expect(await query(s, 'UPDATE u SET v = 7 WHERE id = 1 RETURNING id, v')).toEqual([['1', '7']]);
    expect(await tag(s, 'DELETE FROM u WHERE v = 7')).toBe('DELETE 1');
    expect(await query(s, 'SELECT * FROM u')).toEqual([['2', '2', '12']]);
  });

  it('rolls back a transaction block and fails statements after an error (25P02)', async () => {
    const s = await open();
    await s.execute('CREATE TABLE r (id int PRIMARY KEY)');
    await s.execute('BEGIN; INSERT INTO r VALUES (1); ROLLBACK');
    expect(await query(s, 'SELECT count(*) FROM r')).toEqual([['0']]);
    await s.execute('BEGIN');
    expect(await errorCode(s, 'SELECT * FROM missing')).toBe('42P01');
    expect(await errorCode(s, 'SELECT 1')).toBe('25P02');
    expect(await tag(s, 'COMMIT')).toBe('ROLLBACK');
    expect(s.transactionState).toBe('idle');
  });

  it('keeps a table without a primary key on a hidden row id', async () => {
    const s = await open();
    await s.execute('CREATE TABLE h (a int, b text)');
    await s.execute("INSERT INTO h VALUES (1, 'x'), (1, 'x')");
    expect(await query(s, 'SELECT * FROM h')).toEqual([['1', 'x'], ['1', 'x']]);
    expect(await tag(s, 'DROP TABLE h')).toBe('DROP TABLE');
    expect(await errorCode(s, 'SELECT * FROM h')).toBe('42P01');
  });
});

describe('EXPLAIN', () => {
  it('shows a point lookup on the primary key, an index scan on an indexed column, and a full scan otherwise', async () => {
    const s = await open();
    await s.execute('CREATE TABLE e (id int PRIMARY KEY, k int, v text); CREATE INDEX e_k_idx ON e (k)');
    await s.execute("INSERT INTO e VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 10, 'c')");
    expect(await query(s, 'EXPLAIN SELECT * FROM e WHERE id = 1')).toEqual([['Index Scan using e_pkey on e'], ['  Index Cond: (id = 1)']]);
    expect(await query(s, 'EXPLAIN SELECT v FROM e WHERE k = 10 ORDER BY v')).toEqual([
      ['Sort'], ['  Sort Key: v'], ['  ->  Index Scan using e_k_idx on e'], ['        Index Cond: (k = 10)'],
    ]);
    expect(await query(s, "EXPLAIN SELECT * FROM e WHERE v = 'b'")).toEqual([['Seq Scan on e'], ["  Filter: (v = 'b')"]]);
    // The plans return the same rows as a full scan would.
    expect(await query(s, 'SELECT v FROM e WHERE k = 10 ORDER BY v')).toEqual([['a'], ['c']]);
    expect(await query(s, 'SELECT v FROM e WHERE id IN (3, 1, 7) ORDER BY id')).toEqual([['a'], ['c']]);
  });
});

describe('sequences and serial columns', () => {
  it('hands out values that are never rolled back (manual 9.17)', async () => {
    const s = await open();
    await s.execute('CREATE TABLE q (id serial PRIMARY KEY, v text)');
    await s.execute("BEGIN; INSERT INTO q (v) VALUES ('a'); ROLLBACK");
    expect(await query(s, "INSERT INTO q (v) VALUES ('b') RETURNING id")).toEqual([['2']]);
    expect(await query(s, "SELECT currval('q_id_seq')")).toEqual([['2']]);
  });
});

describe('ALTER TABLE', () => {
  it('adds a column with a default that existing rows see, and enforces new constraints', async () => {
    const s = await open();
    await s.execute("CREATE TABLE a (id int PRIMARY KEY); INSERT INTO a VALUES (1), (2)");
    await s.execute("ALTER TABLE a ADD COLUMN level text NOT NULL DEFAULT 'basic'");
    expect(await query(s, 'SELECT * FROM a ORDER BY id')).toEqual([['1', 'basic'], ['2', 'basic']]);
    expect(await errorCode(s, 'ALTER TABLE a ADD COLUMN req int NOT NULL')).toBe('23502');
    expect(await errorCode(s, "ALTER TABLE a ADD CONSTRAINT one_level UNIQUE (level)")).toBe('23505');
    await s.execute('ALTER TABLE a RENAME COLUMN level TO tier');
    expect(await query(s, 'SELECT tier FROM a WHERE id = 2')).toEqual([['basic']]);
  });
});

describe('foreign keys', () => {
  it('refuses orphans and cascades deletes', async () => {
    const s = await open();
    await s.execute('CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p ON DELETE CASCADE)');
    await s.execute('INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (10, 1), (11, 2), (12, NULL)');
    expect(await errorCode(s, 'INSERT INTO c VALUES (13, 3)')).toBe('23503');
    expect(await tag(s, 'DELETE FROM p WHERE id = 1')).toBe('DELETE 1');
    expect(await query(s, 'SELECT id FROM c ORDER BY id')).toEqual([['11'], ['12']]);
    expect(await errorCode(s, 'DROP TABLE p')).toBe('2BP01');
  });
});

describe('predicate pushdown', () => {
  it('filters an inner join side before joining, so the side can use its primary key', async () => {
    const s = await open();
    await s.execute('CREATE TABLE o (id int PRIMARY KEY, c int); CREATE TABLE c (id int PRIMARY KEY, name text)');
    await s.execute("INSERT INTO o VALUES (1, 10), (2, 20); INSERT INTO c VALUES (10, 'x'), (20, 'y')");
    expect(await query(s, 'EXPLAIN SELECT c.name FROM o JOIN c ON c.id = o.c WHERE o.id = 2')).toEqual([
      ['Nested Loop'], ['  Join Filter: (id = c)'], ['  ->  Index Scan using o_pkey on o'], ['        Index Cond: (id = 2)'], ['  ->  Seq Scan on c'],
    ]);
    expect(await query(s, 'SELECT c.name FROM o JOIN c ON c.id = o.c WHERE o.id = 2')).toEqual([['y']]);
  });

  it('keeps a filter on the nullable side of a LEFT JOIN above the join', async () => {
    const s = await open();
    await s.execute('CREATE TABLE l (id int PRIMARY KEY); CREATE TABLE r (id int PRIMARY KEY, v int)');
    await s.execute('INSERT INTO l VALUES (1), (2); INSERT INTO r VALUES (1, 5)');
    // Pushed below the join, "r.v IS NULL" would keep l.id = 1 with a NULL-extended row.
    expect(await query(s, 'SELECT l.id FROM l LEFT JOIN r ON r.id = l.id WHERE r.v IS NULL ORDER BY 1')).toEqual([['2']]);
  });
});
