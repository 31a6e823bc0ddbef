/**
 * Limits of the linearizability checker. Checking linearizability is NP-complete (Gibbons &
 * Korach 1997), so the search is bounded: past the bound the answer is "unknown", never a guess.
 */

/**
 * Search steps (one attempted linearization or one backtrack each) per partition. With the cache
 * of visited configurations a history of a few thousand operations on a handful of keys needs far
 * fewer (tens of thousands); the bound is only there so a pathological history (hundreds of
 * mutually concurrent writes on one key) ends in seconds rather than hours.
 */
export const LINEARIZABILITY_SEARCH_STEPS_MAX = 20_000_000;

/**
 * Configurations kept in the cache per partition. Each one holds a bitset of the operations
 * linearized so far (n/32 words), so 2 million of them on a partition of 1,000 operations are
 * about 300 MB; past this the answer is "unknown".
 */
export const LINEARIZABILITY_CACHE_ENTRIES_MAX = 2_000_000;
