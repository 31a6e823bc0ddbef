/**
 * deliver-msgs [<id>...] [drop=(<id>,...)] [type=<MsgType>] [from=<id>]
 *
 * Delivers the queued messages addressed to the given nodes (all nodes if none), in sending
 * order, and drops those addressed to the nodes in drop. type= and from= restrict both to one
 * message type or one sender.
 *
 * Examples: deliver-msgs 2 3      deliver-msgs drop=(3)      deliver-msgs 2 type=MsgApp from=1
 */
import { argInt, argVals, argString, hasArg, type TestCase } from '../../testing/datadriven.js';
import { describeMessage } from '../core/describe.js';
import type { Message, NodeId } from '../core/types.js';
import type { InteractionEnv } from './env.js';

export function handleDeliverMsgs(env: InteractionEnv, tc: TestCase): void {
  const type = hasArg(tc, 'type') ? argString(tc, 'type') : undefined;
  const from = hasArg(tc, 'from') ? argInt(tc, 'from') : undefined;
  const matches = (m: Message): boolean => (type === undefined || m.type === type) && (from === undefined || m.from === from);
  const drop = (argVals(tc, 'drop') ?? []).map((v) => Number(v) as NodeId);
  if (drop.length > 0) {
    const dropped = env.messages.filter((m) => drop.includes(m.to) && matches(m));
    env.messages = env.messages.filter((m) => !(drop.includes(m.to) && matches(m)));
    for (const m of dropped) env.write(`dropped: ${describeMessage(m)}`);
  }
  const positional = tc.cmdArgs.some((a) => a.vals.length === 0 && /^\d+$/.test(a.key));
  if (drop.length > 0 && !positional) return;
  for (const node of env.nodesFromArgs(tc)) deliverMsgs(env, node.id, matches);
}

/** Delivers every queued message to `to` (that passes the filter). Returns how many. */
export function deliverMsgs(env: InteractionEnv, to: NodeId, filter: (m: Message) => boolean = () => true): number {
  const mine = env.messages.filter((m) => m.to === to && filter(m));
  if (mine.length === 0) return 0;
  env.messages = env.messages.filter((m) => !(m.to === to && filter(m)));
  const node = env.nodes.get(to);
  env.write(`> ${to} receiving messages`);
  env.indented(() => {
    for (const m of mine) {
      env.write(describeMessage(m));
      if (node === undefined) {
        env.write('(no such node; dropped)');
        continue;
      }
      env.indented(() => {
        const rejection = node.rawNode.step(m);
        if (rejection !== undefined) env.write(`rejected: ${describeRejection(rejection)}`);
      });
    }
  });
  return mine.length;
}

export function describeRejection(r: { kind: string; reason?: string; peer?: number }): string {
  if (r.kind === 'proposal-dropped') return `raft proposal dropped (${r.reason ?? ''})`;
  return `raft: cannot step as peer not found (${r.peer ?? 0})`;
}
