import { describe, expect, it } from 'vitest';
import { LogicFileError, parseLogicFile, type LogicRecord } from './logic-file.js';

function parse(text: string): LogicRecord[] {
  return [...parseLogicFile(text, 'x.slt').records];
}

describe('parseLogicFile', () => {
  it('reads statements with each kind of expectation', () => {
    const records = parse(
      [
        '# setup',
        'statement ok',
        'CREATE TABLE t (',
        '  k int PRIMARY KEY',
        ')',
        '',
        'statement count 3',
        'INSERT INTO t VALUES (1), (2), (3)',
        '',
        'statement error pgcode 23505 duplicate key value violates unique constraint "t_pkey"',
        'INSERT INTO t VALUES (1)',
      ].join('\n'),
    );
    expect(records).toMatchObject([
      { kind: 'statement', pos: 'x.slt:2', sql: 'CREATE TABLE t (\n  k int PRIMARY KEY\n)', expect: { kind: 'ok' } },
      { kind: 'statement', pos: 'x.slt:7', expect: { kind: 'count', count: 3 } },
      {
        kind: 'statement',
        pos: 'x.slt:10',
        expect: { kind: 'error', code: '23505', messagePattern: 'duplicate key value violates unique constraint "t_pkey"' },
      },
    ]);
  });

  it('reads queries with types, sort mode, colnames and the expected block', () => {
    const [query, error] = parse(
      ['query ITB rowsort colnames', 'SELECT 1, 2', '----', 'a b c', '1 2 t', '', 'query error pgcode 22012', 'SELECT 1/0'].join('\n'),
    );
    expect(query).toMatchObject({
      kind: 'query',
      sql: 'SELECT 1, 2',
      expect: { kind: 'rows', types: 'ITB', sort: 'rowsort', colnames: true, lines: ['a b c', '1 2 t'], block: { start: 3, end: 5 } },
    });
    expect(error).toMatchObject({ kind: 'query', pos: 'x.slt:7', expect: { kind: 'error', code: '22012', messagePattern: undefined } });
  });

  it('reads an empty result block up to the end of the file', () => {
    const [query] = parse('query T\nSELECT 1 WHERE false\n----');
    expect(query).toMatchObject({ expect: { lines: [], block: { start: 3, end: 3 } } });
  });

  it('attaches skipif and onlyif to the next record only', () => {
    const records = parse(
      ['skipif tessera # not yet', 'onlyif postgres', 'statement ok', 'SELECT 1', '', 'statement ok', 'SELECT 2'].join('\n'),
    );
    expect(records[0]?.conditions).toEqual([
      { kind: 'skipif', engine: 'tessera' },
      { kind: 'onlyif', engine: 'postgres' },
    ]);
    expect(records[1]?.conditions).toEqual([]);
  });

  it('reads connections, async statements, await and halt', () => {
    const records = parse(
      [
        'connection second',
        '',
        'statement async w1 error pgcode 40001',
        'UPDATE t SET v = 1',
        '',
        'query async q1 I nosort',
        'SELECT 1',
        '----',
        '1',
        '',
        'await w1',
        'halt',
      ].join('\n'),
    );
    expect(records).toMatchObject([
      { kind: 'connection', name: 'second' },
      { kind: 'statement', asyncLabel: 'w1', expect: { kind: 'error', code: '40001' } },
      { kind: 'query', asyncLabel: 'q1', expect: { kind: 'rows', types: 'I', lines: ['1'] } },
      { kind: 'await', label: 'w1' },
      { kind: 'halt' },
    ]);
  });

  it.each([
    ['an unknown record', 'select 1', /x.slt:1: unknown record "select"/],
    ['types with a wrong letter', 'query IX\nSELECT 1\n----', /x.slt:1: query needs column types/],
    ['an unknown option', 'query I sorted\nSELECT 1\n----', /unknown query option "sorted"/],
    ['a query without ----', 'query I\nSELECT 1\n\n', /x.slt:1: query without ----/],
    ['a statement followed by ----', 'statement ok\nSELECT 1\n----\n1', /---- after a record that has no results/],
    ['a record without SQL', 'statement ok\n\nstatement ok\nSELECT 1', /x.slt:1: record without SQL/],
    ['an error without pgcode', 'statement error duplicate\nSELECT 1', /error pgcode XXXXX/],
    ['a malformed SQLSTATE', 'statement error pgcode 2350\nSELECT 1', /with a SQLSTATE/],
    ['a bad regex', 'statement error pgcode 23505 (\nSELECT 1', /bad error regex/],
    ['an unknown engine', 'skipif sqlite\nstatement ok\nSELECT 1', /skipif needs an engine: postgres or tessera/],
    ['a condition before nothing', 'statement ok\nSELECT 1\n\nonlyif tessera', /before no record/],
    ['async without a label', 'statement async ok\nSELECT 1', /async needs a label|statement needs ok/],
    ['a connection without a name', 'connection', /connection takes a connection name/],
  ])('rejects %s with the file and line', (_what, text, message) => {
    expect(() => parse(text)).toThrow(LogicFileError);
    expect(() => parse(text)).toThrow(message);
  });
});
