/**
 * transfer-leadership from=<id> to=<id>: asks node `from` (normally the leader) to hand
 * leadership to `to`.
 */
import { argInt, type TestCase } from '../../testing/datadriven.js';
import type { NodeId } from '../core/types.js';
import type { InteractionEnv } from './env.js';

export function handleTransferLeadership(env: InteractionEnv, tc: TestCase): void {
  const from = env.node(argInt(tc, 'from'), tc);
  from.rawNode.transferLeader(argInt(tc, 'to') as NodeId);
}
