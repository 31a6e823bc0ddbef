/**
 * Savepoints over intents. A transaction numbers its writes (sequences); an intent keeps the value
 * of the latest write and, in its history, the values of the earlier writes of the same epoch.
 * Rolling back to a savepoint marks the sequences written since then as ignored; from then on the
 * transaction's own reads, its conditional puts and its commit see the newest value whose sequence
 * is not ignored, or, when every write of the key is ignored, whatever lies under the intent.
 *
 * Ignored sequences are never un-ignored (a savepoint rollback is final), so a rewrite may drop
 * the history entries that are ignored already.
 */
import type { Bytes } from '../engine.js';
import { MvccError, printKey } from './errors.js';
import { intentHistoryEntriesMax } from './limits.js';
import type { IntentHistoryEntry, IntentRecord } from './mvcc-value.js';
import type { SeqRange, TxnMeta } from './txn.js';

/** Whether sequence lies in one of the (sorted, disjoint, inclusive) ranges. */
export function isIgnoredSequence(sequence: number, ignored: readonly SeqRange[] | undefined): boolean {
  if (ignored === undefined || ignored.length === 0) return false;
  let low = 0;
  let high = ignored.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = ignored[mid] as SeqRange;
    if (sequence < range.start) high = mid - 1;
    else if (sequence > range.end) low = mid + 1;
    else return true;
  }
  return false;
}

/**
 * The value the intent holds once the ignored sequences are skipped: `{ payload }` (payload
 * undefined for a deletion), or undefined when every write of the intent is ignored.
 */
export function effectiveIntentValue(
  intent: IntentRecord,
  ignored: readonly SeqRange[] | undefined,
): { readonly payload: Bytes | undefined } | undefined {
  if (!isIgnoredSequence(intent.sequence, ignored)) return { payload: intent.payload };
  for (let i = intent.history.length - 1; i >= 0; i--) {
    const entry = intent.history[i] as IntentHistoryEntry;
    if (!isIgnoredSequence(entry.sequence, ignored)) return { payload: entry.payload };
  }
  return undefined;
}

/**
 * The history of the intent that replaces ownIntent (the writer's own, of the same epoch): the old
 * history and the old current value, without the ignored entries and without any entry at or
 * above the new write's sequence (a replay of a write replaces what that sequence wrote).
 */
export function nextIntentHistory(key: Bytes, ownIntent: IntentRecord, txn: TxnMeta): IntentHistoryEntry[] {
  const sequence = txn.sequence ?? 0;
  const keep = (entry: IntentHistoryEntry): boolean => entry.sequence < sequence && !isIgnoredSequence(entry.sequence, txn.ignoredSeqNums);
  const history = ownIntent.history.filter(keep);
  const current: IntentHistoryEntry = { sequence: ownIntent.sequence, payload: ownIntent.payload };
  if (keep(current)) history.push(current);
  if (history.length > intentHistoryEntriesMax) {
    throw new MvccError(
      'LIMIT_EXCEEDED',
      `key ${printKey(key)} was written more than intentHistoryEntriesMax (${intentHistoryEntriesMax}) times in one transaction`,
      key,
    );
  }
  return history;
}
