/**
 * restart <id>: the node crashes and restarts from its storage. Whatever it had not persisted
 * (entries and state of a Ready not yet processed) is lost; the state machine restarts at its
 * durable applied index.
 */
import type { TestCase } from '../../testing/datadriven.js';
import { RawNode } from '../core/raw-node.js';
import type { InteractionEnv } from './env.js';

export function handleRestart(env: InteractionEnv, tc: TestCase): void {
  const node = env.firstNode(tc);
  node.rawNode = new RawNode({ ...node.config, applied: node.applied.index });
}
