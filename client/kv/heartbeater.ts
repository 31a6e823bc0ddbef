/**
 * Keeps a transaction record alive while its coordinator runs. A record whose last heartbeat is
 * older than the server's expiration (TXN_EXPIRATION_MS_DEFAULT, five intervals) may be aborted by
 * any transaction that meets one of its intents: that is how the intents of a coordinator that
 * crashed are cleaned up, and why a live coordinator must keep beating.
 *
 * The first heartbeat creates the record, one interval after the first write was sent (a
 * transaction that commits sooner never has a record: one-phase commit, or a commit that writes
 * the record itself). Each answer carries the record: a status of 'aborted' means a pusher (a
 * deadlock, a higher priority, an expiry) ended the transaction, which the coordinator learns here
 * even while it is idle; a write timestamp moved by a pusher tells it to refresh before commit.
 */
import type { BatchResponse, HeartbeatTxnRequest, TxnRecordView, Transaction } from '../../proto/kv-api.js';
import type { Timers } from './timers.js';

export interface HeartbeatTarget {
  /** The transaction as the coordinator sees it now, or undefined once it needs no heartbeat. */
  heartbeatTxn(): Transaction | undefined;
  /** Sends one heartbeat batch. */
  sendHeartbeat(txn: Transaction, request: HeartbeatTxnRequest): Promise<BatchResponse>;
  /** The record as the heartbeat found it. */
  onRecord(record: TxnRecordView): void;
  /** The heartbeat failed with an error (the record is gone, the server is closing). */
  onHeartbeatError(response: Extract<BatchResponse, { kind: 'error' }>): void;
}

export class Heartbeater {
  private cancelTimer: (() => void) | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly target: HeartbeatTarget,
    private readonly timers: Timers,
    private readonly intervalMs: number,
    private readonly now: () => HeartbeatTxnRequest['now'],
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleNext();
  }

  /** Stops the loop; resolves when a heartbeat in flight (if any) has been answered. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.inFlight;
  }

  private scheduleNext(): void {
    this.cancelTimer = this.timers.schedule(this.intervalMs, () => {
      this.cancelTimer = undefined;
      if (!this.running) return;
      this.inFlight = this.beat().finally(() => {
        this.inFlight = undefined;
        if (this.running) this.scheduleNext();
      });
    });
  }

  private async beat(): Promise<void> {
    const txn = this.target.heartbeatTxn();
    if (txn === undefined) {
      this.running = false;
      return;
    }
    let response: BatchResponse;
    try {
      response = await this.target.sendHeartbeat(txn, { type: 'heartbeatTxn', key: txn.key, now: this.now() });
    } catch {
      // A sender that rejects is closed or broken; the next user request will say so.
      return;
    }
    if (!this.running) return;
    if (response.kind === 'error') {
      this.target.onHeartbeatError(response);
      return;
    }
    const answer = response.responses[0];
    if (answer?.type === 'heartbeatTxn') this.target.onRecord(answer.txn);
  }
}
