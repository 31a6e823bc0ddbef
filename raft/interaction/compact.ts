/**
 * compact <id> <index>: snapshots the node's state machine as of index (which it must have
 * applied) into its storage, discards the log up to index, and prints what remains.
 */
import { DataDrivenError, type TestCase } from '../../testing/datadriven.js';
import type { LogIndex } from '../core/types.js';
import type { InteractionEnv, InteractionNode } from './env.js';
import { writeRaftLog } from './raft-log.js';

/** Records in the node's storage a snapshot of its state machine as it was at index. */
export function snapshotAt(node: InteractionNode, index: LogIndex, pos: string): void {
  const state = node.history.find((s) => s.index === index);
  if (state === undefined) throw new DataDrivenError(`${pos}: node ${node.id} has not applied index ${index}`);
  node.storage.createSnapshot(index, state.confState, new TextEncoder().encode(state.values.join(',')));
}

export function handleCompact(env: InteractionEnv, tc: TestCase): void {
  const node = env.firstNode(tc);
  const arg = tc.cmdArgs[1];
  if (arg === undefined) throw new DataDrivenError(`${tc.pos}: compact needs an index`);
  const index = Number(arg.key) as LogIndex;
  snapshotAt(node, index, tc.pos);
  node.storage.compact(index);
  writeRaftLog(env, node);
}
