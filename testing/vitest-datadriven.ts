/**
 * Registers one vitest test per data-driven file of a folder. Kept apart from the runner so the
 * runner itself stays usable outside vitest (simulators, scripts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeFailures, runDataDrivenFile, type Handler } from './datadriven.js';

export function dataDrivenTests(dir: string, makeHandler: () => Handler, options: { suffix?: string } = {}): void {
  const suffix = options.suffix ?? '.txt';
  const files = readdirSync(dir).filter((f) => f.endsWith(suffix)).sort();
  if (files.length === 0) throw new Error(`no data-driven files (*${suffix}) in ${dir}`);
  for (const name of files) {
    it(name, async () => {
      const result = await runDataDrivenFile(join(dir, name), makeHandler());
      expect(result.failures.length, describeFailures(result)).toBe(0);
    });
  }
}
