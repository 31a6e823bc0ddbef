/**
 * The conformance suite on every engine: the same behaviour from LevelDB, the in-memory engine and
 * the fault-injecting engine (with no faults armed).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { engineConformanceTests } from './engine-conformance.js';
import { FaultyEngine } from './faulty-engine.js';
import { LevelEngine } from './level-engine.js';
import { MemoryEngine } from './memory-engine.js';

describe('MemoryEngine', () => {
  engineConformanceTests({ open: async () => new MemoryEngine(), exactSizes: true });
});

describe('FaultyEngine', () => {
  let seed = 0;
  engineConformanceTests({ open: async () => new FaultyEngine({ seed: ++seed }), exactSizes: true });
});

describe('LevelEngine', () => {
  const dirs: string[] = [];
  engineConformanceTests({
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'tessera-level-'));
      dirs.push(dir);
      return LevelEngine.open({ path: dir });
    },
    async cleanup() {
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    },
    exactSizes: false,
    modelOpsPerSeed: 400,
  });
});
