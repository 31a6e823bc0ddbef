/**
 * report-unreachable <id> <peer>: the node's transport reports that it could not reach peer.
 */
import { DataDrivenError, type TestCase } from '../../testing/datadriven.js';
import type { NodeId } from '../core/types.js';
import type { InteractionEnv } from './env.js';

/** The second positional argument: the peer a report is about. */
export function peerArg(tc: TestCase): NodeId {
  const arg = tc.cmdArgs[1];
  if (arg === undefined || arg.vals.length !== 0) throw new DataDrivenError(`${tc.pos}: ${tc.cmd} needs a peer id`);
  return Number(arg.key) as NodeId;
}

export function handleReportUnreachable(env: InteractionEnv, tc: TestCase): void {
  env.firstNode(tc).rawNode.reportUnreachable(peerArg(tc));
}
