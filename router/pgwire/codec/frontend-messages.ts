/**
 * The messages a client sends, decoded from frames (protocol 55.7, "Message Formats"). Decoding
 * is pure: a frame in, a typed message out, or a ProtocolError for anything malformed.
 */
import { pgwireLimits } from '../limits.js';
import { BodyReader } from './body-reader.js';
import type { Frame } from './frame-reader.js';
import { ProtocolError } from './protocol-error.js';

/** Protocol 3.0 as the startup packet's version word: major 3 in the high 16 bits, minor 0. */
export const PROTOCOL_VERSION_3 = 196608;
/** The request codes that take the version word's place (protocol 55.7). */
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

export type StartupPacket =
  | { readonly kind: 'startup'; readonly protocolVersion: number; readonly parameters: ReadonlyMap<string, string> }
  | { readonly kind: 'ssl-request' }
  | { readonly kind: 'gssenc-request' }
  | { readonly kind: 'cancel-request'; readonly processId: number; readonly secretKey: number };

/** 0 is text, 1 is binary. */
export type FormatCode = 0 | 1;

export type FrontendMessage =
  | { readonly type: 'query'; readonly sql: string }
  | { readonly type: 'parse'; readonly statement: string; readonly sql: string; readonly paramTypeOids: readonly number[] }
  | {
      readonly type: 'bind';
      readonly portal: string;
      readonly statement: string;
      readonly paramFormats: readonly FormatCode[];
      readonly params: readonly (Buffer | null)[];
      readonly resultFormats: readonly FormatCode[];
    }
  | { readonly type: 'describe'; readonly target: 'statement' | 'portal'; readonly name: string }
  | { readonly type: 'execute'; readonly portal: string; readonly rowsMax: number }
  | { readonly type: 'close'; readonly target: 'statement' | 'portal'; readonly name: string }
  | { readonly type: 'sync' }
  | { readonly type: 'flush' }
  | { readonly type: 'terminate' }
  | { readonly type: 'password'; readonly data: Buffer };

export function decodeStartup(body: Buffer): StartupPacket {
  const reader = new BodyReader(body, 'startup packet');
  const code = reader.int32();
  if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
    reader.end();
    return { kind: code === SSL_REQUEST_CODE ? 'ssl-request' : 'gssenc-request' };
  }
  if (code === CANCEL_REQUEST_CODE) {
    const processId = reader.int32();
    const secretKey = reader.int32();
    reader.end();
    return { kind: 'cancel-request', processId, secretKey };
  }
  if (code >>> 16 !== 3) {
    throw new ProtocolError('08P01', `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports 3.0 to 3.0`);
  }
  const parameters = new Map<string, string>();
  for (;;) {
    const name = reader.cstring();
    if (name === '') break;
    parameters.set(name, reader.cstring());
  }
  reader.end();
  return { kind: 'startup', protocolVersion: code, parameters };
}

/** Decodes a regular (typed) frame; an unknown type byte is a protocol violation. */
export function decodeFrontend(frame: Extract<Frame, { kind: 'message' }>): FrontendMessage {
  const char = String.fromCharCode(frame.type);
  const decode = decoders[char];
  if (decode === undefined) throw new ProtocolError('08P01', `invalid frontend message type ${frame.type}`);
  return decode(frame.body);
}

const decoders: Readonly<Record<string, (body: Buffer) => FrontendMessage>> = {
  Q: (body) => {
    const reader = new BodyReader(body, 'Query');
    const sql = reader.cstring();
    reader.end();
    return { type: 'query', sql };
  },
  P: (body) => {
    const reader = new BodyReader(body, 'Parse');
    const statement = reader.cstring();
    const sql = reader.cstring();
    const count = nonNegative(reader.int16(), 'Parse');
    const paramTypeOids: number[] = [];
    for (let i = 0; i < count; i++) paramTypeOids.push(reader.int32() >>> 0);
    reader.end();
    return { type: 'parse', statement, sql, paramTypeOids };
  },
  B: decodeBind,
  D: (body) => {
    const reader = new BodyReader(body, 'Describe');
    const target = targetOf(reader.byte(), 'Describe');
    const name = reader.cstring();
    reader.end();
    return { type: 'describe', target, name };
  },
  E: (body) => {
    const reader = new BodyReader(body, 'Execute');
    const portal = reader.cstring();
    const rowsMax = reader.int32();
    reader.end();
    // "Zero denotes no limit"; PostgreSQL reads a negative count as no limit too.
    return { type: 'execute', portal, rowsMax: rowsMax <= 0 ? 0 : rowsMax };
  },
  C: (body) => {
    const reader = new BodyReader(body, 'Close');
    const target = targetOf(reader.byte(), 'Close');
    const name = reader.cstring();
    reader.end();
    return { type: 'close', target, name };
  },
  S: (body) => empty(body, 'Sync', { type: 'sync' }),
  H: (body) => empty(body, 'Flush', { type: 'flush' }),
  X: (body) => empty(body, 'Terminate', { type: 'terminate' }),
  p: (body) => ({ type: 'password', data: body }),
};

function decodeBind(body: Buffer): FrontendMessage {
  const reader = new BodyReader(body, 'Bind');
  const portal = reader.cstring();
  const statement = reader.cstring();
  const paramFormats = formats(reader, 'Bind');
  const count = nonNegative(reader.int16(), 'Bind');
  if (count > pgwireLimits.bindParametersMax) throw new ProtocolError('54000', `Bind has more than ${pgwireLimits.bindParametersMax} parameters`);
  // "The number of parameter format codes ... can be zero ..., or one ..., or equal to the actual
  // number of parameters" (protocol 55.7, Bind).
  if (paramFormats.length > 1 && paramFormats.length !== count) {
    throw new ProtocolError('08P01', `bind message has ${paramFormats.length} parameter formats but ${count} parameters`);
  }
  const params: (Buffer | null)[] = [];
  for (let i = 0; i < count; i++) {
    const length = reader.int32();
    if (length < -1) throw new ProtocolError('08P01', `invalid Bind message: parameter ${i + 1} has length ${length}`);
    params.push(length === -1 ? null : reader.bytes(length));
  }
  const resultFormats = formats(reader, 'Bind');
  reader.end();
  return { type: 'bind', portal, statement, paramFormats, params, resultFormats };
}

function formats(reader: BodyReader, what: string): FormatCode[] {
  const count = nonNegative(reader.int16(), what);
  const codes: FormatCode[] = [];
  for (let i = 0; i < count; i++) {
    const code = reader.int16();
    if (code !== 0 && code !== 1) throw new ProtocolError('08P01', `unsupported format code: ${code}`);
    codes.push(code);
  }
  return codes;
}

function targetOf(byte: number, what: string): 'statement' | 'portal' {
  if (byte === 0x53) return 'statement';
  if (byte === 0x50) return 'portal';
  throw new ProtocolError('08P01', `invalid ${what.toUpperCase()} message subtype ${byte}`);
}

function nonNegative(count: number, what: string): number {
  if (count < 0) throw new ProtocolError('08P01', `invalid ${what} message: negative count ${count}`);
  return count;
}

function empty(body: Buffer, what: string, message: FrontendMessage): FrontendMessage {
  new BodyReader(body, what).end();
  return message;
}
