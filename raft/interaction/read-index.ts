/**
 * read-index <id> <context>: requests a read index on the node; the answer appears as a ReadState
 * in a later Ready.
 */
import { DataDrivenError, type TestCase } from '../../testing/datadriven.js';
import { describeRejection } from './deliver-msgs.js';
import type { InteractionEnv } from './env.js';

export function handleReadIndex(env: InteractionEnv, tc: TestCase): void {
  const node = env.firstNode(tc);
  const context = tc.cmdArgs[1];
  if (context === undefined) throw new DataDrivenError(`${tc.pos}: read-index needs a context`);
  const rejection = node.rawNode.readIndex(new TextEncoder().encode(context.key));
  if (rejection !== undefined) env.write(describeRejection(rejection));
}
