import { describe, expect, it } from 'vitest';
import { TXN_PRIORITY_NORMAL, type TxnMeta } from '../../../proto/kv-api.js';
import { Timestamp } from '../../../storage/hlc.js';
import { asTxnId } from '../../../storage/mvcc/index.js';
import { LockTable, LockTableFullError, WaitQueueFullError, type LockHolder } from './lock-table.js';
import { keyNext } from './spans.js';

const b = (text: string): Uint8Array => new TextEncoder().encode(text);
const ts = (n: number): Timestamp => new Timestamp(BigInt(n));
const pointRange = (key: string): { start: Uint8Array; end: Uint8Array } => ({ start: b(key), end: keyNext(b(key)) });

function meta(id: string): TxnMeta {
  return {
    id: asTxnId(id),
    key: b(id),
    isolation: 'serializable',
    epoch: 0,
    writeTimestamp: ts(10),
    minTimestamp: ts(10),
    priority: TXN_PRIORITY_NORMAL,
    sequence: 0,
  };
}

const intent = (id: string, at = 10): LockHolder => ({ txn: meta(id), strength: 'exclusive', durability: 'replicated', ts: ts(at) });
const forUpdate = (id: string): LockHolder => ({ txn: meta(id), strength: 'exclusive', durability: 'unreplicated', ts: ts(10) });
const forShare = (id: string): LockHolder => ({ txn: meta(id), strength: 'shared', durability: 'unreplicated', ts: ts(10) });

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('LockTable conflicts', () => {
  it('blocks plain reads only on intents at or below the read timestamp', () => {
    const table = new LockTable();
    table.acquire(b('a'), intent('t1', 10));
    table.acquire(b('b'), forUpdate('t1'));
    expect(table.findConflict(pointRange('a'), { kind: 'read', ts: ts(9) }, undefined)).toBeUndefined();
    expect(table.findConflict(pointRange('a'), { kind: 'read', ts: ts(10) }, undefined)?.holder.txn.id).toBe('t1');
    // FOR UPDATE does not block readers (as in PostgreSQL).
    expect(table.findConflict(pointRange('b'), { kind: 'read', ts: ts(99) }, undefined)).toBeUndefined();
    // Its own locks never conflict with a transaction.
    expect(table.findConflict({ start: b('a'), end: b('z') }, { kind: 'exclusive' }, asTxnId('t1'))).toBeUndefined();
    expect(table.findConflict({ start: b('a'), end: b('z') }, { kind: 'exclusive' }, asTxnId('t2'))?.key).toEqual(b('a'));
  });

  it('lets shared locks coexist and blocks writers and exclusive lockers on them', () => {
    const table = new LockTable();
    table.acquire(b('k'), forShare('s1'));
    table.acquire(b('k'), forShare('s2'));
    expect(table.findConflict(pointRange('k'), { kind: 'shared' }, asTxnId('s3'))).toBeUndefined();
    expect(table.findConflict(pointRange('k'), { kind: 'exclusive' }, asTxnId('s3'))).toBeDefined();
    // s1 upgrading still conflicts with s2's shared lock.
    expect(table.findConflict(pointRange('k'), { kind: 'exclusive' }, asTxnId('s1'))?.holder.txn.id).toBe('s2');
  });

  it('upgrades a transaction lock but never downgrades it', () => {
    const table = new LockTable();
    table.acquire(b('k'), forShare('t1'));
    table.acquire(b('k'), intent('t1', 12));
    table.acquire(b('k'), forShare('t1'));
    expect(table.holdersOf(b('k'))).toEqual([{ ...intent('t1', 12) }]);
  });
});

describe('LockTable waiting', () => {
  it('wakes waiters when the holder releases, and at once when it holds nothing', async () => {
    const table = new LockTable();
    table.acquire(b('k'), intent('t1'));
    let woken = false;
    const wait = table.waitForRelease(b('k'), asTxnId('t1'));
    void wait.released.then(() => (woken = true));
    await flush();
    expect(woken).toBe(false);
    table.release(b('k'), asTxnId('t1'));
    await flush();
    expect(woken).toBe(true);
    expect(table.keyCount).toBe(0);
    await table.waitForRelease(b('k'), asTxnId('t1')).released;
  });

  it('wakes waiters when a pushed intent moves up, and releases by range and durability', async () => {
    const table = new LockTable();
    table.acquire(b('a'), intent('t1', 10));
    table.acquire(b('b'), forUpdate('t1'));
    table.acquire(b('c'), intent('t1', 10));
    let woken = false;
    void table.waitForRelease(b('a'), asTxnId('t1')).released.then(() => (woken = true));
    table.updateTimestamp(b('a'), asTxnId('t1'), ts(20));
    await flush();
    expect(woken).toBe(true);
    expect(table.findConflict(pointRange('a'), { kind: 'read', ts: ts(15) }, undefined)).toBeUndefined();
    table.releaseTxn(asTxnId('t1'), { durability: 'replicated', ranges: [pointRange('a')] });
    expect(table.locksOf(asTxnId('t1')).map((l) => new TextDecoder().decode(l.key))).toEqual(['b', 'c']);
    table.releaseTxn(asTxnId('t1'), { durability: 'replicated' });
    expect(table.locksOf(asTxnId('t1')).map((l) => new TextDecoder().decode(l.key))).toEqual(['b']);
    table.releaseTxn(asTxnId('t1'));
    expect(table.keyCount).toBe(0);
  });

  it('cancelled waits leave no trace', () => {
    const table = new LockTable();
    table.acquire(b('k'), intent('t1'));
    const wait = table.waitForRelease(b('k'), asTxnId('t1'));
    wait.cancel();
    table.release(b('k'), asTxnId('t1'));
    expect(table.keyCount).toBe(0);
  });
});

describe('LockTable bounds', () => {
  it('forgets unwatched intents when full, and refuses unreplicated locks it cannot hold', () => {
    const table = new LockTable(3);
    table.acquire(b('a'), intent('t1'));
    table.acquire(b('b'), intent('t2'));
    table.acquire(b('c'), forUpdate('t3'));
    // Full: the intents a and b are forgotten (they are on disk) to make room.
    table.acquire(b('d'), forUpdate('t4'));
    expect(table.keyCount).toBe(2);
    expect(table.locksOf(asTxnId('t1'))).toEqual([]);
    table.acquire(b('e'), forUpdate('t5'));
    expect(() => table.acquire(b('f'), forUpdate('t6'))).toThrow(LockTableFullError);
    // An intent that does not fit is simply not tracked.
    table.acquire(b('g'), intent('t7'));
    expect(table.locksOf(asTxnId('t7'))).toEqual([]);
  });

  it('bounds the waiters of a key', () => {
    const table = new LockTable();
    table.acquire(b('k'), intent('t1'));
    const waits = [];
    expect(() => {
      for (let i = 0; i < 20_000; i++) waits.push(table.waitForRelease(b('k'), asTxnId('t1')));
    }).toThrow(WaitQueueFullError);
  });
});
