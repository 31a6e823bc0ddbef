/**
 * snapshot <id>: records in the node's storage a snapshot of its state machine as of its applied
 * index, without compacting, and prints it.
 */
import type { TestCase } from '../../testing/datadriven.js';
import { describeSnapshot } from '../core/describe.js';
import { snapshotAt } from './compact.js';
import type { InteractionEnv } from './env.js';

export function handleSnapshot(env: InteractionEnv, tc: TestCase): void {
  const node = env.firstNode(tc);
  snapshotAt(node, node.applied.index, tc.pos);
  env.write(describeSnapshot(node.storage.snapshot()));
}
