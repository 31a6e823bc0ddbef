/**
 * Membership changes as pure functions from one configuration to the next (thesis chapter 4).
 *
 * - simple: at most one voter added or removed (plus any learner changes). Any two majorities of
 *   configurations that differ by one voter overlap, so the change is safe to apply directly
 *   (thesis 4.1).
 * - enterJoint: any change, through a joint configuration C_old,new in which decisions need a
 *   majority of both the old and the new voters (thesis 4.3);
 * - leaveJoint: from C_old,new to C_new.
 *
 * A change that would break an invariant is refused with a reason (never half applied).
 */
import { configMembersMax } from './limits.js';
import { describeTrackerConfig, isJoint, type TrackerConfig } from './tracker/progress-tracker.js';
import type { ConfChange, ConfChangeSingle, ConfState, NodeId } from './types.js';
import { EMPTY_TRACKER_CONFIG } from './tracker/progress-tracker.js';

export type ChangeResult = { readonly ok: true; readonly config: TrackerConfig } | { readonly ok: false; readonly error: string };

/** How a ConfChange is carried out, by its transition and number of changes (etcd's ConfChangeV2). */
export type ConfChangeMode =
  | { readonly kind: 'leave-joint' }
  | { readonly kind: 'enter-joint'; readonly autoLeave: boolean }
  | { readonly kind: 'simple' };

export function confChangeMode(cc: ConfChange): ConfChangeMode {
  if (cc.transition === 'auto' && cc.changes.length === 0) return { kind: 'leave-joint' };
  // More changes could qualify for the simple protocol depending on the configuration they apply
  // to (e.g. two learner additions), but using joint consensus liberally is always safe.
  if (cc.transition !== 'auto' || cc.changes.length > 1) {
    return { kind: 'enter-joint', autoLeave: cc.transition !== 'joint-explicit' };
  }
  return { kind: 'simple' };
}

/** Applies a ConfChange to a configuration according to its mode. */
export function applyConfChangeTo(config: TrackerConfig, cc: ConfChange): ChangeResult {
  const mode = confChangeMode(cc);
  switch (mode.kind) {
    case 'leave-joint':
      return leaveJoint(config);
    case 'enter-joint':
      return enterJoint(config, mode.autoLeave, cc.changes);
    case 'simple':
      return simple(config, cc.changes);
  }
}

/** Mutable working copy of a configuration. */
interface Draft {
  incoming: Set<NodeId>;
  outgoing: Set<NodeId>;
  learners: Set<NodeId>;
  learnersNext: Set<NodeId>;
  autoLeave: boolean;
}

function draftOf(config: TrackerConfig): Draft {
  return {
    incoming: new Set(config.voters[0]),
    outgoing: new Set(config.voters[1]),
    learners: new Set(config.learners),
    learnersNext: new Set(config.learnersNext),
    autoLeave: config.autoLeave,
  };
}

function freeze(d: Draft): TrackerConfig {
  return {
    voters: [d.incoming, d.outgoing],
    learners: d.learners,
    learnersNext: d.learnersNext,
    autoLeave: d.autoLeave,
  };
}

/** Enters C_old,new: the current voters become the outgoing half, the changes build the incoming. */
export function enterJoint(config: TrackerConfig, autoLeave: boolean, changes: readonly ConfChangeSingle[]): ChangeResult {
  if (isJoint(config)) return { ok: false, error: 'config is already joint' };
  if (config.voters[0].size === 0) {
    // A zero-voter configuration is what a node without a configuration has; it cannot be joint.
    return { ok: false, error: "can't make a zero-voter config joint" };
  }
  const d = draftOf(config);
  d.outgoing = new Set(d.incoming);
  const err = applyChanges(d, changes);
  if (err !== undefined) return { ok: false, error: err };
  d.autoLeave = autoLeave;
  return checked(d);
}

/**
 * Leaves C_old,new for C_new: outgoing voters not kept become learners (if they were marked to) or
 * leave the group.
 */
export function leaveJoint(config: TrackerConfig): ChangeResult {
  if (!isJoint(config)) return { ok: false, error: "can't leave a non-joint config" };
  const d = draftOf(config);
  for (const id of d.learnersNext) d.learners.add(id);
  d.learnersNext = new Set();
  d.outgoing = new Set();
  d.autoLeave = false;
  return checked(d);
}

/** A change of at most one voter, applied directly. */
export function simple(config: TrackerConfig, changes: readonly ConfChangeSingle[]): ChangeResult {
  if (isJoint(config)) return { ok: false, error: "can't apply simple config change in joint config" };
  const d = draftOf(config);
  const err = applyChanges(d, changes);
  if (err !== undefined) return { ok: false, error: err };
  let changed = 0;
  for (const id of d.incoming) if (!config.voters[0].has(id)) changed++;
  for (const id of config.voters[0]) if (!d.incoming.has(id)) changed++;
  if (changed > 1) return { ok: false, error: 'more than one voter changed without entering joint config' };
  return checked(d);
}

function applyChanges(d: Draft, changes: readonly ConfChangeSingle[]): string | undefined {
  for (const cc of changes) {
    // Node 0 means "no node": such a change is a no-op (it lets an empty change be proposed).
    if (cc.nodeId === 0) continue;
    applySingle(d, cc);
  }
  if (d.incoming.size === 0) return 'removed all voters';
  return undefined;
}

function makeVoter(d: Draft, id: NodeId): void {
  d.learners.delete(id);
  d.learnersNext.delete(id);
  d.incoming.add(id);
}

/**
 * A voter of the outgoing half cannot become a learner until the joint configuration is left (a
 * node is never a voter and a learner at once): it is marked in learnersNext instead.
 */
function makeLearner(d: Draft, id: NodeId): void {
  if (d.learners.has(id)) return;
  d.incoming.delete(id);
  d.learnersNext.delete(id);
  if (d.outgoing.has(id)) d.learnersNext.add(id);
  else d.learners.add(id);
}

function remove(d: Draft, id: NodeId): void {
  d.incoming.delete(id);
  d.learners.delete(id);
  d.learnersNext.delete(id);
}

function checked(d: Draft): ChangeResult {
  const config = freeze(d);
  const err = invariantViolation(config);
  return err === undefined ? { ok: true, config } : { ok: false, error: err };
}

/** The configuration invariants; a violation names itself. */
export function invariantViolation(config: TrackerConfig): string | undefined {
  const [incoming, outgoing] = config.voters;
  for (const id of config.learnersNext) {
    if (!outgoing.has(id)) return `${id} is in LearnersNext, but not Voters[1]`;
    if (config.learners.has(id)) return `${id} is in LearnersNext, but is already marked as learner`;
  }
  for (const id of config.learners) {
    if (outgoing.has(id)) return `${id} is in Learners and Voters[1]`;
    if (incoming.has(id)) return `${id} is in Learners and Voters[0]`;
  }
  if (!isJoint(config)) {
    if (config.learnersNext.size > 0) return 'cfg.LearnersNext must be empty when not joint';
    if (config.autoLeave) return 'AutoLeave must be false when not joint';
  }
  const members = new Set([...incoming, ...outgoing, ...config.learners]);
  if (members.size > configMembersMax) return `configuration has ${members.size} members, more than ${configMembersMax}`;
  return undefined;
}

/**
 * Rebuilds the configuration a ConfState describes, by replaying changes from the empty
 * configuration: for a joint state, the outgoing voters are added one by one (they become the
 * active voters), then a joint change turns them into the outgoing half and adds the incoming
 * voters, the learners and the learners-next.
 */
export function restoreConfig(cs: ConfState): ChangeResult {
  const outgoing: ConfChangeSingle[] = cs.votersOutgoing.map((nodeId) => ({ type: 'addNode', nodeId }));
  const incoming: ConfChangeSingle[] = [
    ...cs.votersOutgoing.map((nodeId): ConfChangeSingle => ({ type: 'removeNode', nodeId })),
    ...cs.voters.map((nodeId): ConfChangeSingle => ({ type: 'addNode', nodeId })),
    ...cs.learners.map((nodeId): ConfChangeSingle => ({ type: 'addLearnerNode', nodeId })),
    ...cs.learnersNext.map((nodeId): ConfChangeSingle => ({ type: 'addLearnerNode', nodeId })),
  ];
  let config: TrackerConfig = EMPTY_TRACKER_CONFIG;
  if (outgoing.length === 0) {
    for (const cc of incoming) {
      const r = simpleOrEmpty(config, cc);
      if (!r.ok) return r;
      config = r.config;
    }
    return { ok: true, config };
  }
  for (const cc of outgoing) {
    const r = simpleOrEmpty(config, cc);
    if (!r.ok) return r;
    config = r.config;
  }
  return enterJoint(config, cs.autoLeave, incoming);
}

/**
 * One step of restoring: like simple, except that the configuration may have no voters yet (a
 * ConfState may list learners before any voter is added in this replay order).
 */
function simpleOrEmpty(config: TrackerConfig, cc: ConfChangeSingle): ChangeResult {
  const d = draftOf(config);
  applySingle(d, cc);
  return checked(d);
}

/** Applies one change to a draft configuration; validity is checked by the caller. */
function applySingle(d: Draft, cc: ConfChangeSingle): void {
  switch (cc.type) {
    case 'addNode':
      makeVoter(d, cc.nodeId);
      break;
    case 'addLearnerNode':
      makeLearner(d, cc.nodeId);
      break;
    case 'removeNode':
      remove(d, cc.nodeId);
      break;
  }
}

export function describeConfChange(cc: ConfChange): string {
  const parts = cc.changes.map((c) => {
    switch (c.type) {
      case 'addNode':
        return `v${c.nodeId}`;
      case 'addLearnerNode':
        return `l${c.nodeId}`;
      case 'removeNode':
        return `r${c.nodeId}`;
    }
  });
  const transition = cc.transition === 'auto' ? '' : ` transition=${cc.transition}`;
  return parts.length === 0 ? `leave-joint${transition}` : `${parts.join(' ')}${transition}`;
}

export { describeTrackerConfig };
