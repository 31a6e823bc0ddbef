/**
 * Questions the transaction layer asks of a span or a key without reading values:
 *
 * - mvccScanIntents: which intents (of one transaction, or of any) lie in a span? Intent resolution
 *   after a commit visits a transaction's spans with it.
 * - mvccRefreshCheck: did anything change in a span between two timestamps? A transaction whose
 *   write timestamp was pushed may move its reads up to it only if nothing it read was written by
 *   someone else in between (read refresh); this finds the first such write.
 * - mvccCheckLockable: may a transaction lock a key as of its read timestamp? Not when another
 *   transaction's intent is on the key, nor when a committed version is newer than what the
 *   transaction read (the lock would protect a value it has not seen).
 */
import type { Bytes, EngineIterator, EngineReader, KeyValue } from '../engine.js';
import type { Timestamp } from '../hlc.js';
import { MvccError, WriteIntentError, WriteTooOldError, printKey, type IntentConflict } from './errors.js';
import { stepsBeforeSeek } from './limits.js';
import {
  copyBytes,
  decodeUserKey,
  descendingTimestampBytes,
  encodeKeyEnd,
  encodeMetaKey,
  hasPrefix,
  isMetaKey,
  prefixEnd,
  prefixLength,
  versionAtOrBelow,
  versionKeyFromPrefix,
  versionTimestamp,
} from './mvcc-key.js';
import { decodeStoredValue, type IntentRecord } from './mvcc-value.js';
import { ReadAheadIterator } from './read-ahead-iterator.js';
import { intentConflict } from './read.js';
import type { TxnId, TxnMeta } from './txn.js';
import { readKeyHead } from './write.js';

export interface ScanIntentsOptions {
  /** Only this transaction's intents; absent: everyone's. */
  readonly txnId?: TxnId | undefined;
  /** Stop after this many; absent for no bound. */
  readonly max?: number | undefined;
}

export interface ScanIntentsResult {
  readonly intents: IntentConflict[];
  /** Where to continue when max stopped the scan. */
  readonly resumeKey?: Bytes;
}

/**
 * The intents in [start, end) (end undefined: the key start alone), in key order. Steps over a
 * key's versions and seeks past them when there are many.
 */
export async function mvccScanIntents(
  reader: EngineReader,
  start: Bytes,
  end: Bytes | undefined,
  options: ScanIntentsOptions = {},
): Promise<ScanIntentsResult> {
  const max = options.max ?? Infinity;
  const intents: IntentConflict[] = [];
  const iterator = new ReadAheadIterator(
    reader.iterator({ start: encodeMetaKey(start), end: end === undefined ? encodeKeyEnd(start) : encodeMetaKey(end) }),
  );
  try {
    let entry = await iterator.next();
    while (entry !== undefined) {
      const prefixLen = prefixLength(entry.key);
      const prefix = copyBytes(entry.key, 0, prefixLen);
      if (isMetaKey(entry.key, prefixLen)) {
        const userKey = decodeUserKey(prefix, prefixLen);
        const intent = decodeIntent(entry, userKey);
        if (options.txnId === undefined || intent.txnId === options.txnId) {
          if (intents.length >= max) return { intents, resumeKey: userKey };
          intents.push(intentConflict(userKey, intent));
        }
      }
      entry = await skipKey(iterator, prefix);
    }
  } finally {
    await iterator.close();
  }
  return { intents };
}

/** Steps past the entries of the key with this prefix, seeking when there are many; the next key's first entry. */
async function skipKey(iterator: EngineIterator, prefix: Bytes): Promise<KeyValue | undefined> {
  let entry = await iterator.next();
  for (let steps = 0; entry !== undefined && hasPrefix(entry.key, prefix); steps++) {
    if (steps === stepsBeforeSeek) iterator.seek(prefixEnd(prefix));
    entry = await iterator.next();
  }
  return entry;
}

function decodeIntent(entry: KeyValue, userKey: Bytes): IntentRecord {
  const decoded = decodeStoredValue(entry.key, entry.value);
  if (decoded.kind !== 'intent') {
    throw new MvccError('CORRUPT_DATA', `the metadata slot of key ${printKey(userKey)} holds a ${decoded.kind}`, userKey);
  }
  return decoded;
}

/** The first write that makes a refresh fail. */
export interface RefreshConflict {
  readonly key: Bytes;
  readonly timestamp: Timestamp;
  /** Set when the conflict is another transaction's intent rather than a committed version. */
  readonly txnId?: TxnId;
  readonly intent?: IntentConflict;
}

/**
 * The first committed version in (from, to], or intent of a transaction other than txnId at or
 * below to, in [start, end) (end undefined: the key start alone); undefined when there is none and
 * reads of the span at from would read the same at to.
 */
export async function mvccRefreshCheck(
  reader: EngineReader,
  span: { readonly start: Bytes; readonly end?: Bytes | undefined },
  from: Timestamp,
  to: Timestamp,
  txnId: TxnId | undefined,
): Promise<RefreshConflict | undefined> {
  if (!from.less(to)) return undefined;
  const toDescending = descendingTimestampBytes(to);
  const fromDescending = descendingTimestampBytes(from);
  const iterator = new ReadAheadIterator(
    reader.iterator({ start: encodeMetaKey(span.start), end: span.end === undefined ? encodeKeyEnd(span.start) : encodeMetaKey(span.end) }),
  );
  try {
    let entry = await iterator.next();
    while (entry !== undefined) {
      const prefixLen = prefixLength(entry.key);
      const prefix = copyBytes(entry.key, 0, prefixLen);
      if (isMetaKey(entry.key, prefixLen)) {
        const userKey = decodeUserKey(prefix, prefixLen);
        const intent = decodeIntent(entry, userKey);
        if (intent.txnId !== txnId && intent.timestamp.lessEq(to)) {
          return { key: userKey, timestamp: intent.timestamp, txnId: intent.txnId, intent: intentConflict(userKey, intent) };
        }
        entry = await iterator.next();
      }
      // Versions newer than to do not matter: step over them, seeking to `to` when there are many.
      for (let steps = 0; entry !== undefined && hasPrefix(entry.key, prefix); steps++) {
        if (versionAtOrBelow(entry.key, prefixLen, toDescending)) break;
        if (steps === stepsBeforeSeek) iterator.seek(versionKeyFromPrefix(prefix, to));
        entry = await iterator.next();
      }
      // The newest version at or below to: a conflict unless it is at or below from too.
      if (entry !== undefined && hasPrefix(entry.key, prefix) && !versionAtOrBelow(entry.key, prefixLen, fromDescending)) {
        return { key: decodeUserKey(prefix, prefixLen), timestamp: versionTimestamp(entry.key, prefixLen) };
      }
      if (entry !== undefined && hasPrefix(entry.key, prefix)) entry = await skipKey(iterator, prefix);
    }
  } finally {
    await iterator.close();
  }
  return undefined;
}

/**
 * Throws WriteIntentError when another transaction's intent is on key (at any timestamp: two
 * transactions cannot both hold it), and WriteTooOldError when a committed version is newer than
 * readTimestamp (actualTimestamp just above it: where the transaction must read again).
 */
export async function mvccCheckLockable(reader: EngineReader, key: Bytes, readTimestamp: Timestamp, txn: TxnMeta): Promise<void> {
  const head = await readKeyHead(reader, encodeMetaKey(key), key);
  const intent = head.meta?.intent;
  if (intent !== undefined && intent.txnId !== txn.id) throw new WriteIntentError([intentConflict(key, intent)]);
  if (head.version !== undefined && readTimestamp.less(head.version.ts)) {
    throw new WriteTooOldError(key, readTimestamp, head.version.ts.next());
  }
}
