/**
 * process-ready <id>...
 *
 * Handles each node's Ready as an application must (ready.ts): persist the snapshot, entries and
 * hard state to its MemoryStorage; queue the messages; apply the snapshot and the committed
 * entries (conf changes through applyConfChange); advance.
 *
 * Example: process-ready 1 2
 */
import type { TestCase } from '../../testing/datadriven.js';
import { decodeConfChange } from '../core/conf-change-codec.js';
import { describeReady } from '../core/describe.js';
import type { InteractionEnv, InteractionNode } from './env.js';

export function handleProcessReady(env: InteractionEnv, tc: TestCase): void {
  for (const node of env.nodesFromArgs(tc)) processReady(env, node);
}

export function processReady(env: InteractionEnv, node: InteractionNode): void {
  const rn = node.rawNode;
  if (env.nodes.size > 1) env.write(`> ${node.id} handling Ready`);
  env.indented(() => {
    if (!rn.hasReady()) {
      env.write('<empty Ready>');
      return;
    }
    const rd = rn.ready();
    for (const line of describeReady(rd)) env.write(line);
    // 1. Persist: snapshot, entries, hard state.
    if (rd.snapshot !== undefined) node.storage.applySnapshot(rd.snapshot);
    node.storage.append(rd.entries);
    if (rd.hardState !== undefined) node.storage.setHardState(rd.hardState);
    // 2. Send.
    env.messages.push(...rd.messages);
    // 3. Apply.
    if (rd.snapshot !== undefined) {
      const md = rd.snapshot.metadata;
      const text = new TextDecoder().decode(rd.snapshot.data);
      node.applied = { index: md.index, confState: md.confState, values: text === '' ? [] : text.split(',') };
      node.history.push(node.applied);
    }
    for (const e of rd.committedEntries) {
      let { confState, values } = node.applied;
      if (e.type === 'confChange') {
        confState = rn.applyConfChange(decodeConfChange(e.data));
        node.storage.setConfState(confState);
      } else if (e.data.byteLength > 0) {
        values = [...values, new TextDecoder().decode(e.data)];
      }
      node.applied = { index: e.index, confState, values };
      node.history.push(node.applied);
    }
    // 4. Advance.
    rn.advance(rd);
  });
}
