/**
 * `npm run sim:raft -- --seeds <n> [--nodes 3|5] [--ticks <n>] [--seed-start <k>]`
 *
 * Runs the cluster simulator for seeds k .. k+n-1, one line per seed, then a summary. Exits 1 if
 * any seed broke a safety property or produced a history that is not linearizable, and prints
 * the command that replays it.
 */
import { parseArgs } from 'node:util';
import { FAULT_PROFILES, type FaultProfileName } from './sim-options.js';
import { runSimulation, type SimResult, type SimStats } from './simulator.js';

const USAGE = `usage: sim:raft -- --seeds <n> [--nodes 3|5] [--ticks <n>] [--seed-start <k>] [--profile <name>]
  --profile: ${Object.keys(FAULT_PROFILES).join(', ')} (default: drawn per seed)
  --unsafe-commit-by-counting: run the core with the Figure 8 bug (to see it caught)`;

function parseCount(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

function formatLine(result: SimResult): string {
  const s = result.stats;
  const verdict = result.violation === undefined ? `ok (${result.linearizability})` : 'VIOLATION';
  return (
    `seed ${result.seed} profile=${result.profile} ticks=${s.ticks} msgs=${s.messages} drops=${s.drops} dups=${s.duplicates} ` +
    `crashes=${s.crashes} partitions=${s.partitions} conf=${s.confChanges} transfers=${s.transfers} snaps=${s.snapshotsInstalled} ` +
    `ops=${s.ops} (${s.opsCompleted} done, ${s.opsTimedOut} timed out) elections=${s.elections} term=${s.maxTerm} ` +
    `commit=${s.commitIndex} trace=${result.traceHash} ${verdict}`
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      nodes: { type: 'string' },
      ticks: { type: 'string' },
      'seed-start': { type: 'string' },
      profile: { type: 'string' },
      'unsafe-commit-by-counting': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const seeds = parseCount(values.seeds, 'seeds', 100, 1);
  const nodes = parseCount(values.nodes, 'nodes', 3, 1);
  if (nodes !== 3 && nodes !== 5) throw new Error(`--nodes must be 3 or 5, got ${nodes}`);
  const ticks = parseCount(values.ticks, 'ticks', 1000, 1);
  const seedStart = parseCount(values['seed-start'], 'seed-start', 1, 0);
  const profile = values.profile as FaultProfileName | undefined;
  if (profile !== undefined && !(profile in FAULT_PROFILES)) throw new Error(`unknown --profile ${profile}`);
  const unsafe = values['unsafe-commit-by-counting'] === true;

  const totals: Record<keyof SimStats, number> = {
    ticks: 0, messages: 0, delivered: 0, drops: 0, duplicates: 0, crashes: 0, restarts: 0, partitions: 0, confChanges: 0,
    confChangesProposed: 0, transfers: 0, snapshotsInstalled: 0, ops: 0, opsCompleted: 0, opsTimedOut: 0, opsRefused: 0,
    elections: 0, maxTerm: 0, commitIndex: 0,
  };
  const failures: SimResult[] = [];
  let unknown = 0;
  const started = process.hrtime.bigint();
  for (let seed = seedStart; seed < seedStart + seeds; seed++) {
    const result = await runSimulation({
      seed,
      nodes,
      ticks,
      ...(profile !== undefined && { profile }),
      ...(unsafe && { unsafeCommitEntriesFromPriorTermsByCounting: true }),
    });
    console.log(formatLine(result));
    for (const key of Object.keys(totals) as (keyof SimStats)[]) totals[key] += result.stats[key];
    if (result.linearizability === 'unknown') unknown++;
    if (result.violation !== undefined) {
      failures.push(result);
      console.log(`  violation: ${result.violation.split('\n').join('\n  ')}`);
    }
  }
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log('');
  console.log(
    `summary: ${seeds} seeds (${seedStart}..${seedStart + seeds - 1}), nodes=${nodes}, ticks/seed=${ticks}, wall ${wallSeconds.toFixed(1)} s\n` +
      `  ticks=${totals.ticks} messages=${totals.messages} delivered=${totals.delivered} drops=${totals.drops} duplicates=${totals.duplicates}\n` +
      `  crashes=${totals.crashes} restarts=${totals.restarts} partitions=${totals.partitions} membership changes=${totals.confChanges} ` +
      `(proposed ${totals.confChangesProposed}) leader transfers=${totals.transfers} snapshots installed=${totals.snapshotsInstalled}\n` +
      `  client ops=${totals.ops} completed=${totals.opsCompleted} timed out=${totals.opsTimedOut} refused=${totals.opsRefused} elections=${totals.elections}\n` +
      `  linearizability unknown (search bound hit)=${unknown}\n` +
      `  violations=${failures.length}`,
  );
  for (const failure of failures) {
    console.log(
      `  replay seed ${failure.seed}: npm run sim:raft -- --seeds 1 --seed-start ${failure.seed} --nodes ${nodes} --ticks ${ticks}` +
        `${profile !== undefined ? ` --profile ${profile}` : ''}${unsafe ? ' --unsafe-commit-by-counting' : ''}`,
    );
  }
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    console.error(USAGE);
    process.exitCode = 2;
  },
);
