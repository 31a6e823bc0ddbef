/**
 * What every benchmark shares: flags, the commit and machine a run came from, and a readable
 * table beside the JSON. Each workload stays in its own file.
 */
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/**
 * Parses `--name=value` flags, each a positive integer, with defaults keyed in camelCase
 * (`putOps` is `--put-ops`). Unknown or malformed flags are errors, never ignored.
 */
export function parseIntFlags<K extends string>(argv: readonly string[], defaults: Record<K, number>): Record<K, number> {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.+)$/.exec(arg);
    if (match === null) throw new Error(`unknown argument ${arg}; expected --name=value`);
    flags.set(match[1] as string, match[2] as string);
  }
  const result = { ...defaults };
  for (const key of Object.keys(defaults) as K[]) {
    const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const text = flags.get(name);
    flags.delete(name);
    if (text === undefined) continue;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
    result[key] = n;
  }
  if (flags.size > 0) throw new Error(`unknown flags: ${[...flags.keys()].join(', ')}`);
  return result;
}

export function gitCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string } {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

/** A plain-text table: the first column left-aligned, the numbers right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Runs a benchmark's main, printing a failure and setting a non-zero exit code. */
export function runBenchmark(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}

/** Prints a run: the readable table, then the JSON record with the commit and machine. */
export function printReport(benchmark: string, config: object, results: readonly object[], table: string): void {
  const report = { benchmark, commit: gitCommit(), date: new Date().toISOString(), machine: machineInfo(), config, results };
  process.stdout.write(`${table}\n\n${JSON.stringify(report, null, 2)}\n`);
}
