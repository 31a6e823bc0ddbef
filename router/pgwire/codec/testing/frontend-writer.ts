/**
 * Test-only encoders for frontend messages, the client side of the codec, so that tests can
 * speak to the decoder and to a running server byte by byte.
 */
import { MessageWriter } from '../message-writer.js';
import { PROTOCOL_VERSION_3 } from '../frontend-messages.js';

export function startupPacket(parameters: Readonly<Record<string, string>>, version = PROTOCOL_VERSION_3): Buffer {
  const fields = Object.entries(parameters).map(([k, v]) => `${k}\0${v}\0`).join('') + '\0';
  const body = Buffer.from(fields, 'utf8');
  const head = Buffer.alloc(8);
  head.writeInt32BE(body.length + 8, 0);
  head.writeInt32BE(version, 4);
  return Buffer.concat([head, body]);
}

export function requestPacket(code: number, ...words: number[]): Buffer {
  const packet = Buffer.alloc(8 + 4 * words.length);
  packet.writeInt32BE(packet.length, 0);
  packet.writeInt32BE(code, 4);
  words.forEach((w, i) => packet.writeInt32BE(w, 8 + 4 * i));
  return packet;
}

export const frontend = {
  query: (sql: string) => new MessageWriter('Q').cstring(sql).finish(),
  parse: (statement: string, sql: string, types: readonly number[] = []) => {
    const writer = new MessageWriter('P').cstring(statement).cstring(sql).int16(types.length);
    for (const t of types) writer.int32(t);
    return writer.finish();
  },
  bind: (portal: string, statement: string, params: readonly (string | null)[], resultFormats: readonly number[] = []) => {
    const writer = new MessageWriter('B').cstring(portal).cstring(statement).int16(0).int16(params.length);
    for (const p of params) {
      if (p === null) writer.int32(-1);
      else writer.int32(Buffer.byteLength(p)).raw(Buffer.from(p));
    }
    writer.int16(resultFormats.length);
    for (const f of resultFormats) writer.int16(f);
    return writer.finish();
  },
  describe: (target: 'S' | 'P', name: string) => new MessageWriter('D').byte(target.charCodeAt(0)).cstring(name).finish(),
  execute: (portal: string, rowsMax = 0) => new MessageWriter('E').cstring(portal).int32(rowsMax).finish(),
  close: (target: 'S' | 'P', name: string) => new MessageWriter('C').byte(target.charCodeAt(0)).cstring(name).finish(),
  sync: () => new MessageWriter('S').finish(),
  flush: () => new MessageWriter('H').finish(),
  terminate: () => new MessageWriter('X').finish(),
  password: (text: string) => new MessageWriter('p').cstring(text).finish(),
};

/** A backend message as a test reads it back: its type character and its body. */
export interface RawMessage {
  readonly type: string;
  readonly body: Buffer;
}

/** Splits a byte string of backend messages; throws if the last one is incomplete. */
export function splitBackend(data: Buffer): RawMessage[] {
  const messages: RawMessage[] = [];
  let offset = 0;
  while (offset < data.length) {
    const length = data.readInt32BE(offset + 1);
    messages.push({ type: String.fromCharCode(data[offset] as number), body: data.subarray(offset + 5, offset + 1 + length) });
    offset += 1 + length;
  }
  if (offset !== data.length) throw new Error('incomplete backend message');
  return messages;
}

/** The fields of an ErrorResponse or NoticeResponse body, by field code. */
export function errorFieldsOf(body: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  let offset = 0;
  while (body[offset] !== 0 && offset < body.length) {
    const code = String.fromCharCode(body[offset] as number);
    const end = body.indexOf(0, offset + 1);
    fields[code] = body.toString('utf8', offset + 1, end);
    offset = end + 1;
  }
  return fields;
}
