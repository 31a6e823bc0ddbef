/**
 * Bytes for a batch of Raft messages, for transports that leave the process (and for the loopback
 * transport, so that nodes in one process never share a message object). MessagePack keeps the
 * Uint8Array fields (entry data, snapshot data, read contexts) as binary.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { assert } from '../../common/assert.js';
import type { Message } from '../core/types.js';
import type { GroupId } from '../storage/group-id.js';
import type { GroupMessage } from './transport.js';

// Absent optional fields stay absent (not null) across the wire; decoding never depends on
// anything an earlier encoding saw.
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

export function encodeMessageBatch(batch: readonly GroupMessage[]): Uint8Array {
  return encoder.encode(batch.map(({ groupId, message }) => [groupId, message]));
}

export function decodeMessageBatch(bytes: Uint8Array): GroupMessage[] {
  const raw = decoder.decode(bytes) as unknown;
  assert(Array.isArray(raw), 'a raft message batch is not an array');
  return raw.map((item: unknown) => {
    assert(Array.isArray(item) && item.length === 2 && typeof item[0] === 'number', 'malformed raft message in a batch');
    const message = item[1] as Message;
    assert(typeof message === 'object' && message !== null && typeof message.type === 'string', 'malformed raft message');
    return { groupId: item[0] as GroupId, message };
  });
}
