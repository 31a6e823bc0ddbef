/**
 * Limits of the storage engines, each with the reason for its value.
 */

/**
 * Entries of one leaf of the in-memory engine before it splits in two. An insert moves up to this
 * many array slots, and a lookup searches about 100k / 128 leaf separators and then one leaf: at a
 * few hundred both stay well under a microsecond.
 */
export const memoryLeafEntriesMax = 256;

/**
 * Entries fetched by the first step of a `for await` loop over an iterator. Loops often stop
 * after a few entries (a point lookup by prefix), so the first fetch stays small...
 */
export const asyncIterationFirstBatchEntries = 16;

/**
 * ...and later fetches are large, to pay one native call per thousand entries rather than per
 * entry. classic-level's own next() uses the same size, which also bounds how long one fetch keeps
 * a libuv worker busy.
 */
export const asyncIterationBatchEntries = 1000;
