import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  readonly version: string;
  readonly nodeVersion: string;
  readonly platform: string;
}

/** The package's version, found by walking up to package.json (works from source and from dist/). */
export function buildInfo(): BuildInfo {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tessera' && typeof pkg.version === 'string') {
        return { version: pkg.version, nodeVersion: process.version, platform: `${process.platform}/${process.arch}` };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json of tessera not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
