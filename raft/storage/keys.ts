/**
 * Where the Raft state of each group lives in a node's engine. All of it is node-local and never
 * replicated (each replica has its own log, vote and snapshot), so it sits under the node-local
 * first byte, away from every replicated key:
 *
 *   0x01 'r' <groupId: 8 bytes big-endian> 'a'                   applied state (optional)
 *   0x01 'r' <groupId> 'e' <index: 8 bytes big-endian>           one log entry
 *   0x01 'r' <groupId> 'h'                                       hard state
 *   0x01 'r' <groupId> 's'                                       latest snapshot
 *   0x01 'r' <groupId> 't'                                       truncated state (last compacted)
 *
 * Big-endian fixed-width numbers sort bytewise in numeric order, so a group's entries are
 * contiguous and in index order, and one scan of the 'r' span loads every group.
 */
import { assert } from '../../common/assert.js';
import type { LogIndex } from '../core/types.js';
import type { GroupId } from './group-id.js';

/** The first byte of node-local, unreplicated state (DESIGN.md "Keys": it sorts before all else). */
export const NODE_LOCAL_PREFIX_BYTE = 0x01;
/** The second byte that marks Raft state among node-local keys. */
export const RAFT_STATE_MARKER_BYTE = 0x72; // 'r'

export type RaftKeySuffix = 'appliedState' | 'entry' | 'hardState' | 'snapshot' | 'truncatedState';

const SUFFIX_BYTES: Record<RaftKeySuffix, number> = {
  appliedState: 0x61, // 'a'
  entry: 0x65, // 'e'
  hardState: 0x68, // 'h'
  snapshot: 0x73, // 's'
  truncatedState: 0x74, // 't'
};
const SUFFIX_BY_BYTE = new Map<number, RaftKeySuffix>(
  (Object.entries(SUFFIX_BYTES) as [RaftKeySuffix, number][]).map(([suffix, byte]) => [byte, suffix]),
);

const GROUP_PREFIX_LENGTH = 2 + 8;

/** Writes a non-negative safe integer as 8 bytes big-endian. */
export function writeUint64(target: Uint8Array, offset: number, value: number): void {
  assert(Number.isSafeInteger(value) && value >= 0, `not a uint64 that fits a number: ${value}`);
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  view.setUint32(offset, Math.floor(value / 0x1_0000_0000));
  view.setUint32(offset + 4, value >>> 0);
}

export function readUint64(source: Uint8Array, offset: number): number {
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  const value = view.getUint32(offset) * 0x1_0000_0000 + view.getUint32(offset + 4);
  assert(Number.isSafeInteger(value), `uint64 beyond 2^53 at offset ${offset}`);
  return value;
}

function groupPrefix(group: GroupId, extra: number): Uint8Array {
  const key = new Uint8Array(GROUP_PREFIX_LENGTH + extra);
  key[0] = NODE_LOCAL_PREFIX_BYTE;
  key[1] = RAFT_STATE_MARKER_BYTE;
  writeUint64(key, 2, group);
  return key;
}

/** The key of one of a group's singleton records. */
export function raftStateKey(group: GroupId, suffix: Exclude<RaftKeySuffix, 'entry'>): Uint8Array {
  const key = groupPrefix(group, 1);
  key[GROUP_PREFIX_LENGTH] = SUFFIX_BYTES[suffix];
  return key;
}

export function entryKey(group: GroupId, index: LogIndex): Uint8Array {
  const key = groupPrefix(group, 1 + 8);
  key[GROUP_PREFIX_LENGTH] = SUFFIX_BYTES.entry;
  writeUint64(key, GROUP_PREFIX_LENGTH + 1, index);
  return key;
}

/** [start, end) of every group's Raft state. */
export function allRaftStateSpan(): { start: Uint8Array; end: Uint8Array } {
  return {
    start: Uint8Array.of(NODE_LOCAL_PREFIX_BYTE, RAFT_STATE_MARKER_BYTE),
    end: Uint8Array.of(NODE_LOCAL_PREFIX_BYTE, RAFT_STATE_MARKER_BYTE + 1),
  };
}

/** [start, end) of one group's Raft state. */
export function groupSpan(group: GroupId): { start: Uint8Array; end: Uint8Array } {
  const start = groupPrefix(group, 0);
  const end = groupPrefix((group + 1) as GroupId, 0);
  return { start, end };
}

export type DecodedRaftKey =
  | { readonly group: GroupId; readonly suffix: 'entry'; readonly index: LogIndex }
  | { readonly group: GroupId; readonly suffix: Exclude<RaftKeySuffix, 'entry'> };

/** Parses a key of the Raft span; undefined for anything that is not one of ours. */
export function decodeRaftKey(key: Uint8Array): DecodedRaftKey | undefined {
  if (key.length < GROUP_PREFIX_LENGTH + 1 || key[0] !== NODE_LOCAL_PREFIX_BYTE || key[1] !== RAFT_STATE_MARKER_BYTE) {
    return undefined;
  }
  const group = readUint64(key, 2) as GroupId;
  const suffix = SUFFIX_BY_BYTE.get(key[GROUP_PREFIX_LENGTH] as number);
  if (suffix === undefined) return undefined;
  if (suffix === 'entry') {
    if (key.length !== GROUP_PREFIX_LENGTH + 1 + 8) return undefined;
    return { group, suffix, index: readUint64(key, GROUP_PREFIX_LENGTH + 1) as LogIndex };
  }
  if (key.length !== GROUP_PREFIX_LENGTH + 1) return undefined;
  return { group, suffix };
}
