import { describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import { bootstrapSnapshot } from './bootstrap.js';
import { MemoryStorage } from './memory-storage.js';
import { RawNode } from './raw-node.js';
import type { NodeId, Term } from './types.js';
import { Progress } from './tracker/progress.js';
import type { LogIndex } from './types.js';

let storage = new MemoryStorage();

function node(voters: number[] = [1, 2, 3]): RawNode {
  storage = new MemoryStorage();
  storage.applySnapshot(bootstrapSnapshot({ voters: voters as NodeId[] }));
  return new RawNode({ id: 1 as NodeId, electionTick: 10, heartbeatTick: 1, storage, prng: new Prng(1) });
}

describe('RawNode contract', () => {
  it('refuses a second ready() before advance(), and a foreign Ready', () => {
    const rn = node();
    rn.campaign();
    const rd = rn.ready();
    expect(() => rn.ready()).toThrow(/before advance/);
    expect(() => rn.advance({ ...rd })).toThrow(/advance\(\) must be given/);
    rn.advance(rd);
  });

  it('refuses local messages from outside and ignores responses from strangers', () => {
    const rn = node();
    expect(() => rn.step({ type: 'MsgHup', from: 2 as NodeId, to: 1 as NodeId, term: 0 as Term })).toThrow(/local message/);
    expect(rn.step({ type: 'MsgHeartbeatResp', from: 9 as NodeId, to: 1 as NodeId, term: 1 as Term, context: new Uint8Array(0) })).toEqual({
      kind: 'peer-not-found',
      peer: 9,
    });
  });

  it('a single voter becomes leader and commits once its own writes are advanced', () => {
    const rn = node([1]);
    rn.campaign();
    for (let i = 0; i < 3 && rn.hasReady(); i++) {
      const rd = rn.ready();
      storage.append(rd.entries);
      if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
      rn.advance(rd);
    }
    expect(rn.status().softState.role).toBe('leader');
    expect(rn.status().hardState.commit).toBe(2);
    expect(rn.hasReady()).toBe(false);
  });

  it('refuses to advance past entries that were not persisted', () => {
    const rn = node([1]);
    rn.campaign();
    rn.advance(rn.ready());
    const rd = rn.ready();
    expect(rd.entries).toHaveLength(1);
    expect(() => rn.advance(rd)).toThrow(/not persisted/);
  });

  it('drops proposals without a leader, with a reason', () => {
    expect(node().propose(new Uint8Array([1]))).toEqual({ kind: 'proposal-dropped', reason: 'no-leader' });
  });
});

describe('Progress flow control', () => {
  const li = (n: number): LogIndex => n as LogIndex;

  it('probe sends one message at a time; replicate fills the window', () => {
    const pr = new Progress({ match: li(0), next: li(5), inflightsCapacity: 2, isLearner: false });
    pr.sentEntries(3);
    expect([pr.isPaused(), pr.next]).toEqual([true, 5]);
    expect(pr.maybeUpdate(li(7))).toBe(true);
    pr.becomeReplicate();
    pr.sentEntries(1);
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(1);
    expect([pr.isPaused(), pr.next, pr.inflights.count()]).toEqual([true, 10, 2]);
    pr.inflights.freeLE(li(8));
    expect(pr.inflights.count()).toBe(1);
  });

  it('ignores stale rejections and backs off to the hint in probe state', () => {
    const pr = new Progress({ match: li(3), next: li(10), inflightsCapacity: 4, isLearner: false });
    expect(pr.maybeDecrTo(li(5), li(5))).toBe(false); // probe: only next - 1 = 9 is outstanding
    expect(pr.maybeDecrTo(li(9), li(6))).toBe(true);
    expect(pr.next).toBe(7);
    expect(pr.maybeDecrTo(li(6), li(0))).toBe(true);
    expect(pr.next).toBe(4); // never below match + 1
  });

  it('coming out of snapshot state probes after the snapshot', () => {
    const pr = new Progress({ match: li(3), next: li(4), inflightsCapacity: 4, isLearner: false });
    pr.becomeSnapshot(li(20));
    expect(pr.isPaused()).toBe(true);
    pr.becomeProbe();
    expect([pr.state, pr.next]).toEqual(['probe', 21]);
  });
});
