/**
 * tick-heartbeat <id>: ticks the node heartbeatTick times (a leader's heartbeat is due).
 */
import type { TestCase } from '../../testing/datadriven.js';
import { HEARTBEAT_TICK, type InteractionEnv } from './env.js';
import { tickTimes } from './tick.js';

export function handleTickHeartbeat(env: InteractionEnv, tc: TestCase): void {
  tickTimes(env, tc, HEARTBEAT_TICK);
}
