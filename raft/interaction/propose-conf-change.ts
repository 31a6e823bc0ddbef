/**
 * propose-conf-change <id> [transition=auto|joint-implicit|joint-explicit]
 * <changes>
 *
 * Proposes a membership change. The input lists the changes: v<id> adds a voter (or promotes a
 * learner), l<id> adds a learner (or demotes a voter), r<id> removes a node. An empty input is the
 * empty change that leaves an explicit joint configuration.
 *
 * Example:
 *   propose-conf-change 1 transition=joint-explicit
 *   v4 r3
 */
import { argString, DataDrivenError, hasArg, type TestCase } from '../../testing/datadriven.js';
import type { ConfChangeSingle, ConfChangeTransition, NodeId } from '../core/types.js';
import { describeRejection } from './deliver-msgs.js';
import type { InteractionEnv } from './env.js';

export function handleProposeConfChange(env: InteractionEnv, tc: TestCase): void {
  const node = env.firstNode(tc);
  const transition = (hasArg(tc, 'transition') ? argString(tc, 'transition') : 'auto') as ConfChangeTransition;
  if (!['auto', 'joint-implicit', 'joint-explicit'].includes(transition)) {
    throw new DataDrivenError(`${tc.pos}: unknown transition ${transition}`);
  }
  const changes = parseChanges(tc.input, tc.pos);
  const rejection = node.rawNode.proposeConfChange({ transition, changes, context: new Uint8Array(0) });
  if (rejection !== undefined) env.write(describeRejection(rejection));
}

export function parseChanges(input: string, pos: string): ConfChangeSingle[] {
  const tokens = input.split(/\s+/).filter((t) => t !== '');
  return tokens.map((t): ConfChangeSingle => {
    const id = Number(t.slice(1)) as NodeId;
    if (!Number.isSafeInteger(id)) throw new DataDrivenError(`${pos}: bad change ${t}`);
    switch (t[0]) {
      case 'v':
        return { type: 'addNode', nodeId: id };
      case 'l':
        return { type: 'addLearnerNode', nodeId: id };
      case 'r':
        return { type: 'removeNode', nodeId: id };
      default:
        throw new DataDrivenError(`${pos}: bad change ${t} (want v<id>, l<id> or r<id>)`);
    }
  });
}
