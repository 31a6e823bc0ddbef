import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enterJoint, leaveJoint, restoreConfig, simple } from './conf-change.js';
import { decodeConfChange, encodeConfChange } from './conf-change-codec.js';
import { confStateOf, EMPTY_TRACKER_CONFIG, type TrackerConfig } from './tracker/progress-tracker.js';
import type { ConfChange, ConfChangeSingle, NodeId } from './types.js';

const v = (n: number): ConfChangeSingle => ({ type: 'addNode', nodeId: n as NodeId });
const l = (n: number): ConfChangeSingle => ({ type: 'addLearnerNode', nodeId: n as NodeId });
const r = (n: number): ConfChangeSingle => ({ type: 'removeNode', nodeId: n as NodeId });

function ok(result: ReturnType<typeof simple>): TrackerConfig {
  if (!result.ok) throw new Error(result.error);
  return result.config;
}

const base = ok(restoreConfig({ voters: [1, 2, 3] as NodeId[], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }));

describe('simple changes', () => {
  it('add or remove one voter, and learners freely', () => {
    expect(confStateOf(ok(simple(base, [v(4)]))).voters).toEqual([1, 2, 3, 4]);
    expect(confStateOf(ok(simple(base, [r(3), l(5), l(6)])))).toMatchObject({ voters: [1, 2], learners: [5, 6] });
  });

  it('refuse two voter changes, an empty voter set, and joint configurations', () => {
    expect(simple(base, [v(4), v(5)])).toEqual({ ok: false, error: 'more than one voter changed without entering joint config' });
    expect(simple(ok(simple(ok(simple(base, [r(2)])), [r(3)])), [r(1)])).toEqual({ ok: false, error: 'removed all voters' });
    const joint = ok(enterJoint(base, false, [v(4)]));
    expect(simple(joint, [v(5)]).ok).toBe(false);
  });

  it('promoting a learner is a single voter change', () => {
    const withLearner = ok(simple(base, [l(4)]));
    expect(confStateOf(ok(simple(withLearner, [v(4)])))).toMatchObject({ voters: [1, 2, 3, 4], learners: [] });
  });
});

describe('joint changes', () => {
  it('enter with the old voters outgoing and leave to the new ones', () => {
    const joint = ok(enterJoint(base, true, [v(4), v(5), r(1), r(2)]));
    expect(confStateOf(joint)).toEqual({ voters: [3, 4, 5], votersOutgoing: [1, 2, 3], learners: [], learnersNext: [], autoLeave: true });
    expect(confStateOf(ok(leaveJoint(joint)))).toEqual({ voters: [3, 4, 5], votersOutgoing: [], learners: [], learnersNext: [], autoLeave: false });
  });

  it('a demoted voter stays a voter of the outgoing half until the joint configuration is left', () => {
    const joint = ok(enterJoint(base, false, [l(3)]));
    expect(confStateOf(joint)).toMatchObject({ voters: [1, 2], votersOutgoing: [1, 2, 3], learners: [], learnersNext: [3] });
    expect(confStateOf(ok(leaveJoint(joint)))).toMatchObject({ voters: [1, 2], learners: [3], learnersNext: [] });
  });

  it('refuse entering twice, leaving when not joint, and entering from nothing', () => {
    const joint = ok(enterJoint(base, false, [v(4)]));
    expect(enterJoint(joint, false, [v(5)]).ok).toBe(false);
    expect(leaveJoint(base).ok).toBe(false);
    expect(enterJoint(EMPTY_TRACKER_CONFIG, false, [v(1)]).ok).toBe(false);
  });

  it('restoring a joint ConfState gives back the same configuration', () => {
    const joint = ok(enterJoint(ok(simple(base, [l(6)])), true, [v(4), l(2), r(1)]));
    const cs = confStateOf(joint);
    expect(confStateOf(ok(restoreConfig(cs)))).toEqual(cs);
  });
});

describe('conf change codec', () => {
  const single = fc.record({
    type: fc.constantFrom('addNode' as const, 'addLearnerNode' as const, 'removeNode' as const),
    nodeId: fc.nat({ max: Number.MAX_SAFE_INTEGER }).map((n) => n as NodeId),
  });
  const confChange: fc.Arbitrary<ConfChange> = fc.record({
    transition: fc.constantFrom('auto' as const, 'joint-implicit' as const, 'joint-explicit' as const),
    changes: fc.array(single, { maxLength: 8 }),
    context: fc.uint8Array({ maxLength: 16 }),
  });

  it('round-trips every conf change', () => {
    fc.assert(
      fc.property(confChange, (cc) => {
        expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
      }),
    );
  });

  it('encodes the canonical leave-joint change as zero bytes', () => {
    expect(encodeConfChange({ transition: 'auto', changes: [], context: new Uint8Array(0) }).byteLength).toBe(0);
  });

  it('rejects truncated or trailing bytes instead of guessing', () => {
    const bytes = encodeConfChange({ transition: 'joint-explicit', changes: [v(300)], context: new Uint8Array([1, 2]) });
    expect(() => decodeConfChange(bytes.slice(0, bytes.length - 1))).toThrow();
    expect(() => decodeConfChange(new Uint8Array([...bytes, 0]))).toThrow();
    expect(() => decodeConfChange(new Uint8Array([9]))).toThrow(/version/);
  });
});
