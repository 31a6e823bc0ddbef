/**
 * An in-process KV layer for the end-to-end tests of client/kv: a LocalKvServer over an in-memory
 * engine, and KvDBs over it (through an InterleavingSender when a seed is given). With manualTime,
 * one ManualTimers drives both the server's and the coordinators' timers and the physical clock
 * of their shared HLC, so that a test decides when heartbeats happen and when a record expires.
 */
import { LocalKvServer } from '../../../node/kv-server/local-kv-server.js';
import { ManualTimers } from '../../../node/replica/timers.js';
import type { KvSender } from '../../../proto/kv-api.js';
import { Clock } from '../../../storage/hlc.js';
import { MemoryEngine } from '../../../storage/memory-engine.js';
import { KvDB, type KvDBOptions } from '../kv-db.js';
import { InterleavingSender } from './interleaving-sender.js';

export interface KvFixtureOptions {
  /** Varies the interleaving of concurrent requests (InterleavingSender). */
  readonly seed?: number;
  /** A physical clock and timers that move only when the test calls advanceMs. */
  readonly manualTime?: boolean;
  readonly txnExpirationMs?: number;
}

export interface KvFixture {
  readonly server: LocalKvServer;
  /** What the KvDBs send through: the server, or the interleaving sender in front of it. */
  readonly sender: KvSender;
  readonly clock: Clock;
  /** A KvDB over the fixture; each is a router of its own (its own heartbeats). */
  newDb(options?: Partial<KvDBOptions>): KvDB;
  /** manualTime only: moves the physical clock and fires due timers. */
  advanceMs(deltaMs: number): Promise<void>;
  /** Closes every KvDB made, then the server and the engine. */
  close(): Promise<void>;
}

/** 2023-11-14, so that timestamps look like real ones. */
const START_NANOS = 1_700_000_000_000_000_000n;

export async function startKvFixture(options: KvFixtureOptions = {}): Promise<KvFixture> {
  const engine = new MemoryEngine();
  let physicalNanos = START_NANOS;
  const manual = options.manualTime === true ? new ManualTimers((deltaMs) => (physicalNanos += BigInt(deltaMs) * 1_000_000n)) : undefined;
  const clock =
    manual === undefined
      ? new Clock({ maxOffsetNanos: 500_000_000n })
      : new Clock({ maxOffsetNanos: 500_000_000n, physicalClockNanos: () => physicalNanos });
  const server = await LocalKvServer.start({
    engine,
    clock,
    ...(manual === undefined ? {} : { timers: manual }),
    ...(options.txnExpirationMs === undefined ? {} : { txnExpirationMs: options.txnExpirationMs }),
    syncWrites: false,
  });
  const sender: KvSender = options.seed === undefined ? server : new InterleavingSender(server, options.seed);
  const dbs: KvDB[] = [];
  return {
    server,
    sender,
    clock,
    newDb(dbOptions = {}) {
      const db = new KvDB({ sender, clock, ...(manual === undefined ? {} : { timers: manual }), ...dbOptions });
      dbs.push(db);
      return db;
    },
    async advanceMs(deltaMs) {
      if (manual === undefined) throw new Error('advanceMs needs manualTime');
      await manual.advance(deltaMs);
    },
    async close() {
      await Promise.all(dbs.map((db) => db.close()));
      await server.close();
      await engine.close();
    },
  };
}
