/**
 * Puts Bind's text parameters into the statement text as literals. The SQL session takes
 * parameters as values of their inferred types but does not yet tell the wire layer which types
 * it inferred, so the text cannot be parsed here; a parameter of unspecified type behaves as an
 * untyped literal does ("a parameter ... left unspecified ... is treated as type unknown", manual
 * 55.2.3 / PREPARE), so `'text'` in its place gets the same type from its context, and a parameter
 * the client typed in Parse becomes `CAST('text' AS type)`.
 *
 * The scanner skips string constants, quoted identifiers, dollar-quoted strings and comments, so
 * only real `$n` placeholders are replaced.
 */
import { findType } from '../sql/types/type-registry.js';

export function inlineParams(sql: string, params: readonly (string | null)[], paramTypeOids: readonly number[]): string {
  if (params.length === 0) return sql;
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const skipped = skipQuoted(sql, i);
    if (skipped > i) {
      out += sql.slice(i, skipped);
      i = skipped;
      continue;
    }
    const ch = sql[i] as string;
    if (ch === '$' && !isIdentChar(sql[i - 1])) {
      const digits = /^\d+/.exec(sql.slice(i + 1))?.[0];
      if (digits !== undefined) {
        const index = Number(digits) - 1;
        // A placeholder beyond the parameters is left for the session to report (42P02).
        if (index >= 0 && index < params.length) {
          out += literal(params[index] ?? null, paramTypeOids[index] ?? 0);
          i += 1 + digits.length;
          continue;
        }
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/** The highest placeholder number in the statement ($3 gives 3), 0 when it has none. */
export function placeholderCount(sql: string): number {
  let count = 0;
  let i = 0;
  while (i < sql.length) {
    const skipped = skipQuoted(sql, i);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    if (sql[i] === '$' && !isIdentChar(sql[i - 1])) {
      const digits = /^\d+/.exec(sql.slice(i + 1))?.[0];
      if (digits !== undefined) {
        count = Math.max(count, Number(digits));
        i += 1 + digits.length;
        continue;
      }
    }
    i++;
  }
  return count;
}

function literal(value: string | null, typeOid: number): string {
  const type = typeOid === 0 ? undefined : findType(typeOid);
  if (value === null) return type === undefined ? 'NULL' : `CAST(NULL AS pg_catalog.${type.name})`;
  const quoted = `'${value.replaceAll("'", "''")}'`;
  return type === undefined ? quoted : `CAST(${quoted} AS pg_catalog.${type.name})`;
}

function isIdentChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_$]/u.test(ch);
}

/** The index after a quoted token or comment starting at i, or i when none starts there. */
function skipQuoted(sql: string, i: number): number {
  const ch = sql[i];
  const next = sql[i + 1];
  if (ch === "'") {
    // E'...' strings take backslash escapes; standard_conforming_strings is on for the rest.
    const escapes = i > 0 && /[eE]/.test(sql[i - 1] ?? '') && !isIdentChar(sql[i - 2]);
    return skipString(sql, i, "'", escapes);
  }
  if (ch === '"') return skipString(sql, i, '"', false);
  if (ch === '-' && next === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end;
  }
  if (ch === '/' && next === '*') {
    let depth = 0;
    let j = i;
    while (j < sql.length) {
      if (sql.startsWith('/*', j)) {
        depth++;
        j += 2;
      } else if (sql.startsWith('*/', j)) {
        depth--;
        j += 2;
        if (depth === 0) return j;
      } else j++;
    }
    return sql.length;
  }
  if (ch === '$' && !isIdentChar(sql[i - 1])) {
    const tag = /^\$([\p{L}_][\p{L}\p{N}_]*)?\$/u.exec(sql.slice(i))?.[0];
    if (tag === undefined) return i;
    const end = sql.indexOf(tag, i + tag.length);
    return end < 0 ? sql.length : end + tag.length;
  }
  return i;
}

function skipString(sql: string, start: number, quote: string, escapes: boolean): number {
  let j = start + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (escapes && c === '\\') j += 2;
    else if (c === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}
