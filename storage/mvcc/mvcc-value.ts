/**
 * The layout of stored MVCC values:
 *
 *     0..4   checksum: xxHash32 of the engine key and bytes 4.. (big-endian)
 *     4      tag: 1 value, 2 tombstone, 3 intent
 *     value:      payload to the end
 *     tombstone:  nothing (a delete is an explicit version, so that reads at or above it see the
 *                 key as absent while reads below still see the older value)
 *     intent:     flags (bit 0: the intent deletes), id length, txn id (UTF-8), epoch (u32),
 *                 write timestamp (12 bytes, ascending), payload to the end
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
import { txnIdBytesMax } from './limits.js';
import { decodeMvccKey } from './mvcc-key.js';
import type { TxnId } from './txn.js';

const CHECKSUM_BYTES = 4;
const TAG_VALUE = 1;
const TAG_TOMBSTONE = 2;
const TAG_INTENT = 3;
const INTENT_FLAG_DELETION = 1;
/** Flags, id length, epoch and timestamp around the id of an intent. */
const INTENT_FIXED_BYTES = 1 + 1 + 4 + TIMESTAMP_ENCODED_BYTES;

export interface ValueVersion {
  readonly kind: 'value';
  readonly payload: Bytes;
}

export interface TombstoneVersion {
  readonly kind: 'tombstone';
}

export interface IntentRecord {
  readonly kind: 'intent';
  readonly txnId: TxnId;
  readonly epoch: number;
  readonly timestamp: Timestamp;
  /** The provisional value; undefined when the intent deletes the key. */
  readonly payload: Bytes | undefined;
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

export function encodeIntentValue(
  engineKey: Bytes,
  intent: { readonly txnId: TxnId; readonly epoch: number; readonly timestamp: Timestamp; readonly payload: Bytes | undefined },
): Uint8Array {
  const id = utf8Encoder.encode(intent.txnId);
  // asTxnId and the TxnMeta type keep both in range; a violation would write an undecodable intent.
  assert(id.length > 0 && id.length <= txnIdBytesMax, `transaction id of ${id.length} bytes`);
  assert(Number.isInteger(intent.epoch) && intent.epoch >= 0 && intent.epoch <= 0xffff_ffff, `epoch ${intent.epoch} out of range`);
  const payloadBytes = intent.payload?.length ?? 0;
  const out = new Uint8Array(CHECKSUM_BYTES + 1 + INTENT_FIXED_BYTES + id.length + payloadBytes);
  const view = new DataView(out.buffer);
  let o = CHECKSUM_BYTES;
  out[o++] = TAG_INTENT;
  out[o++] = intent.payload === undefined ? INTENT_FLAG_DELETION : 0;
  out[o++] = id.length;
  out.set(id, o);
  o += id.length;
  view.setUint32(o, intent.epoch, false);
  o += 4;
  encodeTimestamp(intent.timestamp, out, o);
  o += TIMESTAMP_ENCODED_BYTES;
  if (intent.payload !== undefined) out.set(intent.payload, o);
  return seal(engineKey, out);
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
  const deletion = (flags & INTENT_FLAG_DELETION) !== 0;
  if (deletion && o !== stored.length) throw corrupt(engineKey, 'deleting intent with a payload');
  return { kind: 'intent', txnId, epoch, timestamp, payload: deletion ? undefined : stored.subarray(o) };
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
