/**
 * stabilize [<id>...]
 *
 * Processes Readys and delivers messages among the given nodes (all if none) until nothing is
 * left to do. Messages to other nodes stay queued.
 *
 * Example: stabilize            stabilize 1 2
 */
import type { TestCase } from '../../testing/datadriven.js';
import { deliverMsgs } from './deliver-msgs.js';
import type { InteractionEnv } from './env.js';
import { processReady } from './process-ready.js';

/** A bound on rounds, so that a livelock fails the script instead of hanging the test run. */
const STABILIZE_ROUNDS_MAX = 1000;

export function handleStabilize(env: InteractionEnv, tc: TestCase): void {
  const nodes = env.nodesFromArgs(tc);
  for (let round = 0; round < STABILIZE_ROUNDS_MAX; round++) {
    let done = true;
    for (const node of nodes) {
      if (node.rawNode.hasReady()) {
        done = false;
        processReady(env, node);
      }
    }
    for (const node of nodes) {
      if (deliverMsgs(env, node.id) > 0) done = false;
    }
    if (done) return;
  }
  throw new Error(`${tc.pos}: stabilize did not converge in ${STABILIZE_ROUNDS_MAX} rounds`);
}
