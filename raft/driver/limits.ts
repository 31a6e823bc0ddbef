/**
 * Limits and defaults of the Raft driver, each with the reason for its value.
 */

/**
 * Default length of one tick. With the default election timeout of 10 ticks a failed leader is
 * replaced after 1-2 s, and heartbeats every tick (100 ms) keep followers' timers reset with ten
 * chances per timeout: the ratio etcd and CockroachDB use.
 */
export const tickIntervalMsDefault = 100;

/** Default election timeout, in ticks (randomized by the core within [n, 2n)). */
export const electionTicksDefault = 10;

/** Default heartbeat interval, in ticks. */
export const heartbeatTicksDefault = 1;

/**
 * Reads waiting for their read index per group. A leader that cannot reach its quorum answers
 * none; without a bound a client retrying in a loop would pile them up. Past it readIndex
 * rejects at once.
 */
export const pendingReadsPerGroupMax = 10_000;
