/**
 * Registers one vitest test per logic file of a folder, run against the target `getTarget`
 * returns (a target is usually created in beforeAll, so it is looked up when each test runs).
 * Kept apart from the runner so the runner stays usable outside vitest.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runLogicFile, type LogicFileResult } from './runner.js';
import type { SqlTarget } from './sql-target.js';

export const logicFileSuffix = '.slt';

export function logicFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(logicFileSuffix))
    .sort();
}

export function logicTests(dir: string, getTarget: () => SqlTarget): void {
  const files = logicFiles(dir);
  if (files.length === 0) throw new Error(`no logic files (*${logicFileSuffix}) in ${dir}`);
  for (const name of files) {
    it(name, async () => {
      const result = await runLogicFile(join(dir, name), getTarget());
      expect(result.failures.length, describeFailures(result)).toBe(0);
      expect(result.recordsRun, `${name} ran no records`).toBeGreaterThan(0);
    });
  }
}

/** All failures of a file as one message, each with its file:line. */
export function describeFailures(result: LogicFileResult): string {
  return result.failures.map((f) => `${f.pos}: ${f.message}`).join('\n\n');
}
