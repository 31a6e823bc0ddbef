/**
 * A batch of KV operations that travel together in one BatchRequest: one round trip, evaluated
 * atomically on its range (all succeed or none is applied). The SQL layer builds one per
 * statement step where it can, e.g. every row of a multi-row INSERT with its index entries:
 *
 *   const batch = new KvBatch();
 *   const old = batch.get(key);            // a typed handle to the result
 *   batch.put(key, value);
 *   batch.cput(indexKey, pk, undefined);   // a uniqueness check: fails if the key exists
 *   const results = await txn.run(batch);
 *   results.of(old);                       // Value | undefined
 *
 * Handles are typed, so `results.of(scanHandle)` is a ScanResult and `results.of(putHandle)` is
 * void. A batch may be run once.
 */
import { assert } from '../../common/assert.js';
import type { Key, KeyValue, LockStrength, RequestUnion, ResponseUnion, Value } from '../../proto/kv-api.js';
import type { KeySpan } from '../../storage/keys.js';

/** The result of a scan: rows in scan order, and what is left of the span when the limit stopped it. */
export interface ScanResult {
  readonly rows: readonly KeyValue[];
  /**
   * Present when the limit stopped the scan before the end of its span: scan this span (with the
   * same direction) to continue. Forward it starts after the last row; in reverse it ends before it.
   */
  readonly resume?: KeySpan;
}

export interface ReadOptions {
  /**
   * A locking read (SELECT ... FOR UPDATE / FOR SHARE): the key (every returned key, for a scan) is
   * locked until the transaction ends, after waiting for other holders. The value returned is the
   * newest committed one: under READ COMMITTED this is how a statement "waits, then re-reads" a
   * row another transaction changed (PostgreSQL's EvalPlanQual).
   */
  readonly lock?: LockStrength;
}

export interface ScanOptions extends ReadOptions {
  /** At most this many rows; absent or 0 for no limit (the server still bounds one answer). */
  readonly limit?: number;
  /** From the end of the span down to its start. */
  readonly reverse?: boolean;
}

/** A handle to one operation's result in a batch; `BatchResults.of(handle)` reads it. */
export interface ResultRef<T> {
  readonly index: number;
  /** Turns the response into the caller's value. */
  readonly decode: (response: ResponseUnion) => T;
}

function expectType<T extends ResponseUnion['type']>(response: ResponseUnion, type: T): Extract<ResponseUnion, { type: T }> {
  assert(response.type === type, `response ${response.type} answers a ${type} request`);
  return response as Extract<ResponseUnion, { type: T }>;
}

const decodeVoid = (): void => undefined;

function lockOption(options: ReadOptions): { lockStrength?: LockStrength } {
  return options.lock === undefined ? {} : { lockStrength: options.lock };
}

export class KvBatch {
  private readonly requestList: RequestUnion[] = [];
  private used = false;

  /** The number of operations. */
  get size(): number {
    return this.requestList.length;
  }

  /** The value of key, or undefined when it has none. */
  get(key: Key, options: ReadOptions = {}): ResultRef<Value | undefined> {
    return this.add({ type: 'get', key, ...lockOption(options) }, (response) => expectType(response, 'get').value);
  }

  /** The rows of span in key order (or reverse), up to options.limit. */
  scan(span: KeySpan, options: ScanOptions = {}): ResultRef<ScanResult> {
    const request: RequestUnion = {
      type: 'scan',
      key: span.start,
      endKey: span.end,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(options.reverse === true ? { reverse: true } : {}),
      ...lockOption(options),
    };
    return this.add(request, (response) => {
      const scan = expectType(response, 'scan');
      const resumeSpan = scan.resumeSpan;
      if (resumeSpan === undefined) return { rows: scan.rows };
      assert(resumeSpan.endKey !== undefined, 'a resume span of a scan has an end');
      return { rows: scan.rows, resume: { start: resumeSpan.key, end: resumeSpan.endKey } };
    });
  }

  put(key: Key, value: Value): ResultRef<void> {
    return this.add({ type: 'put', key, value }, decodeVoid);
  }

  /**
   * Puts value if key's current value (as this transaction sees it) is expected, byte for byte;
   * expected undefined means the key must be absent. Otherwise the whole batch fails with a
   * KvError of kind 'conditionFailed' carrying the actual value (`conditionFailure(err)`).
   */
  cput(key: Key, value: Value, expected: Value | undefined): ResultRef<void> {
    return this.add({ type: 'conditionalPut', key, value, expectedValue: expected }, decodeVoid);
  }

  /** Deletes key; the result says whether it held a value. */
  del(key: Key): ResultRef<boolean> {
    return this.add({ type: 'delete', key }, (response) => expectType(response, 'delete').found);
  }

  /** Deletes every key of span; the result lists the keys that held a value. */
  delRange(span: KeySpan): ResultRef<readonly Key[]> {
    return this.add({ type: 'deleteRange', key: span.start, endKey: span.end }, (response) => expectType(response, 'deleteRange').keys);
  }

  /** Adds by to key's value (a signed 64-bit big-endian integer; absent counts as 0); the result is the new value. */
  increment(key: Key, by: bigint): ResultRef<bigint> {
    return this.add({ type: 'increment', key, by }, (response) => expectType(response, 'increment').newValue);
  }

  /**
   * Locks a key (whether or not it exists) or every existing key of a span until the transaction
   * ends; the result lists the keys locked. Transactional batches only.
   */
  lock(target: Key | KeySpan, strength: LockStrength): ResultRef<readonly Key[]> {
    const span = target instanceof Uint8Array ? { key: target } : { key: target.start, endKey: target.end };
    return this.add({ type: 'lock', ...span, strength }, (response) => expectType(response, 'lock').keys);
  }

  /** Takes the requests for sending; a batch is sent once. */
  takeRequests(): readonly RequestUnion[] {
    assert(!this.used, 'a KvBatch is run once');
    this.used = true;
    return this.requestList;
  }

  private add<T>(request: RequestUnion, decode: (response: ResponseUnion) => T): ResultRef<T> {
    assert(!this.used, 'a KvBatch cannot change after it was run');
    this.requestList.push(request);
    return { index: this.requestList.length - 1, decode };
  }
}

/** The results of a batch that succeeded, read through the handles its builder returned. */
export class BatchResults {
  constructor(private readonly responses: readonly ResponseUnion[]) {}

  of<T>(ref: ResultRef<T>): T {
    const response = this.responses[ref.index];
    assert(response !== undefined, `no response ${ref.index} in a batch of ${this.responses.length}`);
    return ref.decode(response);
  }
}
