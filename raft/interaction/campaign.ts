/**
 * campaign <id>: the node starts an election now (as if its election timeout had passed).
 */
import type { TestCase } from '../../testing/datadriven.js';
import type { InteractionEnv } from './env.js';

export function handleCampaign(env: InteractionEnv, tc: TestCase): void {
  env.firstNode(tc).rawNode.campaign();
}
