/**
 * How a node's Raft driver reaches the other nodes: batches of messages of many groups, one batch
 * per destination node per event-loop turn. Delivery is unreliable (batches may be lost,
 * duplicated or reordered); the protocol tolerates all of it.
 */
import type { Message, NodeId } from '../core/types.js';
import type { GroupId } from '../storage/group-id.js';

export interface GroupMessage {
  readonly groupId: GroupId;
  readonly message: Message;
}

export interface Transport {
  /**
   * Hands a batch to the network without waiting. Returns false when target is known to be
   * unreachable right now (no connection): the driver then tells the groups' leaders to fall back
   * to probing that node.
   */
  send(target: NodeId, batch: readonly GroupMessage[]): boolean;
}

/** What a transport calls on the receiving node's driver. */
export interface TransportReceiver {
  receive(source: NodeId, batch: readonly GroupMessage[]): void;
}
