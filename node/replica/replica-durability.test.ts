/**
 * What a replica keeps across restarts and failures: its applied state, its abort span, the
 * finalized records whose intents are left to resolve (and their resolution after a restart), and
 * what it must assume after one (a transaction that began before it cannot start a record). A
 * failed engine write applies nothing, on disk or in memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TXN_PRIORITY_NORMAL, type BatchRequest, type BatchResponse, type Transaction } from '../../proto/kv-api.js';
import type { Engine } from '../../storage/engine.js';
import { FaultyEngine } from '../../storage/faulty-engine.js';
import { Clock, type Timestamp } from '../../storage/hlc.js';
import { txnRecordKey } from '../../storage/keys.js';
import { LevelEngine } from '../../storage/level-engine.js';
import { IndexedBatch, asTxnId, computeStats, mvccPut, mvccScanIntents } from '../../storage/mvcc/index.js';
import { LocalKvServer } from '../kv-server/local-kv-server.js';
import { ManualTimers } from './timers.js';
import { encodeIntentDetails, encodeTxnRecord } from './txn-record.js';
import { txnMetaOf } from './evaluate/context.js';

const b = (text: string): Uint8Array => new TextEncoder().encode(text);
const NANOS_PER_MS = 1_000_000n;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-replica-'));
  dirs.push(dir);
  return dir;
}

/** A clock the test moves: milliseconds since an arbitrary start. */
function manualClock(): { clock: Clock; advanceMs: (ms: number) => void } {
  let nanos = 1_000n * NANOS_PER_MS;
  return { clock: new Clock({ maxOffsetNanos: 1_000n * NANOS_PER_MS, physicalClockNanos: () => nanos }), advanceMs: (ms) => (nanos += BigInt(ms) * NANOS_PER_MS) };
}

function txnAt(id: string, anchor: string, ts: Timestamp): Transaction {
  return {
    id: asTxnId(id),
    key: b(anchor),
    isolation: 'serializable',
    epoch: 0,
    writeTimestamp: ts,
    readTimestamp: ts,
    minTimestamp: ts,
    priority: TXN_PRIORITY_NORMAL,
    sequence: 0,
    status: 'pending',
    ignoredSeqNums: [],
  };
}

async function ok(server: LocalKvServer, batch: BatchRequest): Promise<BatchResponse & { kind: 'ok' }> {
  const response = await server.send(batch);
  if (response.kind !== 'ok') throw new Error(`unexpected error: ${response.error.type}: ${response.error.message}`);
  return response;
}

async function get(server: LocalKvServer, key: string): Promise<string | undefined> {
  const response = await ok(server, { header: {}, requests: [{ type: 'get', key: b(key) }] });
  const first = response.responses[0];
  return first?.type === 'get' && first.value !== undefined ? new TextDecoder().decode(first.value) : undefined;
}

describe('replica durability', () => {
  it('keeps its applied state across a restart', async () => {
    const path = tempDir();
    const { clock } = manualClock();
    let engine: Engine = await LevelEngine.open({ path });
    let server = await LocalKvServer.start({ engine, clock });
    await ok(server, { header: {}, requests: [{ type: 'put', key: b('a'), value: b('1') }, { type: 'put', key: b('b'), value: b('2') }] });
    await ok(server, { header: {}, requests: [{ type: 'delete', key: b('a') }] });
    const stats = server.replica.stats;
    await server.close();
    await engine.close();

    engine = await LevelEngine.open({ path });
    server = await LocalKvServer.start({ engine, clock });
    expect(server.replica.appliedIndex).toBe(2);
    expect(server.replica.stats).toEqual(stats);
    expect(await computeStats(engine, server.replica.settings.span)).toEqual(stats);
    expect(await get(server, 'b')).toBe('2');
    await server.close();
    await engine.close();
  });

  it('resolves a finalized record left with intents after a restart, then deletes it', async () => {
    const path = tempDir();
    const { clock } = manualClock();
    const engine = await LevelEngine.open({ path });
    // The state a crash leaves after a commit whose intents were not all resolved.
    const txn = txnAt('crashed', 'k1', clock.now());
    const batch = new IndexedBatch(engine);
    const details = encodeIntentDetails(txnMetaOf(txn));
    for (const key of ['k1', 'k2']) {
      await mvccPut(batch, b(key), txn.writeTimestamp, b(`v-${key}`), { txn: { id: txn.id, epoch: 0, writeTimestamp: txn.writeTimestamp, details } });
    }
    const recordKey = txnRecordKey(txn.key, txn.id);
    const record = { meta: txnMetaOf(txn), status: 'committed' as const, lastHeartbeat: txn.writeTimestamp, lockSpans: [{ key: b('k1'), endKey: b('k3') }], ignoredSeqNums: [] };
    batch.put(recordKey, encodeTxnRecord(recordKey, record));
    await batch.commit(engine, { sync: true });

    const server = await LocalKvServer.start({ engine, clock });
    await server.replica.resolverIdle();
    expect((await mvccScanIntents(engine, b('a'), b('z'))).intents).toEqual([]);
    expect(await engine.get(recordKey)).toBeUndefined();
    expect(await get(server, 'k2')).toBe('v-k2');
    await server.close();
    await engine.close();
  });

  it('resolves asynchronously what an EndTxn cannot resolve in its own batch', async () => {
    const engine = new FaultyEngine();
    const { clock } = manualClock();
    const server = await LocalKvServer.start({ engine, clock, syncWrites: false, testing: { endTxnLocalResolveKeysMax: 20 } });
    const txn = txnAt('big', 'k00000', clock.now());
    const count = 20 + 3;
    const keys = Array.from({ length: count }, (_, i) => `k${String(i).padStart(5, '0')}`);
    await ok(server, { header: { txn }, requests: keys.map((key) => ({ type: 'put' as const, key: b(key), value: b('v') })) });
    const committed = await ok(server, { header: { txn }, requests: [{ type: 'endTxn', key: txn.key, commit: true, lockSpans: [{ key: b('k'), endKey: b('l') }] }] });
    expect(committed.responses[0]).toEqual({ type: 'endTxn', onePhaseCommit: false });
    await server.replica.resolverIdle();
    expect((await mvccScanIntents(engine, b('k'), b('l'))).intents).toEqual([]);
    expect(await engine.get(txnRecordKey(txn.key, txn.id))).toBeUndefined();
    const scan = await ok(server, { header: {}, requests: [{ type: 'scan', key: b('k'), endKey: b('l') }] });
    expect(scan.responses[0]?.type === 'scan' && scan.responses[0].rows.length).toBe(count);
    await server.close();
    await engine.close();
  });

  it('treats a transaction that began before a restart as unable to commit, and cleans up after it', async () => {
    const path = tempDir();
    const { clock, advanceMs } = manualClock();
    let engine: Engine = await LevelEngine.open({ path });
    let server = await LocalKvServer.start({ engine, clock });
    const old = txnAt('before-restart', 'x', clock.now());
    await ok(server, { header: { txn: old }, requests: [{ type: 'put', key: b('x'), value: b('old') }] });
    await server.close();
    await engine.close();

    advanceMs(10);
    engine = await LevelEngine.open({ path });
    server = await LocalKvServer.start({ engine, clock });
    // A writer meets the intent; the restarted replica cannot know whether the writer finished, and
    // its record can never be created now, so the writer is as good as aborted: no waiting.
    await ok(server, { header: {}, requests: [{ type: 'put', key: b('x'), value: b('new') }] });
    expect(await get(server, 'x')).toBe('new');
    const commit = await server.send({ header: { txn: old }, requests: [{ type: 'endTxn', key: old.key, commit: true, lockSpans: [{ key: b('x') }] }] });
    expect(commit.kind === 'error' && commit.error).toMatchObject({ type: 'transactionAborted', reason: 'TIMESTAMP_CACHE_REJECTED' });
    await server.close();
    await engine.close();
  });

  it('remembers its abort span across a restart', async () => {
    const path = tempDir();
    const { clock } = manualClock();
    let engine: Engine = await LevelEngine.open({ path });
    let server = await LocalKvServer.start({ engine, clock });
    const txn = txnAt('victim', 'v', clock.now());
    await ok(server, { header: { txn }, requests: [{ type: 'put', key: b('v'), value: b('1') }] });
    await ok(server, { header: {}, requests: [{ type: 'resolveIntent', key: b('v'), intentTxn: txn, status: 'aborted', poison: true }] });
    await server.close();
    await engine.close();

    engine = await LevelEngine.open({ path });
    server = await LocalKvServer.start({ engine, clock });
    const read = await server.send({ header: { txn }, requests: [{ type: 'get', key: b('v') }] });
    expect(read.kind === 'error' && read.error).toMatchObject({ type: 'transactionAborted', reason: 'ABORT_SPAN' });
    await ok(server, { header: { txn }, requests: [{ type: 'endTxn', key: txn.key, commit: false, lockSpans: [{ key: b('v') }] }] });
    const again = await server.send({ header: { txn }, requests: [{ type: 'get', key: b('v') }] });
    expect(again.kind).toBe('ok');
    await server.close();
    await engine.close();
  });
});

describe('replica under engine failures', () => {
  it('applies nothing of a batch whose engine write fails, on disk or in memory', async () => {
    const engine = new FaultyEngine();
    const { clock } = manualClock();
    const server = await LocalKvServer.start({ engine, clock });
    const txn = txnAt('t', 'a', clock.now());
    const before = server.replica.stats;
    engine.failNextWrites(1);
    const failed = await server.send({ header: { txn }, requests: [{ type: 'put', key: b('a'), value: b('1') }] });
    expect(failed.kind === 'error' && failed.error).toMatchObject({ type: 'storage', code: 'ENGINE_IO' });
    expect(server.replica.stats).toEqual(before);
    expect(server.replica.appliedIndex).toBe(0);
    expect(server.replica.lockTable.locksOf(txn.id)).toEqual([]);
    expect((await mvccScanIntents(engine, b('a'), b('z'))).intents).toEqual([]);
    // The same request succeeds once the device does.
    await ok(server, { header: { txn }, requests: [{ type: 'put', key: b('a'), value: b('1') }] });
    expect(server.replica.lockTable.locksOf(txn.id)).toHaveLength(1);
    expect(server.replica.appliedIndex).toBe(1);
    await server.close();
    await engine.close();
  });
});

describe('replica shutdown', () => {
  it('answers waiting requests with unavailable when it closes', async () => {
    const engine = new FaultyEngine();
    const { clock } = manualClock();
    const timers = new ManualTimers();
    const server = await LocalKvServer.start({ engine, clock, timers });
    const holder = txnAt('holder', 'k', clock.now());
    await ok(server, { header: { txn: holder }, requests: [{ type: 'put', key: b('k'), value: b('1') }] });
    const waiting = server.send({ header: {}, requests: [{ type: 'put', key: b('k'), value: b('2') }] });
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(server.replica.txnWaitQueue.size).toBe(1);
    await server.close();
    const response = await waiting;
    expect(response.kind === 'error' && response.error.type).toBe('unavailable');
    await engine.close();
  });
});
