/**
 * What the MVCC layer knows of a transaction: who owns an intent and which attempt wrote it.
 * The transaction record, its status and its heartbeat belong to the transaction layer above.
 */
import type { Brand } from '../../common/brand.js';
import type { Bytes } from '../engine.js';
import type { Timestamp } from '../hlc.js';
import { MvccError } from './errors.js';
import { txnIdBytesMax } from './limits.js';

/**
 * A transaction id: a UUID in text form in practice, any non-empty string of at most
 * txnIdBytesMax UTF-8 bytes. A string rather than 16 raw bytes so that errors and logs print it.
 */
export type TxnId = Brand<string, 'TxnId'>;

const utf8 = new TextEncoder();

export function asTxnId(text: string): TxnId {
  const bytes = utf8.encode(text).length;
  if (bytes === 0 || bytes > txnIdBytesMax) {
    throw new MvccError('INVALID_ARGUMENT', `transaction id must have 1 to ${txnIdBytesMax} bytes, not ${bytes}`);
  }
  return text as TxnId;
}

/** The transaction a request runs in, as the MVCC layer needs it. */
export interface TxnMeta {
  readonly id: TxnId;
  /**
   * Incremented on every restart of the transaction. An intent from an older epoch belongs to an
   * abandoned attempt: the transaction neither reads it nor commits it.
   */
  readonly epoch: number;
  /** Where the transaction writes its intents; it only moves forward (pushes, retries). */
  readonly writeTimestamp: Timestamp;
  /**
   * The sequence number of the write within its transaction (0 when absent). An intent keeps the
   * earlier values its transaction wrote at lower sequences, so that a savepoint rollback can undo
   * the later ones.
   */
  readonly sequence?: number | undefined;
  /**
   * Sequence ranges rolled back by savepoints: reads, conditional puts and commits of this
   * transaction skip the values written at these sequences. Sorted, disjoint, inclusive.
   */
  readonly ignoredSeqNums?: readonly SeqRange[] | undefined;
  /**
   * What the transaction layer stores with each intent so that whoever meets the intent can find
   * and judge the transaction (its record's key, priority, age). Opaque here; at most
   * intentDetailsBytesMax bytes.
   */
  readonly details?: Bytes | undefined;
}

/** An inclusive range of sequence numbers. */
export interface SeqRange {
  readonly start: number;
  readonly end: number;
}
