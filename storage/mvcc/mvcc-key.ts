/**
 * The layout of MVCC keys in the engine, whose only order is bytewise (LevelDB's comparator).
 *
 *     versioned key  = escape(userKey) 0x00 0x01 descending(timestamp)     (12 bytes of timestamp)
 *     metadata slot  = escape(userKey) 0x00 0x01                           (holds an intent, if any)
 *
 * escape() writes every 0x00 of the user key as 0x00 0xFF and leaves every other byte alone, so
 * the first 0x00 0x01 of an encoded key is its terminator. Byte order then gives:
 *
 * - user-key order first, with a prefix before its extensions: where two keys differ, escaping
 *   keeps the order (0x00 becomes 0x00 0xFF, below any byte 0x01 and up); where one key ends, its
 *   terminator 0x00 0x01 sorts below whatever the longer key continues with (a byte 0x01 and up,
 *   or 0x00 0xFF);
 * - within one user key, the metadata slot first (it is a prefix of every version), then the
 *   versions newest first (the timestamp is stored complemented).
 *
 * Hence `prefix = escape(userKey) 0x00 0x01` starts a contiguous run holding all of a key's
 * entries, `escape(userKey) 0x00 0x02` is the first key after that run, and
 * `escape(userKey) 0x00 0x00` lies after every entry of smaller user keys and before the run: a
 * reverse seek there steps over a whole key.
 */
import { type Bytes } from '../engine.js';
import { TIMESTAMP_ENCODED_BYTES, type Timestamp, decodeTimestampDescending, encodeTimestampDescending } from '../hlc.js';
import { MvccError, printKey } from './errors.js';

const ESCAPE = 0x00;
const ESCAPED_ZERO = 0xff;
const TERMINATOR = 0x01;

/** Length of escape(userKey). */
function escapedLength(userKey: Bytes): number {
  let zeros = 0;
  for (let i = userKey.indexOf(ESCAPE); i >= 0; i = userKey.indexOf(ESCAPE, i + 1)) zeros++;
  return userKey.length + zeros;
}

/** Writes escape(userKey) 0x00 <last> into a new array with room for extra trailing bytes. */
function encodeWithSuffix(userKey: Bytes, last: number, extra: number): Uint8Array {
  const escaped = escapedLength(userKey);
  const out = new Uint8Array(escaped + 2 + extra);
  if (escaped === userKey.length) {
    out.set(userKey, 0);
  } else {
    let o = 0;
    for (const byte of userKey) {
      out[o++] = byte;
      if (byte === ESCAPE) out[o++] = ESCAPED_ZERO;
    }
  }
  out[escaped] = ESCAPE;
  out[escaped + 1] = last;
  return out;
}

/**
 * A copy of source[start, end). Not source.slice(): engines may hand out Node Buffers, whose slice
 * is a view, and a view of an engine key must never be modified.
 */
export function copyBytes(source: Bytes, start = 0, end = source.length): Uint8Array {
  return new Uint8Array(source.subarray(start, end));
}

/** The metadata slot of userKey, which is also the prefix of all its versions. */
export function encodeMetaKey(userKey: Bytes): Uint8Array {
  return encodeWithSuffix(userKey, TERMINATOR, 0);
}

/** The key of userKey's version at ts. */
export function encodeVersionKey(userKey: Bytes, ts: Timestamp): Uint8Array {
  const out = encodeWithSuffix(userKey, TERMINATOR, TIMESTAMP_ENCODED_BYTES);
  encodeTimestampDescending(ts, out, out.length - TIMESTAMP_ENCODED_BYTES);
  return out;
}

/** The version key at ts under an already encoded prefix (a metadata slot). */
export function versionKeyFromPrefix(prefix: Bytes, ts: Timestamp): Uint8Array {
  const out = new Uint8Array(prefix.length + TIMESTAMP_ENCODED_BYTES);
  out.set(prefix, 0);
  encodeTimestampDescending(ts, out, prefix.length);
  return out;
}

/** The first engine key after every entry of userKey (its metadata slot and all its versions). */
export function encodeKeyEnd(userKey: Bytes): Uint8Array {
  return encodeWithSuffix(userKey, TERMINATOR + 1, 0);
}

/** The first engine key after every entry of the user key whose encoded prefix is given. */
export function prefixEnd(prefix: Bytes): Uint8Array {
  const out = copyBytes(prefix);
  out[out.length - 1] = TERMINATOR + 1;
  return out;
}

/** A key between the entries of smaller user keys and those of this prefix's key (see the header). */
export function prefixBefore(prefix: Bytes): Uint8Array {
  const out = copyBytes(prefix);
  out[out.length - 1] = ESCAPE;
  return out;
}

/**
 * The length of the prefix (escaped user key and terminator) of an encoded MVCC key, checking that
 * what follows is either nothing (a metadata slot) or a timestamp.
 */
export function prefixLength(engineKey: Bytes): number {
  for (let i = engineKey.indexOf(ESCAPE); i >= 0 && i + 1 < engineKey.length; i = engineKey.indexOf(ESCAPE, i + 2)) {
    const marker = engineKey[i + 1];
    if (marker === TERMINATOR) {
      const rest = engineKey.length - (i + 2);
      if (rest !== 0 && rest !== TIMESTAMP_ENCODED_BYTES) break;
      return i + 2;
    }
    if (marker !== ESCAPED_ZERO) break;
  }
  throw new MvccError('CORRUPT_DATA', `engine key ${printKey(engineKey)} is not an MVCC key`);
}

/** Whether engineKey, whose prefix has length prefixLen, is a metadata slot. */
export function isMetaKey(engineKey: Bytes, prefixLen: number): boolean {
  return engineKey.length === prefixLen;
}

/** The timestamp of a version key whose prefix has length prefixLen. */
export function versionTimestamp(engineKey: Bytes, prefixLen: number): Timestamp {
  return decodeTimestampDescending(engineKey, prefixLen);
}

/** The 12-byte descending encoding of ts, for comparing against version keys without decoding them. */
export function descendingTimestampBytes(ts: Timestamp): Uint8Array {
  const out = new Uint8Array(TIMESTAMP_ENCODED_BYTES);
  encodeTimestampDescending(ts, out, 0);
  return out;
}

/**
 * Whether the version key engineKey (prefix length prefixLen) is at or below the timestamp whose
 * descending encoding is tsDescending: newer sorts first, so "at or below" is "bytewise at or after".
 */
export function versionAtOrBelow(engineKey: Bytes, prefixLen: number, tsDescending: Uint8Array): boolean {
  for (let i = 0; i < TIMESTAMP_ENCODED_BYTES; i++) {
    const a = engineKey[prefixLen + i] as number;
    const b = tsDescending[i] as number;
    if (a !== b) return a > b;
  }
  return true;
}

/** Whether engineKey's first prefixLen bytes equal prefix (the same user key). */
export function hasPrefix(engineKey: Bytes, prefix: Bytes): boolean {
  if (engineKey.length < prefix.length) return false;
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (engineKey[i] !== prefix[i]) return false;
  }
  // The prefix ends with the terminator, so a match cannot be the middle of a longer user key.
  return true;
}

/** The user key of an encoded prefix (the inverse of escape, without the terminator). */
export function decodeUserKey(engineKey: Bytes, prefixLen: number): Uint8Array {
  const escapedEnd = prefixLen - 2;
  const first = engineKey.indexOf(ESCAPE);
  if (first === escapedEnd) return copyBytes(engineKey, 0, escapedEnd);
  const out = new Uint8Array(escapedEnd);
  let o = 0;
  for (let i = 0; i < escapedEnd; i++) {
    const byte = engineKey[i] as number;
    out[o++] = byte;
    if (byte === ESCAPE) i++; // skip the 0xFF that follows an escaped zero
  }
  return out.subarray(0, o);
}

/** A decoded MVCC key: the metadata slot when ts is undefined. */
export interface MvccKey {
  readonly userKey: Uint8Array;
  readonly ts: Timestamp | undefined;
}

export function decodeMvccKey(engineKey: Bytes): MvccKey {
  const prefixLen = prefixLength(engineKey);
  return {
    userKey: decodeUserKey(engineKey, prefixLen),
    ts: isMetaKey(engineKey, prefixLen) ? undefined : versionTimestamp(engineKey, prefixLen),
  };
}
