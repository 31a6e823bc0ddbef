/**
 * propose <id> <data>: proposes a normal entry with the given data on the node.
 */
import { DataDrivenError, type TestCase } from '../../testing/datadriven.js';
import { describeRejection } from './deliver-msgs.js';
import type { InteractionEnv } from './env.js';

export function handlePropose(env: InteractionEnv, tc: TestCase): void {
  const node = env.firstNode(tc);
  const data = tc.cmdArgs[1];
  if (data === undefined) throw new DataDrivenError(`${tc.pos}: propose needs data`);
  const rejection = node.rawNode.propose(new TextEncoder().encode(data.key));
  if (rejection !== undefined) env.write(describeRejection(rejection));
}
