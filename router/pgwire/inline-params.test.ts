import { describe, expect, it } from 'vitest';
import { inlineParams, placeholderCount } from './inline-params.js';

describe('inlineParams', () => {
  it('replaces placeholders with quoted literals, NULL for a null', () => {
    expect(inlineParams('SELECT $1, $2, $10', ["it's", null, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'ten'], [])).toBe(
      "SELECT 'it''s', NULL, 'ten'",
    );
  });

  it('casts a parameter whose type the client gave in Parse', () => {
    expect(inlineParams('SELECT $1 + $2', ['1', null], [23, 20])).toBe(
      "SELECT CAST('1' AS pg_catalog.int4) + CAST(NULL AS pg_catalog.int8)",
    );
  });

  it('leaves strings, identifiers, comments, dollar quotes and unknown placeholders alone', () => {
    const sql = `SELECT '$1', E'\\'$1', "$1", $$ $1 $$, $q$ $1 $q$, a$1 -- $1\n/* /* $1 */ $1 */ $1, $3`;
    expect(inlineParams(sql, ['x'], [])).toBe(
      `SELECT '$1', E'\\'$1', "$1", $$ $1 $$, $q$ $1 $q$, a$1 -- $1\n/* /* $1 */ $1 */ 'x', $3`,
    );
  });

  it('counts placeholders outside quotes and comments', () => {
    expect(placeholderCount("SELECT $2, '$9', $1 -- $7")).toBe(2);
    expect(placeholderCount('SELECT 1')).toBe(0);
  });
});
