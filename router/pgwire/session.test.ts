/**
 * The connection state machine driven without a socket: bytes in, backend messages out, over a
 * SqlServer on an in-memory store. Each exchange is summarised as one line per message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KvDB } from '../../client/kv/index.js';
import { LocalKvServer } from '../../node/kv-server/local-kv-server.js';
import { MemoryEngine } from '../../storage/memory-engine.js';
import { SqlServer } from '../sql/session/sql-server.js';
import { SSL_REQUEST_CODE } from './codec/frontend-messages.js';
import { errorFieldsOf, frontend, requestPacket, splitBackend, startupPacket } from './codec/testing/frontend-writer.js';
import { PgConnection } from './session.js';
import { Prng } from '../../common/prng.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sqlServer(): Promise<SqlServer> {
  const kvServer = await LocalKvServer.start({ engine: new MemoryEngine(), syncWrites: false });
  const db = new KvDB({ sender: kvServer, clock: kvServer.clock });
  cleanups.push(() => kvServer.close(), () => db.close());
  return SqlServer.create({ kv: db });
}

/** One line per backend message: its type and the fields a reader checks. */
function summarise(data: Buffer): string[] {
  if (data.length === 1) return [`byte ${data.toString('latin1')}`];
  return splitBackend(data).map(({ type, body }) => {
    switch (type) {
      case 'E': case 'N': {
        const f = errorFieldsOf(body);
        return `${type} ${f.S} ${f.C} ${f.M}`;
      }
      case 'C': return `C ${body.toString('utf8', 0, body.length - 1)}`;
      case 'Z': return `Z ${body.toString('latin1')}`;
      case 'D': {
        const values: (string | null)[] = [];
        let offset = 2;
        for (let i = 0; i < body.readInt16BE(0); i++) {
          const length = body.readInt32BE(offset);
          values.push(length < 0 ? null : body.toString('utf8', offset + 4, offset + 4 + length));
          offset += 4 + Math.max(length, 0);
        }
        return `D ${JSON.stringify(values)}`;
      }
      case 'T': {
        const names: string[] = [];
        let offset = 2;
        for (let i = 0; i < body.readInt16BE(0); i++) {
          const end = body.indexOf(0, offset);
          names.push(`${body.toString('utf8', offset, end)}:${body.readInt32BE(end + 7)}`);
          offset = end + 19;
        }
        return `T ${names.join(' ')}`;
      }
      case 't': return `t ${Array.from({ length: body.readInt16BE(0) }, (_, i) => body.readInt32BE(2 + 4 * i)).join(' ')}`;
      case 'S': return `S ${body.toString('utf8').split('\0').slice(0, 2).join('=')}`;
      default: return type;
    }
  });
}

class Conversation {
  private readonly written: Buffer[] = [];
  ended = false;
  readonly connection: PgConnection;

  constructor(server: SqlServer) {
    this.connection = new PgConnection(server, { write: (d) => this.written.push(d), end: () => (this.ended = true) }, { processId: 7, secretKey: 9 });
    cleanups.push(() => this.connection.disconnected());
  }

  /** Sends the bytes (one byte at a time when split) and returns what came back. */
  async send(data: Buffer, split = false): Promise<string[]> {
    if (split) for (const byte of data) this.connection.receive(Buffer.from([byte]));
    else this.connection.receive(data);
    await this.connection.idle();
    return this.written.splice(0).flatMap(summarise);
  }
}

async function connected(): Promise<Conversation> {
  const conversation = new Conversation(await sqlServer());
  await conversation.send(startupPacket({ user: 'root', database: 'defaultdb' }));
  return conversation;
}

describe('startup', () => {
  it('answers SSLRequest with N, then authenticates with the parameters clients need', async () => {
    const conversation = new Conversation(await sqlServer());
    expect(await conversation.send(requestPacket(SSL_REQUEST_CODE))).toEqual(['byte N']);
    const answer = await conversation.send(startupPacket({ user: 'root', database: 'defaultdb', application_name: 'app' }), true);
    expect(answer).toEqual([
      'R', 'S application_name=app', 'S client_encoding=UTF8', 'S DateStyle=ISO, MDY', 'S default_transaction_read_only=off',
      'S in_hot_standby=off', 'S integer_datetimes=on', 'S IntervalStyle=postgres', 'S is_superuser=on', 'S server_encoding=UTF8',
      'S server_version=15.0', 'S session_authorization=root', 'S standard_conforming_strings=on', 'S TimeZone=UTC', 'K', 'Z I',
    ]);
  });

  it('applies the settings of the startup packet and of its options parameter', async () => {
    const c = new Conversation(await sqlServer());
    const answer = await c.send(startupPacket({
      user: 'root', database: 'defaultdb', client_encoding: 'SQL_ASCII', DateStyle: 'ISO, DMY', options: '-c TimeZone=Europe/Paris --extra-float-digits=0',
    }));
    expect(answer).toContain('S DateStyle=ISO, DMY');
    expect(answer).toContain('S TimeZone=Europe/Paris');
    expect(answer).toContain('S client_encoding=UTF8');
    expect(await c.send(frontend.query('SHOW extra_float_digits'))).toEqual(['T extra_float_digits:25', 'D ["0"]', 'C SHOW', 'Z I']);
    const server = await sqlServer();
    for (const [params, expected] of [
      [{ options: '-c nonsense=1' }, 'E FATAL 42704 unrecognized configuration parameter "nonsense"'],
      [{ options: '-x' }, 'E FATAL 42601 invalid command-line argument for server process: -x'],
      [{ server_version: '9.6' }, 'E FATAL 55P02 parameter "server_version" cannot be changed'],
    ] as const) {
      const refused = new Conversation(server);
      expect(await refused.send(startupPacket({ user: 'root', database: 'defaultdb', ...params }))).toEqual([expected]);
      expect(refused.ended).toBe(true);
    }
  });

  it('refuses a missing user and unknown databases with FATAL errors and closes', async () => {
    const server = await sqlServer();
    for (const [params, expected] of [
      [{ database: 'defaultdb' }, 'E FATAL 28000 no PostgreSQL user name specified in startup packet'],
      [{ user: 'root', database: 'nope' }, 'E FATAL 3D000 database "nope" does not exist'],
      [{ user: 'ghost' }, 'E FATAL 28000 role "ghost" does not exist'],
    ] as const) {
      const conversation = new Conversation(server);
      expect(await conversation.send(startupPacket(params))).toEqual([expected]);
      expect(conversation.ended).toBe(true);
    }
  });
});

describe('simple query', () => {
  it('runs several statements with one ReadyForQuery carrying the transaction status', async () => {
    const c = await connected();
    expect(await c.send(frontend.query('CREATE TABLE t (a int PRIMARY KEY, b text); INSERT INTO t VALUES (1, NULL)'))).toEqual([
      'C CREATE TABLE', 'C INSERT 0 1', 'Z I',
    ]);
    expect(await c.send(frontend.query('BEGIN; SELECT a, b FROM t'), true)).toEqual(['C BEGIN', 'T a:23 b:25', 'D ["1",null]', 'C SELECT 1', 'Z T']);
    expect(await c.send(frontend.query('SELECT 1/0; SELECT 2'))).toEqual(['E ERROR 22012 division by zero', 'Z E']);
    expect(await c.send(frontend.query('ROLLBACK'))).toEqual(['C ROLLBACK', 'Z I']);
    // "If a completely empty (no contents other than whitespace) query string is received, the
    // response is EmptyQueryResponse followed by ReadyForQuery" (protocol 55.2.2).
    expect(await c.send(frontend.query('  '))).toEqual(['I', 'Z I']);
  });

  it('sends the notices a statement raises before its CommandComplete', async () => {
    const c = await connected();
    expect(await c.send(frontend.query('DROP TABLE IF EXISTS nope'))).toEqual([
      'N NOTICE 00000 table "nope" does not exist, skipping', 'C DROP TABLE', 'Z I',
    ]);
  });
});

describe('extended query', () => {
  it('runs unnamed and named statements with text parameters', async () => {
    const c = await connected();
    await c.send(frontend.query('CREATE TABLE t (a int PRIMARY KEY, b text)'));
    expect(await c.send(Buffer.concat([
      frontend.parse('', 'INSERT INTO t VALUES ($1, $2), ($3, $4)'), frontend.bind('', '', ['1', "o'k", '2', null]),
      frontend.describe('P', ''), frontend.execute(''), frontend.sync(),
    ]))).toEqual(['1', '2', 'n', 'C INSERT 0 2', 'Z I']);
    expect(await c.send(Buffer.concat([
      frontend.parse('by_a', 'SELECT b FROM t WHERE a >= $1 ORDER BY a', [23]), frontend.sync(),
      frontend.bind('', 'by_a', ['1']), frontend.describe('P', ''), frontend.execute(''), frontend.sync(),
    ]), true)).toEqual(['1', 'Z I', '2', 'T b:25', 'D ["o\'k"]', 'D [null]', 'C SELECT 2', 'Z I']);
  });

  it('describes a statement\'s parameters: the types the client gave, text for the others', async () => {
    const c = await connected();
    expect(await c.send(Buffer.concat([frontend.parse('q', 'SELECT $3, $1', [20]), frontend.describe('S', 'q'), frontend.sync()]))).toEqual([
      '1', 't 20 25 25', 'n', 'Z I',
    ]);
  });

  // "If Execute terminates before completing the execution of a portal (due to reaching a nonzero
  // result-row count), it will send a PortalSuspended message" (protocol 55.2.3).
  it('suspends a portal at the row limit and resumes it', async () => {
    const c = await connected();
    expect(await c.send(Buffer.concat([
      frontend.parse('', 'SELECT * FROM generate_series(1, 3) AS g'), frontend.bind('', '', []),
      frontend.execute('', 2), frontend.flush(),
    ]))).toEqual(['1', '2', 'D ["1"]', 'D ["2"]', 's']);
    expect(await c.send(Buffer.concat([frontend.execute('', 2), frontend.sync()]))).toEqual(['D ["3"]', 'C SELECT 3', 'Z I']);
  });

  // "When an error is detected while processing any extended-query message, the backend issues
  // ErrorResponse, then reads and discards messages until a Sync is reached" (protocol 55.2.3).
  it('discards messages until Sync after an error', async () => {
    const c = await connected();
    expect(await c.send(Buffer.concat([
      frontend.parse('', 'SELECT 1/0'), frontend.bind('', '', []), frontend.execute(''),
      frontend.parse('', 'SELECT 1'), frontend.bind('', '', []), frontend.execute(''), frontend.sync(),
      frontend.bind('', 'missing', []), frontend.sync(),
    ]))).toEqual(['1', '2', 'E ERROR 22012 division by zero', 'Z I', 'E ERROR 26000 prepared statement "missing" does not exist', 'Z I']);
    expect(await c.send(Buffer.concat([frontend.parse('s', 'SELECT 1'), frontend.parse('s', 'SELECT 2'), frontend.sync()]))).toEqual([
      '1', 'E ERROR 42P05 prepared statement "s" already exists', 'Z I',
    ]);
    expect(await c.send(Buffer.concat([frontend.close('S', 's'), frontend.close('P', 'none'), frontend.sync()]))).toEqual(['3', '3', 'Z I']);
  });
});

describe('bad input', () => {
  it('ends the connection with 08P01 on an unknown message type', async () => {
    const c = await connected();
    expect(await c.send(Buffer.from([0x21, 0, 0, 0, 4]))).toEqual(['E FATAL 08P01 invalid frontend message type 33']);
    expect(c.ended).toBe(true);
    expect(await c.send(frontend.query('SELECT 1'))).toEqual([]);
  });

  it('ends the connection with 54000 on an oversized message', async () => {
    const c = await connected();
    const answer = await c.send(Buffer.from([0x51, 0x7f, 0, 0, 0]));
    expect(answer).toHaveLength(1);
    expect(answer[0]).toMatch(/^E FATAL 54000 /);
    expect(c.ended).toBe(true);
  });

  it('rolls back an open transaction when the client disconnects', async () => {
    const server = await sqlServer();
    const first = new Conversation(server);
    await first.send(startupPacket({ user: 'root', database: 'defaultdb' }));
    await first.send(frontend.query('CREATE TABLE t (a int PRIMARY KEY)'));
    expect(await first.send(frontend.query('BEGIN; INSERT INTO t VALUES (1)'))).toEqual(['C BEGIN', 'C INSERT 0 1', 'Z T']);
    await first.connection.disconnected();
    const second = new Conversation(server);
    await second.send(startupPacket({ user: 'root', database: 'defaultdb' }));
    expect(await second.send(frontend.query('INSERT INTO t VALUES (1); SELECT count(*) FROM t'))).toEqual([
      'C INSERT 0 1', 'T count:20', 'D ["1"]', 'C SELECT 1', 'Z I',
    ]);
  });
});

describe('flow control', () => {
  it('stops reading from a client that floods it and reads again once it caught up', async () => {
    const events: string[] = [];
    const written: Buffer[] = [];
    const connection = new PgConnection(await sqlServer(), {
      write: (d) => written.push(d), end: () => events.push('end'),
      pauseReading: () => events.push('pause'), resumeReading: () => events.push('resume'),
    }, { processId: 1, secretKey: 1 });
    cleanups.push(() => connection.disconnected());
    connection.receive(startupPacket({ user: 'root', database: 'defaultdb' }));
    const syncs = Buffer.concat(Array.from({ length: 300_000 }, () => frontend.sync()));
    connection.receive(syncs);
    expect(events).toEqual(['pause']);
    await connection.idle();
    expect(events).toEqual(['pause', 'resume']);
    expect(splitBackend(Buffer.concat(written)).filter((m) => m.type === 'Z')).toHaveLength(300_001);
  });
});

describe('settings', () => {
  // "ParameterStatus messages will be generated whenever the active value changes for any of the
  // parameters the backend believes the frontend should know about" (protocol 55.2.7).
  it('reports a changed setting before ReadyForQuery, once', async () => {
    const c = await connected();
    expect(await c.send(frontend.query("SET application_name = 'billing'"))).toEqual(['C SET', 'S application_name=billing', 'Z I']);
    expect(await c.send(frontend.query("SET application_name = 'billing'"))).toEqual(['C SET', 'Z I']);
  });
});

describe('fuzz', () => {
  const valid = [
    frontend.query('SELECT 1; SELECT \'a\''), frontend.parse('s', 'SELECT $1', [25]), frontend.bind('p', 's', ['x']),
    frontend.describe('P', 'p'), frontend.execute('p', 1), frontend.close('P', 'p'), frontend.flush(), frontend.sync(),
    frontend.query('BEGIN'), frontend.query('ROLLBACK'),
  ];

  /** A stream of startup plus some messages, then damaged: bytes flipped, cut, or random bytes added. */
  function damaged(prng: Prng): Buffer {
    const parts = [startupPacket({ user: 'root', database: 'defaultdb' })];
    const count = prng.nextUint32() % 6;
    for (let i = 0; i < count; i++) parts.push(valid[prng.nextUint32() % valid.length] as Buffer);
    const bytes = Buffer.from(Buffer.concat(parts));
    switch (prng.nextUint32() % 4) {
      case 0:
        for (let i = 0; i < 1 + (prng.nextUint32() % 4); i++) bytes[prng.nextUint32() % bytes.length] = prng.nextUint32() & 0xff;
        return bytes;
      case 1: return bytes.subarray(0, prng.nextUint32() % bytes.length);
      case 2: return Buffer.concat([bytes, Buffer.from(Array.from({ length: prng.nextUint32() % 40 }, () => prng.nextUint32() & 0xff))]);
      default: {
        // Only the message part is damaged, so the startup succeeds and the decoder sees the bytes.
        const at = 8 + (prng.nextUint32() % (bytes.length - 8));
        bytes[at] = prng.nextUint32() & 0xff;
        return bytes;
      }
    }
  }

  it('answers 1,500 damaged streams with well-formed messages and keeps serving', async () => {
    const server = await sqlServer();
    const seed = 20261122;
    const prng = new Prng(seed);
    for (let i = 0; i < 1500; i++) {
      const input = damaged(prng);
      const conversation = new Conversation(server);
      // Summarising parses every answer, so a malformed backend message fails here.
      const answer = await conversation.send(input, prng.nextUint32() % 8 === 0);
      expect(answer.every((line) => line.length > 0), `seed ${seed} case ${i}`).toBe(true);
      await conversation.connection.disconnected();
    }
    const fine = await connected();
    expect(await fine.send(frontend.query('SELECT 42'))).toEqual(['T ?column?:23', 'D ["42"]', 'C SELECT 1', 'Z I']);
  });
});
