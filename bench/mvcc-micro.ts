/**
 * Micro-benchmark of the MVCC hot paths on LevelDB: a point put committed unsynced, a point put
 * committed synced (a group of one: every put pays its own fsync), and a point get over a
 * preloaded keyspace. One operation in flight, so ops/s is 1 / mean latency; percentiles come from
 * an HDR histogram.
 *
 *     npm run bench:mvcc -- [--keys=100000] [--put-ops=20000] [--sync-ops=2000] [--get-ops=100000] [--seconds=20]
 *
 * Every phase is bounded by its op count and by --seconds. The run ends with a consistency check:
 * every key must read back the last value written to it, by get and by a full scan; a run whose
 * check fails prints no result and exits 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hdr from 'hdr-histogram-js';
import { parseIntFlags, printReport, runBenchmark, textTable } from './harness.js';
import { Prng } from '../common/prng.js';
import { Clock } from '../storage/hlc.js';
import { LevelEngine } from '../storage/level-engine.js';
import { IndexedBatch, mvccGet, mvccPut, mvccScan } from '../storage/mvcc/index.js';

interface Config {
  readonly keys: number;
  readonly putOps: number;
  readonly syncOps: number;
  readonly getOps: number;
  readonly seconds: number;
  readonly seed: number;
  readonly valueBytes: number;
}

interface PhaseResult {
  readonly name: string;
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  readonly latencyUsP50: number;
  readonly latencyUsP99: number;
  readonly latencyUsP999: number;
  readonly latencyUsMax: number;
}

function parseConfig(argv: readonly string[]): Config {
  return parseIntFlags(argv, {
    keys: 100_000,
    putOps: 20_000,
    syncOps: 2_000,
    getOps: 100_000,
    seconds: 20,
    seed: 42,
    valueBytes: 100,
  });
}

function keyOf(index: number): Uint8Array {
  return Buffer.from(`/bench/${index.toString().padStart(9, '0')}`);
}

/** A value that names its key and version, so the check can tell a stale read from a right one. */
function valueOf(index: number, version: number, valueBytes: number): Uint8Array {
  const head = `${index}:${version}:`;
  return Buffer.from(head.padEnd(valueBytes, 'x'));
}

class State {
  /** The last version written of each key. */
  readonly versions: Uint32Array;
  constructor(keys: number) {
    this.versions = new Uint32Array(keys);
  }
}

async function preload(engine: LevelEngine, clock: Clock, config: Config, state: State): Promise<void> {
  const perBatch = 1_000;
  for (let first = 0; first < config.keys; first += perBatch) {
    const batch = new IndexedBatch(engine);
    const ts = clock.now();
    for (let i = first; i < Math.min(first + perBatch, config.keys); i++) {
      await mvccPut(batch, keyOf(i), ts, valueOf(i, 0, config.valueBytes));
    }
    await batch.commit(engine);
  }
  // Leave LevelDB in a steady state (tables rather than one big memtable) before measuring.
  await engine.compactRange(Buffer.from('/'), Buffer.from('0'));
  state.versions.fill(0);
}

async function phase(name: string, opsMax: number, secondsMax: number, op: (i: number) => Promise<void>): Promise<PhaseResult> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: 3 });
  const deadline = process.hrtime.bigint() + BigInt(secondsMax) * 1_000_000_000n;
  const started = process.hrtime.bigint();
  let ops = 0;
  while (ops < opsMax) {
    const before = process.hrtime.bigint();
    if (before > deadline) break;
    await op(ops);
    histogram.recordValue(Number(process.hrtime.bigint() - before));
    ops++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const us = (ns: number): number => Math.round(ns / 100) / 10;
  const result = {
    name,
    ops,
    seconds: Math.round(seconds * 1000) / 1000,
    opsPerSecond: Math.round(ops / seconds),
    latencyUsP50: us(histogram.getValueAtPercentile(50)),
    latencyUsP99: us(histogram.getValueAtPercentile(99)),
    latencyUsP999: us(histogram.getValueAtPercentile(99.9)),
    latencyUsMax: us(histogram.maxValue),
  };
  histogram.destroy();
  return result;
}

async function putPhase(name: string, engine: LevelEngine, clock: Clock, config: Config, state: State, prng: Prng, sync: boolean, opsMax: number): Promise<PhaseResult> {
  return phase(name, opsMax, config.seconds, async () => {
    const index = prng.nextInt(config.keys);
    const version = (state.versions[index] as number) + 1;
    const batch = new IndexedBatch(engine);
    await mvccPut(batch, keyOf(index), clock.now(), valueOf(index, version, config.valueBytes));
    await batch.commit(engine, { sync });
    state.versions[index] = version;
  });
}

/** Every key reads back its last version, by get and by scan; returns the problems found. */
async function check(engine: LevelEngine, clock: Clock, config: Config, state: State): Promise<string[]> {
  const problems: string[] = [];
  const decoder = new TextDecoder();
  const expected = (i: number): string => decoder.decode(valueOf(i, state.versions[i] as number, config.valueBytes));
  const ts = clock.now();
  for (let i = 0; i < config.keys && problems.length < 10; i += Math.max(1, Math.floor(config.keys / 1_000))) {
    const got = await mvccGet(engine, keyOf(i), ts);
    if (got === undefined || decoder.decode(got) !== expected(i)) problems.push(`get of key ${i} returned ${got === undefined ? 'nothing' : decoder.decode(got)}`);
  }
  let seen = 0;
  let start: Uint8Array | undefined = keyOf(0);
  while (start !== undefined && problems.length < 10) {
    const { rows, resumeKey } = await mvccScan(engine, start, Buffer.from('/bench0'), ts, { limit: 10_000 });
    for (const row of rows) {
      if (decoder.decode(row.value) !== expected(seen)) problems.push(`scan row ${seen} holds ${decoder.decode(row.value).slice(0, 20)}`);
      seen++;
    }
    start = resumeKey;
  }
  if (seen !== config.keys && problems.length < 10) problems.push(`scan saw ${seen} keys, not ${config.keys}`);
  return problems;
}

function table(results: readonly PhaseResult[]): string {
  return textTable(['phase', 'ops', 'ops/s', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs'], results.map((r) => [r.name, r.ops, r.opsPerSecond, r.latencyUsP50, r.latencyUsP99, r.latencyUsP999, r.latencyUsMax]));
}

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-mvcc-'));
  const engine = await LevelEngine.open({ path: dir });
  const clock = new Clock({ maxOffsetNanos: 500_000_000n });
  const prng = new Prng(config.seed);
  const state = new State(config.keys);
  try {
    process.stderr.write(`preloading ${config.keys} keys in ${dir}\n`);
    await preload(engine, clock, config, state);
    const results: PhaseResult[] = [];
    for (const [name, run] of [
      ['put sync=false', () => putPhase('put sync=false', engine, clock, config, state, prng, false, config.putOps)],
      ['put sync=true', () => putPhase('put sync=true', engine, clock, config, state, prng, true, config.syncOps)],
      [
        'get',
        () =>
          phase('get', config.getOps, config.seconds, async () => {
            const index = prng.nextInt(config.keys);
            if ((await mvccGet(engine, keyOf(index), clock.now())) === undefined) throw new Error(`key ${index} not found`);
          }),
      ],
    ] as const) {
      process.stderr.write(`running ${name}\n`);
      results.push(await run());
    }
    const problems = await check(engine, clock, config, state);
    if (problems.length > 0) {
      process.stderr.write(`consistency check failed, no result:\n${problems.join('\n')}\n`);
      process.exitCode = 1;
      return;
    }
    printReport('mvcc-micro', config, results, table(results));
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBenchmark(main);
