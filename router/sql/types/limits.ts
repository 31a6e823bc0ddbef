/**
 * Limits of SQL values, each with its reason. A limit that is hit answers 54000 naming it.
 */
export const arrayLimits = {
  /** PostgreSQL's MAXDIM: arrays have at most 6 dimensions. */
  dimensionsMax: 6,
  /**
   * Elements in one array. PostgreSQL's MaxArraySize is about 134M (1 GB of 8-byte items); a
   * router holds arrays in its heap, so the bound is lower: 16M elements of a few bytes each
   * already take hundreds of MiB of JavaScript objects.
   */
  elementsMax: 16 * 1024 * 1024,
} as const;

export const textLimits = {
  /**
   * The longest string a text function builds (repeat, lpad, string_agg...). PostgreSQL's limit
   * is 1 GB per value; JavaScript strings stop at 2^29 - 24 code units in V8, so a larger result
   * would fail with a RangeError instead of SQL's 54000.
   */
  resultCharsMax: 256 * 1024 * 1024,
} as const;

/** NAMEDATALEN - 1: identifiers and `name` values hold at most 63 bytes. */
export const NAME_BYTES_MAX = 63;
