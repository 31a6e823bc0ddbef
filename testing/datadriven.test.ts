import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { argInt, argString, argVals, parseDataDriven, runDataDrivenFile } from './datadriven.js';

const script = `# a comment
put k=a v=1
----
ok

scan start=(a, b) limit=2
first
second
----
a=1
b=2

multi
----
----
one

two
----
----
`;

describe('datadriven', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempFile = (text: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'dd-'));
    dirs.push(dir);
    const file = join(dir, 'script.txt');
    writeFileSync(file, text);
    return file;
  };

  it('parses commands, arguments, input and both output forms', () => {
    const cases = parseDataDriven(script, 'x.txt');
    expect(cases.map((c) => c.cmd)).toEqual(['put', 'scan', 'multi']);
    const [put, scan, multi] = cases;
    expect(put && argString(put, 'k')).toBe('a');
    expect(scan && argVals(scan, 'start')).toEqual(['a', 'b']);
    expect(scan && argInt(scan, 'limit')).toBe(2);
    expect(scan?.input).toBe('first\nsecond');
    expect(scan?.pos).toBe('x.txt:6');
    expect(multi?.expected).toBe('one\n\ntwo');
  });

  it('reports a mismatch with its position', async () => {
    const file = tempFile('echo\nhello\n----\nhello\n\necho\nbye\n----\nwrong\n');
    const result = await runDataDrivenFile(file, (tc) => tc.input, { rewrite: false });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.pos).toBe(`${file}:6`);
    expect(result.failures[0]?.actual).toBe('bye');
  });

  it('rewrites expectations, using the doubled separator for blank lines', async () => {
    const file = tempFile('echo\na\n----\nstale\n\n# keep me\necho\nb\n\nc\n----\nold\n');
    await runDataDrivenFile(file, (tc) => tc.input, { rewrite: true });
    expect(readFileSync(file, 'utf8')).toBe('echo\na\n----\na\n\n# keep me\necho\nb\n\nc\n----\n----\nb\n\nc\n----\n----\n');
    const again = await runDataDrivenFile(file, (tc) => tc.input, { rewrite: false });
    expect(again.failures).toHaveLength(0);
  });
});
