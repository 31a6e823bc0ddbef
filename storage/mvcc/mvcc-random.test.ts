/**
 * Randomized MVCC test: seeded sequences of puts, deletes, conditional puts, transactional writes,
 * resolutions, GC, gets and scans (grouped into batches that read their own writes), run against
 * the MVCC layer on a MemoryEngine and against a plain reference model. After every step the
 * outcomes must agree, the engine's decoded contents must equal the model's, and the incremental
 * stats must equal a recomputation. A failure names its seed; MVCC_SEED=<n> replays one seed.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import type { Bytes } from '../engine.js';
import { compareBytes } from '../engine.js';
import { Timestamp } from '../hlc.js';
import { MemoryEngine } from '../memory-engine.js';
import { ConditionFailedError, MvccError, WriteIntentError, WriteTooOldError } from './errors.js';
import { mvccGc } from './gc.js';
import { IndexedBatch } from './indexed-batch.js';
import { decodeMvccKey } from './mvcc-key.js';
import { decodeStoredValue } from './mvcc-value.js';
import { mvccGet, mvccScan } from './read.js';
import { mvccResolveIntent, type IntentResolution } from './resolve.js';
import { addStats, computeStats, emptyStats, statsEqual } from './stats.js';
import { asTxnId, type TxnMeta } from './txn.js';
import { mvccConditionalPut, mvccDelete, mvccPut } from './write.js';

const hex = (b: Bytes): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const tsText = (ts: Timestamp): string => `${ts.wallTime},${ts.logical}`;

/** Keys that are prefixes of each other and hold 0x00 and 0xFF. */
const KEYS = [[], [0x61], [0x61, 0x00], [0x61, 0x00, 0xff], [0x61, 0x62], [0x62], [0xff], [0xff, 0x00]].map((k) => Uint8Array.from(k));
const BOUNDS = [...KEYS, Uint8Array.from([0x00]), Uint8Array.from([0x7a]), Uint8Array.from([0xff, 0xff])];
const VALUES = ['', 'x', 'yy', 'zzz'].map((v) => new TextEncoder().encode(v));

interface ModelVersion {
  readonly ts: Timestamp;
  readonly value: string | undefined; // hex; undefined is a tombstone
}
interface ModelIntent {
  readonly txnId: string;
  readonly epoch: number;
  readonly ts: Timestamp;
  readonly value: string | undefined;
}
interface ModelKey {
  versions: ModelVersion[]; // newest first
  intent: ModelIntent | undefined;
}

class ModelError extends Error {
  constructor(readonly outcome: string) {
    super(outcome);
  }
}

/** The reference: per key, a list of committed versions and at most one intent. */
class Model {
  keys = new Map<string, ModelKey>();

  clone(): Model {
    const copy = new Model();
    for (const [k, v] of this.keys) copy.keys.set(k, { versions: [...v.versions], intent: v.intent });
    return copy;
  }

  private entry(key: string): ModelKey {
    let e = this.keys.get(key);
    if (e === undefined) {
      e = { versions: [], intent: undefined };
      this.keys.set(key, e);
    }
    return e;
  }

  private drop(key: string): void {
    const e = this.keys.get(key);
    if (e !== undefined && e.versions.length === 0 && e.intent === undefined) this.keys.delete(key);
  }

  /** The visible state of key: a value (hex), undefined for absent, or a conflict. */
  private read(key: string, ts: Timestamp, txn: TxnMeta | undefined): { value: string | undefined } | { conflict: ModelIntent } {
    const e = this.keys.get(key);
    if (e === undefined) return { value: undefined };
    const intent = e.intent;
    if (intent !== undefined) {
      if (txn !== undefined && intent.txnId === txn.id) {
        if (intent.epoch === txn.epoch) return { value: intent.value };
        if (intent.epoch > txn.epoch) throw new ModelError('error:TXN_EPOCH_STALE');
      } else if (intent.ts.lessEq(ts)) {
        return { conflict: intent };
      }
    }
    const version = e.versions.find((v) => v.ts.lessEq(ts));
    return { value: version?.value };
  }

  get(key: string, ts: Timestamp, txn: TxnMeta | undefined): string {
    const r = this.read(key, ts, txn);
    if ('conflict' in r) throw new ModelError(`error:WRITE_INTENT ${key}/${r.conflict.txnId}`);
    return r.value === undefined ? 'absent' : `value:${r.value}`;
  }

  scan(start: string, end: string, ts: Timestamp, limit: number, reverse: boolean, txn: TxnMeta | undefined): string {
    const inSpan = [...this.keys.keys()]
      .filter((k) => compareBytes(fromHex(k), fromHex(start)) >= 0 && compareBytes(fromHex(k), fromHex(end)) < 0)
      .sort((a, b) => compareBytes(fromHex(a), fromHex(b)));
    if (reverse) inSpan.reverse();
    const rows: string[] = [];
    const conflicts: string[] = [];
    let resume: string | undefined;
    for (const k of inSpan) {
      if (limit > 0 && rows.length + conflicts.length >= limit) {
        resume = reverse ? `${k}00` : k;
        break;
      }
      const r = this.read(k, ts, txn);
      if ('conflict' in r) conflicts.push(`${k}/${r.conflict.txnId}`);
      else if (r.value !== undefined) rows.push(`${k}=${r.value}`);
    }
    if (conflicts.length > 0) throw new ModelError(`error:WRITE_INTENT ${conflicts.join(' ')}`);
    return `rows:${rows.join(',')}${resume === undefined ? '' : ` resume:${resume}`}`;
  }

  write(key: string, ts: Timestamp, value: string | undefined, txn: TxnMeta | undefined, expected?: { value: string | undefined }): string {
    const e = this.keys.get(key);
    const intent = e?.intent;
    if (intent !== undefined) {
      if (txn === undefined || intent.txnId !== txn.id) throw new ModelError(`error:WRITE_INTENT ${key}/${intent.txnId}`);
      if (intent.epoch > txn.epoch) throw new ModelError('error:TXN_EPOCH_STALE');
    }
    const newest = e?.versions[0];
    if (newest !== undefined && !newest.ts.less(ts)) throw new ModelError(`error:WRITE_TOO_OLD ${tsText(newest.ts.next())}`);
    if (expected !== undefined) {
      const own = intent !== undefined && txn !== undefined && intent.epoch === txn.epoch;
      const actual = own ? intent.value : newest?.value;
      if (actual !== expected.value) throw new ModelError(`error:CONDITION_FAILED ${actual ?? 'absent'}`);
    }
    const target = this.entry(key);
    if (txn === undefined) target.versions.unshift({ ts, value });
    else target.intent = { txnId: txn.id, epoch: txn.epoch, ts: intent === undefined ? ts : ts.max(intent.ts), value };
    return 'ok';
  }

  resolve(key: string, resolution: IntentResolution): string {
    const e = this.keys.get(key);
    const intent = e?.intent;
    if (e === undefined || intent === undefined || intent.txnId !== resolution.txnId) return 'noop';
    const remove = (): string => {
      e.intent = undefined;
      this.drop(key);
      return 'removed';
    };
    switch (resolution.status) {
      case 'aborted':
        return remove();
      case 'committed':
        if (intent.epoch > resolution.epoch) return 'noop';
        if (intent.epoch < resolution.epoch) return remove();
        if (resolution.commitTimestamp.less(intent.ts)) throw new ModelError('error:INVALID_ARGUMENT');
        e.intent = undefined;
        e.versions.unshift({ ts: resolution.commitTimestamp, value: intent.value });
        return 'committed';
      case 'pending':
        if (intent.epoch !== resolution.epoch || !intent.ts.less(resolution.pushTimestamp)) return 'noop';
        e.intent = { ...intent, ts: resolution.pushTimestamp };
        return 'pushed';
    }
  }

  gc(keys: string[], threshold: Timestamp): string {
    let removed = 0;
    for (const k of keys) {
      const e = this.keys.get(k);
      if (e === undefined) continue;
      const at = e.versions.findIndex((v) => v.ts.lessEq(threshold));
      if (at < 0) continue;
      const keepThrough = e.versions[at]?.value === undefined ? at : at + 1;
      removed += e.versions.length - keepThrough;
      e.versions = e.versions.slice(0, keepThrough);
      this.drop(k);
    }
    return `removed ${removed}`;
  }

  spanKeys(start: string, end: string): string[] {
    return [...this.keys.keys()].filter((k) => compareBytes(fromHex(k), fromHex(start)) >= 0 && compareBytes(fromHex(k), fromHex(end)) < 0);
  }

  dump(): string[] {
    const lines: string[] = [];
    for (const k of [...this.keys.keys()].sort((a, b) => compareBytes(fromHex(a), fromHex(b)))) {
      const e = this.keys.get(k) as ModelKey;
      if (e.intent !== undefined) lines.push(`${k} intent ${e.intent.txnId}/${e.intent.epoch}@${tsText(e.intent.ts)} ${e.intent.value ?? '<del>'}`);
      for (const v of e.versions) lines.push(`${k} @${tsText(v.ts)} ${v.value ?? '<del>'}`);
    }
    return lines;
  }
}

async function engineDump(engine: MemoryEngine): Promise<string[]> {
  const lines: string[] = [];
  for await (const { key, value } of engine.iterator()) {
    const { userKey, ts } = decodeMvccKey(key);
    const decoded = decodeStoredValue(key, value);
    if (decoded.kind === 'intent') {
      lines.push(`${hex(userKey)} intent ${decoded.txnId}/${decoded.epoch}@${tsText(decoded.timestamp)} ${decoded.payload === undefined ? '<del>' : hex(decoded.payload)}`);
    } else {
      lines.push(`${hex(userKey)} @${tsText(ts as Timestamp)} ${decoded.kind === 'value' ? hex(decoded.payload) : '<del>'}`);
    }
  }
  return lines;
}

/** The outcome of an MVCC call, in the model's vocabulary. */
async function outcomeOf(run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WriteIntentError) return `error:WRITE_INTENT ${err.intents.map((i) => `${hex(i.key)}/${i.txnId}`).join(' ')}`;
    if (err instanceof WriteTooOldError) return `error:WRITE_TOO_OLD ${tsText(err.actualTimestamp)}`;
    if (err instanceof ConditionFailedError) return `error:CONDITION_FAILED ${err.actualValue === undefined ? 'absent' : hex(err.actualValue)}`;
    if (err instanceof MvccError) return `error:${err.code}`;
    if (err instanceof ModelError) return err.outcome;
    throw err;
  }
}

async function runSeed(seed: number, steps: number): Promise<void> {
  const prng = new Prng(seed);
  const engine = new MemoryEngine();
  const stats = emptyStats();
  let model = new Model();
  const txns = new Map<string, TxnMeta>();
  // Time mostly moves forward, with jitter, so that writes succeed often and fail sometimes.
  let now = 10;
  const randomTs = (): Timestamp => new Timestamp(BigInt(Math.max(1, now + prng.nextIntBetween(-4, 2))), prng.nextInt(3));
  const key = (): Uint8Array => prng.pick(KEYS);
  const value = (): Uint8Array => prng.pick(VALUES);
  const pickTxn = (): TxnMeta | undefined => (prng.chance(0.5) || txns.size === 0 ? undefined : prng.pick([...txns.values()]));

  for (let step = 0; step < steps; step++) {
    if (prng.chance(0.3)) now++;
    const context = `seed ${seed} step ${step}`;
    // Transactions come, restart and move their write timestamps outside batches.
    if (prng.chance(0.15)) {
      const name = prng.pick(['t1', 't2', 't3']);
      const current = txns.get(name);
      const epoch = current === undefined ? 0 : current.epoch + (prng.chance(0.3) ? 1 : 0);
      txns.set(name, { id: asTxnId(name), epoch, writeTimestamp: randomTs() });
      continue;
    }
    const batch = new IndexedBatch(engine);
    const delta = emptyStats();
    const before = model.clone();
    let failed = false;
    const opCount = prng.nextIntBetween(1, 4);
    for (let op = 0; op < opCount && !failed; op++) {
      const kind = prng.pick(['put', 'put', 'del', 'cput', 'get', 'get', 'scan', 'scan', 'resolve', 'resolve', 'gc'] as const);
      const k = key();
      const txn = pickTxn();
      let actual: string;
      let expected: string;
      switch (kind) {
        case 'put':
        case 'del':
        case 'cput': {
          const ts = txn?.writeTimestamp ?? randomTs();
          const v = kind === 'del' ? undefined : value();
          const condition = kind === 'cput' ? { value: prng.chance(0.4) ? undefined : hex(value()) } : undefined;
          expected = await outcomeOf(async () => model.write(hex(k), ts, v === undefined ? undefined : hex(v), txn, condition));
          actual = await outcomeOf(async () => {
            const options = { txn, stats: delta };
            if (kind === 'put') await mvccPut(batch, k, ts, v as Uint8Array, options);
            else if (kind === 'del') await mvccDelete(batch, k, ts, options);
            else await mvccConditionalPut(batch, k, ts, v as Uint8Array, condition?.value === undefined ? undefined : fromHex(condition.value), options);
            return 'ok';
          });
          break;
        }
        case 'get': {
          const ts = randomTs();
          expected = await outcomeOf(async () => model.get(hex(k), ts, txn));
          actual = await outcomeOf(async () => {
            const got = await mvccGet(batch, k, ts, { txn });
            return got === undefined ? 'absent' : `value:${hex(got)}`;
          });
          break;
        }
        case 'scan': {
          const start = prng.pick(BOUNDS);
          const end = prng.pick(BOUNDS);
          const ts = randomTs();
          const limit = prng.pick([0, 0, 1, 2, 3]);
          const reverse = prng.chance(0.5);
          expected = await outcomeOf(async () => model.scan(hex(start), hex(end), ts, limit, reverse, txn));
          actual = await outcomeOf(async () => {
            const { rows, resumeKey } = await mvccScan(batch, start, end, ts, { limit, reverse, txn });
            const text = rows.map((r) => `${hex(r.key)}=${hex(r.value)}`).join(',');
            return `rows:${text}${resumeKey === undefined ? '' : ` resume:${hex(resumeKey)}`}`;
          });
          break;
        }
        case 'resolve': {
          // Mostly resolve an intent that exists, by its own transaction.
          const withIntents = [...model.keys.entries()].filter(([, e]) => e.intent !== undefined);
          let target = k;
          let named = txn ?? (txns.size === 0 ? undefined : prng.pick([...txns.values()]));
          if (withIntents.length > 0 && prng.chance(0.7)) {
            const [keyHex, e] = prng.pick(withIntents);
            target = fromHex(keyHex);
            named = txns.get(e.intent?.txnId ?? '') ?? named;
          }
          if (named === undefined) continue;
          const status = prng.pick(['committed', 'committed', 'aborted', 'pending'] as const);
          const epoch = Math.max(0, named.epoch - (prng.chance(0.2) ? 1 : 0));
          const resolution: IntentResolution =
            status === 'aborted'
              ? { status, txnId: named.id }
              : status === 'committed'
                ? { status, txnId: named.id, epoch, commitTimestamp: randomTs().max(prng.chance(0.9) ? named.writeTimestamp : Timestamp.zero) }
                : { status, txnId: named.id, epoch, pushTimestamp: randomTs() };
          expected = await outcomeOf(async () => model.resolve(hex(target), resolution));
          actual = await outcomeOf(async () => mvccResolveIntent(batch, target, resolution, { stats: delta }));
          break;
        }
        case 'gc': {
          const threshold = randomTs();
          if (prng.chance(0.5)) {
            const keys = [key(), key()];
            expected = await outcomeOf(async () => model.gc([...new Set(keys.map(hex))], threshold));
            actual = await outcomeOf(async () => `removed ${(await mvccGc(batch, { keys: [...new Map(keys.map((x) => [hex(x), x])).values()] }, threshold, { stats: delta })).versionsRemoved}`);
          } else {
            const start = prng.pick(BOUNDS);
            const end = prng.pick(BOUNDS);
            expected = await outcomeOf(async () => model.gc(compareBytes(start, end) < 0 ? model.spanKeys(hex(start), hex(end)) : [], threshold));
            actual = await outcomeOf(async () => `removed ${(await mvccGc(batch, { start, end }, threshold, { stats: delta })).versionsRemoved}`);
          }
          break;
        }
      }
      expect(actual, `${context} op ${op} ${kind} key=${hex(k)} txn=${txn?.id ?? '-'}`).toBe(expected);
      failed = actual.startsWith('error:');
    }
    if (failed) {
      // A failed command is discarded whole, as a replica does.
      model = before;
      continue;
    }
    await batch.commit(engine);
    addStats(stats, delta);
    expect(await engineDump(engine), `${context}: engine contents`).toEqual(model.dump());
    const recomputed = await computeStats(engine);
    expect(statsEqual(recomputed, stats), `${context}: stats ${JSON.stringify(stats)} recomputed ${JSON.stringify(recomputed)}`).toBe(true);
  }
}

describe('MVCC against a reference model', () => {
  const replay = process.env['MVCC_SEED'];
  const seeds = replay === undefined ? Array.from({ length: 16 }, (_, i) => 1000 + i) : [Number(replay)];
  for (const seed of seeds) {
    it(`seed ${seed}`, async () => {
      await runSeed(seed, 300);
    });
  }
});
