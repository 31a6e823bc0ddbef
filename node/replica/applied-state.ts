/**
 * The range's applied state, kept in range-id-local replicated state and written in the same
 * engine batch as every change it accounts for: how many batches have applied (the Raft applied
 * index, later) and the MVCC stats of the range's data. After a restart the replica reads it back
 * instead of scanning the range.
 */
import type { Bytes, EngineReader } from '../../storage/engine.js';
import { rangeIdLocalKey } from '../../storage/keys.js';
import { emptyStats, statsFields, type MvccStats } from '../../storage/mvcc/index.js';
import { valueChecksum } from '../../storage/mvcc/checksum.js';
import { ByteSink, ByteSource, ByteSourceError } from './byte-codec.js';

export interface AppliedState {
  readonly appliedIndex: number;
  readonly stats: MvccStats;
}

const VERSION = 1;

export function appliedStateKey(rangeId: number): Bytes {
  return rangeIdLocalKey(rangeId, 'appliedState');
}

export function encodeAppliedState(key: Bytes, state: AppliedState): Uint8Array {
  const sink = new ByteSink().u8(VERSION).i64(state.appliedIndex);
  for (const field of statsFields) sink.i64(state.stats[field]);
  const body = sink.finish();
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, valueChecksum(key, body), false);
  return out;
}

export function decodeAppliedState(key: Bytes, stored: Bytes): AppliedState {
  if (stored.length < 5) throw new ByteSourceError('applied state too short');
  const body = stored.subarray(0, stored.length - 4);
  const checksum = new DataView(stored.buffer, stored.byteOffset, stored.byteLength).getUint32(stored.length - 4, false);
  if (checksum !== valueChecksum(key, body)) throw new ByteSourceError('applied state checksum mismatch');
  const source = new ByteSource(body);
  if (source.u8() !== VERSION) throw new ByteSourceError('unknown applied state version');
  const appliedIndex = source.i64();
  const stats = emptyStats();
  for (const field of statsFields) stats[field] = source.i64();
  source.end();
  return { appliedIndex, stats };
}

export async function loadAppliedState(reader: EngineReader, rangeId: number): Promise<AppliedState | undefined> {
  const key = appliedStateKey(rangeId);
  const stored = await reader.get(key);
  return stored === undefined ? undefined : decodeAppliedState(key, stored);
}
