/**
 * Byte encodings of the Raft state records. Entries and hard states are written on every Ready,
 * so they have fixed binary layouts; snapshots and applied states are rare and carry a
 * configuration, so they use MessagePack. Every record starts with a format byte so that a later
 * layout can be told apart from this one.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { assert } from '../../common/assert.js';
import type { ConfState, Entry, EntryType, HardState, LogIndex, NodeId, Snapshot, Term } from '../core/types.js';
import { readUint64, writeUint64 } from './keys.js';

const FORMAT_V1 = 1;

/** The entry just before a group's first stored entry: compacted away, its term still known. */
export interface TruncatedState {
  readonly index: LogIndex;
  readonly term: Term;
}

/**
 * What the application persisted about its state machine: applied through index, with this
 * configuration in force. Optional: a state machine rebuilt from the snapshot on restart needs
 * none.
 */
export interface AppliedState {
  readonly index: LogIndex;
  readonly confState: ConfState;
}

const ENTRY_TYPE_BYTES: Record<EntryType, number> = { normal: 0, confChange: 1 };

/** [format][type][term: 8][data]; the index is in the key. */
export function encodeEntry(entry: Entry): Uint8Array {
  const bytes = new Uint8Array(2 + 8 + entry.data.byteLength);
  bytes[0] = FORMAT_V1;
  bytes[1] = ENTRY_TYPE_BYTES[entry.type];
  writeUint64(bytes, 2, entry.term);
  bytes.set(entry.data, 10);
  return bytes;
}

export function decodeEntry(index: LogIndex, bytes: Uint8Array): Entry {
  assert(bytes.length >= 10 && bytes[0] === FORMAT_V1, `corrupt raft entry at index ${index}`);
  const typeByte = bytes[1];
  assert(typeByte === 0 || typeByte === 1, `unknown raft entry type ${typeByte} at index ${index}`);
  return {
    term: readUint64(bytes, 2) as Term,
    index,
    type: typeByte === 0 ? 'normal' : 'confChange',
    // A copy, so the entry does not pin the engine's buffer.
    data: bytes.slice(10),
  };
}

/** [format][term: 8][vote: 8][commit: 8] */
export function encodeHardState(hardState: HardState): Uint8Array {
  const bytes = new Uint8Array(1 + 24);
  bytes[0] = FORMAT_V1;
  writeUint64(bytes, 1, hardState.term);
  writeUint64(bytes, 9, hardState.vote);
  writeUint64(bytes, 17, hardState.commit);
  return bytes;
}

export function decodeHardState(bytes: Uint8Array): HardState {
  assert(bytes.length === 25 && bytes[0] === FORMAT_V1, 'corrupt raft hard state');
  return {
    term: readUint64(bytes, 1) as Term,
    vote: readUint64(bytes, 9) as NodeId,
    commit: readUint64(bytes, 17) as LogIndex,
  };
}

/** [format][index: 8][term: 8] */
export function encodeTruncatedState(state: TruncatedState): Uint8Array {
  const bytes = new Uint8Array(1 + 16);
  bytes[0] = FORMAT_V1;
  writeUint64(bytes, 1, state.index);
  writeUint64(bytes, 9, state.term);
  return bytes;
}

export function decodeTruncatedState(bytes: Uint8Array): TruncatedState {
  assert(bytes.length === 17 && bytes[0] === FORMAT_V1, 'corrupt raft truncated state');
  return { index: readUint64(bytes, 1) as LogIndex, term: readUint64(bytes, 9) as Term };
}

// Absent optional fields stay absent (not null) across the wire; decoding never depends on
// anything an earlier encoding saw.
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

interface WireConfState {
  v: number[];
  l: number[];
  vo: number[];
  ln: number[];
  al: boolean;
}

function toWireConfState(c: ConfState): WireConfState {
  return { v: [...c.voters], l: [...c.learners], vo: [...c.votersOutgoing], ln: [...c.learnersNext], al: c.autoLeave };
}

function fromWireConfState(w: WireConfState): ConfState {
  assert(Array.isArray(w.v) && Array.isArray(w.l) && Array.isArray(w.vo) && Array.isArray(w.ln), 'corrupt conf state');
  return {
    voters: w.v as NodeId[],
    learners: w.l as NodeId[],
    votersOutgoing: w.vo as NodeId[],
    learnersNext: w.ln as NodeId[],
    autoLeave: w.al === true,
  };
}

function withFormat(body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(1 + body.byteLength);
  bytes[0] = FORMAT_V1;
  bytes.set(body, 1);
  return bytes;
}

function withoutFormat(bytes: Uint8Array, what: string): Uint8Array {
  assert(bytes.length >= 1 && bytes[0] === FORMAT_V1, `corrupt raft ${what}`);
  return bytes.subarray(1);
}

export function encodeSnapshot(snapshot: Snapshot): Uint8Array {
  const { index, term, confState } = snapshot.metadata;
  return withFormat(encoder.encode({ i: index, t: term, c: toWireConfState(confState), d: snapshot.data }));
}

export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  const wire = decoder.decode(withoutFormat(bytes, 'snapshot')) as { i: number; t: number; c: WireConfState; d: Uint8Array };
  assert(Number.isSafeInteger(wire.i) && Number.isSafeInteger(wire.t) && wire.d instanceof Uint8Array, 'corrupt raft snapshot');
  return {
    data: new Uint8Array(wire.d),
    metadata: { index: wire.i as LogIndex, term: wire.t as Term, confState: fromWireConfState(wire.c) },
  };
}

export function encodeAppliedState(state: AppliedState): Uint8Array {
  return withFormat(encoder.encode({ i: state.index, c: toWireConfState(state.confState) }));
}

export function decodeAppliedState(bytes: Uint8Array): AppliedState {
  const wire = decoder.decode(withoutFormat(bytes, 'applied state')) as { i: number; c: WireConfState };
  assert(Number.isSafeInteger(wire.i), 'corrupt raft applied state');
  return { index: wire.i as LogIndex, confState: fromWireConfState(wire.c) };
}
