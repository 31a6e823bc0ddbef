/**
 * What each request of a batch touches, declared before evaluation: the latches it needs (read or
 * write, on MVCC keys and on the range-local keys of transaction records) and how it meets locks
 * in the lock table. One table entry per request type, so a new type fails to compile until it
 * declares its spans.
 */
import type { RequestUnion, Span } from '../../proto/kv-api.js';
import type { Timestamp } from '../../storage/hlc.js';
import { txnRecordKey } from '../../storage/keys.js';
import type { LatchSpan } from './concurrency/latch-manager.js';
import type { LockAccess } from './concurrency/lock-table.js';
import { keyNext, type KeyRange } from './concurrency/spans.js';

export interface LockSpan {
  readonly range: KeyRange;
  readonly access: LockAccess;
}

export interface DeclaredSpans {
  readonly latches: LatchSpan[];
  readonly locks: LockSpan[];
}

function point(key: Uint8Array): KeyRange {
  return { start: key, end: keyNext(key) };
}

function rangeOf(span: Span): KeyRange {
  return span.endKey === undefined ? point(span.key) : { start: span.key, end: span.endKey };
}

type Declare<T extends RequestUnion> = (request: T, readTs: Timestamp, anchorRecord: () => Uint8Array | undefined) => DeclaredSpans;
type Declarations = { [T in RequestUnion['type']]: Declare<Extract<RequestUnion, { type: T }>> };

const exclusivePoint = (key: Uint8Array): DeclaredSpans => ({
  latches: [{ ...point(key), access: 'write' }],
  locks: [{ range: point(key), access: { kind: 'exclusive' } }],
});

const declarations: Declarations = {
  get: (r, ts) =>
    r.lockStrength === undefined
      ? { latches: [{ ...point(r.key), access: 'read' }], locks: [{ range: point(r.key), access: { kind: 'read', ts } }] }
      : { latches: [{ ...point(r.key), access: 'write' }], locks: [{ range: point(r.key), access: { kind: r.lockStrength } }] },
  scan: (r, ts) => {
    const range = { start: r.key, end: r.endKey };
    return r.lockStrength === undefined
      ? { latches: [{ ...range, access: 'read' }], locks: [{ range, access: { kind: 'read', ts } }] }
      : { latches: [{ ...range, access: 'write' }], locks: [{ range, access: { kind: r.lockStrength } }] };
  },
  put: (r) => exclusivePoint(r.key),
  conditionalPut: (r) => exclusivePoint(r.key),
  delete: (r) => exclusivePoint(r.key),
  increment: (r) => exclusivePoint(r.key),
  deleteRange: (r) => {
    const range = { start: r.key, end: r.endKey };
    return { latches: [{ ...range, access: 'write' }], locks: [{ range, access: { kind: 'exclusive' } }] };
  },
  lock: (r) => {
    const range = rangeOf({ key: r.key, ...(r.endKey === undefined ? {} : { endKey: r.endKey }) });
    return { latches: [{ ...range, access: 'write' }], locks: [{ range, access: { kind: r.strength } }] };
  },
  endTxn: (r, _ts, anchorRecord) => {
    const record = anchorRecord();
    const latches: LatchSpan[] = r.lockSpans.map((span) => ({ ...rangeOf(span), access: 'write' as const }));
    if (record !== undefined) latches.push({ ...point(record), access: 'write' });
    return { latches, locks: [] };
  },
  heartbeatTxn: (_r, _ts, anchorRecord) => {
    const record = anchorRecord();
    return { latches: record === undefined ? [] : [{ ...point(record), access: 'write' }], locks: [] };
  },
  pushTxn: (r) => ({ latches: [{ ...point(txnRecordKey(r.pusheeTxn.key, r.pusheeTxn.id)), access: 'write' }], locks: [] }),
  queryTxn: (r) => ({ latches: [{ ...point(txnRecordKey(r.txn.key, r.txn.id)), access: 'read' }], locks: [] }),
  resolveIntent: (r) => ({ latches: [{ ...point(r.key), access: 'write' }], locks: [] }),
  resolveIntentRange: (r) => ({ latches: [{ start: r.key, end: r.endKey, access: 'write' }], locks: [] }),
  refresh: (r) => ({ latches: [{ ...point(r.key), access: 'read' }], locks: [] }),
  refreshRange: (r) => ({ latches: [{ start: r.key, end: r.endKey, access: 'read' }], locks: [] }),
};

/**
 * The spans of every request of a batch. readTs is where plain reads read (they conflict only with
 * intents at or below it); anchorRecord is the key of the batch transaction's record.
 */
export function declareSpans(requests: readonly RequestUnion[], readTs: Timestamp, anchorRecord: () => Uint8Array | undefined): DeclaredSpans {
  const latches: LatchSpan[] = [];
  const locks: LockSpan[] = [];
  for (const request of requests) {
    const declare = declarations[request.type] as Declare<RequestUnion>;
    const declared = declare(request, readTs, anchorRecord);
    latches.push(...declared.latches);
    locks.push(...declared.locks);
  }
  return { latches, locks };
}
