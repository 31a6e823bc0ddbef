/**
 * The layout of stored MVCC values:
 *
 *     0..4   checksum: xxHash32 of the engine key and bytes 4.. (big-endian)
 *     4      tag: 1 value, 2 tombstone, 3 intent
 *     value:      payload to the end
 *     tombstone:  nothing (a delete is an explicit version, so that reads at or above it see the
 *                 key as absent while reads below still see the older value)
 *     intent:     flags (bit 0: the intent deletes; bit 1: extended), id length, txn id (UTF-8),
 *                 epoch (u32), write timestamp (12 bytes, ascending),
 *                 [extended: sequence (u32), details length (u32), details,
 *                  history count (u32), each: sequence (u32), deletion (u8), length (u32), bytes]
 *                 payload to the end
 *
 * The extended part is written only when there is something in it (a sequence, details or
 * history), so that a plain intent stays as small as it was.
 *
 * An intent lives in its key's metadata slot, holding its provisional value inline; versioned keys
 * only ever hold committed values. Decoding verifies the checksum first, so a corrupt value is
 * reported as such and never read as a wrong answer.
 */
import { assert } from '../../common/assert.js';
import { type Bytes } from '../engine.js';
import { TIMESTAMP_ENCODED_BYTES, type Timestamp, decodeTimestamp, encodeTimestamp } from '../hlc.js';
import { valueChecksum } from './checksum.js';
import { MvccError, printKey } from './errors.js';
import { intentDetailsBytesMax, intentHistoryEntriesMax, txnIdBytesMax } from './limits.js';
import { decodeMvccKey } from './mvcc-key.js';
import type { TxnId } from './txn.js';

const CHECKSUM_BYTES = 4;
const TAG_VALUE = 1;
const TAG_TOMBSTONE = 2;
const TAG_INTENT = 3;
const INTENT_FLAG_DELETION = 1;
const INTENT_FLAG_EXTENDED = 2;
/** Flags, id length, epoch and timestamp around the id of an intent. */
const INTENT_FIXED_BYTES = 1 + 1 + 4 + TIMESTAMP_ENCODED_BYTES;

export interface ValueVersion {
  readonly kind: 'value';
  readonly payload: Bytes;
}

export interface TombstoneVersion {
  readonly kind: 'tombstone';
}

/** An earlier value of an intent, written by the same transaction and epoch at a lower sequence. */
export interface IntentHistoryEntry {
  readonly sequence: number;
  /** undefined: that write deleted the key. */
  readonly payload: Bytes | undefined;
}

export interface IntentRecord {
  readonly kind: 'intent';
  readonly txnId: TxnId;
  readonly epoch: number;
  readonly timestamp: Timestamp;
  /** The provisional value; undefined when the intent deletes the key. */
  readonly payload: Bytes | undefined;
  /** The sequence of the write that put payload here. */
  readonly sequence: number;
  /** Earlier values of this transaction epoch, by ascending sequence. */
  readonly history: readonly IntentHistoryEntry[];
  /** The transaction layer's details (TxnMeta.details). */
  readonly details: Bytes | undefined;
}

/** What encodeIntentValue needs: an IntentRecord without its tag, the extended fields optional. */
export interface IntentFields {
  readonly txnId: TxnId;
  readonly epoch: number;
  readonly timestamp: Timestamp;
  readonly payload: Bytes | undefined;
  readonly sequence?: number | undefined;
  readonly history?: readonly IntentHistoryEntry[] | undefined;
  readonly details?: Bytes | undefined;
}

export type StoredValue = ValueVersion | TombstoneVersion | IntentRecord;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function seal(engineKey: Bytes, out: Uint8Array): Uint8Array {
  const checksum = valueChecksum(engineKey, out.subarray(CHECKSUM_BYTES));
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(0, checksum, false);
  return out;
}

/** A committed version: the payload, or a tombstone when payload is undefined. */
export function encodeVersionValue(engineKey: Bytes, payload: Bytes | undefined): Uint8Array {
  const out = new Uint8Array(CHECKSUM_BYTES + 1 + (payload?.length ?? 0));
  out[CHECKSUM_BYTES] = payload === undefined ? TAG_TOMBSTONE : TAG_VALUE;
  if (payload !== undefined) out.set(payload, CHECKSUM_BYTES + 1);
  return seal(engineKey, out);
}

export function encodeIntentValue(engineKey: Bytes, intent: IntentFields): Uint8Array {
  const id = utf8Encoder.encode(intent.txnId);
  // asTxnId and the TxnMeta type keep both in range; a violation would write an undecodable intent.
  assert(id.length > 0 && id.length <= txnIdBytesMax, `transaction id of ${id.length} bytes`);
  assert(isUint32(intent.epoch), `epoch ${intent.epoch} out of range`);
  const sequence = intent.sequence ?? 0;
  const history = intent.history ?? [];
  const details = intent.details;
  assert(isUint32(sequence), `sequence ${sequence} out of range`);
  assert(details === undefined || details.length <= intentDetailsBytesMax, 'intent details over intentDetailsBytesMax');
  assert(history.length <= intentHistoryEntriesMax, 'intent history over intentHistoryEntriesMax');
  const extended = sequence !== 0 || history.length > 0 || details !== undefined;
  let extendedBytes = 0;
  if (extended) {
    extendedBytes = 4 + 4 + (details?.length ?? 0) + 4;
    for (const entry of history) extendedBytes += 4 + 1 + 4 + (entry.payload?.length ?? 0);
  }
  const payloadBytes = intent.payload?.length ?? 0;
  const out = new Uint8Array(CHECKSUM_BYTES + 1 + INTENT_FIXED_BYTES + id.length + extendedBytes + payloadBytes);
  const view = new DataView(out.buffer);
  let o = CHECKSUM_BYTES;
  out[o++] = TAG_INTENT;
  out[o++] = (intent.payload === undefined ? INTENT_FLAG_DELETION : 0) | (extended ? INTENT_FLAG_EXTENDED : 0);
  out[o++] = id.length;
  out.set(id, o);
  o += id.length;
  view.setUint32(o, intent.epoch, false);
  o += 4;
  encodeTimestamp(intent.timestamp, out, o);
  o += TIMESTAMP_ENCODED_BYTES;
  if (extended) {
    view.setUint32(o, sequence, false);
    o += 4;
    view.setUint32(o, details?.length ?? 0, false);
    o += 4;
    if (details !== undefined) {
      out.set(details, o);
      o += details.length;
    }
    view.setUint32(o, history.length, false);
    o += 4;
    for (const entry of history) {
      assert(isUint32(entry.sequence), `history sequence ${entry.sequence} out of range`);
      view.setUint32(o, entry.sequence, false);
      o += 4;
      out[o++] = entry.payload === undefined ? 1 : 0;
      view.setUint32(o, entry.payload?.length ?? 0, false);
      o += 4;
      if (entry.payload !== undefined) {
        out.set(entry.payload, o);
        o += entry.payload.length;
      }
    }
  }
  if (intent.payload !== undefined) out.set(intent.payload, o);
  return seal(engineKey, out);
}

function isUint32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff;
}

/** Decodes a stored value after verifying its checksum against engineKey. Payloads are views, not copies. */
export function decodeStoredValue(engineKey: Bytes, stored: Bytes): StoredValue {
  if (stored.length < CHECKSUM_BYTES + 1) throw checksumMismatch(engineKey, 'too short');
  const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
  if (view.getUint32(0, false) !== valueChecksum(engineKey, stored.subarray(CHECKSUM_BYTES))) {
    throw checksumMismatch(engineKey, 'checksum does not match');
  }
  const tag = stored[CHECKSUM_BYTES];
  switch (tag) {
    case TAG_VALUE:
      return { kind: 'value', payload: stored.subarray(CHECKSUM_BYTES + 1) };
    case TAG_TOMBSTONE:
      if (stored.length !== CHECKSUM_BYTES + 1) throw corrupt(engineKey, 'tombstone with a payload');
      return { kind: 'tombstone' };
    case TAG_INTENT:
      return decodeIntent(engineKey, stored, view);
    default:
      throw corrupt(engineKey, `unknown value tag ${String(tag)}`);
  }
}

function decodeIntent(engineKey: Bytes, stored: Bytes, view: DataView): IntentRecord {
  let o = CHECKSUM_BYTES + 1;
  const flags = stored[o++] as number;
  const idLength = stored[o++];
  if (idLength === undefined || stored.length < CHECKSUM_BYTES + 1 + INTENT_FIXED_BYTES + idLength) {
    throw corrupt(engineKey, 'intent too short');
  }
  let txnId: TxnId;
  try {
    txnId = utf8Decoder.decode(stored.subarray(o, o + idLength)) as TxnId;
  } catch {
    throw corrupt(engineKey, 'intent transaction id is not UTF-8');
  }
  o += idLength;
  const epoch = view.getUint32(o, false);
  o += 4;
  const timestamp = decodeTimestamp(stored, o);
  o += TIMESTAMP_ENCODED_BYTES;
  let sequence = 0;
  let details: Bytes | undefined;
  const history: IntentHistoryEntry[] = [];
  if ((flags & INTENT_FLAG_EXTENDED) !== 0) {
    const need = (bytes: number): void => {
      if (o + bytes > stored.length) throw corrupt(engineKey, 'extended intent too short');
    };
    need(8);
    sequence = view.getUint32(o, false);
    const detailsLength = view.getUint32(o + 4, false);
    o += 8;
    need(detailsLength + 4);
    if (detailsLength > 0) details = stored.subarray(o, o + detailsLength);
    o += detailsLength;
    const count = view.getUint32(o, false);
    o += 4;
    if (count > intentHistoryEntriesMax) throw corrupt(engineKey, `intent history of ${count} entries`);
    for (let i = 0; i < count; i++) {
      need(9);
      const entrySequence = view.getUint32(o, false);
      const entryDeletion = stored[o + 4] === 1;
      const length = view.getUint32(o + 5, false);
      o += 9;
      need(length);
      if (entryDeletion && length !== 0) throw corrupt(engineKey, 'deleting history entry with a payload');
      history.push({ sequence: entrySequence, payload: entryDeletion ? undefined : stored.subarray(o, o + length) });
      o += length;
    }
  }
  const deletion = (flags & INTENT_FLAG_DELETION) !== 0;
  if (deletion && o !== stored.length) throw corrupt(engineKey, 'deleting intent with a payload');
  return { kind: 'intent', txnId, epoch, timestamp, payload: deletion ? undefined : stored.subarray(o), sequence, history, details };
}

function describeKey(engineKey: Bytes): string {
  try {
    const { userKey, ts } = decodeMvccKey(engineKey);
    return ts === undefined ? `key ${printKey(userKey)} (intent)` : `key ${printKey(userKey)} at ${ts.toString()}`;
  } catch {
    return `engine key ${printKey(engineKey)}`;
  }
}

function userKeyOf(engineKey: Bytes): Bytes | undefined {
  try {
    return decodeMvccKey(engineKey).userKey;
  } catch {
    return undefined;
  }
}

function checksumMismatch(engineKey: Bytes, why: string): MvccError {
  return new MvccError('CHECKSUM_MISMATCH', `corrupt value at ${describeKey(engineKey)}: ${why}`, userKeyOf(engineKey));
}

function corrupt(engineKey: Bytes, why: string): MvccError {
  return new MvccError('CORRUPT_DATA', `undecodable value at ${describeKey(engineKey)}: ${why}`, userKeyOf(engineKey));
}
