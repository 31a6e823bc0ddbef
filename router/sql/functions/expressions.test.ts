/**
 * The function library against the expected outputs of testdata/*.txt, which PostgreSQL 15
 * produced (postgres-expressions.test.ts checks them against a live server).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseDataDriven, runDataDrivenFile } from '../../../testing/datadriven.js';
import { initParser } from '../parser/parse.js';
import { runCase } from './testing/expression-cases.js';
import { TesseraEngine } from './testing/tessera-engine.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

describe('expressions evaluated by the function library', () => {
  beforeAll(async () => {
    await initParser();
  });
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    it(name, async () => {
      const engine = new TesseraEngine();
      // Never rewritten from Tessera's answers: the expectations are PostgreSQL's.
      const result = await runDataDrivenFile(join(dir, name), (tc) => runCase(engine, tc), { rewrite: false });
      expect(result.failures.length, lineDiff(join(dir, name), result.failures)).toBe(0);
    });
  }
});

/** The differing lines of each failed case, with the expression that produced them. */
function lineDiff(file: string, failures: readonly { pos: string; expected: string; actual: string }[]): string {
  const cases = new Map(parseDataDriven(readFileSync(file, 'utf8'), file).map((tc) => [tc.pos, tc]));
  const out: string[] = [];
  for (const failure of failures) {
    const inputs = (cases.get(failure.pos)?.input ?? '').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    const expected = failure.expected.split('\n');
    const actual = failure.actual.split('\n');
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      if (expected[i] !== actual[i]) out.push(`${failure.pos} ${inputs[i] ?? '?'}\n  expected: ${expected[i]}\n  actual:   ${actual[i]}`);
    }
  }
  return out.join('\n');
}
