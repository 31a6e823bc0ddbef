/**
 * The KV vocabulary: the batches a client (client/kv) sends to the ranges that hold its keys, the
 * answers, and the errors, in TypeScript. It mirrors the kv.proto the cluster will carry over
 * gRPC, so every type here is plain data (no methods, no classes other than Timestamp): a message
 * that can be encoded field by field. Nothing above client/kv sees these types.
 *
 * Conventions:
 * - Keys and values are bytes; a span is [key, endKey), or the point key when endKey is absent.
 * - Timestamps are HLC timestamps (storage/hlc.ts). Every request and response carries the
 *   sender's clock reading (`now`) so that the receiver's clock moves past it.
 * - Errors are values (`KvError`, a union on `type`), never exceptions: a batch either succeeds
 *   whole (every response present) or fails whole (one error, nothing written). A rejected promise
 *   means a bug or a closed server, not an operating condition.
 * - A batch is atomic on one range: it is evaluated under latches on every span it touches and its
 *   writes apply in one engine batch.
 */
import type { Timestamp } from '../storage/hlc.js';
import type { TxnId } from '../storage/mvcc/txn.js';

export type { TxnId };
export type Key = Uint8Array;
export type Value = Uint8Array;

/** [key, endKey), or the single key `key` when endKey is absent. */
export interface Span {
  readonly key: Key;
  readonly endKey?: Key;
}

export interface KeyValue {
  readonly key: Key;
  readonly value: Value;
}

// ---------------------------------------------------------------------------------------------
// Transactions

export type IsolationLevel = 'serializable' | 'read-committed';

/**
 * pending: running; staging: reserved for parallel commits (unused yet); committed and aborted are
 * final: a record never leaves them.
 */
export type TxnStatus = 'pending' | 'staging' | 'committed' | 'aborted';

/**
 * Priorities: a pusher wins against a pending pushee only when its priority is TXN_PRIORITY_MAX
 * and the pushee's is not, or the pushee's is TXN_PRIORITY_MIN and its own is not. Everything in
 * between waits. Normal transactions use TXN_PRIORITY_NORMAL.
 */
export const TXN_PRIORITY_MIN = 0;
export const TXN_PRIORITY_NORMAL = 1_000;
export const TXN_PRIORITY_MAX = 0x7fff_ffff;

/**
 * What every intent and every push carries of its transaction: enough to find the record
 * (key + id), to order conflicts (priority) and to judge liveness when there is no record yet
 * (minTimestamp).
 */
export interface TxnMeta {
  readonly id: TxnId;
  /**
   * The anchor: the first key the transaction writes or locks; its record lives on that key's
   * range (storage/keys.ts txnRecordKey). Empty until the first write or lock; a batch with a
   * write, a lock or an EndTxn must carry a non-empty key.
   */
  readonly key: Key;
  readonly isolation: IsolationLevel;
  /** Incremented on every restart; intents of older epochs are neither read nor committed. */
  readonly epoch: number;
  /** Where the transaction writes (and will commit); only moves forward. */
  readonly writeTimestamp: Timestamp;
  /** The transaction's first timestamp; stands in for a heartbeat until a record exists. */
  readonly minTimestamp: Timestamp;
  readonly priority: number;
  /**
   * The sequence of the latest write issued; each write request carries its own sequence (at
   * most this). Savepoints name sequences; see ignoredSeqNums.
   */
  readonly sequence: number;
}

/** An inclusive range of sequence numbers whose writes a savepoint rollback undid. */
export interface SeqNumRange {
  readonly start: number;
  readonly end: number;
}

/** The coordinator's whole view of its transaction, sent in every batch header. */
export interface Transaction extends TxnMeta {
  readonly name?: string;
  readonly status: TxnStatus;
  /** Where the transaction reads. Below or at writeTimestamp; equal to it at a serializable commit. */
  readonly readTimestamp: Timestamp;
  /** The latest heartbeat the record received (set in responses). */
  readonly lastHeartbeat?: Timestamp;
  /** Writes whose sequence is in one of these ranges are ignored: by the transaction's reads and by its commit. Sorted, disjoint. */
  readonly ignoredSeqNums: readonly SeqNumRange[];
}

// ---------------------------------------------------------------------------------------------
// Requests

/** How a request treats a lock (an intent, or a lock taken by SELECT FOR UPDATE) it cannot pass. */
export type WaitPolicy =
  /** Wait for the holder (pushing it, detecting deadlocks). */
  | 'block'
  /** Fail at once with a writeIntent error of reason WAIT_POLICY (NOWAIT; SQLSTATE 55P03). */
  | 'error';

export type LockStrength = 'shared' | 'exclusive';

export interface GetRequest {
  readonly type: 'get';
  readonly key: Key;
  /**
   * A locking read (SELECT ... FOR UPDATE/SHARE): locks the key, whether or not it exists. Locks
   * are held in the range's lock table (unreplicated, as CockroachDB's default best-effort locks:
   * a restart of the node loses them, and the transaction's commit still validates its reads).
   */
  readonly lockStrength?: LockStrength;
}

export interface ScanRequest {
  readonly type: 'scan';
  readonly key: Key;
  readonly endKey: Key;
  /** At most this many rows; absent or 0 for no limit (bounded by the server's scanRowsMax). */
  readonly limit?: number;
  readonly reverse?: boolean;
  /** A locking scan: locks every key it returns. */
  readonly lockStrength?: LockStrength;
}

interface WriteRequestBase {
  readonly key: Key;
  /** The write's sequence number in its transaction; defaults to the header's txn.sequence. */
  readonly sequence?: number;
}

export interface PutRequest extends WriteRequestBase {
  readonly type: 'put';
  readonly value: Value;
}

export interface ConditionalPutRequest extends WriteRequestBase {
  readonly type: 'conditionalPut';
  readonly value: Value;
  /** The value the key must hold now (as this transaction sees it); undefined: the key must be absent. */
  readonly expectedValue: Value | undefined;
}

export interface DeleteRequest extends WriteRequestBase {
  readonly type: 'delete';
}

export interface DeleteRangeRequest extends WriteRequestBase {
  readonly type: 'deleteRange';
  readonly endKey: Key;
}

/** Adds `by` to the key's value, a signed 64-bit big-endian integer (absent counts as 0). */
export interface IncrementRequest extends WriteRequestBase {
  readonly type: 'increment';
  readonly by: bigint;
}

/**
 * Locks a key (existing or not) or every existing key of a span, for the transaction, until it
 * ends. Fails with writeTooOld when a key has a committed version above the transaction's read
 * timestamp (the lock must cover the value the transaction read).
 */
export interface LockRequest {
  readonly type: 'lock';
  readonly key: Key;
  readonly endKey?: Key;
  readonly strength: LockStrength;
}

/**
 * Commits or aborts the header's transaction. The commit timestamp is txn.writeTimestamp (forwarded
 * by any push the record received); a serializable transaction whose write timestamp is above its
 * read timestamp gets transactionRetry RETRY_SERIALIZABLE and must refresh first. When the batch
 * holds every write of the transaction and it has no record, the server commits in one phase (no
 * record, no intents). Retrying an EndTxn is safe: a finished transaction answers with
 * transactionStatus (or transactionAborted), never commits twice.
 */
export interface EndTxnRequest {
  readonly type: 'endTxn';
  /** The transaction's anchor key (txn.key). */
  readonly key: Key;
  readonly commit: boolean;
  /** The commit must happen below this timestamp (schema leases); else RETRY_COMMIT_DEADLINE_EXCEEDED. */
  readonly deadline?: Timestamp;
  /** Every span the transaction wrote or locked: what intent resolution visits. */
  readonly lockSpans: readonly Span[];
  /** Fail (transactionStatus) rather than commit in two phases. */
  readonly require1PC?: boolean;
}

/** Keeps the record alive (creating it PENDING the first time); see TXN_HEARTBEAT_INTERVAL_MS. */
export interface HeartbeatTxnRequest {
  readonly type: 'heartbeatTxn';
  readonly key: Key;
  readonly now: Timestamp;
}

/**
 * timestamp: move the pushee's write timestamp to at least pushTo; abort: abort it; touch: only
 * succeed if the pushee is finished or expired. A push of a pending pushee succeeds when the
 * pushee is expired, the priorities allow it, `force` is set, or (timestamp pushes) the pushee is
 * read-committed; otherwise the pusher waits on the pushee's range until the pushee finishes,
 * expires, or a deadlock is found (the victim is aborted with reason DEADLOCK).
 */
export type PushType = 'timestamp' | 'abort' | 'touch';

export interface PushTxnRequest {
  readonly type: 'pushTxn';
  /** The pushee's anchor key. */
  readonly key: Key;
  /** Absent for a non-transactional pusher. */
  readonly pusherTxn?: TxnMeta;
  readonly pusheeTxn: TxnMeta;
  readonly pushTo: Timestamp;
  readonly pushType: PushType;
  readonly force?: boolean;
  /**
   * Set by a replica that found a deadlock: the cycle's transactions, the victim (the pushee)
   * first. The push is forced and the pushee aborted with reason DEADLOCK.
   */
  readonly deadlockCycle?: readonly TxnId[];
}

export interface QueryTxnRequest {
  readonly type: 'queryTxn';
  readonly key: Key;
  readonly txn: TxnMeta;
}

/** The fate to give the intent(s) of intentTxn. */
export type ResolveStatus = 'committed' | 'aborted' | 'pending';

export interface ResolveIntentRequest {
  readonly type: 'resolveIntent';
  readonly key: Key;
  /** Carries the commit timestamp (writeTimestamp) and epoch. */
  readonly intentTxn: TxnMeta;
  readonly status: ResolveStatus;
  readonly ignoredSeqNums?: readonly SeqNumRange[];
  /** Aborted only: record the abort on the range so the transaction's later requests there fail. */
  readonly poison?: boolean;
}

export interface ResolveIntentRangeRequest extends Omit<ResolveIntentRequest, 'type'> {
  readonly type: 'resolveIntentRange';
  readonly endKey: Key;
}

/**
 * Read refresh: fails (transactionRetry RETRY_SERIALIZABLE naming the key and the writer) if any
 * committed write or another transaction's intent lies in (refreshFrom, txn.readTimestamp] on the
 * span; on success the span counts as read at txn.readTimestamp (the timestamp cache moves).
 */
export interface RefreshRequest {
  readonly type: 'refresh';
  readonly key: Key;
  readonly refreshFrom: Timestamp;
}

export interface RefreshRangeRequest {
  readonly type: 'refreshRange';
  readonly key: Key;
  readonly endKey: Key;
  readonly refreshFrom: Timestamp;
}

export type RequestUnion =
  | GetRequest
  | ScanRequest
  | PutRequest
  | ConditionalPutRequest
  | DeleteRequest
  | DeleteRangeRequest
  | IncrementRequest
  | LockRequest
  | EndTxnRequest
  | HeartbeatTxnRequest
  | PushTxnRequest
  | QueryTxnRequest
  | ResolveIntentRequest
  | ResolveIntentRangeRequest
  | RefreshRequest
  | RefreshRangeRequest;

export type RequestType = RequestUnion['type'];

export interface BatchHeader {
  /** The transaction; absent for a non-transactional batch (each such batch is its own atomic unit). */
  readonly txn?: Transaction;
  /**
   * Non-transactional batches: the timestamp to read and write at; absent, the server's clock.
   * Must be absent in a transactional batch (the transaction's timestamps rule).
   */
  readonly timestamp?: Timestamp;
  readonly waitPolicy?: WaitPolicy;
  /** Give up waiting for a lock after this long: writeIntent with reason LOCK_TIMEOUT (SQLSTATE 55P03). */
  readonly lockTimeoutMs?: number;
  /**
   * The transaction has read nothing it would need to refresh, so the server may move its read
   * timestamp up (to its write timestamp) to avoid a retry: a server-side refresh. Implicit
   * single-statement transactions set it.
   */
  readonly canForwardReadTimestamp?: boolean;
  /** The sender's clock, for the HLC receive rule. */
  readonly now?: Timestamp;
}

export interface BatchRequest {
  readonly header: BatchHeader;
  readonly requests: readonly RequestUnion[];
}

// ---------------------------------------------------------------------------------------------
// Responses

export interface GetResponse {
  readonly type: 'get';
  readonly value: Value | undefined;
}

export interface ScanResponse {
  readonly type: 'scan';
  readonly rows: readonly KeyValue[];
  /** What is left of the span when the limit stopped the scan; absent when it covered the span. */
  readonly resumeSpan?: Span;
}

export interface PutResponse {
  readonly type: 'put';
}

export interface ConditionalPutResponse {
  readonly type: 'conditionalPut';
}

export interface DeleteResponse {
  readonly type: 'delete';
  /** Whether the key held a value (as the writer saw it) before the delete. */
  readonly found: boolean;
}

export interface DeleteRangeResponse {
  readonly type: 'deleteRange';
  /** The keys that held a value and were deleted, in order. */
  readonly keys: readonly Key[];
}

export interface IncrementResponse {
  readonly type: 'increment';
  readonly newValue: bigint;
}

export interface LockResponse {
  readonly type: 'lock';
  /** The keys locked. */
  readonly keys: readonly Key[];
}

export interface EndTxnResponse {
  readonly type: 'endTxn';
  /**
   * The transaction committed without a record ever being written: its commit and the resolution
   * of its intents happened in this one batch (always the case when the batch holds all its writes).
   */
  readonly onePhaseCommit: boolean;
}

export interface HeartbeatTxnResponse {
  readonly type: 'heartbeatTxn';
  /** The record: its status says whether someone aborted the transaction. */
  readonly txn: TxnRecordView;
}

export interface PushTxnResponse {
  readonly type: 'pushTxn';
  /** The pushee after the push: finished, or pending with its write timestamp at least pushTo. */
  readonly pusheeTxn: TxnRecordView;
}

export interface QueryTxnResponse {
  readonly type: 'queryTxn';
  readonly queriedTxn: TxnRecordView;
  /** Transactions waiting on the queried one (for distributed deadlock detection). */
  readonly waitingTxns: readonly TxnId[];
}

export interface ResolveIntentResponse {
  readonly type: 'resolveIntent';
  /** Whether an intent (or lock) of the transaction was there to resolve. */
  readonly resolved: boolean;
}

export interface ResolveIntentRangeResponse {
  readonly type: 'resolveIntentRange';
  readonly resolvedCount: number;
  /** What is left when the server's bound stopped the resolution; absent when the span is done. */
  readonly resumeSpan?: Span;
}

export interface RefreshResponse {
  readonly type: 'refresh';
}

export interface RefreshRangeResponse {
  readonly type: 'refreshRange';
}

export type ResponseUnion =
  | GetResponse
  | ScanResponse
  | PutResponse
  | ConditionalPutResponse
  | DeleteResponse
  | DeleteRangeResponse
  | IncrementResponse
  | LockResponse
  | EndTxnResponse
  | HeartbeatTxnResponse
  | PushTxnResponse
  | QueryTxnResponse
  | ResolveIntentResponse
  | ResolveIntentRangeResponse
  | RefreshResponse
  | RefreshRangeResponse;

/** The response that answers each request type. */
export type ResponseFor<R extends RequestUnion> = Extract<ResponseUnion, { type: R['type'] }>;

/** A transaction record as the server holds it (what heartbeats, pushes and queries return). */
export interface TxnRecordView extends TxnMeta {
  readonly status: TxnStatus;
  /** Absent when the record does not exist (yet): then minTimestamp stands in for it. */
  readonly lastHeartbeat?: Timestamp;
  /** For aborted records: why. */
  readonly abortReason?: TransactionAbortedReason;
  /** Committed records: the savepoint rollbacks whoever resolves the intents must honour. */
  readonly ignoredSeqNums?: readonly SeqNumRange[];
}

export interface ResponseHeader {
  /**
   * The transaction after the batch: write timestamp pushed by the timestamp cache or by a
   * server-side refresh (then readTimestamp too), status after EndTxn. Absent for
   * non-transactional batches.
   */
  readonly txn?: Transaction;
  /** Non-transactional batches: the timestamp the batch read and wrote at. */
  readonly timestamp: Timestamp;
  /** The server's clock, for the HLC receive rule. */
  readonly now: Timestamp;
}

export type BatchResponse =
  | { readonly kind: 'ok'; readonly header: ResponseHeader; readonly responses: readonly ResponseUnion[] }
  | {
      readonly kind: 'error';
      readonly header: ResponseHeader;
      readonly error: KvError;
      /** The request that failed, when one did. */
      readonly index?: number;
    };

/** Anything that serves batches: the in-process server today, a gRPC client of the cluster later. */
export interface KvSender {
  send(batch: BatchRequest): Promise<BatchResponse>;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** A key holding another transaction's intent or lock that the request could not pass. */
export interface LockConflict {
  readonly key: Key;
  readonly txn: TxnMeta;
}

export type WriteIntentReason =
  /** waitPolicy 'error' (NOWAIT). */
  | 'WAIT_POLICY'
  /** lockTimeoutMs ran out. */
  | 'LOCK_TIMEOUT'
  /** The server's wait queue for the key was full (limits). */
  | 'WAIT_QUEUE_FULL';

export interface WriteIntentError {
  readonly type: 'writeIntent';
  readonly reason: WriteIntentReason;
  readonly conflicts: readonly LockConflict[];
  readonly message: string;
}

/** A committed version exists at or above the write's timestamp: write at actualTimestamp instead. */
export interface WriteTooOldError {
  readonly type: 'writeTooOld';
  readonly key: Key;
  readonly timestamp: Timestamp;
  readonly actualTimestamp: Timestamp;
  readonly message: string;
}

export type TransactionRetryReason =
  | 'RETRY_WRITE_TOO_OLD'
  /** A refresh failed, or a serializable commit found its write timestamp above its read timestamp. */
  | 'RETRY_SERIALIZABLE'
  | 'RETRY_ASYNC_WRITE_FAILURE'
  | 'RETRY_COMMIT_DEADLINE_EXCEEDED';

/** The transaction must restart (SQLSTATE 40001); key and conflictingTxnId say why, when known. */
export interface TransactionRetryError {
  readonly type: 'transactionRetry';
  readonly reason: TransactionRetryReason;
  readonly key?: Key;
  readonly conflictingTxnId?: TxnId;
  /** For RETRY_SERIALIZABLE from a refresh: the timestamp of the conflicting write. */
  readonly conflictingTimestamp?: Timestamp;
  readonly message: string;
}

export type TransactionAbortedReason =
  /** The record was found aborted (by a pusher, a rollback, a timeout). */
  | 'ABORTED_RECORD_FOUND'
  /** The client rolled back. */
  | 'CLIENT_REJECT'
  /** The transaction was pushing another and learned it was aborted itself. */
  | 'PUSHER_ABORTED'
  /** Chosen as the victim of a deadlock (SQLSTATE 40P01). */
  | 'DEADLOCK'
  /** Its heartbeat expired and a pusher aborted it (abandoned by its coordinator). */
  | 'HEARTBEAT_EXPIRED'
  /** A pusher with higher priority aborted it. */
  | 'PUSHED_BY_PRIORITY'
  /** The range's abort span says the transaction was aborted and its intents removed. */
  | 'ABORT_SPAN'
  /** A record cannot be created: the transaction already finished (a replayed request). */
  | 'ALREADY_COMMITTED_OR_ROLLED_BACK_POSSIBLE_REPLAY'
  /** A record cannot be created: the range lost track of whether the transaction finished (a restart). */
  | 'TIMESTAMP_CACHE_REJECTED';

/** The transaction is aborted (SQLSTATE 40001, or 40P01 for DEADLOCK); the client starts a new one. */
export interface TransactionAbortedError {
  readonly type: 'transactionAborted';
  readonly reason: TransactionAbortedReason;
  readonly txnId: TxnId;
  /** The transaction that caused the abort (the deadlock partner, the pusher), when known. */
  readonly conflictingTxnId?: TxnId;
  /** DEADLOCK: the transactions of the cycle, the victim first. */
  readonly deadlockCycle?: readonly TxnId[];
  readonly message: string;
}

/** The request does not fit the transaction's state: it is committed, or a stale epoch. */
export interface TransactionStatusError {
  readonly type: 'transactionStatus';
  readonly status: TxnStatus;
  readonly reason: 'ALREADY_COMMITTED' | 'STALE_EPOCH' | 'REQUIRE_1PC' | 'RECORD_MISMATCH';
  readonly message: string;
}

/** A push that could not succeed without waiting, when the pusher asked not to wait. */
export interface TransactionPushError {
  readonly type: 'transactionPush';
  readonly pusheeTxn: TxnRecordView;
  readonly message: string;
}

/** A conditional put found another value (undefined: the key is absent). */
export interface ConditionFailedError {
  readonly type: 'conditionFailed';
  readonly key: Key;
  readonly actualValue: Value | undefined;
  readonly message: string;
}

/** A key outside the range that received it (the cluster: the client's range cache is stale). */
export interface RangeKeyMismatchError {
  readonly type: 'rangeKeyMismatch';
  readonly key: Key;
  readonly rangeStartKey: Key;
  readonly rangeEndKey: Key;
  readonly message: string;
}

/** The range's lease is elsewhere (the cluster; unused while one process serves everything). */
export interface NotLeaseholderError {
  readonly type: 'notLeaseholder';
  readonly rangeId: number;
  readonly leaseholderNodeId?: number;
  readonly message: string;
}

/** A malformed request: a key outside the addressable span, a missing anchor key, a bad span. */
export interface InvalidRequestError {
  readonly type: 'invalidRequest';
  readonly message: string;
}

/** A request over one of the server's limits (SQLSTATE 54000); limitName names it. */
export interface LimitExceededError {
  readonly type: 'limitExceeded';
  readonly limitName: string;
  readonly message: string;
}

/** The storage failed (I/O error, checksum mismatch, corrupt data): nothing was written (SQLSTATE XX001/58030). */
export interface StorageError {
  readonly type: 'storage';
  readonly code: string;
  readonly key?: Key;
  readonly message: string;
}

/** The server is shutting down or closed: the batch may or may not have applied only if it was already evaluating. */
export interface UnavailableError {
  readonly type: 'unavailable';
  readonly message: string;
}

export type KvError =
  | WriteIntentError
  | WriteTooOldError
  | TransactionRetryError
  | TransactionAbortedError
  | TransactionStatusError
  | TransactionPushError
  | ConditionFailedError
  | RangeKeyMismatchError
  | NotLeaseholderError
  | InvalidRequestError
  | LimitExceededError
  | StorageError
  | UnavailableError;

export type KvErrorType = KvError['type'];

// ---------------------------------------------------------------------------------------------
// Settings shared by both sides

/** How often a coordinator heartbeats its transaction record. */
export const TXN_HEARTBEAT_INTERVAL_MS = 1_000;
/**
 * A pending record whose last heartbeat (or, without a record, whose minTimestamp) is older than
 * this may be aborted by any pusher: five missed heartbeats, as in CockroachDB, so one slow event
 * loop turn never aborts a live transaction. Servers take it as a setting (tests inject it).
 */
export const TXN_EXPIRATION_MS_DEFAULT = 5 * TXN_HEARTBEAT_INTERVAL_MS;

/** The key of every request: where the cluster routes it. */
export function requestSpan(request: RequestUnion): Span {
  return 'endKey' in request && request.endKey !== undefined ? { key: request.key, endKey: request.endKey } : { key: request.key };
}
