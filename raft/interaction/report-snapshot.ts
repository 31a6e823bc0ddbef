/**
 * report-snapshot <id> <peer> status=finish|failure: the node's transport reports the outcome of
 * sending peer a snapshot.
 */
import { argString, DataDrivenError, type TestCase } from '../../testing/datadriven.js';
import type { InteractionEnv } from './env.js';
import { peerArg } from './report-unreachable.js';

export function handleReportSnapshot(env: InteractionEnv, tc: TestCase): void {
  const status = argString(tc, 'status');
  if (status !== 'finish' && status !== 'failure') throw new DataDrivenError(`${tc.pos}: status=finish|failure`);
  env.firstNode(tc).rawNode.reportSnapshot(peerArg(tc), status);
}
