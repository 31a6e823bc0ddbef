/**
 * Limits of the SQL layer, each with the reason for its value. A limit that is hit answers 54000
 * (program_limit_exceeded) naming the limit; nothing is silently truncated.
 */
export const sqlLimits = {
  /**
   * Longest statement text accepted, in bytes. PostgreSQL accepts up to 1 GB minus one; Tessera
   * parses in a WASM heap, so a statement is bounded well below that to keep one client from
   * exhausting a node's memory. 16 MiB still fits generated multi-row INSERTs.
   */
  statementBytesMax: 16 * 1024 * 1024,
  /** Parsed statements kept per process, by text. Each entry holds an AST of a few KiB. */
  parseCacheEntriesMax: 2_000,
  /** Statements longer than this are parsed but not cached: a cache of huge ASTs evicts the hot ones. */
  parseCacheStatementBytesMax: 64 * 1024,
} as const;
