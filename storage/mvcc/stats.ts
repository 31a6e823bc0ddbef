/**
 * MVCC statistics of a span, kept up to date by every write (each operation adds its delta to an
 * accumulator the caller passes) and recomputable from scratch by computeStats. A range keeps the
 * sum in its replicated state to decide splits and GC without scanning; the randomized test holds
 * the two ways of computing them equal after every step.
 *
 * Bytes count exactly what the engine stores: the encoded key and the encoded value (header and
 * checksum included) of every entry.
 */
import type { Bytes, EngineReader } from '../engine.js';
import { MvccError, printKey } from './errors.js';
import { readAheadEntriesMax } from './limits.js';
import { decodeStoredValue } from './mvcc-value.js';
import { decodeUserKey, encodeMetaKey, hasPrefix, isMetaKey, prefixLength } from './mvcc-key.js';

export interface MvccStats {
  /** User keys whose newest entry (the intent if there is one) holds a value, not a deletion. */
  liveCount: number;
  /** Key and value bytes of the newest entry of each live key. */
  liveBytes: number;
  /** User keys with at least one entry (a version, a tombstone or an intent). */
  keyCount: number;
  /** Bytes of all engine keys. */
  keyBytes: number;
  /** Entries: versions, tombstones and intents. */
  valCount: number;
  /** Bytes of all engine values. */
  valBytes: number;
  intentCount: number;
  /** Key and value bytes of the intents. */
  intentBytes: number;
}

export const statsFields = [
  'liveCount',
  'liveBytes',
  'keyCount',
  'keyBytes',
  'valCount',
  'valBytes',
  'intentCount',
  'intentBytes',
] as const satisfies readonly (keyof MvccStats)[];

export function emptyStats(): MvccStats {
  return { liveCount: 0, liveBytes: 0, keyCount: 0, keyBytes: 0, valCount: 0, valBytes: 0, intentCount: 0, intentBytes: 0 };
}

/** target += delta, field by field. */
export function addStats(target: MvccStats, delta: MvccStats): void {
  for (const field of statsFields) target[field] += delta[field];
}

export function statsEqual(a: MvccStats, b: MvccStats): boolean {
  return statsFields.every((field) => a[field] === b[field]);
}

/** An engine entry as the stats see it. */
export interface StatsEntry {
  readonly key: Bytes;
  readonly value: Bytes;
}

/** Adds (sign 1) or removes (sign -1) one stored entry; intents live in the metadata slot. */
export function countEntry(stats: MvccStats, entry: StatsEntry, isIntent: boolean, sign: 1 | -1): void {
  stats.keyBytes += sign * entry.key.length;
  stats.valBytes += sign * entry.value.length;
  stats.valCount += sign;
  if (isIntent) {
    stats.intentCount += sign;
    stats.intentBytes += sign * (entry.key.length + entry.value.length);
  }
}

/** Adds or removes the liveness of a key whose newest entry is head (nothing when not live). */
export function countHead(stats: MvccStats, head: StatsEntry | undefined, live: boolean, sign: 1 | -1): void {
  if (head === undefined || !live) return;
  stats.liveCount += sign;
  stats.liveBytes += sign * (head.key.length + head.value.length);
}

/**
 * Recomputes the stats of the user keys in [start, end) (every key when a bound is absent) by
 * reading every entry, verifying the checksum of each key's newest entry.
 */
export async function computeStats(reader: EngineReader, span: { readonly start?: Bytes; readonly end?: Bytes } = {}): Promise<MvccStats> {
  const stats = emptyStats();
  const iterator = reader.iterator({
    ...(span.start === undefined ? {} : { start: encodeMetaKey(span.start) }),
    ...(span.end === undefined ? {} : { end: encodeMetaKey(span.end) }),
  });
  try {
    let prefix: Bytes | undefined;
    for (;;) {
      const batch = await iterator.nextBatch(readAheadEntriesMax);
      if (batch.length === 0) break;
      for (const entry of batch) {
        if (prefix !== undefined && hasPrefix(entry.key, prefix)) {
          if (isMetaKey(entry.key, prefix.length)) throw misplaced(entry.key);
          countEntry(stats, entry, false, 1);
          continue;
        }
        // The first entry of a user key is its newest: its intent, or else its newest version.
        const prefixLen = prefixLength(entry.key);
        prefix = entry.key.subarray(0, prefixLen);
        const decoded = decodeStoredValue(entry.key, entry.value);
        const isIntent = isMetaKey(entry.key, prefixLen);
        if (isIntent !== (decoded.kind === 'intent')) throw misplaced(entry.key);
        stats.keyCount += 1;
        countEntry(stats, entry, isIntent, 1);
        const live = decoded.kind === 'value' || (decoded.kind === 'intent' && decoded.payload !== undefined);
        countHead(stats, entry, live, 1);
      }
    }
  } finally {
    await iterator.close();
  }
  return stats;
}

function misplaced(engineKey: Bytes): MvccError {
  const prefixLen = prefixLength(engineKey);
  return new MvccError(
    'CORRUPT_DATA',
    `key ${printKey(decodeUserKey(engineKey, prefixLen))}: an intent outside the metadata slot or a version in it`,
    decodeUserKey(engineKey, prefixLen),
  );
}
