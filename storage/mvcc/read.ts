/**
 * MVCC reads: the newest version of a key at or below a timestamp (mvccGet), and of every key of a
 * span (mvccScan), seen by a transaction or by a non-transactional request.
 *
 * Intents decide as follows (intentVisibility): a transaction reads its own intent of its current
 * epoch, whatever the read timestamp (its writes may have been pushed above its reads); it skips
 * its own intent of an older epoch (written by an abandoned attempt). Anyone else conflicts with an
 * intent at or below the read timestamp (the writer might commit there, and the read cannot know
 * the value yet) and reads underneath an intent above it (that write is in the read's future).
 */
import type { Bytes, EngineIterator, EngineReader, KeyValue } from '../engine.js';
import type { Timestamp } from '../hlc.js';
import { MvccError, WriteIntentError, printKey, type IntentConflict } from './errors.js';
import { scanIntentsMax, stepsBeforeSeek } from './limits.js';
import {
  copyBytes,
  decodeUserKey,
  descendingTimestampBytes,
  encodeMetaKey,
  hasPrefix,
  isMetaKey,
  prefixEnd,
  prefixLength,
  versionKeyFromPrefix,
  versionAtOrBelow,
} from './mvcc-key.js';
import { effectiveIntentValue } from './intent-history.js';
import { decodeStoredValue, type IntentRecord } from './mvcc-value.js';
import { compareKeys } from './pending-writes.js';
import { ReadAheadIterator } from './read-ahead-iterator.js';
import type { TxnMeta } from './txn.js';

export interface ReadOptions {
  /** The reading transaction, which sees its own intents; absent for a non-transactional read. */
  readonly txn?: TxnMeta | undefined;
}

export type IntentVisibility = 'own' | 'ignore' | 'conflict';

/** How a read (or write) at ts by txn treats an intent; see the header. */
export function intentVisibility(userKey: Bytes, intent: IntentRecord, ts: Timestamp, txn: TxnMeta | undefined): IntentVisibility {
  if (txn !== undefined && intent.txnId === txn.id) {
    if (intent.epoch === txn.epoch) return 'own';
    if (intent.epoch < txn.epoch) return 'ignore';
    throw new MvccError(
      'TXN_EPOCH_STALE',
      `transaction ${txn.id} at epoch ${txn.epoch} meets its own intent of epoch ${intent.epoch} on key ${printKey(userKey)}`,
      userKey,
    );
  }
  return intent.timestamp.lessEq(ts) ? 'conflict' : 'ignore';
}

export function intentConflict(userKey: Bytes, intent: IntentRecord): IntentConflict {
  return {
    key: userKey,
    txnId: intent.txnId,
    epoch: intent.epoch,
    timestamp: intent.timestamp,
    details: intent.details === undefined ? undefined : copyBytes(intent.details),
  };
}

/**
 * What the reader's own intent shows it: the newest value not rolled back by a savepoint, or
 * undefined when every write of the key was rolled back (the read then looks under the intent).
 */
function ownIntentResult(intent: IntentRecord, txn: TxnMeta | undefined): KeyResult | undefined {
  const effective = effectiveIntentValue(intent, txn?.ignoredSeqNums);
  if (effective === undefined) return undefined;
  return effective.payload === undefined ? ABSENT : { kind: 'value', payload: effective.payload };
}

/**
 * The newest value of key at or below ts, or undefined when there is none or it is a tombstone.
 * Throws WriteIntentError when another transaction's intent at or below ts is in the way, and
 * MvccError CHECKSUM_MISMATCH when the value that would be returned is corrupt. The result may be
 * a view into the engine's buffer.
 *
 * One iterator over the key's entries: its metadata slot and newest version come in one step; a
 * seek to the version at ts follows only when the newest version is above ts.
 */
export async function mvccGet(reader: EngineReader, key: Bytes, ts: Timestamp, options: ReadOptions = {}): Promise<Bytes | undefined> {
  const prefix = encodeMetaKey(key);
  const result = await readKey(reader, prefix, key, ts, options.txn);
  if (result.kind === 'conflict') throw new WriteIntentError([result.intent]);
  return result.kind === 'value' ? result.payload : undefined;
}

type KeyResult =
  | { readonly kind: 'value'; readonly payload: Bytes }
  | { readonly kind: 'absent' }
  | { readonly kind: 'conflict'; readonly intent: IntentConflict };

const ABSENT: KeyResult = { kind: 'absent' };

/** The visible state of one user key, given its encoded prefix. */
async function readKey(reader: EngineReader, prefix: Bytes, userKey: Bytes, ts: Timestamp, txn: TxnMeta | undefined): Promise<KeyResult> {
  const iterator = reader.iterator({ start: prefix, end: prefixEnd(prefix) });
  try {
    const head = await iterator.nextBatch(2);
    let entry = head[0];
    if (entry !== undefined && isMetaKey(entry.key, prefix.length)) {
      const intent = decodeIntent(entry, userKey);
      const visibility = intentVisibility(userKey, intent, ts, txn);
      if (visibility === 'own') {
        const own = ownIntentResult(intent, txn);
        if (own !== undefined) return own;
      }
      if (visibility === 'conflict') return { kind: 'conflict', intent: intentConflict(userKey, intent) };
      // An engine may return fewer entries than asked for without being at the end.
      entry = head.length > 1 ? head[1] : await iterator.next();
    }
    if (entry === undefined) return ABSENT;
    if (!versionAtOrBelow(entry.key, prefix.length, descendingTimestampBytes(ts))) {
      iterator.seek(versionKeyFromPrefix(prefix, ts));
      entry = await iterator.next();
      if (entry === undefined) return ABSENT;
    }
    return versionResult(entry);
  } finally {
    await iterator.close();
  }
}

function decodeIntent(entry: KeyValue, userKey: Bytes): IntentRecord {
  const decoded = decodeStoredValue(entry.key, entry.value);
  if (decoded.kind !== 'intent') {
    throw new MvccError('CORRUPT_DATA', `the metadata slot of key ${printKey(userKey)} holds a ${decoded.kind}`, userKey);
  }
  return decoded;
}

function versionResult(entry: KeyValue): KeyResult {
  const decoded = decodeStoredValue(entry.key, entry.value);
  switch (decoded.kind) {
    case 'value':
      return { kind: 'value', payload: decoded.payload };
    case 'tombstone':
      return ABSENT;
    case 'intent':
      throw new MvccError('CORRUPT_DATA', `an intent stored as a version at ${printKey(entry.key)}`);
  }
}

export interface ScanOptions extends ReadOptions {
  /** At most this many rows (intents in the way count too); absent or 0 for no limit. */
  readonly limit?: number | undefined;
  /** From the largest key below end down to start. */
  readonly reverse?: boolean | undefined;
}

export interface ScanResult {
  /** User keys and values, in scan order. */
  readonly rows: KeyValue[];
  /**
   * Present when the limit stopped the scan before the end of the span: forward, the start of the
   * rest of the span; in reverse, its (exclusive) end.
   */
  readonly resumeKey?: Bytes;
}

/**
 * The newest visible value of every key in [start, end) at ts, forward or in reverse. Every
 * conflicting intent met (up to scanIntentsMax) is reported in one WriteIntentError.
 */
export async function mvccScan(
  reader: EngineReader,
  start: Bytes,
  end: Bytes,
  ts: Timestamp,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const limit = options.limit;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new MvccError('INVALID_ARGUMENT', `scan limit must be a non-negative integer, not ${limit}`);
  }
  if (compareKeys(start, end) >= 0) return { rows: [] };
  const scan = new Scan(ts, options);
  const iterator = new ReadAheadIterator(reader.iterator({ start: encodeMetaKey(start), end: encodeMetaKey(end), reverse: options.reverse === true }));
  try {
    const resumeKey = options.reverse === true ? await scan.reverse(iterator) : await scan.forward(iterator);
    if (scan.intents.length > 0) throw new WriteIntentError(scan.intents);
    return resumeKey === undefined ? { rows: scan.rows } : { rows: scan.rows, resumeKey };
  } finally {
    await iterator.close();
  }
}

class Scan {
  readonly rows: KeyValue[] = [];
  readonly intents: IntentConflict[] = [];
  private readonly limit: number;
  private readonly tsDescending: Uint8Array;

  constructor(
    private readonly ts: Timestamp,
    private readonly options: ScanOptions,
  ) {
    this.limit = options.limit === undefined || options.limit === 0 ? Infinity : options.limit;
    this.tsDescending = descendingTimestampBytes(ts);
  }

  private get full(): boolean {
    return this.rows.length + this.intents.length >= this.limit || this.intents.length >= scanIntentsMax;
  }

  private record(prefix: Bytes, result: KeyResult): void {
    if (result.kind === 'value') this.rows.push({ key: decodeUserKey(prefix, prefix.length), value: result.payload });
    else if (result.kind === 'conflict') this.intents.push(result.intent);
  }

  /** Returns the resume key, if the limit stopped the scan. */
  async forward(iterator: EngineIterator): Promise<Bytes | undefined> {
    let entry = await iterator.next();
    while (entry !== undefined) {
      const prefix = copyBytes(entry.key, 0, prefixLength(entry.key));
      if (this.full) return decodeUserKey(prefix, prefix.length);
      entry = await this.forwardKey(iterator, entry, prefix);
    }
    return undefined;
  }

  /**
   * Evaluates the key whose first entry (in forward order) is entry and steps past its entries;
   * returns the first entry of the next key.
   */
  private async forwardKey(iterator: EngineIterator, first: KeyValue, prefix: Bytes): Promise<KeyValue | undefined> {
    const userKey = (): Bytes => decodeUserKey(prefix, prefix.length);
    let entry: KeyValue | undefined = first;
    let result: KeyResult | undefined;
    if (isMetaKey(entry.key, prefix.length)) {
      const intent = decodeIntent(entry, userKey());
      const visibility = intentVisibility(userKey(), intent, this.ts, this.options.txn);
      if (visibility === 'own') result = ownIntentResult(intent, this.options.txn);
      else if (visibility === 'conflict') result = { kind: 'conflict', intent: intentConflict(userKey(), intent) };
      entry = await iterator.next();
    }
    // Step over versions above ts, seeking once stepping has not found one at or below it.
    for (let steps = 0; result === undefined && entry !== undefined && hasPrefix(entry.key, prefix); steps++) {
      if (versionAtOrBelow(entry.key, prefix.length, this.tsDescending)) {
        result = versionResult(entry);
        entry = await iterator.next();
        break;
      }
      if (steps === stepsBeforeSeek) iterator.seek(versionKeyFromPrefix(prefix, this.ts));
      entry = await iterator.next();
    }
    if (result !== undefined) this.record(prefix, result);
    // Step over the older versions, seeking past the key when there are many.
    for (let steps = 0; entry !== undefined && hasPrefix(entry.key, prefix); steps++) {
      if (steps === stepsBeforeSeek) iterator.seek(prefixEnd(prefix));
      entry = await iterator.next();
    }
    return entry;
  }

  /**
   * In reverse, a key's entries come oldest version first and its intent last: the newest version
   * at or below ts is the last such one met. Once a version above ts shows up, every entry left of
   * the key is newer still except the metadata slot, so after a few steps a seek jumps to it.
   */
  async reverse(iterator: EngineIterator): Promise<Bytes | undefined> {
    let entry = await iterator.next();
    while (entry !== undefined) {
      const prefix = copyBytes(entry.key, 0, prefixLength(entry.key));
      if (this.full) {
        // The next call's exclusive end: just after this key, the immediate successor 0x00.
        const userKey = decodeUserKey(prefix, prefix.length);
        const resume = new Uint8Array(userKey.length + 1);
        resume.set(userKey, 0);
        return resume;
      }
      entry = await this.reverseKey(iterator, entry, prefix);
    }
    return undefined;
  }

  private async reverseKey(iterator: EngineIterator, first: KeyValue, prefix: Bytes): Promise<KeyValue | undefined> {
    let candidate: KeyValue | undefined;
    let meta: KeyValue | undefined;
    let entry: KeyValue | undefined = first;
    let newerSteps = 0;
    while (entry !== undefined && hasPrefix(entry.key, prefix)) {
      if (isMetaKey(entry.key, prefix.length)) {
        meta = entry;
      } else if (versionAtOrBelow(entry.key, prefix.length, this.tsDescending)) {
        candidate = entry;
      } else if (++newerSteps > stepsBeforeSeek) {
        // The last key at or below the prefix: the metadata slot if there is one, else the previous key.
        iterator.seek(prefix);
        newerSteps = -Infinity;
      }
      entry = await iterator.next();
    }
    const userKey = decodeUserKey(prefix, prefix.length);
    let result: KeyResult | undefined;
    if (meta !== undefined) {
      const intent = decodeIntent(meta, userKey);
      const visibility = intentVisibility(userKey, intent, this.ts, this.options.txn);
      if (visibility === 'own') result = ownIntentResult(intent, this.options.txn);
      else if (visibility === 'conflict') result = { kind: 'conflict', intent: intentConflict(userKey, intent) };
    }
    this.record(prefix, result ?? (candidate === undefined ? ABSENT : versionResult(candidate)));
    return entry;
  }
}
