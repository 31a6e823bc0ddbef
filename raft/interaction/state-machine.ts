/**
 * state-machine <id>...: what each node's state machine holds (the applied values) and its
 * applied index.
 */
import type { TestCase } from '../../testing/datadriven.js';
import type { InteractionEnv } from './env.js';

export function handleStateMachine(env: InteractionEnv, tc: TestCase): void {
  for (const node of env.nodesFromArgs(tc)) {
    env.write(`${node.id}: applied=${node.applied.index} values=[${node.applied.values.join(' ')}]`);
  }
}
