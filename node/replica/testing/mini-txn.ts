/**
 * A deliberately small transaction runner over a KvSender, for the replica's own concurrency
 * tests (the real coordinator, with heartbeats and savepoints, is client/kv's). It does what any
 * coordinator must to make progress under contention:
 * - at commit, a serializable transaction whose writes were pushed refreshes its reads and commits
 *   at the pushed timestamp (RETRY_SERIALIZABLE only when the refresh fails);
 * - on a retryable error it restarts at a new timestamp: as a new epoch of the same transaction,
 *   or, once aborted, as a new transaction that keeps the first attempt's minTimestamp, so that it
 *   ages and deadlock victim selection (the youngest loses) eventually spares it.
 */
import {
  TXN_PRIORITY_NORMAL,
  type BatchResponse,
  type IsolationLevel,
  type KvError,
  type KvSender,
  type RequestUnion,
  type ResponseUnion,
  type Span,
  type Transaction,
} from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import type { Clock } from '../../../storage/hlc.js';
import { asTxnId } from '../../../storage/mvcc/index.js';

export class KvErrorResponse extends Error {
  constructor(readonly error: KvError) {
    super(`${error.type}: ${error.message}`);
  }
}

export interface MiniTxn {
  get(key: Bytes): Promise<Bytes | undefined>;
  put(key: Bytes, value: Bytes): Promise<void>;
}

export interface RunStats {
  attempts: number;
  deadlocks: number;
  /** Retryable errors seen, by type and reason. */
  errors?: Map<string, number>;
}

const RETRYABLE: ReadonlySet<KvError['type']> = new Set(['transactionRetry', 'transactionAborted', 'writeTooOld']);

let nextId = 0;

function newTxn(clock: Clock, isolation: IsolationLevel, minTimestamp?: Transaction['minTimestamp']): Transaction {
  const now = clock.now();
  return {
    id: asTxnId(`mini-${nextId++}`),
    key: new Uint8Array(0),
    isolation,
    epoch: 0,
    writeTimestamp: now,
    readTimestamp: now,
    minTimestamp: minTimestamp ?? now,
    priority: TXN_PRIORITY_NORMAL,
    sequence: 0,
    status: 'pending',
    ignoredSeqNums: [],
  };
}

/** One transaction's state across its attempts. */
class Attempts {
  readonly written: Span[] = [];
  read: Span[] = [];

  constructor(
    private readonly sender: KvSender,
    private readonly clock: Clock,
    public txn: Transaction,
  ) {}

  async send(request: RequestUnion): Promise<ResponseUnion> {
    const response: BatchResponse = await this.sender.send({ header: { txn: this.txn, now: this.clock.now() }, requests: [request] });
    if (response.header.txn !== undefined) this.txn = { ...response.header.txn, status: 'pending' };
    if (response.kind === 'error') throw new KvErrorResponse(response.error);
    return response.responses[0] as ResponseUnion;
  }

  readonly api: MiniTxn = {
    get: async (key) => {
      this.read.push({ key });
      const response = await this.send({ type: 'get', key });
      return response.type === 'get' ? response.value : undefined;
    },
    put: async (key, value) => {
      if (this.txn.key.length === 0) this.txn = { ...this.txn, key };
      this.txn = { ...this.txn, sequence: this.txn.sequence + 1 };
      this.written.push({ key });
      await this.send({ type: 'put', key, value, sequence: this.txn.sequence });
    },
  };

  async commit(): Promise<void> {
    if (this.txn.key.length === 0) return;
    const endTxn: RequestUnion = { type: 'endTxn', key: this.txn.key, commit: true, lockSpans: this.written };
    try {
      await this.send(endTxn);
    } catch (err) {
      if (!(err instanceof KvErrorResponse) || err.error.type !== 'transactionRetry' || err.error.reason !== 'RETRY_SERIALIZABLE') throw err;
      // Pushed: move the reads up to the write timestamp if nothing changed under them, then commit there.
      const refreshFrom = this.txn.readTimestamp;
      this.txn = { ...this.txn, readTimestamp: this.txn.writeTimestamp };
      for (const span of this.read) await this.send({ type: 'refresh', key: span.key, refreshFrom });
      await this.send(endTxn);
    }
  }

  async restart(error: KvError): Promise<void> {
    this.read = [];
    if (error.type === 'transactionAborted') {
      if (this.txn.key.length > 0) {
        await this.sender.send({
          header: { txn: this.txn, now: this.clock.now() },
          requests: [{ type: 'endTxn', key: this.txn.key, commit: false, lockSpans: this.written }],
        });
      }
      this.written.length = 0;
      this.txn = newTxn(this.clock, this.txn.isolation, this.txn.minTimestamp);
      return;
    }
    // A new epoch: the old epoch's intents stay locked (and are replaced or removed at the end).
    const restartAt = this.clock.now().max(this.txn.writeTimestamp);
    this.txn = { ...this.txn, epoch: this.txn.epoch + 1, readTimestamp: restartAt, writeTimestamp: restartAt };
  }
}

/** Runs body in a transaction until it commits; returns how many attempts it took. */
export async function runTxn(
  sender: KvSender,
  clock: Clock,
  body: (txn: MiniTxn) => Promise<void>,
  options: { isolation?: IsolationLevel; maxAttempts?: number; stats?: RunStats } = {},
): Promise<number> {
  const maxAttempts = options.maxAttempts ?? 1000;
  const attempts = new Attempts(sender, clock, newTxn(clock, options.isolation ?? 'serializable'));
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (options.stats !== undefined) options.stats.attempts++;
    try {
      await body(attempts.api);
      await attempts.commit();
      return attempt;
    } catch (err) {
      if (!(err instanceof KvErrorResponse) || !RETRYABLE.has(err.error.type)) throw err;
      count(options.stats, err.error);
      await attempts.restart(err.error);
    }
  }
  throw new Error(`transaction did not commit in ${maxAttempts} attempts`);
}

function count(stats: RunStats | undefined, error: KvError): void {
  if (stats === undefined) return;
  if (error.type === 'transactionAborted' && error.reason === 'DEADLOCK') stats.deadlocks++;
  if (stats.errors === undefined) return;
  const name = `${error.type}${'reason' in error ? ` ${error.reason}` : ''}`;
  stats.errors.set(name, (stats.errors.get(name) ?? 0) + 1);
}
