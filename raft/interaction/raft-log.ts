/**
 * raft-log <id>: prints the node's log as persisted in its storage.
 */
import type { TestCase } from '../../testing/datadriven.js';
import { describeEntry } from '../core/describe.js';
import type { InteractionEnv, InteractionNode } from './env.js';

export function handleRaftLog(env: InteractionEnv, tc: TestCase): void {
  writeRaftLog(env, env.firstNode(tc));
}

export function writeRaftLog(env: InteractionEnv, node: InteractionNode): void {
  const first = node.storage.firstIndex();
  const last = node.storage.lastIndex();
  if (last < first) {
    env.write(`log is empty: first index=${first}, last index=${last}`);
    return;
  }
  for (const e of node.storage.entries(first, (last + 1) as typeof last, Number.MAX_SAFE_INTEGER)) {
    env.write(describeEntry(e));
  }
}
