/**
 * Sizes of log entries, for the byte bounds on messages, Readys and the uncommitted tail.
 */
import { entryOverheadBytes } from './limits.js';
import type { Entry } from './types.js';

/** The size an entry counts for against message and Ready byte bounds. */
export function entrySizeBytes(entry: Entry): number {
  return entry.data.byteLength + entryOverheadBytes;
}

export function entriesSizeBytes(entries: readonly Entry[]): number {
  let total = 0;
  for (const e of entries) total += entrySizeBytes(e);
  return total;
}

/**
 * The size an entry counts for against the uncommitted-tail bound: only its data, so that the
 * empty entries a new leader appends, or an automatic leave of a joint configuration, are never
 * refused.
 */
export function payloadSizeBytes(entries: readonly Entry[]): number {
  let total = 0;
  for (const e of entries) total += e.data.byteLength;
  return total;
}

/**
 * The longest prefix of entries whose total size is at most maxBytes, but never fewer than one
 * entry: a single entry larger than the bound must still make progress.
 */
export function limitSize<T extends Entry>(entries: readonly T[], maxBytes: number): T[] {
  if (entries.length === 0) return [];
  let size = entrySizeBytes(entries[0] as T);
  let n = 1;
  while (n < entries.length) {
    size += entrySizeBytes(entries[n] as T);
    if (size > maxBytes) break;
    n++;
  }
  return entries.slice(0, n);
}
