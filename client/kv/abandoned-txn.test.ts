/**
 * Transactions abandoned by their coordinator (a router that crashed, a client that went away)
 * must not block their keys forever: once the record has not been heartbeaten for the expiration
 * time, a transaction that meets one of its intents aborts it and proceeds. A live coordinator
 * heartbeats, so the same wait lasts as long as the transaction does. Time here is injected: the
 * physical clock and every timer move only when the test advances them.
 */
import { describe, expect, it } from 'vitest';
import { TXN_EXPIRATION_MS_DEFAULT, TXN_HEARTBEAT_INTERVAL_MS } from '../../proto/kv-api.js';
import { kvErrorSqlState } from './kv-error-sqlstate.js';
import { startKvFixture } from './testing/kv-fixture.js';
import { intValue, readInt, rowKey } from './testing/test-data.js';
import type { Timers } from './timers.js';

/** The timers of a router that crashed: nothing it scheduled ever runs. */
const deadTimers: Timers = { schedule: () => () => undefined };

/** Whether a promise has settled, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  return done;
}

describe('abandoned transactions', () => {
  it('an intent of a transaction whose heartbeats stopped is cleaned up by the next writer after the expiration', async () => {
    const fixture = await startKvFixture({ manualTime: true });
    try {
      const crashed = fixture.newDb({ timers: deadTimers });
      const live = fixture.newDb();
      const abandoned = crashed.newTxn();
      await abandoned.put(rowKey(1), intValue(1));

      const writer = live.newTxn();
      const write = writer.put(rowKey(1), intValue(2));
      // Before the expiration the writer waits: the abandoned transaction might still commit.
      await fixture.advanceMs(TXN_EXPIRATION_MS_DEFAULT / 2);
      expect(await settled(write)).toBe(false);
      // After it, the writer aborts the abandoned transaction and proceeds.
      await fixture.advanceMs(TXN_EXPIRATION_MS_DEFAULT);
      await write;
      await writer.commit();
      expect(readInt(await live.get(rowKey(1)))).toBe(2);

      // The abandoned coordinator, should it come back, finds itself aborted (40001) and cannot commit.
      const error = await abandoned.commit().catch((err: unknown) => err);
      expect(kvErrorSqlState(error)?.code).toBe('40001');
      expect(abandoned.state).toBe('aborted');
      expect(readInt(await live.get(rowKey(1)))).toBe(2);
    } finally {
      await fixture.close();
    }
  });

  it('a live transaction keeps its intents through a long wait: its heartbeats keep the record fresh', async () => {
    const fixture = await startKvFixture({ manualTime: true });
    try {
      const db = fixture.newDb();
      const holder = db.newTxn();
      await holder.put(rowKey(1), intValue(1));
      const waiter = db.newTxn();
      const write = waiter.put(rowKey(1), intValue(2));
      // Three expirations' worth of time, a heartbeat interval at a time.
      for (let elapsed = 0; elapsed < 3 * TXN_EXPIRATION_MS_DEFAULT; elapsed += TXN_HEARTBEAT_INTERVAL_MS) {
        await fixture.advanceMs(TXN_HEARTBEAT_INTERVAL_MS);
      }
      expect(await settled(write)).toBe(false);
      expect(holder.state).toBe('pending');
      await holder.commit();
      // The waiter proceeds once the holder is done, and its write lands above the holder's.
      await write;
      await waiter.commit();
      expect(readInt(await db.get(rowKey(1)))).toBe(2);
    } finally {
      await fixture.close();
    }
  });

  it('a coordinator learns from its heartbeat that it was aborted, before its next request', async () => {
    const fixture = await startKvFixture({ manualTime: true });
    try {
      const db = fixture.newDb();
      const txn = db.newTxn();
      await txn.put(rowKey(1), intValue(1));
      // A high-priority writer aborts the holder instead of waiting for it.
      const high = db.newTxn({ priority: 'high' });
      await high.put(rowKey(1), intValue(9));
      await high.commit();
      expect(txn.state).toBe('pending');
      await fixture.advanceMs(TXN_HEARTBEAT_INTERVAL_MS);
      expect(txn.state).toBe('aborted');
      const error = await txn.get(rowKey(1)).catch((err: unknown) => err);
      expect(kvErrorSqlState(error)?.code).toBe('40001');
      expect(kvErrorSqlState(error)?.message).toContain('PUSHED_BY_PRIORITY');
      await txn.rollback();
      expect(readInt(await db.get(rowKey(1)))).toBe(9);
    } finally {
      await fixture.close();
    }
  });
});
