/**
 * tick-election <id>: ticks the node electionTick times (a follower's election timeout passes;
 * a leader's check-quorum round comes due).
 */
import type { TestCase } from '../../testing/datadriven.js';
import { ELECTION_TICK, type InteractionEnv } from './env.js';
import { tickTimes } from './tick.js';

export function handleTickElection(env: InteractionEnv, tc: TestCase): void {
  tickTimes(env, tc, ELECTION_TICK);
}
