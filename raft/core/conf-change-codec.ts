/**
 * The byte encoding of a ConfChange inside a 'confChange' log entry. It is part of the replicated
 * log, so it never changes meaning: new fields need a new version byte.
 *
 * The canonical "leave the joint configuration" change (transition 'auto', no changes, empty
 * context) encodes as zero bytes, so the entry a leader appends to leave a joint configuration
 * automatically has an empty payload and can never be refused by the uncommitted-size bound.
 *
 * Layout (version 1):
 *   u8 version = 1 | u8 transition | varint count | count x (u8 type, varint nodeId)
 *   | varint contextLength | context bytes
 */
import { assert } from '../../common/assert.js';
import type { ConfChange, ConfChangeSingle, ConfChangeTransition, ConfChangeType, NodeId } from './types.js';

const VERSION = 1;
const TRANSITIONS: readonly ConfChangeTransition[] = ['auto', 'joint-implicit', 'joint-explicit'];
const TYPES: readonly ConfChangeType[] = ['addNode', 'addLearnerNode', 'removeNode'];

/** A conf change entry that cannot be decoded: the log is corrupt or from a newer version. */
export class ConfChangeDecodeError extends Error {
  override readonly name = 'ConfChangeDecodeError';
}

export function encodeConfChange(cc: ConfChange): Uint8Array {
  if (cc.transition === 'auto' && cc.changes.length === 0 && cc.context.byteLength === 0) {
    return new Uint8Array(0);
  }
  const out: number[] = [VERSION, TRANSITIONS.indexOf(cc.transition)];
  writeVarint(out, cc.changes.length);
  for (const c of cc.changes) {
    out.push(TYPES.indexOf(c.type));
    writeVarint(out, c.nodeId);
  }
  writeVarint(out, cc.context.byteLength);
  const bytes = new Uint8Array(out.length + cc.context.byteLength);
  bytes.set(out, 0);
  bytes.set(cc.context, out.length);
  return bytes;
}

export function decodeConfChange(bytes: Uint8Array): ConfChange {
  if (bytes.byteLength === 0) return { transition: 'auto', changes: [], context: new Uint8Array(0) };
  const reader = { bytes, pos: 0 };
  const version = readByte(reader);
  if (version !== VERSION) throw new ConfChangeDecodeError(`unknown conf change version ${version}`);
  const transition = TRANSITIONS[readByte(reader)];
  if (transition === undefined) throw new ConfChangeDecodeError('unknown conf change transition');
  const count = readVarint(reader);
  const changes: ConfChangeSingle[] = [];
  for (let i = 0; i < count; i++) {
    const type = TYPES[readByte(reader)];
    if (type === undefined) throw new ConfChangeDecodeError('unknown conf change type');
    changes.push({ type, nodeId: readVarint(reader) as NodeId });
  }
  const contextLength = readVarint(reader);
  if (reader.pos + contextLength !== bytes.byteLength) {
    throw new ConfChangeDecodeError('conf change context length does not match the entry');
  }
  const context = bytes.slice(reader.pos, reader.pos + contextLength);
  return { transition, changes, context };
}

/** Unsigned LEB128 for safe integers (up to 2^53), using arithmetic rather than 32-bit shifts. */
function writeVarint(out: number[], value: number): void {
  assert(Number.isSafeInteger(value) && value >= 0, `varint out of range: ${value}`);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function readByte(reader: { bytes: Uint8Array; pos: number }): number {
  const b = reader.bytes[reader.pos];
  if (b === undefined) throw new ConfChangeDecodeError('truncated conf change');
  reader.pos++;
  return b;
}

function readVarint(reader: { bytes: Uint8Array; pos: number }): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    const b = readByte(reader);
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (!Number.isSafeInteger(value)) throw new ConfChangeDecodeError('varint out of range');
      return value;
    }
    scale *= 0x80;
  }
  throw new ConfChangeDecodeError('varint too long');
}
