/**
 * MVCC writes: put, delete (an explicit tombstone) and conditional put, each at one timestamp,
 * non-transactional (a committed version at once) or transactional (an intent in the key's
 * metadata slot, holding the provisional value until resolve.ts commits or aborts it).
 *
 * A write fails, writing nothing, when
 * - another transaction's intent is on the key (WriteIntentError), whatever its timestamp: two
 *   provisional values of one key cannot coexist;
 * - a committed version exists at or above the write's timestamp (WriteTooOldError, with the
 *   timestamp just above it to retry at): history below a committed version is never rewritten,
 *   since reads may have seen it;
 * - (conditional put) the current value is not the expected one (ConditionFailedError).
 */
import { assert } from '../../common/assert.js';
import type { Bytes, EngineReader, KeyValue } from '../engine.js';
import type { Timestamp } from '../hlc.js';
import { ConditionFailedError, MvccError, WriteIntentError, WriteTooOldError, printKey } from './errors.js';
import type { ReadWriter } from './indexed-batch.js';
import { copyBytes, encodeMetaKey, isMetaKey, prefixEnd, versionKeyFromPrefix, versionTimestamp } from './mvcc-key.js';
import { effectiveIntentValue, nextIntentHistory } from './intent-history.js';
import { decodeStoredValue, encodeIntentValue, encodeVersionValue, type IntentRecord } from './mvcc-value.js';
import { intentConflict } from './read.js';
import { countEntry, countHead, type MvccStats } from './stats.js';
import type { TxnMeta } from './txn.js';

export interface WriteOptions {
  /** Writes an intent of this transaction at its writeTimestamp (which must equal ts). */
  readonly txn?: TxnMeta | undefined;
  /** Receives the write's stats delta. */
  readonly stats?: MvccStats | undefined;
}

/** What a write needs to know of a key: its intent and its newest committed version. */
export interface KeyHead {
  readonly prefix: Bytes;
  readonly meta: { readonly entry: KeyValue; readonly intent: IntentRecord } | undefined;
  readonly version: { readonly entry: KeyValue; readonly ts: Timestamp } | undefined;
}

/** Reads the metadata slot and the newest version of the key with the given prefix: one step of one iterator. */
export async function readKeyHead(reader: EngineReader, prefix: Bytes, userKey: Bytes): Promise<KeyHead> {
  const iterator = reader.iterator({ start: prefix, end: prefixEnd(prefix), limit: 2 });
  let entries: KeyValue[];
  try {
    entries = await iterator.nextBatch(2);
    // An engine may return fewer entries than asked for without being at the end.
    if (entries.length === 1) entries.push(...(await iterator.nextBatch(1)));
  } finally {
    await iterator.close();
  }
  let meta: KeyHead['meta'];
  let next = entries[0];
  if (next !== undefined && isMetaKey(next.key, prefix.length)) {
    const decoded = decodeStoredValue(next.key, next.value);
    if (decoded.kind !== 'intent') {
      throw new MvccError('CORRUPT_DATA', `the metadata slot of key ${printKey(userKey)} holds a ${decoded.kind}`, userKey);
    }
    meta = { entry: next, intent: decoded };
    next = entries[1];
  }
  const version = next === undefined ? undefined : { entry: next, ts: versionTimestamp(next.key, prefix.length) };
  return { prefix, meta, version };
}

/** Whether a committed version holds a value (not a tombstone), verifying its checksum. */
export function versionIsLive(entry: KeyValue): boolean {
  const decoded = decodeStoredValue(entry.key, entry.value);
  if (decoded.kind === 'intent') throw new MvccError('CORRUPT_DATA', `an intent stored as a version at ${printKey(entry.key)}`);
  return decoded.kind === 'value';
}

/**
 * The value the writer sees now: its own intent's of this epoch (an older epoch's intent belongs to
 * an abandoned attempt), else the newest committed version's.
 */
function currentValue(head: KeyHead, txn: TxnMeta | undefined): Bytes | undefined {
  const intent = head.meta?.intent;
  if (intent !== undefined && txn !== undefined && intent.txnId === txn.id && intent.epoch === txn.epoch) {
    // Savepoint rollbacks may have undone every write of the key: then the committed value shows.
    const effective = effectiveIntentValue(intent, txn.ignoredSeqNums);
    if (effective !== undefined) return effective.payload;
  }
  if (head.version === undefined) return undefined;
  const decoded = decodeStoredValue(head.version.entry.key, head.version.entry.value);
  return decoded.kind === 'value' ? decoded.payload : undefined;
}

export async function mvccPut(rw: ReadWriter, key: Bytes, ts: Timestamp, value: Bytes, options: WriteOptions = {}): Promise<void> {
  await writeAt(rw, key, ts, value, options, undefined);
}

/**
 * Writes a tombstone: reads at or above ts see the key as absent. Returns whether the key held a
 * value before, as the writer saw it (its own intent included).
 */
export async function mvccDelete(rw: ReadWriter, key: Bytes, ts: Timestamp, options: WriteOptions = {}): Promise<boolean> {
  return writeAt(rw, key, ts, undefined, options, undefined);
}

/**
 * Puts value if the key's current value (as this writer sees it: its own intent included) is
 * expected, byte for byte; expected undefined means the key must be absent (a uniqueness check).
 */
export async function mvccConditionalPut(
  rw: ReadWriter,
  key: Bytes,
  ts: Timestamp,
  value: Bytes,
  expected: Bytes | undefined,
  options: WriteOptions = {},
): Promise<void> {
  await writeAt(rw, key, ts, value, options, { expected });
}

async function writeAt(
  rw: ReadWriter,
  key: Bytes,
  ts: Timestamp,
  payload: Bytes | undefined,
  options: WriteOptions,
  condition: { readonly expected: Bytes | undefined } | undefined,
): Promise<boolean> {
  const { txn, stats } = options;
  assert(txn === undefined || txn.writeTimestamp.equal(ts), 'a transactional write happens at the transaction write timestamp');
  const prefix = encodeMetaKey(key);
  const head = await readKeyHead(rw, prefix, key);
  const ownIntent = checkWritable(head, key, ts, txn);
  const actual = currentValue(head, txn);
  if (condition !== undefined && !bytesEqual(actual, condition.expected)) {
    throw new ConditionFailedError(key, actual === undefined ? undefined : copyBytes(actual));
  }
  let written: KeyValue;
  if (txn === undefined) {
    const versionKey = versionKeyFromPrefix(prefix, ts);
    written = { key: versionKey, value: encodeVersionValue(versionKey, payload) };
  } else {
    // A rewrite never moves an intent back below where a push has put it.
    const intentTs = ownIntent === undefined ? ts : ts.max(ownIntent.timestamp);
    // An older epoch's intent belongs to an abandoned attempt: its history goes with it.
    const history = ownIntent !== undefined && ownIntent.epoch === txn.epoch ? nextIntentHistory(key, ownIntent, txn) : [];
    written = {
      key: prefix,
      value: encodeIntentValue(prefix, {
        txnId: txn.id,
        epoch: txn.epoch,
        timestamp: intentTs,
        payload,
        sequence: txn.sequence,
        history,
        details: txn.details ?? ownIntent?.details,
      }),
    };
  }
  // Decode what the stats need before writing anything, so that a corrupt version fails the write whole.
  const headLive = stats === undefined ? false : headIsLive(head);
  rw.put(written.key, written.value);
  if (stats !== undefined) countWrite(stats, head, headLive, written, txn !== undefined, payload !== undefined);
  return actual !== undefined;
}

/** Whether the key's newest entry (its intent, else its newest version) holds a value. */
function headIsLive(head: KeyHead): boolean {
  if (head.meta !== undefined) return head.meta.intent.payload !== undefined;
  return head.version !== undefined && versionIsLive(head.version.entry);
}

/**
 * Throws when the write must not happen (see the header); returns the writer's own intent when it
 * replaces one.
 */
function checkWritable(head: KeyHead, key: Bytes, ts: Timestamp, txn: TxnMeta | undefined): IntentRecord | undefined {
  let ownIntent: IntentRecord | undefined;
  if (head.meta !== undefined) {
    const intent = head.meta.intent;
    if (txn === undefined || intent.txnId !== txn.id) throw new WriteIntentError([intentConflict(key, intent)]);
    if (intent.epoch > txn.epoch) {
      throw new MvccError(
        'TXN_EPOCH_STALE',
        `transaction ${txn.id} at epoch ${txn.epoch} meets its own intent of epoch ${intent.epoch} on key ${printKey(key)}`,
        key,
      );
    }
    ownIntent = intent;
  }
  if (head.version !== undefined && !head.version.ts.less(ts)) {
    throw new WriteTooOldError(key, ts, head.version.ts.next());
  }
  return ownIntent;
}

/** The stats delta of writing `written` over head, whose newest entry was live or not. */
function countWrite(stats: MvccStats, head: KeyHead, headLive: boolean, written: KeyValue, isIntent: boolean, live: boolean): void {
  if (head.meta === undefined && head.version === undefined) stats.keyCount += 1;
  // Only the writer's own intent can be replaced (checkWritable).
  if (head.meta !== undefined) countEntry(stats, head.meta.entry, true, -1);
  countHead(stats, head.meta?.entry ?? head.version?.entry, headLive, -1);
  countEntry(stats, written, isIntent, 1);
  countHead(stats, written, live, 1);
}

function bytesEqual(a: Bytes | undefined, b: Bytes | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
