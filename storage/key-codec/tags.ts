/**
 * The first byte of every encoded key column, and the tags that open each type's encoding.
 *
 * A column starts with NULL_FIRST (0x00), NULL_LAST (0xff) or the first byte of a non-null value,
 * which is always within 0x01..0xfe both as written and inverted (descending). So a NULL sorts
 * before or after every value of either direction by its first byte alone, and 0x00 and 0xff
 * never open a value.
 *
 * Tags only need to be ordered within one type, since a column has one type, but they are kept
 * apart so that a dump of a key reads unambiguously.
 */

export const NULL_FIRST = 0x00;
export const NULL_LAST = 0xff;

export const TAG_FALSE = 0x10;
export const TAG_TRUE = 0x11;

/** text, varchar, bpchar and bytea: escaped bytes and a terminator follow (see escaped-bytes.ts). */
export const TAG_BYTES = 0x12;

/** uuid: its 16 bytes follow. */
export const TAG_UUID = 0x13;

/** float4 / float8: the ordered IEEE 754 bits follow (see float.ts); NaN sorts above every number. */
export const TAG_FLOAT = 0x18;
export const TAG_FLOAT_NAN = 0x19;

/** numeric, in PostgreSQL's order: -Infinity < negatives < 0 < positives < Infinity < NaN. */
export const TAG_NUMERIC_MINUS_INFINITY = 0x20;
export const TAG_NUMERIC_NEGATIVE = 0x21;
export const TAG_NUMERIC_ZERO = 0x22;
export const TAG_NUMERIC_POSITIVE = 0x23;
export const TAG_NUMERIC_INFINITY = 0x24;
export const TAG_NUMERIC_NAN = 0x25;

/**
 * Integers (int2, int4, int8 and the integer-valued date, time, timestamp and interval span) are
 * varints whose first byte is within 0x30..0xcf (see varint.ts). date and timestamp put their
 * '-infinity' and 'infinity' just outside that range.
 */
export const TAG_VARINT_MIN = 0x30;
export const TAG_VARINT_MAX = 0xcf;
export const TAG_MINUS_INFINITY = 0x2f;
export const TAG_INFINITY = 0xd0;
