/**
 * status <id>: the progress of every member as the node (a leader) tracks it.
 */
import type { TestCase } from '../../testing/datadriven.js';
import type { InteractionEnv } from './env.js';

export function handleStatus(env: InteractionEnv, tc: TestCase): void {
  const st = env.firstNode(tc).rawNode.status();
  if (st.progress.size === 0) {
    env.write(`${st.id} is ${st.softState.role}: no progress tracked`);
    return;
  }
  for (const [id, pr] of st.progress) env.write(`${id}: ${pr.description}`);
}
