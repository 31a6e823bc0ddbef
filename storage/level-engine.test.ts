/**
 * What only LevelDB shows: durability across a close and across a killed process, real sizes, and
 * the ways a store fails to open. The shared behaviour is in engine.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Prng } from '../common/prng.js';
import { EngineError, type BatchOp } from './engine.js';
import { bytes, expectRejects, scan, SortedModel, text } from './engine-conformance.js';
import { LevelEngine, toEngineError } from './level-engine.js';

const dirs: string[] = [];
const engines: LevelEngine[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-level-'));
  dirs.push(dir);
  return dir;
}

async function open(path: string, options: { createIfMissing?: boolean; writeBufferBytes?: number } = {}): Promise<LevelEngine> {
  const engine = await LevelEngine.open({ path, ...options });
  engines.push(engine);
  return engine;
}

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function randomBytes(prng: Prng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    const word = prng.nextUint32();
    out[i] = word & 0xff;
    out[i + 1] = (word >>> 8) & 0xff;
    out[i + 2] = (word >>> 16) & 0xff;
    out[i + 3] = word >>> 24;
  }
  return out;
}

describe('LevelEngine durability', () => {
  it('finds every write after closing and reopening the store', async () => {
    const path = await tempDir();
    const prng = new Prng(11);
    const model = new SortedModel();
    // A small write buffer moves most of the data out of the log into table files.
    let engine = await open(path, { writeBufferBytes: 64 * 1024 });
    for (let i = 0; i < 300; i++) {
      const ops: BatchOp[] = Array.from({ length: 1 + prng.nextInt(5) }, () => {
        const key = bytes(`k${prng.nextInt(200)}\x00${prng.nextInt(3)}`);
        return prng.chance(0.8) ? { type: 'put', key, value: randomBytes(prng, prng.nextInt(2000)) } : { type: 'del', key };
      });
      await engine.write(ops, { sync: i % 3 === 0 });
      model.apply(ops);
    }
    await engine.close();
    engine = await open(path, { createIfMissing: false });
    expect(await scan(engine)).toEqual(model.scan());
    await engine.close();
    engine = await open(path);
    expect(await scan(engine, { reverse: true })).toEqual(model.scan({ reverse: true }));
  });

  it('keeps every acknowledged synced batch whole when the writing process is killed', async () => {
    const path = await tempDir();
    const childPath = fileURLToPath(new URL('./level-crash-child.mjs', import.meta.url));
    const child = spawn(process.execPath, [childPath, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    const killAfterAcks = 100;
    let acked = -1;
    let pending = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match !== null) acked = Number(match[1]);
      }
      if (acked + 1 >= killAfterAcks && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    let signal: NodeJS.Signals | null;
    try {
      signal = await exited;
    } finally {
      // Never leave the writer running, whatever failed.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    expect(signal, `the child ended by itself: ${stderr}`).toBe('SIGKILL');
    expect(acked).toBeGreaterThanOrEqual(killAfterAcks - 1);

    const engine = await open(path, { createIfMissing: false });
    const batches = new Map<number, string[]>();
    for await (const { key, value } of engine.iterator()) {
      const match = /^b(\d{7})\/([012])$/.exec(text(key));
      expect(match, `unexpected key ${text(key)}`).not.toBeNull();
      const n = Number(match![1]);
      expect(text(value)).toBe(match![2] === '1' ? String(n).repeat(50) : String(n));
      batches.set(n, [...(batches.get(n) ?? []), match![2]!]);
    }
    // Batches are written one after another, so the survivors are 0..m, with m the last
    // acknowledged batch or the one after it (in flight at the kill).
    const survivors = [...batches.keys()].sort((a, b) => a - b);
    expect(survivors.length === acked + 1 || survivors.length === acked + 2).toBe(true);
    survivors.forEach((n, index) => {
      expect(n).toBe(index);
      expect(batches.get(n), `batch ${n}`).toEqual(['0', '1', '2']);
    });
  });
});

describe('LevelEngine approximateSize', () => {
  it('reports the bytes of a span once written to tables, and about nothing for an empty span', async () => {
    const engine = await open(await tempDir());
    const prng = new Prng(5);
    const valueBytes = 4096;
    const count = 768;
    for (let i = 0; i < count; i += 64) {
      const ops: BatchOp[] = [];
      for (let j = i; j < i + 64; j++) ops.push({ type: 'put', key: bytes(`big/${String(j).padStart(5, '0')}`), value: randomBytes(prng, valueBytes) });
      await engine.write(ops);
    }
    const span = [bytes('big/'), bytes('big0')] as const;
    const empty = [bytes('zz'), bytes('zzz')] as const;
    // Data still in the memtable may count for nothing; never less.
    expect(await engine.approximateSize(...span)).toBeGreaterThanOrEqual(0);
    await engine.compactRange(bytes(''), bytes('\xff'));
    const written = count * valueBytes;
    // Random values do not compress, so the tables hold about what was written.
    const size = await engine.approximateSize(...span);
    expect(size).toBeGreaterThan(written * 0.8);
    expect(size).toBeLessThan(written * 1.5);
    expect(await engine.approximateSize(...empty)).toBeLessThan(written * 0.01);
    const firstHalf = await engine.approximateSize(bytes('big/'), bytes(`big/${String(count / 2).padStart(5, '0')}`));
    expect(firstHalf).toBeGreaterThan(size * 0.3);
    expect(firstHalf).toBeLessThan(size * 0.7);
  });
});

describe('LevelEngine open failures', () => {
  async function expectOpenFails(promise: Promise<unknown>): Promise<void> {
    await expectRejects(promise, 'ENGINE_OPEN_FAILED');
  }

  it('fails with ENGINE_OPEN_FAILED when the store is locked by another user', async () => {
    const path = await tempDir();
    const engine = await open(path);
    await expectOpenFails(LevelEngine.open({ path }));
    await engine.put(bytes('still'), bytes('works'));
    expect(await scan(engine)).toEqual(['still=works']);
  });

  it('fails with ENGINE_OPEN_FAILED when the store is missing and may not be created', async () => {
    await expectOpenFails(LevelEngine.open({ path: join(await tempDir(), 'none'), createIfMissing: false }));
  });

  it('fails with ENGINE_OPEN_FAILED when the path is a file', async () => {
    const file = join(await tempDir(), 'file');
    await writeFile(file, 'not a store');
    await expectOpenFails(LevelEngine.open({ path: file }));
  });

  it('fails with ENGINE_OPEN_FAILED when the store is corrupt', async () => {
    const path = await tempDir();
    const engine = await open(path);
    await engine.put(bytes('a'), bytes('1'), { sync: true });
    await engine.close();
    await writeFile(join(path, 'CURRENT'), 'MANIFEST-999999\n');
    await expectOpenFails(LevelEngine.open({ path }));
  });

  it('rejects an empty path and bad sizes as invalid arguments', async () => {
    await expectRejects(LevelEngine.open({ path: '' }), 'ENGINE_INVALID_ARGUMENT');
    const path = await tempDir();
    await expectRejects(LevelEngine.open({ path, cacheBytes: -1 }), 'ENGINE_INVALID_ARGUMENT');
    await expectRejects(LevelEngine.open({ path, writeBufferBytes: 1.5 }), 'ENGINE_INVALID_ARGUMENT');
    await expectRejects(LevelEngine.open({ path, cacheBytes: 2 ** 32 }), 'ENGINE_INVALID_ARGUMENT');
    const engine = await open(path);
    expect(await scan(engine)).toEqual([]);
  });
});

describe('toEngineError', () => {
  const coded = (code: string | undefined, make: (message: string) => Error = (m) => new Error(m)): Error =>
    Object.assign(make('boom'), code === undefined ? {} : { code });

  it('maps classic-level codes to engine codes', () => {
    const cases: [string | undefined, string][] = [
      ['LEVEL_DATABASE_NOT_OPEN', 'ENGINE_CLOSED'],
      ['LEVEL_ITERATOR_NOT_OPEN', 'ENGINE_CLOSED'],
      ['LEVEL_SNAPSHOT_NOT_OPEN', 'ENGINE_CLOSED'],
      ['LEVEL_IO_ERROR', 'ENGINE_IO'],
      ['LEVEL_CORRUPTION', 'ENGINE_IO'],
      ['LEVEL_LOCKED', 'ENGINE_OPEN_FAILED'],
      ['LEVEL_INVALID_KEY', 'ENGINE_INVALID_ARGUMENT'],
      // A LevelDB status with no code of its own (the native layer throws a plain Error).
      [undefined, 'ENGINE_IO'],
    ];
    for (const [code, expected] of cases) {
      const mapped = toEngineError(coded(code));
      expect(mapped).toBeInstanceOf(EngineError);
      expect((mapped as EngineError).code, String(code)).toBe(expected);
      expect((mapped as EngineError).cause).toBeDefined();
    }
  });

  it('passes programming errors through unchanged', () => {
    for (const error of [coded('LEVEL_ITERATOR_BUSY'), coded(undefined, (m) => new TypeError(m)), 'a string']) {
      expect(toEngineError(error)).toBe(error);
    }
  });
});
