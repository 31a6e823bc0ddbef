/**
 * The multi-group Raft log store on the in-memory engine and on LevelDB: the core's Storage view,
 * group commit, compaction, snapshots, and restarts that restore every group exactly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Prng } from '../../common/prng.js';
import type { Engine } from '../../storage/engine.js';
import { LevelEngine } from '../../storage/level-engine.js';
import { FaultyEngine } from '../../storage/faulty-engine.js';
import { MemoryEngine } from '../../storage/memory-engine.js';
import { bootstrapSnapshot as coreBootstrapSnapshot } from '../core/bootstrap.js';
import { MemoryStorage } from '../core/memory-storage.js';
import { RawNode } from '../core/raw-node.js';
import {
  EMPTY_CONF_STATE,
  ErrCompacted,
  ErrUnavailable,
  type ConfState,
  type Entry,
  type HardState,
  type LogIndex,
  type NodeId,
  type Snapshot,
  type Storage,
  type Term,
  nodeId,
} from '../core/types.js';
import { groupId, type GroupId } from './group-id.js';
import { RaftStore } from './raft-store.js';

/** Opens an engine and reopens it as a restart would (same data, fresh process state). */
interface EngineHarness {
  readonly name: string;
  open(): Promise<Engine>;
  reopen(engine: Engine): Promise<Engine>;
}

const tempDirs: string[] = [];
afterAll(async () => {
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const memoryHarness: EngineHarness = {
  name: 'MemoryEngine',
  open: async () => new MemoryEngine(),
  // The in-memory engine is the "disk": a new RaftStore over it is a restarted process.
  reopen: async (engine) => engine,
};

const paths = new WeakMap<Engine, string>();
const levelHarness: EngineHarness = {
  name: 'LevelEngine',
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-raft-store-'));
    tempDirs.push(dir);
    const engine = await LevelEngine.open({ path: dir });
    paths.set(engine, dir);
    return engine;
  },
  async reopen(engine) {
    const dir = paths.get(engine) as string;
    await engine.close();
    const reopened = await LevelEngine.open({ path: dir });
    paths.set(reopened, dir);
    return reopened;
  },
};

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const entry = (index: number, term: number, data = `e${index}t${term}`): Entry => ({
  index: index as LogIndex,
  term: term as Term,
  type: 'normal',
  data: bytes(data),
});
const entries = (from: number, to: number, term: number): Entry[] => Array.from({ length: to - from + 1 }, (_, i) => entry(from + i, term));
const hardState = (term: number, vote: number, commit: number): HardState => ({
  term: term as Term,
  vote: vote as NodeId,
  commit: commit as LogIndex,
});
const confState = (voters: number[], learners: number[] = []): ConfState => ({
  ...EMPTY_CONF_STATE,
  voters: voters as NodeId[],
  learners: learners as NodeId[],
});

/** Everything the core can read of a group, for comparing two storages. */
function view(storage: Storage): unknown {
  const first = storage.firstIndex();
  const last = storage.lastIndex();
  const terms: number[] = [];
  for (let i = first - 1; i <= last; i++) terms.push(storage.term(i as LogIndex));
  const all = last >= first ? storage.entries(first, (last + 1) as LogIndex, Number.MAX_SAFE_INTEGER) : [];
  const snapshot = storage.snapshot();
  return {
    initialState: storage.initialState(),
    first,
    last,
    terms,
    entries: all.map((e) => ({ index: e.index, term: e.term, type: e.type, data: Buffer.from(e.data).toString('hex') })),
    snapshot: { metadata: snapshot.metadata, data: Buffer.from(snapshot.data).toString('hex') },
  };
}

function allViews(store: RaftStore): Map<GroupId, unknown> {
  return new Map(store.groupIds().map((id) => [id, view(store.group(id))]));
}

for (const harness of [memoryHarness, levelHarness]) {
  describe(`RaftStore on ${harness.name}`, () => {
    it('serves the core the log it persisted, and the same log after a restart', async () => {
      let engine = await harness.open();
      const store = await RaftStore.open(engine);
      const g = groupId(7);
      await store.persist([{ groupId: g, ready: { entries: entries(1, 5, 1), hardState: hardState(1, 2, 3) } }], { sync: true });
      const log = store.group(g);
      expect(log.firstIndex()).toBe(1);
      expect(log.lastIndex()).toBe(5);
      expect(log.term(0 as LogIndex)).toBe(0);
      expect(log.term(5 as LogIndex)).toBe(1);
      expect(() => log.term(6 as LogIndex)).toThrow(ErrUnavailable);
      expect(() => log.entries(2 as LogIndex, 7 as LogIndex, 1000)).toThrow(ErrUnavailable);
      expect(log.entries(2 as LogIndex, 5 as LogIndex, Number.MAX_SAFE_INTEGER).map((e) => e.index)).toEqual([2, 3, 4]);
      // A byte bound below one entry still yields one entry, so replication always progresses.
      expect(log.entries(2 as LogIndex, 5 as LogIndex, 1).map((e) => e.index)).toEqual([2]);
      expect(log.initialState().hardState).toEqual(hardState(1, 2, 3));

      const before = allViews(store);
      engine = await harness.reopen(engine);
      const restarted = await RaftStore.open(engine);
      expect(allViews(restarted)).toEqual(before);
      await engine.close();
    });

    it('replaces a conflicting suffix when a leader overwrites the tail', async () => {
      let engine = await harness.open();
      const store = await RaftStore.open(engine);
      const g = groupId(1);
      await store.persist([{ groupId: g, ready: { entries: entries(1, 6, 1) } }], { sync: true });
      // A new leader of term 2 holds only entries 1..3 of term 1 and appends 4..4 of term 2.
      await store.persist([{ groupId: g, ready: { entries: [entry(4, 2, 'new')] } }], { sync: true });
      expect(store.group(g).lastIndex()).toBe(4);
      expect(store.group(g).term(4 as LogIndex)).toBe(2);
      engine = await harness.reopen(engine);
      const restarted = await RaftStore.open(engine);
      expect(restarted.group(g).lastIndex()).toBe(4);
      expect(new TextDecoder().decode(restarted.group(g).entries(4 as LogIndex, 5 as LogIndex, 100)[0]?.data)).toBe('new');
      await engine.close();
    });

    it('writes the Readys of many groups in one synced batch and restores each exactly', async () => {
      let engine = await harness.open();
      const store = await RaftStore.open(engine);
      const prng = new Prng(5);
      const groups = Array.from({ length: 100 }, (_, i) => groupId(i + 1));
      await Promise.all(groups.map((g) => store.bootstrap(g, bootstrapSnapshot([1, 2, 3]))));
      const batchesBefore = store.stats().batches;
      for (let round = 0; round < 5; round++) {
        const writes = groups.map((g) => {
          const last = store.group(g).lastIndex();
          const count = prng.nextInt(4);
          return {
            groupId: g,
            ready: { entries: entries(last + 1, last + count, 2), hardState: hardState(2, 1, last) },
          };
        });
        await store.persist(writes, { sync: true });
      }
      expect(store.stats().batches - batchesBefore).toBe(5);
      const before = allViews(store);
      engine = await harness.reopen(engine);
      const restarted = await RaftStore.open(engine);
      expect(restarted.groupIds()).toEqual(groups);
      expect(allViews(restarted)).toEqual(before);
      await engine.close();
    });

    it('installs a snapshot from a leader in place of the whole log', async () => {
      let engine = await harness.open();
      const store = await RaftStore.open(engine);
      const g = groupId(3);
      await store.persist([{ groupId: g, ready: { entries: entries(1, 4, 1), hardState: hardState(1, 0, 2) } }], { sync: true });
      const snapshot: Snapshot = { data: bytes('image'), metadata: { index: 10 as LogIndex, term: 3 as Term, confState: confState([1, 2, 4], [5]) } };
      await store.persist([{ groupId: g, ready: { snapshot, entries: [entry(11, 3)], hardState: hardState(3, 0, 10) } }], { sync: true });
      const log = store.group(g);
      expect([log.firstIndex(), log.lastIndex(), log.term(10 as LogIndex)]).toEqual([11, 11, 3]);
      expect(() => log.term(9 as LogIndex)).toThrow(ErrCompacted);
      expect(log.initialState().confState).toEqual(confState([1, 2, 4], [5]));
      expect(log.appliedState().index).toBe(10);
      const before = view(log);
      engine = await harness.reopen(engine);
      const restarted = await RaftStore.open(engine);
      expect(view(restarted.group(g))).toEqual(before);
      expect(new TextDecoder().decode(restarted.group(g).snapshot().data)).toBe('image');
      await engine.close();
    });

    it('compacts the log behind a snapshot of the application state', async () => {
      let engine = await harness.open();
      const store = await RaftStore.open(engine);
      const g = groupId(9);
      await store.persist([{ groupId: g, ready: { entries: entries(1, 20, 1), hardState: hardState(1, 1, 15) } }], { sync: true });
      const { snapshot, durable } = store.snapshotAndCompact(g, { index: 15 as LogIndex, confState: confState([1]), data: bytes('s15') }, 12 as LogIndex);
      await durable;
      expect(snapshot.metadata).toEqual({ index: 15, term: 1, confState: confState([1]) });
      const log = store.group(g);
      expect([log.firstIndex(), log.lastIndex()]).toEqual([13, 20]);
      expect(() => log.entries(12 as LogIndex, 14 as LogIndex, 100)).toThrow(ErrCompacted);
      expect(log.term(12 as LogIndex)).toBe(1);
      expect(() => store.snapshotAndCompact(g, { index: 16 as LogIndex, confState: confState([1]), data: bytes('x') }, 17 as LogIndex)).toThrow(
        /passes the snapshot/,
      );
      const before = view(log);
      engine = await harness.reopen(engine);
      expect(view((await RaftStore.open(engine)).group(g))).toEqual(before);
      await engine.close();
    });

    it('keeps an applied state beside the log and deletes a destroyed group entirely', async () => {
      let engine = await harness.open();
      const store = await RaftStore.open(engine);
      await store.bootstrap(groupId(1), bootstrapSnapshot([1, 2, 3]));
      await store.bootstrap(groupId(2), bootstrapSnapshot([1, 2, 3]));
      await store.persist(
        [{ groupId: groupId(1), ready: { entries: entries(2, 3, 2), hardState: hardState(2, 1, 3) }, appliedState: { index: 3 as LogIndex, confState: confState([1, 2]) } }],
        { sync: true },
      );
      await store.destroyGroup(groupId(2));
      engine = await harness.reopen(engine);
      const restarted = await RaftStore.open(engine);
      expect(restarted.groupIds()).toEqual([groupId(1)]);
      expect(restarted.group(groupId(1)).appliedState()).toEqual({ index: 3, confState: confState([1, 2]) });
      expect(restarted.group(groupId(1)).initialState().confState).toEqual(confState([1, 2]));
      await engine.close();
    });
  });
}

describe('RaftStore against the core MemoryStorage', () => {
  it('gives the same view as MemoryStorage after random appends, snapshots and compactions, and after restarts', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const prng = new Prng(seed);
      const engine = new MemoryEngine();
      let store = await RaftStore.open(engine);
      const reference = new MemoryStorage();
      const g = groupId(seed);
      let term = 1;
      let commit = 0;
      for (let step = 0; step < 60; step++) {
        const roll = prng.nextInt(10);
        const last = reference.lastIndex();
        const first = reference.firstIndex();
        if (roll < 6) {
          // Append, sometimes overwriting a suffix with a newer term.
          const from = prng.chance(0.3) ? Math.max(first, commit + 1, last - prng.nextInt(3)) : last + 1;
          if (from !== last + 1) term++;
          const batch = entries(from, from + prng.nextInt(4), term);
          commit = Math.min(Math.max(commit, from - 1), batch[batch.length - 1]!.index);
          const hs = hardState(term, 1, commit);
          reference.append(batch);
          reference.setHardState(hs);
          await store.persist([{ groupId: g, ready: { entries: batch, hardState: hs } }], { sync: prng.chance(0.5) });
        } else if (roll < 8 && commit > reference.snapshot().metadata.index && commit >= first) {
          const index = (reference.snapshot().metadata.index + 1 + prng.nextInt(commit - reference.snapshot().metadata.index)) as LogIndex;
          const compactTo = Math.max(first - 1, index - prng.nextInt(3)) as LogIndex;
          const data = bytes(`state@${index}`);
          reference.createSnapshot(index, confState([1, 2, 3]), data);
          // Here the configuration at a restart is the snapshot's (the state machine replays from it).
          reference.setConfState(confState([1, 2, 3]));
          if (compactTo >= first) reference.compact(compactTo);
          await store.snapshotAndCompact(g, { index, confState: confState([1, 2, 3]), data }, compactTo).durable;
        } else if (roll === 8) {
          // A snapshot from a leader, ahead of everything here.
          const index = (last + 1 + prng.nextInt(5)) as LogIndex;
          term++;
          commit = index;
          const snapshot: Snapshot = { data: bytes(`leader@${index}`), metadata: { index, term: term as Term, confState: confState([1, 2, 3]) } };
          const hs = hardState(term, 0, commit);
          reference.applySnapshot(snapshot);
          reference.setHardState(hs);
          await store.persist([{ groupId: g, ready: { snapshot, entries: [], hardState: hs } }], { sync: true });
        } else {
          store = await RaftStore.open(engine);
        }
        expect(view(store.group(g)), `seed ${seed} step ${step}`).toEqual(view(reference));
      }
    }
  });
});

function bootstrapSnapshot(voters: number[]): Snapshot {
  return { data: new Uint8Array(0), metadata: { index: 1 as LogIndex, term: 1 as Term, confState: confState(voters) } };
}

describe('RaftStore across crashes (FaultyEngine)', () => {
  it('keeps every synced write and loses at most the unsynced ones', async () => {
    const engine = new FaultyEngine({ seed: 9 });
    const store = await RaftStore.open(engine);
    const g = groupId(1);
    await store.persist([{ groupId: g, ready: { entries: entries(1, 3, 1), hardState: hardState(1, 1, 1) } }], { sync: true });
    // A commit-only change may be written lazily (ready.ts): a crash can take it back.
    await store.persist([{ groupId: g, ready: { entries: [], hardState: hardState(1, 1, 3) } }], { sync: false });
    const { engine: recovered, unsyncedBatchesLost } = engine.crash({ keepUnsyncedBatches: 0 });
    expect(unsyncedBatchesLost).toBe(1);
    const restarted = await RaftStore.open(recovered);
    expect(restarted.group(g).hardState()).toEqual(hardState(1, 1, 1));
    expect(restarted.group(g).lastIndex()).toBe(3);
  });

  it('restarts a single-node group after random crashes with every applied entry intact', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const prng = new Prng(seed);
      let engine = new FaultyEngine({ seed });
      let store = await RaftStore.open(engine);
      const g = groupId(1);
      await store.bootstrap(g, coreBootstrapSnapshot({ voters: [nodeId(1)] }));
      /** Every command applied before any crash, in order: a restart must replay exactly these first. */
      const appliedEver: string[] = [];
      let counter = 0;
      for (let life = 0; life < 6; life++) {
        const node = new RawNode({ id: nodeId(1), electionTick: 10, heartbeatTick: 1, storage: store.group(g), prng: prng.fork(), applied: store.group(g).appliedState().index });
        const appliedThisLife: string[] = [];
        node.campaign();
        for (let round = 0; round < 8; round++) {
          if (round > 0) for (let k = prng.nextInt(4); k > 0; k--) node.propose(bytes(`c${++counter}`));
          while (node.hasReady()) {
            const rd = node.ready();
            await store.persist([{ groupId: g, ready: rd }], { sync: rd.mustSync });
            for (const e of rd.committedEntries) if (e.type === 'normal' && e.data.length > 0) appliedThisLife.push(new TextDecoder().decode(e.data));
            node.advance(rd);
          }
        }
        // The state machine is rebuilt by replay, so this life re-applied everything from before.
        expect(appliedThisLife.slice(0, appliedEver.length), `seed ${seed} life ${life}`).toEqual(appliedEver);
        appliedEver.splice(0, appliedEver.length, ...appliedThisLife);
        const crashed = engine.crash();
        engine = crashed.engine;
        store = await RaftStore.open(engine);
      }
      expect(appliedEver.length).toBeGreaterThan(0);
    }
  });
});
