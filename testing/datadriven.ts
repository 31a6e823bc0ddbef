/**
 * A runner for data-driven tests in the cockroachdb/datadriven format:
 *
 *     # a comment
 *     command arg key=value key=(a, b)
 *     input lines
 *     ----
 *     expected output
 *
 * A blank line ends the expected output; output that itself holds blank lines is written between a
 * doubled separator (`----` twice before, twice after). Cases in one file run in order and share
 * whatever state the handler keeps, so a file reads as a script. With REWRITE=1 in the
 * environment the expected blocks are rewritten from the actual output (read the diff before
 * committing it).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface CmdArg {
  readonly key: string;
  readonly vals: readonly string[];
}

export interface TestCase {
  /** file:line of the command, for error messages. */
  readonly pos: string;
  readonly cmd: string;
  readonly cmdArgs: readonly CmdArg[];
  readonly input: string;
  readonly expected: string;
  /** Line indexes (0-based) of the expected block, [start, end), separators included. */
  readonly expectedLines: { readonly start: number; readonly end: number };
}

export class DataDrivenError extends Error {
  override readonly name = 'DataDrivenError';
}

/** Argument helpers shared by every handler. */
export function hasArg(tc: TestCase, key: string): boolean {
  return tc.cmdArgs.some((a) => a.key === key);
}

export function argVals(tc: TestCase, key: string): readonly string[] | undefined {
  return tc.cmdArgs.find((a) => a.key === key)?.vals;
}

export function argString(tc: TestCase, key: string, fallback?: string): string {
  const vals = argVals(tc, key);
  if (vals === undefined || vals.length === 0) {
    if (fallback !== undefined) return fallback;
    throw new DataDrivenError(`${tc.pos}: ${tc.cmd} needs ${key}=...`);
  }
  if (vals.length !== 1) throw new DataDrivenError(`${tc.pos}: ${key} takes one value`);
  return vals[0] as string;
}

export function argInt(tc: TestCase, key: string, fallback?: number): number {
  const vals = argVals(tc, key);
  if (vals === undefined) {
    if (fallback !== undefined) return fallback;
    throw new DataDrivenError(`${tc.pos}: ${tc.cmd} needs ${key}=<integer>`);
  }
  const text = argString(tc, key);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new DataDrivenError(`${tc.pos}: ${key}=${text} is not an integer`);
  return n;
}

export function argInts(tc: TestCase, key: string): number[] {
  return (argVals(tc, key) ?? []).map((v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new DataDrivenError(`${tc.pos}: ${key} holds ${v}, not an integer`);
    return n;
  });
}

/** Parses `cmd a b=c d=(e, f)` into the command and its arguments. */
export function parseCommandLine(line: string, pos: string): { cmd: string; cmdArgs: CmdArg[] } {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && line[i] === ' ') i++;
    if (i >= line.length) break;
    let token = '';
    let depth = 0;
    while (i < line.length && (depth > 0 || line[i] !== ' ')) {
      const ch = line[i] as string;
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      token += ch;
      i++;
    }
    if (depth !== 0) throw new DataDrivenError(`${pos}: unbalanced parentheses in "${line}"`);
    tokens.push(token);
  }
  const [cmd, ...rest] = tokens;
  if (cmd === undefined) throw new DataDrivenError(`${pos}: empty command`);
  const cmdArgs = rest.map((token): CmdArg => {
    const eq = token.indexOf('=');
    if (eq < 0) return { key: token, vals: [] };
    const key = token.slice(0, eq);
    const value = token.slice(eq + 1);
    if (value.startsWith('(') && value.endsWith(')')) {
      const inner = value.slice(1, -1).trim();
      return { key, vals: inner === '' ? [] : inner.split(',').map((v) => v.trim()) };
    }
    return { key, vals: [value] };
  });
  return { cmd, cmdArgs };
}

/** Splits a file's text into its test cases. */
export function parseDataDriven(text: string, file: string): TestCase[] {
  const lines = text.split('\n');
  const cases: TestCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const pos = `${file}:${i + 1}`;
    const { cmd, cmdArgs } = parseCommandLine(line.trim(), pos);
    i++;
    const inputLines: string[] = [];
    while (i < lines.length && lines[i] !== '----') {
      if ((lines[i] as string).trim() === '' && inputLines.length === 0) {
        throw new DataDrivenError(`${pos}: command "${cmd}" has no ---- separator`);
      }
      inputLines.push(lines[i] as string);
      i++;
    }
    if (i >= lines.length) throw new DataDrivenError(`${pos}: command "${cmd}" has no ---- separator`);
    const start = i;
    i++; // past ----
    const expectedLines: string[] = [];
    if (lines[i] === '----') {
      // Doubled separator: the output runs to the closing ---- ----.
      i++;
      while (i < lines.length && !(lines[i] === '----' && lines[i + 1] === '----')) {
        expectedLines.push(lines[i] as string);
        i++;
      }
      if (i >= lines.length) throw new DataDrivenError(`${pos}: unterminated ---- ---- block`);
      i += 2;
    } else {
      while (i < lines.length && (lines[i] as string) !== '') {
        expectedLines.push(lines[i] as string);
        i++;
      }
    }
    cases.push({
      pos,
      cmd,
      cmdArgs,
      input: inputLines.join('\n'),
      expected: normalizeOutput(expectedLines.join('\n')),
      expectedLines: { start, end: i },
    });
  }
  return cases;
}

function normalizeOutput(output: string): string {
  return output.replace(/\s+$/, '');
}

function formatExpected(output: string): string[] {
  const body = normalizeOutput(output);
  if (body.split('\n').some((l) => l.trim() === '') && body !== '') {
    return ['----', '----', ...body.split('\n'), '----', '----'];
  }
  return ['----', ...(body === '' ? [] : body.split('\n'))];
}

export type Handler = (tc: TestCase) => string | Promise<string>;

export interface FileResult {
  readonly file: string;
  readonly failures: readonly { pos: string; expected: string; actual: string }[];
  readonly rewritten: boolean;
}

/**
 * Runs every case of one file through the handler, in order. A handler that throws fails the file
 * with the case's position; a DataDrivenError from the handler is a mistake in the script.
 */
export async function runDataDrivenFile(
  file: string,
  handler: Handler,
  options: { rewrite?: boolean } = {},
): Promise<FileResult> {
  const rewrite = options.rewrite ?? process.env['REWRITE'] === '1';
  const text = readFileSync(file, 'utf8');
  const cases = parseDataDriven(text, file);
  const failures: { pos: string; expected: string; actual: string }[] = [];
  const actuals: string[] = [];
  for (const tc of cases) {
    let actual: string;
    try {
      actual = normalizeOutput(await handler(tc));
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      throw new DataDrivenError(`${tc.pos}: ${tc.cmd} threw: ${message}`);
    }
    actuals.push(actual);
    if (actual !== tc.expected) failures.push({ pos: tc.pos, expected: tc.expected, actual });
  }
  if (rewrite && failures.length > 0) {
    const lines = text.split('\n');
    const out: string[] = [];
    let next = 0;
    cases.forEach((tc, k) => {
      out.push(...lines.slice(next, tc.expectedLines.start));
      out.push(...formatExpected(actuals[k] as string));
      next = tc.expectedLines.end;
    });
    out.push(...lines.slice(next));
    writeFileSync(file, out.join('\n'));
    return { file, failures: [], rewritten: true };
  }
  return { file, failures, rewritten: false };
}

/** Renders failures as one readable message for a test assertion. */
export function describeFailures(result: FileResult): string {
  return result.failures
    .map((f) => `${f.pos}\n--- expected\n${f.expected}\n--- actual\n${f.actual}`)
    .join('\n\n');
}
