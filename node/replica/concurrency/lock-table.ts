/**
 * The lock table: which transactions hold locks on which keys of the range, and who waits for them.
 *
 * Two kinds of locks live here:
 * - replicated: an intent on disk. The table learns of it when a request of this replica writes it
 *   or when a request meets it (WriteIntentError), and forgets it when it is resolved. Forgetting
 *   one early is harmless: it is on disk and found again.
 * - unreplicated: a lock taken by a locking read (SELECT FOR UPDATE / FOR SHARE) that exists only
 *   here, released when its transaction ends.
 *
 * Conflicts (holder H of another transaction):
 * - a plain read at ts conflicts only with an intent at or below ts (locks do not block readers, as
 *   in PostgreSQL; an intent above ts is in the read's future);
 * - a shared lock conflicts with exclusive holders;
 * - a write or an exclusive lock conflicts with every holder.
 *
 * A request that conflicts waits for the holder to release the key (waitForRelease) while it
 * pushes the holder's transaction; the release wakes every waiter, which then sequences again.
 */
import { assert } from '../../../common/assert.js';
import type { LockStrength, TxnId, TxnMeta } from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import type { Timestamp } from '../../../storage/hlc.js';
import { lockTableKeysMax, lockWaitersPerKeyMax } from '../limits.js';
import { compare, containsKey, type KeyRange } from './spans.js';

export type LockDurability = 'replicated' | 'unreplicated';

export interface LockHolder {
  readonly txn: TxnMeta;
  readonly strength: LockStrength;
  readonly durability: LockDurability;
  /** Replicated: the intent's timestamp (plain reads below it pass). */
  readonly ts: Timestamp;
}

/** How a request wants to touch a span. */
export type LockAccess =
  | { readonly kind: 'read'; readonly ts: Timestamp }
  | { readonly kind: 'shared' }
  | { readonly kind: 'exclusive' };

export interface LockConflictFound {
  readonly key: Bytes;
  readonly holder: LockHolder;
}

interface KeyLocks {
  readonly key: Bytes;
  readonly holders: Map<TxnId, LockHolder>;
  readonly waiters: Set<() => void>;
}

export class LockTableFullError extends Error {
  override readonly name = 'LockTableFullError';
}

export class WaitQueueFullError extends Error {
  override readonly name = 'WaitQueueFullError';
}

export class LockTable {
  /** Keys with holders or waiters, sorted. */
  private keys: KeyLocks[] = [];
  private readonly byTxn = new Map<TxnId, Set<KeyLocks>>();

  constructor(private readonly keysMax = lockTableKeysMax) {}

  get keyCount(): number {
    return this.keys.length;
  }

  /** The first conflicting lock in range for a request of txnId (undefined: non-transactional). */
  findConflict(range: KeyRange, access: LockAccess, txnId: TxnId | undefined): LockConflictFound | undefined {
    for (let i = this.lowerBound(range.start); i < this.keys.length; i++) {
      const locks = this.keys[i] as KeyLocks;
      if (compare(locks.key, range.end) >= 0) break;
      for (const holder of locks.holders.values()) {
        if (holder.txn.id === txnId) continue;
        if (conflicts(holder, access)) return { key: locks.key, holder };
      }
    }
    return undefined;
  }

  /** The locks txnId holds (for tests and debugging output). */
  locksOf(txnId: TxnId): { key: Bytes; holder: LockHolder }[] {
    return [...(this.byTxn.get(txnId) ?? [])]
      .map((locks) => ({ key: locks.key, holder: locks.holders.get(txnId) as LockHolder }))
      .sort((a, b) => compare(a.key, b.key));
  }

  holdersOf(key: Bytes): LockHolder[] {
    const locks = this.find(key);
    return locks === undefined ? [] : [...locks.holders.values()];
  }

  /**
   * Records that txn holds key. A stronger or more durable lock replaces a weaker one of the same
   * transaction (an intent written over a FOR UPDATE lock); a weaker one never downgrades it.
   * Throws LockTableFullError when an unreplicated lock does not fit.
   */
  acquire(key: Bytes, holder: LockHolder): void {
    let locks = this.find(key);
    if (locks === undefined) {
      if (this.keys.length >= this.keysMax) this.evict();
      if (this.keys.length >= this.keysMax) {
        if (holder.durability === 'replicated') return;
        throw new LockTableFullError(`the lock table holds lockTableKeysMax (${this.keysMax}) keys`);
      }
      locks = this.insert(key);
    }
    const existing = locks.holders.get(holder.txn.id);
    locks.holders.set(holder.txn.id, existing === undefined ? holder : merge(existing, holder));
    let owned = this.byTxn.get(holder.txn.id);
    if (owned === undefined) this.byTxn.set(holder.txn.id, (owned = new Set()));
    owned.add(locks);
  }

  /** A replicated holder's intent moved up (a push): plain reads below the new timestamp pass. */
  updateTimestamp(key: Bytes, txnId: TxnId, ts: Timestamp): void {
    const locks = this.find(key);
    const holder = locks?.holders.get(txnId);
    if (locks === undefined || holder === undefined || holder.durability !== 'replicated' || !holder.ts.less(ts)) return;
    locks.holders.set(txnId, { ...holder, ts });
    wake(locks);
  }

  /** Removes txnId's lock on key, waking the waiters. */
  release(key: Bytes, txnId: TxnId): void {
    const locks = this.find(key);
    if (locks === undefined || !locks.holders.has(txnId)) return;
    this.removeHolder(locks, txnId);
  }

  /**
   * Removes txnId's locks: all of them, or those in ranges; only those of one durability when
   * given (resolving intents leaves FOR UPDATE locks alone until the transaction ends).
   */
  releaseTxn(txnId: TxnId, options: { ranges?: readonly KeyRange[]; durability?: LockDurability } = {}): void {
    const owned = this.byTxn.get(txnId);
    if (owned === undefined) return;
    for (const locks of [...owned]) {
      if (options.ranges !== undefined && !options.ranges.some((range) => containsKey(range, locks.key))) continue;
      const holder = locks.holders.get(txnId);
      if (holder === undefined) continue;
      if (options.durability !== undefined && holder.durability !== options.durability) continue;
      this.removeHolder(locks, txnId);
    }
  }

  /**
   * Resolves once txnId no longer holds key (at once if it does not now: then tracked is false),
   * or its holder changes timestamp. cancel() drops the wait. Throws WaitQueueFullError past
   * lockWaitersPerKeyMax.
   */
  waitForRelease(key: Bytes, txnId: TxnId): { readonly released: Promise<void>; readonly cancel: () => void; readonly tracked: boolean } {
    const locks = this.find(key);
    if (locks === undefined || !locks.holders.has(txnId)) return { released: Promise.resolve(), cancel: () => {}, tracked: false };
    if (locks.waiters.size >= lockWaitersPerKeyMax) throw new WaitQueueFullError(`more than lockWaitersPerKeyMax waiters on a key`);
    let waiter!: () => void;
    const released = new Promise<void>((resolve) => {
      waiter = () => {
        locks.waiters.delete(waiter);
        resolve();
      };
    });
    locks.waiters.add(waiter);
    return {
      released,
      tracked: true,
      cancel: () => {
        locks.waiters.delete(waiter);
        this.dropIfEmpty(locks);
      },
    };
  }

  private removeHolder(locks: KeyLocks, txnId: TxnId): void {
    locks.holders.delete(txnId);
    const owned = this.byTxn.get(txnId);
    owned?.delete(locks);
    if (owned !== undefined && owned.size === 0) this.byTxn.delete(txnId);
    wake(locks);
    this.dropIfEmpty(locks);
  }

  private dropIfEmpty(locks: KeyLocks): void {
    if (locks.holders.size > 0 || locks.waiters.size > 0) return;
    const index = this.lowerBound(locks.key);
    if (this.keys[index] === locks) this.keys.splice(index, 1);
  }

  /** Forgets replicated locks nobody waits for: they are on disk and found again when met. */
  private evict(): void {
    const kept: KeyLocks[] = [];
    for (const locks of this.keys) {
      const forgettable = locks.waiters.size === 0 && [...locks.holders.values()].every((h) => h.durability === 'replicated');
      if (!forgettable) {
        kept.push(locks);
        continue;
      }
      for (const txnId of locks.holders.keys()) {
        const owned = this.byTxn.get(txnId);
        owned?.delete(locks);
        if (owned !== undefined && owned.size === 0) this.byTxn.delete(txnId);
      }
    }
    this.keys = kept;
  }

  private find(key: Bytes): KeyLocks | undefined {
    const locks = this.keys[this.lowerBound(key)];
    return locks !== undefined && compare(locks.key, key) === 0 ? locks : undefined;
  }

  private insert(key: Bytes): KeyLocks {
    const index = this.lowerBound(key);
    const locks: KeyLocks = { key: new Uint8Array(key), holders: new Map(), waiters: new Set() };
    this.keys.splice(index, 0, locks);
    return locks;
  }

  /** Index of the first key >= key. */
  private lowerBound(key: Bytes): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compare((this.keys[mid] as KeyLocks).key, key) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function conflicts(holder: LockHolder, access: LockAccess): boolean {
  switch (access.kind) {
    case 'read':
      return holder.durability === 'replicated' && holder.strength === 'exclusive' && holder.ts.lessEq(access.ts);
    case 'shared':
      return holder.strength === 'exclusive';
    case 'exclusive':
      return true;
  }
}

function merge(existing: LockHolder, incoming: LockHolder): LockHolder {
  const strength: LockStrength = existing.strength === 'exclusive' || incoming.strength === 'exclusive' ? 'exclusive' : 'shared';
  const replicated = existing.durability === 'replicated' || incoming.durability === 'replicated';
  assert(existing.txn.id === incoming.txn.id, 'merging the locks of two transactions');
  return {
    txn: incoming.txn,
    strength,
    durability: replicated ? 'replicated' : 'unreplicated',
    ts: existing.ts.max(incoming.ts),
  };
}

function wake(locks: KeyLocks): void {
  for (const waiter of [...locks.waiters]) waiter();
}
