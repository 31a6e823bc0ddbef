/**
 * The layout of the key space, by first byte. Every key a node stores falls in exactly one of
 * these regions, and bytewise order keeps each region contiguous:
 *
 *   0x01 ...                     node-local, unreplicated (Raft log and hard state, store identity):
 *                                each replica has its own; raft/storage/keys.ts lays out 0x01 'r'
 *   0x02 'i' <rangeId:8> <suffix> range-id-local replicated state (applied state, lease, abort span):
 *                                 part of the range's replicated state machine, addressed by range id
 *   0x02 'k' <escaped key> 0x00 0x01 <suffix> <detail>
 *                                 range-key-local replicated state (range descriptor, transaction
 *                                 records), addressed by a key so that it moves with that key's range
 *   0x03 <end key>                meta: range descriptors addressed by their end key
 *   0x40 .. 0xcf                  table data, `/<tableId>/<indexId>/<key columns>`, with ids written
 *                                 by the key codec's encodeUvarintAscending (first byte 0x40 or more);
 *                                 system catalog tables are ordinary tables with small reserved ids
 *
 * Local keys (0x01, 0x02) are raw engine keys written by the replica itself. Meta and table keys
 * are MVCC keys (storage/mvcc encodes them, keeping their first byte). Requests from clients may
 * address only meta and table keys (`addressableSpan`), so that no MVCC key ever starts with 0x01
 * or 0x02 and the two kinds of engine keys never meet.
 */
import { assert } from '../common/assert.js';
import type { Bytes } from './engine.js';
import { ByteWriter } from './key-codec/byte-writer.js';
import { encodeUvarintAscending } from './key-codec/varint.js';
import { prefixEnd } from './key-codec/prefix-end.js';

/** A half-open span of keys [start, end). */
export interface KeySpan {
  readonly start: Bytes;
  readonly end: Bytes;
}

/** Node-local, unreplicated state; the same byte as raft/storage/keys.ts NODE_LOCAL_PREFIX_BYTE. */
export const NODE_LOCAL_PREFIX_BYTE = 0x01;
/** Range-local replicated state. */
export const RANGE_LOCAL_PREFIX_BYTE = 0x02;
/** Meta records: range descriptors addressed by end key. */
export const META_PREFIX_BYTE = 0x03;
/** The first byte of table data: encodeUvarintAscending(0). */
export const TABLE_DATA_MIN_BYTE = 0x40;

const RANGE_ID_LOCAL_MARKER = 0x69; // 'i'
const RANGE_KEY_LOCAL_MARKER = 0x6b; // 'k'
/** 8 bytes of range id after 0x02 'i'. */
const RANGE_ID_BYTES = 8;

/** The suffixes of range-id-local keys; each is 4 ASCII bytes so that the layout reads in a dump. */
export type RangeIdLocalSuffix = 'appliedState' | 'lease' | 'gcThreshold' | 'abortSpan';
const RANGE_ID_LOCAL_SUFFIXES: Record<RangeIdLocalSuffix, string> = {
  appliedState: 'rask',
  lease: 'rll-',
  gcThreshold: 'lgc-',
  abortSpan: 'abc-',
};

/** The suffixes of range-key-local keys. */
export type RangeKeyLocalSuffix = 'rangeDescriptor' | 'txnRecord';
const RANGE_KEY_LOCAL_SUFFIXES: Record<RangeKeyLocalSuffix, string> = {
  rangeDescriptor: 'rdsc',
  txnRecord: 'txn-',
};

const ascii = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** The smallest key: every stored key is above it. */
export const KEY_MIN: Bytes = new Uint8Array(0);
/** Above every key a client may address (no table id encodes to a first byte of 0xff). */
export const KEY_MAX: Bytes = Uint8Array.of(0xff, 0xff);

/** Everything under node-local state. */
export const nodeLocalSpan: KeySpan = { start: Uint8Array.of(NODE_LOCAL_PREFIX_BYTE), end: Uint8Array.of(NODE_LOCAL_PREFIX_BYTE + 1) };
/** Everything under range-local replicated state. */
export const rangeLocalSpan: KeySpan = { start: Uint8Array.of(RANGE_LOCAL_PREFIX_BYTE), end: Uint8Array.of(RANGE_LOCAL_PREFIX_BYTE + 1) };
/** The meta records. */
export const metaSpan: KeySpan = { start: Uint8Array.of(META_PREFIX_BYTE), end: Uint8Array.of(META_PREFIX_BYTE + 1) };
/** Every table, system tables included: everything SQL can touch. */
export const userSpan: KeySpan = { start: Uint8Array.of(TABLE_DATA_MIN_BYTE), end: KEY_MAX };
/** What requests may address (meta and tables): the MVCC part of the key space. */
export const addressableSpan: KeySpan = { start: Uint8Array.of(META_PREFIX_BYTE), end: KEY_MAX };

/** Whether key lies in span. */
export function spanContainsKey(span: KeySpan, key: Bytes): boolean {
  return Buffer.compare(span.start, key) <= 0 && Buffer.compare(key, span.end) < 0;
}

/** Whether [start, end) lies in span (end undefined: the point start). */
export function spanContainsSpan(span: KeySpan, start: Bytes, end: Bytes | undefined): boolean {
  if (end === undefined) return spanContainsKey(span, start);
  return Buffer.compare(span.start, start) <= 0 && Buffer.compare(end, span.end) <= 0 && Buffer.compare(start, end) < 0;
}

/** The prefix of every key of one table: `/<tableId>`. */
export function tableKeyPrefix(tableId: number): Bytes {
  const writer = new ByteWriter(8);
  encodeUvarintAscending(writer, tableId);
  return writer.toBytes();
}

/** The prefix of every key of one index: `/<tableId>/<indexId>`. */
export function indexKeyPrefix(tableId: number, indexId: number): Bytes {
  const writer = new ByteWriter(16);
  encodeUvarintAscending(writer, tableId);
  encodeUvarintAscending(writer, indexId);
  return writer.toBytes();
}

/** [prefix, prefixEnd(prefix)): every key starting with prefix. */
export function prefixSpan(prefix: Bytes): KeySpan {
  const end = prefixEnd(prefix);
  assert(end !== undefined, 'a prefix span needs a prefix that is not all 0xff');
  return { start: prefix, end };
}

/** Every key of one table. */
export function tableSpan(tableId: number): KeySpan {
  return prefixSpan(tableKeyPrefix(tableId));
}

/** Every key of one index. */
export function indexSpan(tableId: number, indexId: number): KeySpan {
  return prefixSpan(indexKeyPrefix(tableId, indexId));
}

/** The meta record of the range whose (exclusive) end key is endKey. */
export function metaKey(endKey: Bytes): Bytes {
  const out = new Uint8Array(1 + endKey.length);
  out[0] = META_PREFIX_BYTE;
  out.set(endKey, 1);
  return out;
}

function writeRangeId(target: Uint8Array, offset: number, rangeId: number): void {
  assert(Number.isSafeInteger(rangeId) && rangeId > 0, `range id must be a positive safe integer, not ${rangeId}`);
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  view.setUint32(offset, Math.floor(rangeId / 0x1_0000_0000));
  view.setUint32(offset + 4, rangeId >>> 0);
}

/** The prefix of all range-id-local state of one range. */
export function rangeIdLocalPrefix(rangeId: number): Bytes {
  const out = new Uint8Array(2 + RANGE_ID_BYTES);
  out[0] = RANGE_LOCAL_PREFIX_BYTE;
  out[1] = RANGE_ID_LOCAL_MARKER;
  writeRangeId(out, 2, rangeId);
  return out;
}

/** A range-id-local key: prefix, 4-byte suffix, then detail (e.g. a transaction id). */
export function rangeIdLocalKey(rangeId: number, suffix: RangeIdLocalSuffix, detail: Bytes = KEY_MIN): Bytes {
  const prefix = rangeIdLocalPrefix(rangeId);
  const suffixBytes = ascii.encode(RANGE_ID_LOCAL_SUFFIXES[suffix]);
  const out = new Uint8Array(prefix.length + suffixBytes.length + detail.length);
  out.set(prefix, 0);
  out.set(suffixBytes, prefix.length);
  out.set(detail, prefix.length + suffixBytes.length);
  return out;
}

/** The span of every range-id-local key of one suffix of one range (all abort span entries, say). */
export function rangeIdLocalSuffixSpan(rangeId: number, suffix: RangeIdLocalSuffix): KeySpan {
  return prefixSpan(rangeIdLocalKey(rangeId, suffix));
}

/** The abort span entry of a transaction on a range: its presence says the transaction was aborted. */
export function abortSpanKey(rangeId: number, txnId: string): Bytes {
  return rangeIdLocalKey(rangeId, 'abortSpan', ascii.encode(txnId));
}

/** The transaction id of an abort span key, or undefined for any other key. */
export function decodeAbortSpanKey(rangeId: number, key: Bytes): string | undefined {
  const prefix = rangeIdLocalKey(rangeId, 'abortSpan');
  if (key.length <= prefix.length || Buffer.compare(key.subarray(0, prefix.length), prefix) !== 0) return undefined;
  return utf8Decoder.decode(key.subarray(prefix.length));
}

/**
 * escape(key) 0x00 0x01: the same escaping as MVCC keys (0x00 written as 0x00 0xFF), so that the
 * local keys of different anchors never interleave and sort in anchor order.
 */
function escapeWithTerminator(key: Bytes): Bytes {
  const out: number[] = [];
  for (const byte of key) {
    out.push(byte);
    if (byte === 0x00) out.push(0xff);
  }
  out.push(0x00, 0x01);
  return Uint8Array.from(out);
}

/** A range-key-local key: 0x02 'k' escape(anchor) 0x00 0x01 suffix detail. */
export function rangeKeyLocalKey(anchor: Bytes, suffix: RangeKeyLocalSuffix, detail: Bytes = KEY_MIN): Bytes {
  const escaped = escapeWithTerminator(anchor);
  const suffixBytes = ascii.encode(RANGE_KEY_LOCAL_SUFFIXES[suffix]);
  const out = new Uint8Array(2 + escaped.length + suffixBytes.length + detail.length);
  out[0] = RANGE_LOCAL_PREFIX_BYTE;
  out[1] = RANGE_KEY_LOCAL_MARKER;
  out.set(escaped, 2);
  out.set(suffixBytes, 2 + escaped.length);
  out.set(detail, 2 + escaped.length + suffixBytes.length);
  return out;
}

/** Where a transaction's record lives: beside its anchor key (its first write), on that key's range. */
export function txnRecordKey(anchorKey: Bytes, txnId: string): Bytes {
  assert(anchorKey.length > 0, 'a transaction record needs an anchor key');
  return rangeKeyLocalKey(anchorKey, 'txnRecord', ascii.encode(txnId));
}

/** The descriptor of the range starting at startKey. */
export function rangeDescriptorKey(startKey: Bytes): Bytes {
  return rangeKeyLocalKey(startKey, 'rangeDescriptor');
}

/** The span of all range-key-local keys anchored in [start, end) (a range's records). */
export function rangeKeyLocalSpan(span: KeySpan): KeySpan {
  // escape(key) without its terminator: every anchor >= start sorts at or after escape(start), and
  // every anchor < end before escape(end) (a prefix's terminator 0x00 0x01 sorts below any continuation).
  const bound = (key: Bytes): Bytes => {
    const escaped = escapeWithTerminator(key);
    const out = new Uint8Array(escaped.length);
    out[0] = RANGE_LOCAL_PREFIX_BYTE;
    out[1] = RANGE_KEY_LOCAL_MARKER;
    out.set(escaped.subarray(0, escaped.length - 2), 2);
    return out;
  };
  return { start: bound(span.start), end: bound(span.end) };
}

/** What a local key decodes to; undefined parts mean "not a key of that shape". */
export type DecodedLocalKey =
  | { readonly kind: 'rangeIdLocal'; readonly rangeId: number; readonly suffix: RangeIdLocalSuffix; readonly detail: Bytes }
  | { readonly kind: 'rangeKeyLocal'; readonly anchor: Bytes; readonly suffix: RangeKeyLocalSuffix; readonly detail: Bytes };

/** Parses a range-local key (for debugging output and consistency checks); undefined for anything else. */
export function decodeRangeLocalKey(key: Bytes): DecodedLocalKey | undefined {
  if (key.length < 2 || key[0] !== RANGE_LOCAL_PREFIX_BYTE) return undefined;
  if (key[1] === RANGE_ID_LOCAL_MARKER) {
    if (key.length < 2 + RANGE_ID_BYTES + 4) return undefined;
    const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
    const rangeId = view.getUint32(2) * 0x1_0000_0000 + view.getUint32(6);
    const suffix = findSuffix(RANGE_ID_LOCAL_SUFFIXES, key.subarray(2 + RANGE_ID_BYTES, 2 + RANGE_ID_BYTES + 4));
    if (suffix === undefined) return undefined;
    return { kind: 'rangeIdLocal', rangeId, suffix, detail: key.slice(2 + RANGE_ID_BYTES + 4) };
  }
  if (key[1] === RANGE_KEY_LOCAL_MARKER) {
    const anchor: number[] = [];
    let i = 2;
    for (; i < key.length; i++) {
      const byte = key[i] as number;
      if (byte !== 0x00) {
        anchor.push(byte);
        continue;
      }
      const next = key[i + 1];
      if (next === 0xff) {
        anchor.push(0x00);
        i++;
        continue;
      }
      if (next !== 0x01) return undefined;
      break;
    }
    const suffixStart = i + 2;
    if (suffixStart + 4 > key.length) return undefined;
    const suffix = findSuffix(RANGE_KEY_LOCAL_SUFFIXES, key.subarray(suffixStart, suffixStart + 4));
    if (suffix === undefined) return undefined;
    return { kind: 'rangeKeyLocal', anchor: Uint8Array.from(anchor), suffix, detail: key.slice(suffixStart + 4) };
  }
  return undefined;
}

function findSuffix<S extends string>(table: Record<S, string>, bytes: Bytes): S | undefined {
  const text = String.fromCharCode(...bytes);
  for (const [suffix, value] of Object.entries(table) as [S, string][]) if (value === text) return suffix;
  return undefined;
}

/**
 * The key that decides which range holds key: a range-key-local key belongs with its anchor, every
 * addressable key with itself. Node-local and range-id-local keys have no address (undefined).
 */
export function keyAddress(key: Bytes): Bytes | undefined {
  if (key.length === 0) return undefined;
  const first = key[0] as number;
  if (first === NODE_LOCAL_PREFIX_BYTE) return undefined;
  if (first === RANGE_LOCAL_PREFIX_BYTE) {
    const decoded = decodeRangeLocalKey(key);
    return decoded?.kind === 'rangeKeyLocal' ? decoded.anchor : undefined;
  }
  return key;
}
