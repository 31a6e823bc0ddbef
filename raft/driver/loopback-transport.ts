/**
 * An in-process network for tests and benchmarks: every batch is encoded and decoded (so nodes
 * never share objects) and delivered on a later event-loop turn. Links can be cut to make
 * partitions.
 */
import type { NodeId } from '../core/types.js';
import { decodeMessageBatch, encodeMessageBatch } from './message-codec.js';
import type { GroupMessage, Transport, TransportReceiver } from './transport.js';

export interface LoopbackStats {
  readonly batchesSent: number;
  readonly messagesSent: number;
  readonly batchesDropped: number;
}

export class LoopbackNetwork {
  private readonly receivers = new Map<NodeId, TransportReceiver>();
  /** Directed links that drop everything: "source>target". */
  private readonly cut = new Set<string>();
  private batchesSent = 0;
  private messagesSent = 0;
  private batchesDropped = 0;

  /** Starts delivering to receiver the batches addressed to node. */
  attach(node: NodeId, receiver: TransportReceiver): void {
    this.receivers.set(node, receiver);
  }

  /** The node is gone (stopped or crashed): batches to it are dropped. */
  detach(node: NodeId): void {
    this.receivers.delete(node);
  }

  /** The transport a node sends through. */
  transportFor(source: NodeId): Transport {
    return { send: (target, batch) => this.send(source, target, batch) };
  }

  /** Cuts both directions between a and b. */
  disconnect(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}>${b}`);
    this.cut.add(`${b}>${a}`);
  }

  /** Cuts node off from every other node. */
  isolate(node: NodeId, others: readonly NodeId[]): void {
    for (const other of others) if (other !== node) this.disconnect(node, other);
  }

  heal(): void {
    this.cut.clear();
  }

  stats(): LoopbackStats {
    return { batchesSent: this.batchesSent, messagesSent: this.messagesSent, batchesDropped: this.batchesDropped };
  }

  private send(source: NodeId, target: NodeId, batch: readonly GroupMessage[]): boolean {
    if (!this.receivers.has(target)) {
      this.batchesDropped++;
      return false;
    }
    this.batchesSent++;
    this.messagesSent += batch.length;
    const bytes = encodeMessageBatch(batch);
    setImmediate(() => {
      // The link is judged at delivery, so a partition made while a batch is in flight drops it.
      const receiver = this.receivers.get(target);
      if (receiver === undefined || this.cut.has(`${source}>${target}`)) {
        this.batchesDropped++;
        return;
      }
      receiver.receive(source, decodeMessageBatch(bytes));
    });
    return true;
  }
}
