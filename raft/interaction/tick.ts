/**
 * tick <id> [n=<ticks>]: ticks the node n times (default 1).
 */
import { argInt, type TestCase } from '../../testing/datadriven.js';
import type { InteractionEnv } from './env.js';

export function tickTimes(env: InteractionEnv, tc: TestCase, times: number): void {
  const node = env.firstNode(tc);
  for (let i = 0; i < times; i++) node.rawNode.tick();
}

export function handleTick(env: InteractionEnv, tc: TestCase): void {
  tickTimes(env, tc, argInt(tc, 'n', 1));
}
