/**
 * Savepoints by sequence number. Every write of a transaction carries the next sequence number; a
 * savepoint remembers the last one issued. Rolling back to it marks the sequences written since as
 * ignored (an inclusive range in txn.ignoredSeqNums): the transaction's own reads then see each
 * key as it was at the savepoint (the server keeps an intent's history by sequence), and the
 * commit drops those writes. Nothing is sent at rollback time: the next batch carries the ranges.
 *
 * As in PostgreSQL, what the rolled-back part read still counts: the reads stay in the refresh
 * spans, because the transaction may have acted on them (CockroachDB learned this the hard way,
 * issue #111228). Locks taken since the savepoint are kept until the transaction ends.
 */
import type { SeqNumRange } from '../../proto/kv-api.js';

/** A point in a transaction to roll back to. Opaque to callers. */
export interface Savepoint {
  /** The epoch (restart count) it was taken in. */
  readonly epoch: number;
  /** The last sequence number issued when it was taken. */
  readonly sequence: number;
  /**
   * Whether the transaction had written nothing in this epoch when it was taken: rolling back to
   * such a savepoint undoes the whole attempt, so it stays valid across a restart.
   */
  readonly initial: boolean;
  /** Distinguishes savepoints of different transactions (a savepoint of another one is a bug). */
  readonly txnId: string;
}

/** ranges plus [start, end], kept sorted and disjoint (touching ranges merge). */
export function addIgnoredRange(ranges: readonly SeqNumRange[], added: SeqNumRange): SeqNumRange[] {
  if (added.start > added.end) return ranges.slice();
  const out: SeqNumRange[] = [];
  let pending = { start: added.start, end: added.end };
  let placed = false;
  for (const range of ranges) {
    if (range.end + 1 < pending.start) {
      out.push(range);
    } else if (pending.end + 1 < range.start) {
      if (!placed) out.push(pending);
      placed = true;
      out.push(range);
    } else {
      pending = { start: Math.min(range.start, pending.start), end: Math.max(range.end, pending.end) };
    }
  }
  if (!placed) out.push(pending);
  return out;
}
