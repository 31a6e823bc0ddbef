import { describe, expect, it } from 'vitest';
import type { LogIndex, Message, NodeId, Term } from '../core/types.js';
import { groupId } from '../storage/group-id.js';
import { decodeMessageBatch, encodeMessageBatch } from './message-codec.js';

const n = (x: number): NodeId => x as NodeId;
const t = (x: number): Term => x as Term;
const i = (x: number): LogIndex => x as LogIndex;

describe('raft message batches on the wire', () => {
  it('round-trips every binary field and keeps the batch order', () => {
    const messages: Message[] = [
      {
        type: 'MsgApp', from: n(1), to: n(2), term: t(3), logTerm: t(2), index: i(7), commit: i(6),
        entries: [{ term: t(3), index: i(8), type: 'normal', data: Uint8Array.of(0, 1, 255) }, { term: t(3), index: i(9), type: 'confChange', data: new Uint8Array(0) }],
      },
      { type: 'MsgHeartbeat', from: n(1), to: n(2), term: t(3), commit: i(6), context: Uint8Array.of(9, 9) },
      {
        type: 'MsgSnap', from: n(1), to: n(2), term: t(3),
        snapshot: { data: Uint8Array.of(1, 2, 3), metadata: { index: i(5), term: t(2), confState: { voters: [n(1), n(2)], learners: [n(4)], votersOutgoing: [], learnersNext: [], autoLeave: false } } },
      },
      { type: 'MsgReadIndexResp', from: n(1), to: n(2), term: t(3), index: i(6), context: Uint8Array.of(42) },
    ];
    const batch = messages.map((message, k) => ({ groupId: groupId(k + 10), message }));
    const decoded = decodeMessageBatch(encodeMessageBatch(batch));
    expect(decoded.map((m) => m.groupId)).toEqual([10, 11, 12, 13]);
    // Binary fields come back as Uint8Arrays with the same bytes.
    const app = decoded[0]!.message as Extract<Message, { type: 'MsgApp' }>;
    expect(app.entries[0]!.data).toBeInstanceOf(Uint8Array);
    expect([...app.entries[0]!.data]).toEqual([0, 1, 255]);
    expect(JSON.stringify(decoded, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v))).toBe(
      JSON.stringify(batch, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)),
    );
  });

  it('refuses bytes that are not a batch', () => {
    expect(() => decodeMessageBatch(encodeMessageBatch([]).subarray(0, 0))).toThrow();
    expect(() => decodeMessageBatch(Uint8Array.of(0x2a))).toThrow(/not an array/);
  });
});
