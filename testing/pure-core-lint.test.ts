import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The Raft core must stay synchronous and deterministic (DESIGN.md: "no IO, no timers"); the lint
// configuration is what holds that line, so check that it still rejects each kind of impurity.
describe('the pure-core lint rules', () => {
  const eslint = new ESLint();
  const lint = async (code: string, filePath: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
  };

  it('rejects IO imports, async code, timers, Date and Math.random in raft/core', async () => {
    const code = [
      "import { readFileSync } from 'node:fs';",
      'export async function f(): Promise<number> {',
      '  await null;',
      '  setTimeout(() => 1, 5);',
      "  return Date.now() + Math.random() + readFileSync('x').length;",
      '}',
      '',
    ].join('\n');
    const rules = await lint(code, 'raft/core/probe.ts');
    expect(rules).toEqual(expect.arrayContaining([
      'no-restricted-imports', 'no-restricted-syntax', 'no-restricted-globals', 'no-restricted-properties',
    ]));
    expect(rules.filter((r) => r === 'no-restricted-globals')).toHaveLength(2);
  });

  it('allows the same code outside the core', async () => {
    const code = 'export function now(): number {\n  return Date.now() + Math.random();\n}\n';
    expect(await lint(code, 'raft/driver/probe.ts')).toEqual([]);
  });
});
