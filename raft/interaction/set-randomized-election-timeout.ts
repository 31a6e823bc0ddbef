/**
 * set-randomized-election-timeout <id> timeout=<ticks>: pins the node's current randomized
 * election timeout (until its next reset), to separate "the lease expired" from "it campaigns".
 */
import { argInt, type TestCase } from '../../testing/datadriven.js';
import type { InteractionEnv } from './env.js';

export function handleSetRandomizedElectionTimeout(env: InteractionEnv, tc: TestCase): void {
  env.firstNode(tc).rawNode.raft.randomizedElectionTimeout = argInt(tc, 'timeout');
}
