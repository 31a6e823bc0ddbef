/**
 * Garbage collection of old versions: the VACUUM of this system. Reads at or above the threshold
 * see, of each key, at most the newest version at or below the threshold and anything newer; every
 * older version is invisible to them and goes. That newest version goes too when it is a
 * tombstone, since "no version" and "a tombstone" read the same. Intents are never touched: they
 * are not history but a transaction in flight.
 *
 * The caller must make sure no read below the threshold will come (the GC TTL, and the timestamp
 * below which reads are refused).
 */
import type { Bytes, EngineIterator, KeyValue } from '../engine.js';
import type { Timestamp } from '../hlc.js';
import type { ReadWriter } from './indexed-batch.js';
import { stepsBeforeSeek } from './limits.js';
import { ReadAheadIterator } from './read-ahead-iterator.js';
import {
  copyBytes,
  descendingTimestampBytes,
  encodeKeyEnd,
  encodeMetaKey,
  hasPrefix,
  isMetaKey,
  prefixLength,
  versionAtOrBelow,
  versionKeyFromPrefix,
} from './mvcc-key.js';
import { countEntry, type MvccStats } from './stats.js';
import { versionIsLive } from './write.js';

/** A span of user keys [start, end), or a list of keys. */
export type GcTarget = { readonly start: Bytes; readonly end: Bytes } | { readonly keys: readonly Bytes[] };

export interface GcOptions {
  readonly stats?: MvccStats | undefined;
}

export interface GcResult {
  /** Versions (tombstones included) removed. */
  readonly versionsRemoved: number;
}

export async function mvccGc(rw: ReadWriter, target: GcTarget, threshold: Timestamp, options: GcOptions = {}): Promise<GcResult> {
  let versionsRemoved = 0;
  if ('keys' in target) {
    for (const key of target.keys) {
      versionsRemoved += await gcSpan(rw, encodeMetaKey(key), encodeKeyEnd(key), threshold, options.stats);
    }
  } else {
    versionsRemoved += await gcSpan(rw, encodeMetaKey(target.start), encodeMetaKey(target.end), threshold, options.stats);
  }
  return { versionsRemoved };
}

/** GC of the engine keys in [start, end). Deletes land in rw behind the iterator's position. */
async function gcSpan(rw: ReadWriter, start: Bytes, end: Bytes, threshold: Timestamp, stats: MvccStats | undefined): Promise<number> {
  const iterator = new ReadAheadIterator(rw.iterator({ start, end }));
  const thresholdDescending = descendingTimestampBytes(threshold);
  let removed = 0;
  try {
    let entry = await iterator.next();
    while (entry !== undefined) {
      const prefix = copyBytes(entry.key, 0, prefixLength(entry.key));
      const outcome = await gcKey(rw, iterator, entry, prefix, threshold, thresholdDescending, stats);
      removed += outcome.removed;
      entry = outcome.next;
    }
  } finally {
    await iterator.close();
  }
  return removed;
}

async function gcKey(
  rw: ReadWriter,
  iterator: EngineIterator,
  first: KeyValue,
  prefix: Bytes,
  threshold: Timestamp,
  thresholdDescending: Uint8Array,
  stats: MvccStats | undefined,
): Promise<{ removed: number; next: KeyValue | undefined }> {
  let entry: KeyValue | undefined = first;
  let kept = 0;
  if (isMetaKey(entry.key, prefix.length)) {
    kept++;
    entry = await iterator.next();
  }
  // Keep the versions above the threshold, seeking to it when there are many (kept only matters
  // as zero or not, so the versions the seek steps over need no counting).
  for (let steps = 0; entry !== undefined && hasPrefix(entry.key, prefix); steps++) {
    if (versionAtOrBelow(entry.key, prefix.length, thresholdDescending)) break;
    kept++;
    if (steps === stepsBeforeSeek) iterator.seek(versionKeyFromPrefix(prefix, threshold));
    entry = await iterator.next();
  }
  if (entry === undefined || !hasPrefix(entry.key, prefix)) return { removed: 0, next: entry };
  // entry is the newest version at or below the threshold: kept unless a tombstone.
  let removed = 0;
  const remove = (victim: KeyValue): void => {
    rw.del(victim.key);
    removed++;
    if (stats !== undefined) countEntry(stats, victim, false, -1);
  };
  if (versionIsLive(entry)) kept++;
  else remove(entry);
  for (entry = await iterator.next(); entry !== undefined && hasPrefix(entry.key, prefix); entry = await iterator.next()) {
    remove(entry);
  }
  if (kept === 0 && stats !== undefined) stats.keyCount -= 1;
  return { removed, next: entry };
}
