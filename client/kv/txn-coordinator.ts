/**
 * The transaction coordinator: the client's half of the transaction protocol (CockroachDB's
 * TxnCoordSender, in one class). It owns the transaction's view of itself (id, anchor key, epoch,
 * read and write timestamps, sequence, ignored sequences, status) and sends every batch of the
 * transaction through a KvSender, so that
 * - each write carries the next sequence number, the first write or lock names the anchor key
 *   (where the record lives), and every written or locked span is remembered for intent
 *   resolution at the end (lock spans);
 * - every span a SERIALIZABLE transaction read is remembered (refresh spans): when its write
 *   timestamp is pushed above its read timestamp (the timestamp cache, a pusher, a write that was
 *   too old), it can still commit if nothing it read changed in between, which a Refresh of those
 *   spans checks; otherwise it must restart (SQLSTATE 40001, naming the key and the writer);
 * - a write that meets a newer committed version (writeTooOld) moves the write timestamp above it
 *   and is sent again; a locking read must also read that version, so its read timestamp moves
 *   too (after a refresh, under SERIALIZABLE; for that batch only, under READ COMMITTED);
 * - the record is heartbeaten while the transaction runs (heartbeater.ts);
 * - commit refreshes first when needed, then sends EndTxn with the lock spans (in the same batch
 *   as the last writes when the caller asks: one-phase commit); rollback sends EndTxn(abort).
 *
 * READ COMMITTED differs in two ways: the read timestamp moves forward per statement
 * (stepReadTimestamp) and it never refreshes, because it may commit with its writes above its
 * reads (PostgreSQL, 13.2.1: "a SELECT query ... sees only data committed before the query
 * began").
 *
 * After an error the transaction is in one of three states. Retry errors leave it
 * 'restart-required': every request fails with the same error until restart() (or a rollback),
 * so that a caller that ignored the error cannot go on as if its earlier writes stood. Aborts
 * leave it 'aborted' for good (a new transaction is needed). Other errors (a failed condition, a
 * lock not available) leave it pending: the batch wrote nothing, and a savepoint rollback can
 * continue from there.
 */
import { assert } from '../../common/assert.js';
import type {
  BatchHeader,
  BatchResponse,
  EndTxnRequest,
  IsolationLevel,
  KvSender,
  RequestUnion,
  ResponseHeader,
  ResponseUnion,
  SeqNumRange,
  Span,
  Transaction,
  TransactionAbortedError,
  TransactionRetryError,
  TxnId,
  TxnRecordView,
  WaitPolicy,
} from '../../proto/kv-api.js';
import type { Clock, Timestamp } from '../../storage/hlc.js';
import { KvError, type KvErrorValue } from './errors.js';
import { Heartbeater } from './heartbeater.js';
import { batchRetriesMax, lockSpanBytesMax, refreshSpanBytesMax, txnSequenceMax } from './limits.js';
import { addIgnoredRange, type Savepoint } from './savepoint.js';
import { SpanSet, keyNext } from './span-set.js';
import type { Timers } from './timers.js';

/** What the coordinator needs of its surroundings; KvDB provides it. */
export interface CoordinatorContext {
  readonly sender: KvSender;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly heartbeatIntervalMs: number;
  /** Background work (cleanup after an abort) that KvDB.close() waits for. */
  readonly track: (work: Promise<unknown>) => void;
  /** Called once when the transaction is finished (committed or aborted). */
  readonly onFinished: (coordinator: TxnCoordinator) => void;
}

export interface CoordinatorInit {
  readonly id: TxnId;
  readonly isolation: IsolationLevel;
  readonly priority: number;
  readonly name?: string | undefined;
}

export interface SendOptions {
  readonly waitPolicy?: WaitPolicy | undefined;
  readonly lockTimeoutMs?: number | undefined;
}

export type TxnState = 'pending' | 'restart-required' | 'committed' | 'aborted';

type WriteRequest = Extract<RequestUnion, { type: 'put' | 'conditionalPut' | 'delete' | 'deleteRange' | 'increment' }>;

function isWrite(request: RequestUnion): request is WriteRequest {
  switch (request.type) {
    case 'put':
    case 'conditionalPut':
    case 'delete':
    case 'deleteRange':
    case 'increment':
      return true;
    default:
      return false;
  }
}

/** A request that takes a lock: a write, a Lock, or a locking read. */
function isLocking(request: RequestUnion): boolean {
  return isWrite(request) || request.type === 'lock' || ((request.type === 'get' || request.type === 'scan') && request.lockStrength !== undefined);
}

/** A request that must see the newest committed value of its keys: a Lock or a locking read. */
function isLockingRead(request: RequestUnion): boolean {
  return request.type === 'lock' || ((request.type === 'get' || request.type === 'scan') && request.lockStrength !== undefined);
}

function requestSpanOf(request: RequestUnion): Span {
  return 'endKey' in request && request.endKey !== undefined ? { key: request.key, endKey: request.endKey } : { key: request.key };
}

export class TxnCoordinator {
  readonly id: TxnId;
  readonly isolation: IsolationLevel;
  private readonly priority: number;
  private readonly name: string | undefined;
  private readonly minTimestamp: Timestamp;
  private anchor: Uint8Array = new Uint8Array(0);
  private epoch = 0;
  private readTs: Timestamp;
  private writeTs: Timestamp;
  private sequence = 0;
  /** The sequence when the current epoch began: a savepoint taken there is 'initial'. */
  private epochStartSequence = 0;
  private ignoredSeqNums: SeqNumRange[] = [];
  private stateValue: TxnState = 'pending';
  /** Why the transaction must restart or was aborted: thrown again at every use. */
  private failure: KvError | undefined;
  private readonly lockSpans = new SpanSet(lockSpanBytesMax);
  private readonly refreshSpans = new SpanSet(refreshSpanBytesMax);
  private readonly heartbeater: Heartbeater;
  /** The EndTxn(abort) in flight or done, so that it is sent once. */
  private rollbackWork: Promise<void> | undefined;

  constructor(
    private readonly context: CoordinatorContext,
    init: CoordinatorInit,
  ) {
    this.id = init.id;
    this.isolation = init.isolation;
    this.priority = init.priority;
    this.name = init.name;
    const now = context.clock.now();
    this.minTimestamp = now;
    this.readTs = now;
    this.writeTs = now;
    this.heartbeater = new Heartbeater(
      {
        heartbeatTxn: () => (this.stateValue === 'pending' || this.stateValue === 'restart-required' ? this.proto() : undefined),
        sendHeartbeat: (txn, request) => context.sender.send({ header: { txn, now: context.clock.now() }, requests: [request] }),
        onRecord: (record) => this.onRecord(record),
        onHeartbeatError: (response) => this.onHeartbeatError(response),
      },
      context.timers,
      context.heartbeatIntervalMs,
      () => context.clock.now(),
    );
  }

  get state(): TxnState {
    return this.stateValue;
  }

  get readTimestamp(): Timestamp {
    return this.readTs;
  }

  get writeTimestamp(): Timestamp {
    return this.writeTs;
  }

  get currentEpoch(): number {
    return this.epoch;
  }

  /** The transaction as every batch header carries it; readTs overrides the read timestamp for one batch. */
  proto(readTs: Timestamp = this.readTs): Transaction {
    return {
      id: this.id,
      key: this.anchor,
      isolation: this.isolation,
      epoch: this.epoch,
      writeTimestamp: this.writeTs.max(readTs),
      readTimestamp: readTs,
      minTimestamp: this.minTimestamp,
      priority: this.priority,
      sequence: this.sequence,
      status: 'pending',
      ignoredSeqNums: this.ignoredSeqNums,
      ...(this.name === undefined ? {} : { name: this.name }),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Requests

  /** Sends requests in one batch of the transaction; the responses in request order. */
  async send(requests: readonly RequestUnion[], options: SendOptions = {}): Promise<readonly ResponseUnion[]> {
    this.checkUsable();
    if (requests.length === 0) return [];
    const prepared = this.prepare(requests, false);
    return this.sendPrepared(prepared, options);
  }

  /**
   * Commits, sending requests (the transaction's last operations) in the same batch as the
   * EndTxn: when they are all its writes, the server commits in one phase. Returns the responses
   * to requests.
   */
  async commit(requests: readonly RequestUnion[], options: SendOptions & { deadline?: Timestamp | undefined } = {}): Promise<readonly ResponseUnion[]> {
    this.checkUsable();
    const prepared = this.prepare(requests, true);
    if (this.lockSpans.isEmpty) {
      // Read-only: there is no record and nothing to resolve, and a read-only transaction's
      // timestamp is never pushed, so it commits where it read, without a round trip.
      const responses = prepared.length === 0 ? [] : await this.sendPrepared(prepared, options);
      this.finish('committed');
      return responses;
    }
    if (this.isolation === 'serializable' && this.readTs.less(this.writeTs)) await this.refresh(this.writeTs);
    const endTxn: EndTxnRequest = {
      type: 'endTxn',
      key: this.anchor,
      commit: true,
      lockSpans: this.lockSpans.spans(),
      ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
    };
    const responses = await this.sendPrepared([...prepared, endTxn], options);
    this.finish('committed');
    return responses.slice(0, prepared.length);
  }

  /**
   * Aborts: the record becomes ABORTED and the intents are resolved (the server does it
   * asynchronously). Harmless on a transaction already aborted; a transaction that wrote nothing
   * sends nothing.
   */
  async rollback(): Promise<void> {
    assert(this.stateValue !== 'committed', `transaction ${this.id} is committed: it cannot roll back`);
    if (this.stateValue !== 'aborted') {
      this.failure = new KvError(
        { type: 'transactionAborted', reason: 'CLIENT_REJECT', txnId: this.id, message: `transaction ${this.id} was rolled back` },
        { txnId: this.id },
      );
      this.finish('aborted');
    }
    await this.sendRollback();
  }

  /**
   * READ COMMITTED: the next statement reads at a fresh timestamp, seeing everything committed
   * before it began. SERIALIZABLE: nothing (the whole transaction reads at one snapshot).
   */
  stepReadTimestamp(): void {
    this.checkUsable();
    if (this.isolation !== 'read-committed') return;
    const now = this.context.clock.now();
    this.readTs = this.readTs.max(now);
    this.writeTs = this.writeTs.max(this.readTs);
  }

  /**
   * Starts the next attempt after a retry error: a new epoch at a fresh timestamp. The old
   * epoch's intents stay until the new one overwrites them or the end resolves them (they keep
   * this transaction's place in the queues of the keys it wrote); its reads are forgotten.
   */
  restart(): void {
    assert(this.stateValue === 'restart-required' || this.stateValue === 'pending', `transaction ${this.id} is ${this.stateValue}: it cannot restart`);
    this.epoch++;
    const ts = this.writeTs.max(this.context.clock.now());
    this.readTs = ts;
    this.writeTs = ts;
    this.refreshSpans.clear();
    this.ignoredSeqNums = [];
    this.epochStartSequence = this.sequence;
    this.failure = undefined;
    this.stateValue = 'pending';
  }

  // -------------------------------------------------------------------------------------------
  // Savepoints

  savepoint(): Savepoint {
    this.checkUsable();
    return { epoch: this.epoch, sequence: this.sequence, initial: this.sequence === this.epochStartSequence, txnId: this.id };
  }

  /**
   * Undoes the writes made since the savepoint. A transaction waiting for a restart can roll back
   * only to a savepoint taken before its first write of an attempt (that restarts it); an aborted
   * one cannot roll back at all.
   */
  rollbackToSavepoint(savepoint: Savepoint): void {
    assert(savepoint.txnId === this.id, 'a savepoint of another transaction');
    if (this.stateValue === 'aborted' || this.stateValue === 'committed') this.checkUsable();
    if (savepoint.initial && (this.stateValue === 'restart-required' || savepoint.epoch < this.epoch)) {
      if (this.stateValue === 'restart-required') this.restart();
      // Everything this epoch wrote goes; older epochs' writes are ignored anyway.
      this.ignoreSince(this.epochStartSequence);
      return;
    }
    if (this.stateValue === 'restart-required') this.checkUsable();
    if (savepoint.epoch !== this.epoch) {
      throw new KvError(
        {
          type: 'transactionRetry',
          reason: 'RETRY_SERIALIZABLE',
          message: `transaction ${this.id} restarted after the savepoint was taken: roll back the whole transaction`,
        },
        { txnId: this.id },
      );
    }
    this.ignoreSince(savepoint.sequence);
  }

  private ignoreSince(sequence: number): void {
    if (sequence < this.sequence) this.ignoredSeqNums = addIgnoredRange(this.ignoredSeqNums, { start: sequence + 1, end: this.sequence });
  }

  // -------------------------------------------------------------------------------------------
  // The send loop

  /**
   * Numbers the writes, names the anchor, and records the spans to resolve, before sending: a
   * batch that fails may still have left intents behind on some range (in a cluster), and
   * resolving a span that holds none costs little.
   */
  private prepare(requests: readonly RequestUnion[], committing: boolean): RequestUnion[] {
    let locking = false;
    const prepared = requests.map((request) => {
      if (!isLocking(request)) return request;
      locking = true;
      if (this.anchor.length === 0) this.anchor = request.key;
      this.lockSpans.addSpan(requestSpanOf(request));
      if (!isWrite(request)) return request;
      assert(this.sequence < txnSequenceMax, `transaction ${this.id} has issued ${txnSequenceMax} writes`);
      this.sequence++;
      return { ...request, sequence: this.sequence };
    });
    // A batch that commits too needs no heartbeat: the transaction ends with it (one phase).
    if (locking && !committing) this.heartbeater.start();
    return prepared;
  }

  private async sendPrepared(requests: readonly RequestUnion[], options: SendOptions): Promise<readonly ResponseUnion[]> {
    // READ COMMITTED locking reads that met a newer version read at its timestamp, in this batch only.
    let batchReadTs: Timestamp | undefined;
    for (let attempt = 0; ; attempt++) {
      const canForward = this.canForwardReadTimestamp(requests);
      const header: BatchHeader = {
        txn: this.proto(batchReadTs),
        now: this.context.clock.now(),
        ...(options.waitPolicy === undefined ? {} : { waitPolicy: options.waitPolicy }),
        ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
        ...(canForward ? { canForwardReadTimestamp: true } : {}),
      };
      const response = await this.context.sender.send({ header, requests });
      this.receive(response.header, canForward);
      if (response.kind === 'ok') {
        this.recordReads(requests, response.responses);
        return response.responses;
      }
      const error = response.error;
      const context = { index: response.index, txnId: this.id };
      switch (error.type) {
        case 'writeTooOld': {
          if (attempt >= batchRetriesMax) {
            throw this.requireRestart({
              type: 'transactionRetry',
              reason: 'RETRY_WRITE_TOO_OLD',
              key: error.key,
              message: `transaction ${this.id} met ${batchRetriesMax + 1} newer versions in a row; last on ${error.message}`,
            });
          }
          this.writeTs = this.writeTs.max(error.actualTimestamp);
          const failed = response.index === undefined ? undefined : requests[response.index];
          const mustRead = failed === undefined ? requests.some(isLockingRead) : isLockingRead(failed);
          if (mustRead) {
            if (this.isolation === 'read-committed') batchReadTs = (batchReadTs ?? this.readTs).max(error.actualTimestamp);
            else await this.refresh(this.writeTs);
          }
          continue;
        }
        case 'transactionRetry':
          // A serializable commit above its read timestamp: refresh and commit again.
          if (
            error.reason === 'RETRY_SERIALIZABLE' &&
            attempt < batchRetriesMax &&
            this.isolation === 'serializable' &&
            requests.some((request) => request.type === 'endTxn') &&
            this.readTs.less(this.writeTs)
          ) {
            await this.refresh(this.writeTs);
            continue;
          }
          throw this.requireRestart(error, context.index);
        case 'transactionAborted':
          throw this.abortedBy(error, context.index);
        default:
          throw new KvError(error, context);
      }
    }
  }

  /**
   * Moves the read timestamp to target if nothing read since the current one changed in
   * between; otherwise the transaction must restart (the error names the key and the writer).
   */
  private async refresh(target: Timestamp): Promise<void> {
    assert(this.isolation === 'serializable', 'only SERIALIZABLE transactions refresh');
    if (!this.readTs.less(target)) return;
    this.writeTs = this.writeTs.max(target);
    const spans = this.refreshSpans.spans();
    if (spans.length > 0) {
      const from = this.readTs;
      const requests: RequestUnion[] = spans.map((span) =>
        span.endKey === undefined
          ? { type: 'refresh', key: span.key, refreshFrom: from }
          : { type: 'refreshRange', key: span.key, endKey: span.endKey, refreshFrom: from },
      );
      const response = await this.context.sender.send({ header: { txn: this.proto(target), now: this.context.clock.now() }, requests });
      this.receive(response.header, false);
      if (response.kind === 'error') {
        const error = response.error;
        if (error.type === 'transactionRetry') throw this.requireRestart(error);
        if (error.type === 'transactionAborted') throw this.abortedBy(error);
        throw new KvError(error, { txnId: this.id });
      }
    }
    this.readTs = this.readTs.max(target);
  }

  /**
   * Whether the server may move the batch's read timestamp up to its write timestamp (and retry
   * there rather than answer writeTooOld). Under SERIALIZABLE, when the transaction has read
   * nothing a later timestamp could invalidate. Under READ COMMITTED, unless the batch holds a
   * plain read: that one must read at the statement's snapshot, while writes and locking reads
   * are free to act on the newest versions.
   */
  private canForwardReadTimestamp(requests: readonly RequestUnion[]): boolean {
    if (this.isolation === 'serializable') return this.refreshSpans.isEmpty;
    return !requests.some((request) => (request.type === 'get' || request.type === 'scan') && request.lockStrength === undefined);
  }

  /** Adopts what the server learned: the clock, a pushed write timestamp, a server-side refresh. */
  private receive(header: ResponseHeader, canForward: boolean): void {
    this.context.clock.update(header.now);
    const txn = header.txn;
    if (txn === undefined || txn.id !== this.id || txn.epoch !== this.epoch) return;
    this.writeTs = this.writeTs.max(txn.writeTimestamp);
    // A server-side refresh moved the whole batch (and so the transaction) to a later snapshot.
    if (canForward && this.isolation === 'serializable') this.readTs = this.readTs.max(txn.readTimestamp);
  }

  /** What a SERIALIZABLE transaction read, so that it can refresh it. */
  private recordReads(requests: readonly RequestUnion[], responses: readonly ResponseUnion[]): void {
    if (this.isolation !== 'serializable') return;
    requests.forEach((request, i) => {
      switch (request.type) {
        case 'get':
          this.refreshSpans.add(request.key);
          return;
        case 'scan': {
          const response = responses[i];
          const resume = response?.type === 'scan' ? response.resumeSpan : undefined;
          // Only what the scan covered: forward it stopped before resume.key; in reverse it
          // covered [resume.endKey, endKey).
          if (resume === undefined) this.refreshSpans.add(request.key, request.endKey);
          else if (request.reverse === true) this.refreshSpans.add(resume.endKey ?? keyNext(resume.key), request.endKey);
          else this.refreshSpans.add(request.key, resume.key);
          return;
        }
        // A DeleteRange decides which keys to delete by reading the span; a Lock reads whether
        // its keys changed since the read timestamp.
        case 'deleteRange':
        case 'lock':
          this.refreshSpans.addSpan(requestSpanOf(request));
          return;
        default:
          return;
      }
    });
  }

  // -------------------------------------------------------------------------------------------
  // States

  private checkUsable(): void {
    switch (this.stateValue) {
      case 'pending':
        return;
      case 'restart-required':
      case 'aborted':
        assert(this.failure !== undefined, 'a failed transaction remembers why');
        throw this.failure;
      case 'committed':
        assert(false, `transaction ${this.id} is committed: it cannot be used any more`);
    }
  }

  private requireRestart(error: TransactionRetryError, index?: number): KvError {
    const failure = new KvError(error, { index, txnId: this.id });
    this.failure = failure;
    this.stateValue = 'restart-required';
    return failure;
  }

  private abortedBy(error: TransactionAbortedError, index?: number): KvError {
    const failure = new KvError(error, { index, txnId: this.id });
    if (this.stateValue === 'aborted') return failure;
    this.failure = failure;
    this.finish('aborted');
    // Resolve the intents now rather than leave them for whoever meets them.
    this.context.track(this.sendRollback());
    return failure;
  }

  private finish(state: 'committed' | 'aborted'): void {
    this.stateValue = state;
    void this.heartbeater.stop();
    this.context.onFinished(this);
  }

  private sendRollback(): Promise<void> {
    this.rollbackWork ??= this.rollbackOnce();
    return this.rollbackWork;
  }

  private async rollbackOnce(): Promise<void> {
    await this.heartbeater.stop();
    // Nothing written or locked: no record, no intents.
    if (this.anchor.length === 0) return;
    const request: EndTxnRequest = { type: 'endTxn', key: this.anchor, commit: false, lockSpans: this.lockSpans.spans() };
    const response = await this.context.sender.send({ header: { txn: this.proto(), now: this.context.clock.now() }, requests: [request] });
    this.context.clock.update(response.header.now);
    if (response.kind === 'ok') return;
    const error = response.error;
    // Already aborted (by a pusher), or a replay: the intents are being resolved either way.
    if (error.type === 'transactionAborted' || error.type === 'transactionStatus') return;
    throw new KvError(error, { txnId: this.id });
  }

  private onRecord(record: TxnRecordView): void {
    if (this.stateValue !== 'pending' && this.stateValue !== 'restart-required') return;
    if (record.status === 'aborted') {
      this.abortedBy({
        type: 'transactionAborted',
        reason: record.abortReason ?? 'ABORTED_RECORD_FOUND',
        txnId: this.id,
        message: `transaction ${this.id} was aborted (${record.abortReason ?? 'ABORTED_RECORD_FOUND'}), as its heartbeat found`,
      });
      return;
    }
    // A pusher moved the record: commit will have to refresh to at least there.
    if (record.status === 'pending') this.writeTs = this.writeTs.max(record.writeTimestamp);
  }

  private onHeartbeatError(response: Extract<BatchResponse, { kind: 'error' }>): void {
    const error: KvErrorValue = response.error;
    if (error.type === 'transactionAborted' && (this.stateValue === 'pending' || this.stateValue === 'restart-required')) this.abortedBy(error);
  }
}
