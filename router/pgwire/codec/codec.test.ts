import { describe, expect, it } from 'vitest';
import * as backend from './backend-messages.js';
import { FrameReader, type Frame } from './frame-reader.js';
import {
  CANCEL_REQUEST_CODE, GSSENC_REQUEST_CODE, SSL_REQUEST_CODE, decodeFrontend, decodeStartup, type FrontendMessage,
} from './frontend-messages.js';
import { ProtocolError } from './protocol-error.js';
import { errorFieldsOf, frontend, requestPacket, splitBackend, startupPacket } from './testing/frontend-writer.js';

const startup = startupPacket({ user: 'root', database: 'defaultdb', application_name: 'psql' });
const messages: readonly Buffer[] = [
  frontend.query('SELECT 1; SELECT \'é\''),
  frontend.parse('s1', 'SELECT $1::int + $2', [23, 0]),
  frontend.bind('p1', 's1', ['41', null], [0]),
  frontend.describe('P', 'p1'),
  frontend.describe('S', 's1'),
  frontend.execute('p1', 10),
  frontend.close('S', 's1'),
  frontend.flush(),
  frontend.sync(),
  frontend.password('secret'),
  frontend.terminate(),
];
const expected: readonly FrontendMessage[] = [
  { type: 'query', sql: "SELECT 1; SELECT 'é'" },
  { type: 'parse', statement: 's1', sql: 'SELECT $1::int + $2', paramTypeOids: [23, 0] },
  { type: 'bind', portal: 'p1', statement: 's1', paramFormats: [], params: [Buffer.from('41'), null], resultFormats: [0] },
  { type: 'describe', target: 'portal', name: 'p1' },
  { type: 'describe', target: 'statement', name: 's1' },
  { type: 'execute', portal: 'p1', rowsMax: 10 },
  { type: 'close', target: 'statement', name: 's1' },
  { type: 'flush' },
  { type: 'sync' },
  { type: 'password', data: Buffer.from('secret\0') },
  { type: 'terminate' },
];

/** Feeds the chunks to a fresh reader, decoding the startup packet first and messages after. */
function decodeAll(chunks: readonly Buffer[]): { startup: unknown; messages: FrontendMessage[] } {
  const reader = new FrameReader();
  const frames: Frame[] = [];
  for (const chunk of chunks) frames.push(...reader.push(chunk));
  // The reader stops after the startup packet until the caller has answered it.
  frames.push(...reader.next());
  expect(reader.bufferedBytes).toBe(0);
  const [first, ...rest] = frames;
  if (first?.kind !== 'startup') throw new Error('expected a startup frame first');
  return {
    startup: decodeStartup(first.body),
    messages: rest.map((f) => {
      if (f.kind !== 'message') throw new Error('unexpected startup frame');
      return decodeFrontend(f);
    }),
  };
}

describe('frame reader and frontend decoding', () => {
  const stream = Buffer.concat([startup, ...messages]);

  it('decodes a whole stream given at once', () => {
    const decoded = decodeAll([stream]);
    expect(decoded.startup).toEqual({
      kind: 'startup', protocolVersion: 196608,
      parameters: new Map([['user', 'root'], ['database', 'defaultdb'], ['application_name', 'psql']]),
    });
    expect(decoded.messages).toEqual(expected);
  });

  // TCP keeps no message boundaries, so every split point of the stream must decode the same.
  it('decodes the same when the stream is split at every byte offset', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoded = decodeAll([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(decoded.messages).toEqual(expected);
    }
  });

  it('decodes the same when every byte arrives alone', () => {
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(decodeAll(bytes).messages).toEqual(expected);
  });

  it('reads the request codes that take the version word', () => {
    expect(decodeStartup(requestPacket(SSL_REQUEST_CODE).subarray(4))).toEqual({ kind: 'ssl-request' });
    expect(decodeStartup(requestPacket(GSSENC_REQUEST_CODE).subarray(4))).toEqual({ kind: 'gssenc-request' });
    expect(decodeStartup(requestPacket(CANCEL_REQUEST_CODE, 7, -5).subarray(4))).toEqual({ kind: 'cancel-request', processId: 7, secretKey: -5 });
  });

  // After SSLRequest is refused "the frontend might continue with a StartupMessage" (protocol 53.2.10).
  it('reads a startup packet again after an SSLRequest when told to', () => {
    const reader = new FrameReader();
    const frames = reader.push(Buffer.concat([requestPacket(SSL_REQUEST_CODE), startup, frontend.sync()]));
    expect(frames.map((f) => f.kind)).toEqual(['startup']);
    reader.setExpectStartup(true);
    const after = reader.next();
    expect(after.map((f) => f.kind)).toEqual(['startup']);
    expect(reader.next().map((f) => (f.kind === 'message' ? String.fromCharCode(f.type) : f.kind))).toEqual(['S']);
  });
});

describe('bad input', () => {
  const violation = (fn: () => unknown, code: string): void => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe(code);
      return;
    }
    throw new Error('expected a ProtocolError');
  };
  const afterStartup = (): FrameReader => {
    const reader = new FrameReader({ messageBytesMax: 100 });
    reader.push(startup);
    return reader;
  };

  it('refuses an oversized message before buffering it (54000)', () => {
    const head = Buffer.from([0x51, 0, 0, 1, 0]);
    violation(() => afterStartup().push(head), '54000');
  });

  it('refuses a length below 4 (08P01)', () => {
    violation(() => afterStartup().push(Buffer.from([0x51, 0, 0, 0, 3])), '08P01');
    violation(() => afterStartup().push(Buffer.from([0x51, 0xff, 0xff, 0xff, 0xff])), '08P01');
  });

  it('refuses a startup packet too short or too long', () => {
    violation(() => new FrameReader().push(Buffer.from([0, 0, 0, 4])), '08P01');
    violation(() => new FrameReader().push(Buffer.from([0, 1, 0, 0])), '08P01');
  });

  it('refuses unknown types, truncated bodies, trailing bytes and bad codes', () => {
    const frame = (type: string, body: number[]): Extract<Frame, { kind: 'message' }> => ({ kind: 'message', type: type.charCodeAt(0), body: Buffer.from(body) });
    violation(() => decodeFrontend(frame('!', [])), '08P01');
    violation(() => decodeFrontend(frame('Q', [0x41])), '08P01');
    violation(() => decodeFrontend(frame('S', [1])), '08P01');
    violation(() => decodeFrontend(frame('E', [0, 0, 0])), '08P01');
    violation(() => decodeFrontend(frame('D', [0x58, 0])), '08P01');
    violation(() => decodeFrontend(frame('P', [0, 0, 0xff, 0xff])), '08P01');
    violation(() => decodeFrontend(frame('B', [0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xf0, 0, 0])), '08P01');
    violation(() => decodeStartup(startupPacket({ user: 'root' }, 2 << 16).subarray(4)), '08P01');
    violation(() => decodeStartup(Buffer.from([0, 3, 0, 0, 0x75, 0x73])), '08P01');
  });

  it('survives every truncation of every message without another kind of error', () => {
    for (const message of messages) {
      for (let cut = 5; cut < message.length; cut++) {
        const body = message.subarray(5, cut);
        try {
          decodeFrontend({ kind: 'message', type: message[0] as number, body });
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }
    }
  });
});

describe('backend encoding', () => {
  it('frames each message with its type and a length that counts itself', () => {
    const data = Buffer.concat([
      backend.authenticationOk(), backend.parameterStatus('server_version', '15.0'), backend.backendKeyData(1, 2),
      backend.readyForQuery('T'), backend.commandComplete('SELECT 1'), backend.emptyQueryResponse(),
      backend.parseComplete(), backend.bindComplete(), backend.closeComplete(), backend.noData(), backend.portalSuspended(),
      backend.parameterDescription([23, 25]),
    ]);
    const parsed = splitBackend(data);
    expect(parsed.map((m) => m.type).join('')).toBe('RSKZCI123nst');
    expect(parsed[0]?.body).toEqual(Buffer.from([0, 0, 0, 0]));
    expect(parsed[1]?.body.toString()).toBe('server_version\x0015.0\x00');
    expect(parsed[3]?.body.toString()).toBe('T');
    expect(parsed[11]?.body).toEqual(Buffer.from([0, 2, 0, 0, 0, 23, 0, 0, 0, 25]));
  });

  it('encodes RowDescription and DataRow', () => {
    const [row] = splitBackend(backend.dataRow(['é', null, Buffer.from([1])]));
    expect(row?.body).toEqual(Buffer.from([0, 3, 0, 0, 0, 2, 0xc3, 0xa9, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 1]));
    const [desc] = splitBackend(backend.rowDescription([{ name: 'a', tableOid: 100, columnAttnum: 2, typeOid: 23, typeSize: 4, typmod: -1, format: 0 }]));
    expect(desc?.body).toEqual(Buffer.from([0, 1, 0x61, 0, 0, 0, 0, 100, 0, 2, 0, 0, 0, 23, 0, 4, 0xff, 0xff, 0xff, 0xff, 0, 0]));
  });

  it('writes every error field with its protocol code', () => {
    const fields = {
      severity: 'ERROR', code: '23505', message: 'duplicate key', detail: 'Key (a)=(1) already exists.', hint: 'h',
      position: 12, internalPosition: 3, internalQuery: 'iq', where: 'w', schema: 'public', table: 't', column: 'a',
      dataType: 'int4', constraint: 't_pkey', file: 'f.c', line: 9, routine: 'r',
    };
    const [error] = splitBackend(backend.errorResponse(fields));
    expect(error?.type).toBe('E');
    expect(errorFieldsOf(error?.body ?? Buffer.alloc(0))).toEqual({
      S: 'ERROR', V: 'ERROR', C: '23505', M: 'duplicate key', D: 'Key (a)=(1) already exists.', H: 'h', P: '12', p: '3',
      q: 'iq', W: 'w', s: 'public', t: 't', c: 'a', d: 'int4', n: 't_pkey', F: 'f.c', L: '9', R: 'r',
    });
    const [notice] = splitBackend(backend.noticeResponse({ severity: 'NOTICE', code: '00000', message: 'm' }));
    expect(notice?.type).toBe('N');
    expect(notice?.body.at(-1)).toBe(0);
  });
});
