/**
 * Asynchronous intent resolution: a finalized transaction whose EndTxn could not resolve all its
 * intents in its own batch (too many) keeps its record, with the spans left, until this resolver
 * has visited them; then the record is deleted. Resolution goes through the ordinary request path
 * (ResolveIntentRange batches, under latches), in bounded steps, one transaction at a time.
 *
 * After a restart the replica hands every finalized record it finds to the resolver again, so no
 * intent of a finished transaction is left behind by a crash (and meeting one resolves it anyway).
 */
import type { Span, TxnRecordView } from '../../proto/kv-api.js';
import type { Clock } from '../../storage/hlc.js';
import type { InternalSender } from './internal-sender.js';
import type { TxnRecord } from './txn-record.js';

export interface IntentResolverDeps {
  readonly router: InternalSender;
  readonly clock: Clock;
  /** Deletes the finalized record once its intents are resolved. */
  readonly cleanupRecord: (record: TxnRecord) => Promise<void>;
  /** Reports a failure (the record stays; a restart or an encounter resolves the rest). */
  readonly onError: (err: unknown) => void;
}

export class IntentResolver {
  private readonly queue: TxnRecord[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  /** Records whose intents were all resolved and that were cleaned up. */
  completed = 0;

  constructor(private readonly deps: IntentResolverDeps) {}

  enqueue(record: TxnRecord): void {
    if (this.closed) return;
    this.queue.push(record);
    this.running ??= this.run().finally(() => (this.running = undefined));
  }

  /** Resolves when the queue is empty (tests). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private async run(): Promise<void> {
    for (let record = this.queue.shift(); record !== undefined && !this.closed; record = this.queue.shift()) {
      try {
        await this.resolveRecord(record);
        if (!this.closed) {
          await this.deps.cleanupRecord(record);
          this.completed++;
        }
      } catch (err) {
        this.deps.onError(err);
      }
    }
  }

  private async resolveRecord(record: TxnRecord): Promise<void> {
    const status = record.status === 'committed' ? 'committed' : 'aborted';
    const view: TxnRecordView = { ...record.meta, status };
    for (const span of record.lockSpans) {
      let rest: Span | undefined = span;
      while (rest !== undefined && !this.closed) {
        const common = { intentTxn: view, status, ignoredSeqNums: record.ignoredSeqNums } as const;
        const response = await this.deps.router.send({
          header: { now: this.deps.clock.now() },
          requests: [rest.endKey === undefined ? { type: 'resolveIntent', key: rest.key, ...common } : { type: 'resolveIntentRange', key: rest.key, endKey: rest.endKey, ...common }],
        });
        if (response.kind === 'error') throw new Error(`resolving intents of ${record.meta.id}: ${response.error.message}`);
        const first = response.responses[0];
        rest = first?.type === 'resolveIntentRange' ? first.resumeSpan : undefined;
      }
    }
  }
}
