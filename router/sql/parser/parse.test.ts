import { beforeAll, describe, expect, it } from 'vitest';
import { PgError } from '../errors/pg-error.js';
import { initParser, parseCacheStats, parseSql } from './parse.js';

beforeAll(async () => {
  await initParser();
});

function parseError(sql: string): PgError {
  try {
    parseSql(sql);
  } catch (err) {
    if (err instanceof PgError) return err;
    throw err;
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('parseSql', () => {
  it('splits a query string into statements with their own text and offsets', () => {
    const sql = 'SELECT 1;  SELECT \'é\' ;INSERT INTO t VALUES (1)';
    const statements = parseSql(sql);
    expect(statements.map((s) => s.text)).toEqual(['SELECT 1', "SELECT 'é'", 'INSERT INTO t VALUES (1)']);
    expect(statements.map((s) => sql.slice(s.offset, s.offset + s.text.length))).toEqual(statements.map((s) => s.text));
    expect(Object.keys(statements[2]?.ast ?? {})).toEqual(['InsertStmt']);
  });

  it('gives an empty list for an empty query, as PostgreSQL answers EmptyQueryResponse', () => {
    expect(parseSql('')).toEqual([]);
    expect(parseSql(' ; ;')).toEqual([]);
  });

  // "position: the field value is a decimal ASCII integer, indicating an error cursor position as
  // an index into the original query string. The first character has index 1, and positions are
  // measured in characters not bytes." (PostgreSQL manual, 55.8 Error and Notice Message Fields)
  it('reports syntax errors as 42601 with a 1-based character position', () => {
    const err = parseError('SELECT * FORM t');
    expect(err.code).toBe('42601');
    expect(err.message).toBe('syntax error at or near "FORM"');
    expect(err.position).toBe(10);
    // FORM is taken as a column alias here, so the error is at "t", the 19th character.
    const multibyte = parseError("SELECT 'ééé' FORM t");
    expect(multibyte.message).toBe('syntax error at or near "t"');
    expect(multibyte.position).toBe(19);
    expect(parseError('SELECT 1 +').message).toBe('syntax error at end of input');
  });

  it('rejects a NUL in the text rather than parsing a prefix', () => {
    expect(parseError('SELECT 1\0; DROP TABLE t').code).toBe('42601');
  });

  it('serves repeated text from the cache', () => {
    const before = parseCacheStats.hits;
    const first = parseSql('SELECT a FROM cache_probe');
    const second = parseSql('SELECT a FROM cache_probe');
    expect(second).toBe(first);
    expect(parseCacheStats.hits).toBe(before + 1);
  });
});
