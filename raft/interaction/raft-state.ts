/**
 * raft-state: one line per node: role, membership, term and leader.
 */
import type { TestCase } from '../../testing/datadriven.js';
import type { InteractionEnv } from './env.js';

export function handleRaftState(env: InteractionEnv, _tc: TestCase): void {
  for (const node of [...env.nodes.values()].sort((a, b) => a.id - b.id)) {
    const st = node.rawNode.status();
    const cs = st.config;
    const kind = cs.voters.includes(node.id) || cs.votersOutgoing.includes(node.id)
      ? 'Voter'
      : cs.learners.includes(node.id)
        ? 'Learner'
        : 'Non-Voter';
    env.write(`${node.id}: ${st.softState.role} (${kind}) Term:${st.hardState.term} Lead:${st.softState.lead}`);
  }
}
