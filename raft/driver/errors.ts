import type { StepRejection } from '../core/types.js';

export type RaftDriverErrorCode =
  /** The core refused the request (no leader, transfer in progress, ...): retry later. */
  | 'rejected'
  /** The driver was stopped (or failed) before the request completed. */
  | 'stopped'
  /** No such group on this node. */
  | 'unknown-group'
  /** A read waited longer than its deadline; it may still be answered later and is dropped. */
  | 'timeout';

/** Operating errors of the driver, as typed values with stable codes. */
export class RaftDriverError extends Error {
  override readonly name = 'RaftDriverError';
  constructor(
    readonly code: RaftDriverErrorCode,
    message: string,
    readonly rejection?: StepRejection,
  ) {
    super(message);
  }
}
