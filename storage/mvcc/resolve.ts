/**
 * Intent resolution: once a transaction's fate is known, each of its intents is committed (the
 * provisional value becomes a committed version at the commit timestamp, which may be later than
 * the intent's own timestamp when the transaction was pushed), aborted (removed, so the committed
 * version underneath is visible again), or, for a transaction still pending that another one
 * pushed, moved to a later timestamp.
 *
 * Resolution messages are retried and duplicated in a distributed system, so resolving is
 * idempotent: an intent that is gone, or that belongs to another transaction (a new intent on the
 * key after this one was resolved), is left alone and the call reports that it did nothing.
 */
import type { Bytes } from '../engine.js';
import type { Timestamp } from '../hlc.js';
import { MvccError, printKey } from './errors.js';
import type { ReadWriter } from './indexed-batch.js';
import { encodeMetaKey, versionKeyFromPrefix } from './mvcc-key.js';
import { encodeIntentValue, encodeVersionValue } from './mvcc-value.js';
import { countEntry, countHead, type MvccStats } from './stats.js';
import { effectiveIntentValue } from './intent-history.js';
import type { SeqRange, TxnId } from './txn.js';
import { readKeyHead, versionIsLive, type KeyHead } from './write.js';

export type IntentResolution =
  | {
      readonly status: 'committed';
      readonly txnId: TxnId;
      /** The epoch the transaction committed in: intents of older epochs are removed, not committed. */
      readonly epoch: number;
      readonly commitTimestamp: Timestamp;
      /**
       * Sequences rolled back by savepoints: the commit keeps the newest value written outside
       * them, and removes the intent when every write of the key is rolled back.
       */
      readonly ignoredSeqNums?: readonly SeqRange[] | undefined;
    }
  | { readonly status: 'aborted'; readonly txnId: TxnId }
  | {
      readonly status: 'pending';
      readonly txnId: TxnId;
      readonly epoch: number;
      /** The intent moves up to here (never down). */
      readonly pushTimestamp: Timestamp;
    };

export interface ResolveOptions {
  readonly stats?: MvccStats | undefined;
}

/** What resolving did to the key. */
export type ResolveOutcome = 'committed' | 'removed' | 'pushed' | 'noop';

export async function mvccResolveIntent(
  rw: ReadWriter,
  key: Bytes,
  resolution: IntentResolution,
  options: ResolveOptions = {},
): Promise<ResolveOutcome> {
  const prefix = encodeMetaKey(key);
  const head = await readKeyHead(rw, prefix, key);
  const meta = head.meta;
  if (meta === undefined || meta.intent.txnId !== resolution.txnId) return 'noop';
  const intent = meta.intent;
  switch (resolution.status) {
    case 'aborted':
      return remove(rw, head, options.stats);
    case 'committed': {
      // A newer epoch's intent cannot exist once the transaction committed: the message is stale.
      if (intent.epoch > resolution.epoch) return 'noop';
      if (intent.epoch < resolution.epoch) return remove(rw, head, options.stats);
      const commitTs = resolution.commitTimestamp;
      if (commitTs.less(intent.timestamp)) {
        throw new MvccError(
          'INVALID_ARGUMENT',
          `commit of key ${printKey(key)} at ${commitTs.toString()} below its intent at ${intent.timestamp.toString()}`,
          key,
        );
      }
      // An intent is written above every committed version and blocks any other write until resolved.
      if (head.version !== undefined && !head.version.ts.less(commitTs)) {
        throw new MvccError(
          'CORRUPT_DATA',
          `key ${printKey(key)} has a committed version at ${head.version.ts.toString()} under an intent committing at ${commitTs.toString()}`,
          key,
        );
      }
      const effective = effectiveIntentValue(intent, resolution.ignoredSeqNums);
      if (effective === undefined) return remove(rw, head, options.stats);
      const versionKey = versionKeyFromPrefix(prefix, commitTs);
      const written = { key: versionKey, value: encodeVersionValue(versionKey, effective.payload) };
      rw.del(prefix);
      rw.put(written.key, written.value);
      if (options.stats !== undefined) {
        const live = effective.payload !== undefined;
        countEntry(options.stats, meta.entry, true, -1);
        countHead(options.stats, meta.entry, intent.payload !== undefined, -1);
        countEntry(options.stats, written, false, 1);
        countHead(options.stats, written, live, 1);
      }
      return 'committed';
    }
    case 'pending': {
      if (intent.epoch !== resolution.epoch || !intent.timestamp.less(resolution.pushTimestamp)) return 'noop';
      const written = { key: prefix, value: encodeIntentValue(prefix, { ...intent, timestamp: resolution.pushTimestamp }) };
      rw.put(written.key, written.value);
      if (options.stats !== undefined) {
        const live = intent.payload !== undefined;
        countEntry(options.stats, meta.entry, true, -1);
        countHead(options.stats, meta.entry, live, -1);
        countEntry(options.stats, written, true, 1);
        countHead(options.stats, written, live, 1);
      }
      return 'pushed';
    }
  }
}

/** Removes the intent of head; the newest committed version becomes the key's head again. */
function remove(rw: ReadWriter, head: KeyHead, stats: MvccStats | undefined): ResolveOutcome {
  const meta = head.meta;
  if (meta === undefined) return 'noop';
  // Decoded before anything changes, so that a corrupt version fails the resolution whole.
  const versionLive = stats !== undefined && head.version !== undefined && versionIsLive(head.version.entry);
  rw.del(head.prefix);
  if (stats !== undefined) {
    countEntry(stats, meta.entry, true, -1);
    countHead(stats, meta.entry, meta.intent.payload !== undefined, -1);
    if (head.version === undefined) stats.keyCount -= 1;
    else countHead(stats, head.version.entry, versionLive, 1);
  }
  return 'removed';
}
