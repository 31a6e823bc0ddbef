/**
 * SQL text to PostgreSQL parse trees, with the real PostgreSQL grammar (libpg-query, WASM).
 * Parsed statements are cached by text: drivers send the same statements again and again, and
 * the cache turns a parse into a map lookup. Cached trees are shared, so callers must treat them
 * as immutable (they are frozen in development builds by the tests, not at run time).
 */
import { loadModule, parseSync } from 'libpg-query';
import type { Node, ParseResult } from '@pgsql/types';
import { LRUCache } from 'lru-cache';
import { PgError } from '../errors/pg-error.js';
import { sqlLimits } from '../limits.js';

export interface ParsedStatement {
  /** The statement's tree (the `stmt` of PostgreSQL's RawStmt). */
  readonly ast: Node;
  /** The statement's own text, without the separators around it. */
  readonly text: string;
  /** 0-based character offset of the statement in the whole query string. */
  readonly offset: number;
}

let loaded: Promise<void> | undefined;
let ready = false;

/** Loads the WASM parser once; every entry point that parses awaits it first. */
export async function initParser(): Promise<void> {
  loaded ??= loadModule().then(() => {
    ready = true;
  });
  await loaded;
}

const cache = new LRUCache<string, readonly ParsedStatement[]>({ max: sqlLimits.parseCacheEntriesMax });
export const parseCacheStats = { hits: 0, misses: 0 };

/**
 * Parses a query string that may hold several statements. Throws PgError 42601 (with PostgreSQL's
 * message and 1-based character position) on a syntax error, 54000 when the text is too long.
 */
export function parseSql(sql: string): readonly ParsedStatement[] {
  if (!ready) throw new Error('parseSql called before initParser() resolved');
  const cached = cache.get(sql);
  if (cached !== undefined) {
    parseCacheStats.hits++;
    return cached;
  }
  parseCacheStats.misses++;
  const bytes = Buffer.byteLength(sql, 'utf8');
  if (bytes > sqlLimits.statementBytesMax) {
    throw new PgError('54000', 'statement is too long', {
      detail: `statementBytesMax: ${bytes} bytes exceeds the limit of ${sqlLimits.statementBytesMax}`,
    });
  }
  if (sql.includes('\0')) {
    // PostgreSQL's wire protocol cannot carry a NUL inside a query string; reject it plainly.
    throw new PgError('42601', 'syntax error: query text contains a NUL character');
  }
  if (sql.trim() === '') {
    // The grammar library refuses an empty string; PostgreSQL answers it with EmptyQueryResponse.
    cache.set(sql, []);
    return [];
  }
  let result: ParseResult;
  try {
    result = parseSync(sql) as ParseResult;
  } catch (err) {
    throw syntaxError(err);
  }
  const statements = splitStatements(result, sql);
  if (bytes <= sqlLimits.parseCacheStatementBytesMax) cache.set(sql, statements);
  return statements;
}

function splitStatements(result: ParseResult, sql: string): ParsedStatement[] {
  const ascii = isAscii(sql);
  const raw = Buffer.from(sql, 'utf8');
  const out: ParsedStatement[] = [];
  for (const rawStmt of result.stmts ?? []) {
    if (rawStmt.stmt === undefined) continue;
    // Locations from the parser are byte offsets; a length of 0 means "to the end".
    const startByte = rawStmt.stmt_location ?? 0;
    const endByte = rawStmt.stmt_len === undefined || rawStmt.stmt_len === 0 ? raw.length : startByte + rawStmt.stmt_len;
    const text = ascii ? sql.slice(startByte, endByte) : raw.subarray(startByte, endByte).toString('utf8');
    const offset = ascii ? startByte : raw.subarray(0, startByte).toString('utf8').length;
    const trimmedStart = text.length - text.trimStart().length;
    out.push({ ast: rawStmt.stmt, text: text.trim(), offset: offset + trimmedStart });
  }
  return out;
}

function syntaxError(err: unknown): PgError {
  const details = (err as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  const message = details?.message ?? (err instanceof Error ? err.message : String(err));
  // The error cursor is a 0-based character offset (unlike statement locations, which are bytes).
  const fields = details?.cursorPosition === undefined ? {} : { position: details.cursorPosition + 1 };
  return new PgError('42601', message, fields, { cause: err });
}

function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}
