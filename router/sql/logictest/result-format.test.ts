import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrangeRows, formatValue, parseRow, renderRows, RowFormatError, typeLetterOf } from './result-format.js';

describe('formatValue and parseRow', () => {
  it.each([
    [null, 'NULL'],
    ['', '(empty)'],
    ['NULL', "'NULL'"],
    ['(empty)', "'(empty)'"],
    ['42', '42'],
    ['-1.5e+20', '-1.5e+20'],
    ['{1,2,NULL}', '{1,2,NULL}'],
    ["it's", "it's"],
    ["'quoted'", "'''quoted'''"],
    ["E'x", "'E''x'"],
    ['a b', "'a b'"],
    ['2024-01-02 03:04:05+00', "'2024-01-02 03:04:05+00'"],
    ['{"a": 1, "b": [1, 2]}', '\'{"a": 1, "b": [1, 2]}\''],
    [' lead', "' lead'"],
    ['a\nb', "E'a\\nb'"],
    ["tab\there's", "E'tab\\there\\'s'"],
    ['back\\slash\r', "E'back\\\\slash\\r'"],
    ['\u0001', "E'\\x01'"],
    ['\\x00ff', '\\x00ff'],
    ['héllo wörld', "'héllo wörld'"],
  ])('writes %j as %s and reads it back', (value, written) => {
    expect(formatValue(value)).toBe(written);
    expect(parseRow(written)).toEqual([value]);
  });

  it('reads several values separated by runs of spaces', () => {
    expect(parseRow("1   'a b'  NULL (empty) 'it''s'\tE'\\t'")).toEqual(['1', 'a b', null, '', "it's", '\t']);
  });

  it('round-trips any row of values', () => {
    const value = fc.oneof(fc.constant(null), fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('NULL', '(empty)', "'", "E'", ' ', '\\'));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 5 }), (row) => {
        expect(parseRow(renderRows([row.map(formatValue)])[0] as string)).toEqual(row);
      }),
    );
  });

  it.each([["'open", /unterminated/], ["'a'b", /after a closing quote/], ["E'\\q'", /bad escape/]])(
    'rejects the malformed row %s',
    (line, message) => {
      expect(() => parseRow(line)).toThrow(RowFormatError);
      expect(() => parseRow(line)).toThrow(message);
    },
  );
});

describe('arrangeRows', () => {
  const rows = [
    ['b', '2'],
    ['a', null],
    ['a', '1'],
  ];

  it('keeps the server order for nosort', () => {
    expect(arrangeRows(rows, 'nosort', 2)).toEqual([
      ['b', '2'],
      ['a', 'NULL'],
      ['a', '1'],
    ]);
  });

  it('sorts rows by their written values for rowsort', () => {
    expect(arrangeRows(rows, 'rowsort', 2)).toEqual([
      ['a', '1'],
      ['a', 'NULL'],
      ['b', '2'],
    ]);
  });

  it('sorts all values and regroups them by width for valuesort', () => {
    expect(arrangeRows(rows, 'valuesort', 2)).toEqual([
      ['1', '2'],
      ['NULL', 'a'],
      ['a', 'b'],
    ]);
  });
});

describe('renderRows', () => {
  it('aligns columns and trims trailing spaces', () => {
    expect(
      renderRows([
        ['1', "'a b'", 'x'],
        ['100', 'c', 'NULL'],
      ]),
    ).toEqual(["1   'a b' x", '100 c     NULL']);
  });
});

describe('typeLetterOf', () => {
  it('maps PostgreSQL type OIDs to column type letters', () => {
    // int2, int4, int8 | float4, float8, numeric | bool | text, varchar, date, jsonb, int4[]
    expect([21, 23, 20].map(typeLetterOf)).toEqual(['I', 'I', 'I']);
    expect([700, 701, 1700].map(typeLetterOf)).toEqual(['R', 'R', 'R']);
    expect(typeLetterOf(16)).toBe('B');
    expect([25, 1043, 1082, 3802, 1007].map(typeLetterOf)).toEqual(['T', 'T', 'T', 'T', 'T']);
  });
});
