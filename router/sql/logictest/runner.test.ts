import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLogicFile } from './runner.js';
import { SqlError, type Engine, type SqlConnection, type SqlResult, type SqlTarget } from './sql-target.js';

const int4 = 23;
const text = 25;

function rows(columns: [string, number][], values: (string | null)[][]): SqlResult {
  return { columns: columns.map(([name, typeOid]) => ({ name, typeOid })), rows: values, commandTag: `SELECT ${values.length}` };
}

/**
 * A scripted engine: fixed answers by SQL text, plus three statements that model a lock:
 * `LOCK x` takes lock x, `WAIT x` waits until `UNLOCK x` (from another session) releases it.
 */
class ScriptedTarget implements SqlTarget {
  readonly created: string[] = [];
  readonly dropped: string[] = [];
  readonly executed: string[] = [];
  openConnections = 0;
  private readonly waiters = new Map<string, () => void>();
  private readonly held = new Set<string>();

  constructor(
    readonly engine: Engine,
    private readonly answers: Record<string, SqlResult | SqlError>,
  ) {}

  async createDatabase(name: string): Promise<void> {
    this.created.push(name);
  }

  async dropDatabase(name: string): Promise<void> {
    this.dropped.push(name);
  }

  async connect(): Promise<SqlConnection> {
    this.openConnections++;
    let waiting = false;
    return {
      query: async (sql) => {
        this.executed.push(sql);
        const [verb, lock = ''] = sql.split(' ');
        if (verb === 'LOCK') this.held.add(lock);
        if (verb === 'UNLOCK') {
          this.held.delete(lock);
          this.waiters.get(lock)?.();
        }
        if (verb === 'WAIT' && this.held.has(lock)) {
          waiting = true;
          await new Promise<void>((resolve) => this.waiters.set(lock, resolve));
          waiting = false;
          return { columns: [], rows: [], commandTag: 'UPDATE 1' };
        }
        if (verb === 'LOCK' || verb === 'UNLOCK' || verb === 'WAIT') return { columns: [], rows: [], commandTag: 'UPDATE 0' };
        const answer = this.answers[sql];
        if (answer === undefined) throw new SqlError({ code: '42601', message: `syntax error at or near "${verb}"` });
        if (answer instanceof SqlError) throw answer;
        return answer;
      },
      isWaitingForLock: async () => waiting,
      close: async () => {
        this.openConnections--;
      },
    };
  }

  async close(): Promise<void> {}
}

const answers: Record<string, SqlResult | SqlError> = {
  'SELECT k, v FROM t': rows(
    [
      ['k', int4],
      ['v', text],
    ],
    [
      ['2', 'b c'],
      ['1', null],
    ],
  ),
  'SELECT 1 / 0': new SqlError({ code: '22012', message: 'division by zero' }),
  'INSERT INTO t VALUES (1), (2)': { columns: [], rows: [], commandTag: 'INSERT 0 2' },
  'CREATE TABLE t (k int)': { columns: [], rows: [], commandTag: 'CREATE TABLE' },
};

describe('runLogicFile', () => {
  let dir: string;
  let target: ScriptedTarget;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'logictest-'));
    target = new ScriptedTarget('postgres', answers);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, lines: string[]): string {
    const path = join(dir, name);
    writeFileSync(path, lines.join('\n'));
    return path;
  }

  const passing = [
    'statement ok',
    'CREATE TABLE t (k int)',
    '',
    'statement count 2',
    'INSERT INTO t VALUES (1), (2)',
    '',
    'query IT rowsort',
    'SELECT k, v FROM t',
    '----',
    '1 NULL',
    "2 'b c'",
    '',
    'query error pgcode 22012 division',
    'SELECT 1 / 0',
  ];

  it('passes a file that matches, in a database of its own that it drops', async () => {
    const result = await runLogicFile(file('pass.slt', passing), target, { rewrite: false });
    expect(result.failures).toEqual([]);
    expect(result.recordsRun).toBe(4);
    expect(target.created).toHaveLength(1);
    expect(target.created[0]).toMatch(/^logic_pass_\d+_\d+$/);
    expect(target.dropped).toEqual(target.created);
    expect(target.openConnections).toBe(0);
  });

  it('reports each mismatch with file:line, expected and actual', async () => {
    const path = file('fail.slt', [
      'statement count 3',
      'INSERT INTO t VALUES (1), (2)',
      '',
      'query IT',
      'SELECT k, v FROM t',
      '----',
      '1 NULL',
      "2 'b c'",
      '',
      'query IT rowsort',
      'SELECT k, v FROM t',
      '----',
      '1 NULL',
      '2 b c',
      '',
      'query II rowsort',
      'SELECT k, v FROM t',
      '----',
      '1 NULL',
      "2 'b c'",
      '',
      'statement error pgcode 22003',
      'SELECT 1 / 0',
      '',
      'statement error pgcode 22012 overflow',
      'SELECT 1 / 0',
      '',
      'statement error pgcode 22012',
      'CREATE TABLE t (k int)',
      '',
      'statement ok',
      'SELEC 1',
    ]);
    const result = await runLogicFile(path, target, { rewrite: false });
    const messages = result.failures.map((f) => `${f.pos}: ${f.message}`);
    expect(messages).toHaveLength(8);
    expect(messages[0]).toContain(`${path}:1: expected count 3, got "INSERT 0 2"`);
    // nosort: the server's order (2, 1) differs from the file's (1, 2).
    expect(messages[1]).toContain(`${path}:4: results differ\n--- expected\n1 NULL\n2 'b c'\n--- actual\n2 'b c'\n1 NULL`);
    expect(messages[2]).toContain(`${path}:10: expected row 2 has 3 values for 2 columns`);
    expect(messages[3]).toContain(`${path}:16: column types: expected II, got IT`);
    expect(messages[4]).toContain(`${path}:22: expected error 22003, got error 22012: division by zero`);
    expect(messages[5]).toContain(`${path}:25: expected an error matching /overflow/`);
    expect(messages[6]).toContain(`${path}:28: expected error 22012, but the statement succeeded (CREATE TABLE)`);
    expect(messages[6]).toContain('--- sql\nCREATE TABLE t (k int)');
    expect(messages[7]).toContain(`${path}:31: expected success, got error 42601: syntax error at or near "SELEC"`);
  });

  it('reports success where an error was expected and the reverse', async () => {
    const result = await runLogicFile(file('ok.slt', ['statement ok', 'SELEC 1']), target, { rewrite: false });
    expect(result.failures.map((f) => f.message)).toEqual([
      'expected success, got error 42601: syntax error at or near "SELEC"\n--- sql\nSELEC 1',
    ]);
  });

  it('compares valuesort results as a multiset of values', async () => {
    const path = file('values.slt', ['query IT valuesort', 'SELECT k, v FROM t', '----', "'b c' 1", '2 NULL']);
    expect((await runLogicFile(path, target, { rewrite: false })).failures).toEqual([]);
  });

  it('reads column names with colnames', async () => {
    const good = file('names.slt', ['query IT rowsort colnames', 'SELECT k, v FROM t', '----', 'k v', '1 NULL', "2 'b c'"]);
    expect((await runLogicFile(good, target, { rewrite: false })).failures).toEqual([]);
    const bad = file('names2.slt', ['query IT rowsort colnames', 'SELECT k, v FROM t', '----', 'k w', '1 NULL', "2 'b c'"]);
    expect((await runLogicFile(bad, target, { rewrite: false })).failures).toHaveLength(1);
  });

  it('runs skipif and onlyif records only on the engines they name, and stops at halt', async () => {
    const lines = [
      'skipif postgres',
      'statement ok',
      'SELEC postgres-skips-this',
      '',
      'onlyif tessera',
      'statement ok',
      'SELEC only-tessera',
      '',
      'statement ok',
      'CREATE TABLE t (k int)',
      '',
      'halt',
      '',
      'statement ok',
      'SELEC after-halt',
    ];
    const onPostgres = await runLogicFile(file('cond.slt', lines), target, { rewrite: false });
    expect(onPostgres.failures).toEqual([]);
    expect(onPostgres.recordsSkipped).toBe(2);
    expect(target.executed).toEqual(['CREATE TABLE t (k int)']);
    const tessera = new ScriptedTarget('tessera', answers);
    const onTessera = await runLogicFile(file('cond.slt', lines), tessera, { rewrite: false });
    // A record's position is its header line, after its conditions.
    expect(onTessera.failures.map((f) => f.pos)).toEqual([`${join(dir, 'cond.slt')}:2`, `${join(dir, 'cond.slt')}:6`]);
  });

  it('rewrites results, types, counts and error codes from the output, leaving the rest alone', async () => {
    const path = file('rewrite.slt', [
      '# kept',
      'statement count 9',
      'INSERT INTO t VALUES (1), (2)',
      '',
      'query I rowsort',
      'SELECT k, v FROM t',
      '----',
      'stale',
      'rows',
      '',
      'statement error pgcode 00000',
      'SELECT 1 / 0',
      '',
      'statement ok',
      'SELEC 1',
    ]);
    const result = await runLogicFile(path, target, { rewrite: true });
    expect(result.rewritten).toBe(true);
    expect(result.failures.map((f) => f.pos)).toEqual([`${path}:14`]);
    expect(readFileSync(path, 'utf8')).toBe(
      [
        '# kept',
        'statement count 2',
        'INSERT INTO t VALUES (1), (2)',
        '',
        'query IT rowsort',
        'SELECT k, v FROM t',
        '----',
        '1 NULL',
        "2 'b c'",
        '',
        'statement error pgcode 22012',
        'SELECT 1 / 0',
        '',
        'statement ok',
        'SELEC 1',
      ].join('\n'),
    );
    const again = await runLogicFile(path, target, { rewrite: true });
    expect(again.rewritten).toBe(false);
  });

  it('refuses to rewrite from any engine but PostgreSQL', async () => {
    const tessera = new ScriptedTarget('tessera', answers);
    await expect(runLogicFile(file('r.slt', passing), tessera, { rewrite: true })).rejects.toThrow(/only runs against PostgreSQL/);
  });

  it('runs a statement that blocks on another session until it is awaited', async () => {
    const path = file('async.slt', [
      'statement ok',
      'LOCK row1',
      '',
      'connection second',
      '',
      'statement async w1 count 1',
      'WAIT row1',
      '',
      'connection default',
      '',
      'statement ok',
      'UNLOCK row1',
      '',
      'await w1',
    ]);
    const result = await runLogicFile(path, target, { rewrite: false });
    expect(result.failures).toEqual([]);
    expect(target.executed).toEqual(['LOCK row1', 'WAIT row1', 'UNLOCK row1']);
    expect(target.openConnections).toBe(0);
  });

  it('fails an async statement that does not block, and one never awaited', async () => {
    const path = file('async2.slt', [
      'statement async w1 count 0',
      'WAIT free',
      '',
      'connection second',
      '',
      'statement async w2 ok',
      'WAIT free2',
      '',
      'await w1',
    ]);
    const result = await runLogicFile(path, target, { rewrite: false });
    expect(result.failures.map((f) => `${f.pos}: ${f.message}`)).toEqual([
      `${path}:1: async w1 was expected to wait for a lock, but it finished without waiting`,
      `${path}:6: async w2 was expected to wait for a lock, but it finished without waiting`,
      `${path}:6: async statement w2 was never awaited`,
    ]);
  });

  it('abandons a file that uses a session still running an async statement', async () => {
    const path = file('busy.slt', [
      'statement ok',
      'LOCK a',
      '',
      'connection second',
      '',
      'statement async w1 ok',
      'WAIT a',
      '',
      'statement ok',
      'CREATE TABLE t (k int)',
      '',
      'connection default',
      '',
      'statement ok',
      'UNLOCK a',
    ]);
    const result = await runLogicFile(path, target, { rewrite: false });
    expect(result.failures.map((f) => `${f.pos}: ${f.message}`)).toEqual([
      `${path}: file abandoned: ${path}:9: connection second is still running async w1; await it first`,
    ]);
    expect(target.dropped).toEqual(target.created);
  });
});
