import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(repoRoot, 'dist', 'client', 'cli', 'main.js');

// The CLI runs compiled JavaScript: `npm test` builds first, exactly as `npm install` does.
describe('tessera CLI (compiled)', () => {
  it('is built', () => {
    expect(existsSync(bin), `${bin} missing: run npm run build`).toBe(true);
  });

  it('prints help listing its commands', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    expect(stdout).toMatch(/^Usage: tessera/m);
    expect(stdout).toMatch(/^\s+version\b/m);
  });

  it('prints its version as text and as JSON', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const text = await run(process.execPath, [bin, 'version']);
    expect(text.stdout).toContain(`Tessera v${version}`);
    const json = await run(process.execPath, [bin, 'version', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ version, nodeVersion: process.version });
  });

  it('rejects an unknown command with a non-zero exit and a message', async () => {
    await expect(run(process.execPath, [bin, 'frobnicate'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown command 'frobnicate'/),
    });
  });
});
