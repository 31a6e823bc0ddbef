/**
 * add-nodes <count> [voters=(<id>,...)] [learners=(<id>,...)] [index=<i>] [checkquorum=true]
 *           [prevote=true] [read-only=lease-based] [max-inflight=<n>] [max-size-per-msg=<bytes>]
 *           [max-committed-size-per-ready=<bytes>] [max-uncommitted-size=<bytes>]
 *           [disable-proposal-forwarding=true] [unsafe-commit-by-counting=true]
 *
 * Adds count nodes with the next free ids. With voters=, each starts from a snapshot at index
 * (default 1, term 1) holding that configuration, as the members of a new group do; without, it
 * starts empty, as a node about to be added by a conf change does.
 *
 * Example: add-nodes 3 voters=(1,2,3) index=2 checkquorum=true prevote=true
 */
import { argInt, argInts, argString, hasArg, DataDrivenError, type TestCase } from '../../testing/datadriven.js';
import { bootstrapSnapshot } from '../core/bootstrap.js';
import { RawNode } from '../core/raw-node.js';
import { EMPTY_CONF_STATE, type Config, type LogIndex, type NodeId } from '../core/types.js';
import { ELECTION_TICK, HEARTBEAT_TICK, OnDemandSnapshotStorage, ZeroJitterPrng, type AppliedState, type InteractionEnv } from './env.js';

export function handleAddNodes(env: InteractionEnv, tc: TestCase): void {
  const first = tc.cmdArgs[0];
  if (first === undefined || first.vals.length !== 0) throw new DataDrivenError(`${tc.pos}: add-nodes needs a count`);
  const count = Number(first.key);
  const voters = argInts(tc, 'voters') as NodeId[];
  const learners = argInts(tc, 'learners') as NodeId[];
  const index = argInt(tc, 'index', 1);
  const flag = (key: string): boolean => hasArg(tc, key) && argString(tc, key, 'true') === 'true';
  for (let i = 0; i < count; i++) {
    const id = (env.nodes.size + 1) as NodeId;
    const storage = new OnDemandSnapshotStorage(() => env.nodes.get(id)?.applied);
    let applied: AppliedState = { index: 0 as LogIndex, confState: EMPTY_CONF_STATE, values: [] };
    if (voters.length > 0) {
      const snap = bootstrapSnapshot({ voters, learners, index });
      storage.applySnapshot(snap);
      applied = { index: snap.metadata.index, confState: snap.metadata.confState, values: [] };
    }
    const config: Config = {
      id,
      electionTick: ELECTION_TICK,
      heartbeatTick: HEARTBEAT_TICK,
      storage,
      prng: new ZeroJitterPrng(),
      logger: env.logger,
      checkQuorum: flag('checkquorum'),
      preVote: flag('prevote'),
      readOnlyOption: hasArg(tc, 'read-only') ? (argString(tc, 'read-only') as 'safe' | 'lease-based') : 'safe',
      disableProposalForwarding: flag('disable-proposal-forwarding'),
      unsafeCommitEntriesFromPriorTermsByCounting: flag('unsafe-commit-by-counting'),
      ...(hasArg(tc, 'max-inflight') ? { maxInflightMsgs: argInt(tc, 'max-inflight') } : {}),
      ...(hasArg(tc, 'max-size-per-msg') ? { maxSizePerMsg: argInt(tc, 'max-size-per-msg') } : {}),
      ...(hasArg(tc, 'max-committed-size-per-ready') ? { maxCommittedSizePerReady: argInt(tc, 'max-committed-size-per-ready') } : {}),
      ...(hasArg(tc, 'max-uncommitted-size') ? { maxUncommittedEntriesSize: argInt(tc, 'max-uncommitted-size') } : {}),
    };
    env.nodes.set(id, { id, rawNode: new RawNode(config), storage, config, applied, history: [applied] });
  }
}
