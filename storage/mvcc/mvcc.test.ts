/**
 * Data-driven MVCC scripts (testdata/*.txt), run on the in-memory engine and on LevelDB.
 *
 * Commands (keys and values are text, with \xNN for any byte; timestamps are written compactly:
 * `ts=5` is wall time 5ns, `ts=5,1` adds logical 1):
 *
 *   txn_begin t=<name> ts=<ts> [epoch=<n>] [details=<text>]
 *   txn_advance t=<name> ts=<ts>     txn_restart t=<name> [ts=<ts>]
 *   txn_step t=<name> seq=<n>                   the sequence of the transaction's next writes
 *   txn_ignore t=<name> seqs=(<a>-<b>, ...)     savepoint rollbacks: sequences its reads and commit skip
 *   put k=<key> v=<value> [ts=<ts>] [txn=<name>]          (a txn writes at its write timestamp)
 *   del k=<key> [ts=<ts>] [txn=<name>]
 *   cput k=<key> v=<value> (exp=<value> | absent) [ts=<ts>] [txn=<name>]
 *   get k=<key> ts=<ts> [txn=<name>]
 *   scan start=<key> end=<key> ts=<ts> [limit=<n>] [reverse] [txn=<name>]
 *   resolve k=<key> txn=<name> status=(committed|aborted|pending) [ts=<ts>] [epoch=<n>]
 *                                              (committed skips the transaction's ignored sequences)
 *   scan_intents start=<key> [end=<key>] [txn=<name>] [max=<n>]
 *   refresh_check start=<key> [end=<key>] from=<ts> to=<ts> [txn=<name>]
 *   check_lock k=<key> ts=<read ts> txn=<name>
 *   gc threshold=<ts> [start=<key> end=<key>] [k=(<key>, ...)]
 *   batch                 each input line a command above; all evaluated on one batch, then committed
 *   stats                 the incremental stats (every write command also checks them against a recomputation)
 *   corrupt k=<key> (ts=<ts> | intent)                    flips a byte of the stored value
 *   dump                  the raw engine contents, decoded
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe } from 'vitest';
import { DataDrivenError, argInt, argString, argVals, hasArg, parseCommandLine, type TestCase } from '../../testing/datadriven.js';
import { dataDrivenTests } from '../../testing/vitest-datadriven.js';
import type { Bytes, Engine } from '../engine.js';
import { Timestamp } from '../hlc.js';
import { LevelEngine } from '../level-engine.js';
import { MemoryEngine } from '../memory-engine.js';
import { ConditionFailedError, MvccError, WriteIntentError, WriteTooOldError, printKey } from './errors.js';
import { mvccGc } from './gc.js';
import { IndexedBatch, type ReadWriter } from './indexed-batch.js';
import { decodeMvccKey, encodeMetaKey, encodeVersionKey } from './mvcc-key.js';
import { decodeStoredValue } from './mvcc-value.js';
import { mvccGet, mvccScan } from './read.js';
import { mvccResolveIntent } from './resolve.js';
import { addStats, computeStats, emptyStats, statsEqual, statsFields, type MvccStats } from './stats.js';
import { asTxnId, type TxnMeta } from './txn.js';
import { mvccCheckLockable, mvccRefreshCheck, mvccScanIntents } from './txn-checks.js';
import { mvccConditionalPut, mvccDelete, mvccPut } from './write.js';

const testdata = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata');

/** `5` is wall time 5ns, `5,1` adds logical 1: the compact form of the scripts. */
function parseCompactTimestamp(text: string, pos: string): Timestamp {
  const match = /^(\d+)(?:,(\d+))?$/.exec(text);
  if (match === null) throw new DataDrivenError(`${pos}: bad timestamp ${text}`);
  return new Timestamp(BigInt(match[1] as string), match[2] === undefined ? 0 : Number(match[2]));
}

function formatCompactTimestamp(ts: Timestamp): string {
  return ts.logical === 0 ? `${ts.wallTime}` : `${ts.wallTime},${ts.logical}`;
}

/** Text with \xNN escapes to bytes. */
function parseBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === 'x') {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      out.push(text.charCodeAt(i));
    }
  }
  return Uint8Array.from(out);
}

class MvccScript {
  private readonly txns = new Map<string, TxnMeta>();
  private readonly stats = emptyStats();
  /** After a corrupt command, recomputing stats would (rightly) fail. */
  private corrupted = false;

  constructor(private readonly engine: Engine) {}

  async handle(tc: TestCase): Promise<string> {
    switch (tc.cmd) {
      case 'txn_begin':
      case 'txn_advance':
      case 'txn_restart':
      case 'txn_step':
      case 'txn_ignore':
        return this.txnCommand(tc);
      case 'batch':
        return this.batch(tc);
      case 'stats':
        return this.printStats();
      case 'corrupt':
        return this.corrupt(tc);
      case 'dump':
        return this.dump();
      default: {
        const batch = new IndexedBatch(this.engine);
        const delta = emptyStats();
        const out = await this.run(tc, batch, delta);
        // A failed command is not committed, as a replica would do.
        if (!out.startsWith('error:')) await this.commit(batch, delta);
        return out;
      }
    }
  }

  private async commit(batch: IndexedBatch, delta: MvccStats): Promise<void> {
    await batch.commit(this.engine);
    addStats(this.stats, delta);
    if (!this.corrupted) {
      const recomputed = await computeStats(this.engine);
      if (!statsEqual(recomputed, this.stats)) {
        throw new Error(`stats drifted:\nincremental ${JSON.stringify(this.stats)}\nrecomputed  ${JSON.stringify(recomputed)}`);
      }
    }
  }

  /** Runs one operation command against rw; errors of the MVCC layer are output, not failures. */
  private async run(tc: TestCase, rw: ReadWriter, delta: MvccStats): Promise<string> {
    try {
      return await this.operation(tc, rw, delta);
    } catch (err) {
      if (err instanceof MvccError) return formatError(err);
      throw err;
    }
  }

  private async operation(tc: TestCase, rw: ReadWriter, stats: MvccStats): Promise<string> {
    const txn = this.txnArg(tc);
    switch (tc.cmd) {
      case 'put':
        await mvccPut(rw, this.key(tc), this.writeTs(tc, txn), parseBytes(argString(tc, 'v')), { txn, stats });
        return 'ok';
      case 'del':
        await mvccDelete(rw, this.key(tc), this.writeTs(tc, txn), { txn, stats });
        return 'ok';
      case 'cput': {
        const expected = hasArg(tc, 'absent') ? undefined : parseBytes(argString(tc, 'exp'));
        await mvccConditionalPut(rw, this.key(tc), this.writeTs(tc, txn), parseBytes(argString(tc, 'v')), expected, { txn, stats });
        return 'ok';
      }
      case 'get': {
        const key = this.key(tc);
        const value = await mvccGet(rw, key, this.ts(tc, 'ts'), { txn });
        return `${printKey(key)} -> ${value === undefined ? '<not found>' : printKey(value)}`;
      }
      case 'scan':
        return this.scan(tc, rw, txn);
      case 'resolve':
        return this.resolve(tc, rw, stats);
      case 'scan_intents': {
        const end = hasArg(tc, 'end') ? parseBytes(argString(tc, 'end')) : undefined;
        const { intents, resumeKey } = await mvccScanIntents(rw, parseBytes(argString(tc, 'start')), end, {
          txnId: txn?.id,
          max: hasArg(tc, 'max') ? argInt(tc, 'max') : undefined,
        });
        const lines = intents.map((i) => `${printKey(i.key)} txn=${i.txnId} ts=${formatCompactTimestamp(i.timestamp)}`);
        if (lines.length === 0) lines.push('<no intents>');
        if (resumeKey !== undefined) lines.push(`resume: ${printKey(resumeKey)}`);
        return lines.join('\n');
      }
      case 'refresh_check': {
        const start = parseBytes(argString(tc, 'start'));
        const end = hasArg(tc, 'end') ? parseBytes(argString(tc, 'end')) : undefined;
        const conflict = await mvccRefreshCheck(rw, { start, end }, this.ts(tc, 'from'), this.ts(tc, 'to'), txn?.id);
        if (conflict === undefined) return 'ok';
        const who = conflict.txnId === undefined ? 'committed' : `intent of ${conflict.txnId}`;
        return `conflict: ${printKey(conflict.key)} at ${formatCompactTimestamp(conflict.timestamp)} (${who})`;
      }
      case 'check_lock': {
        if (txn === undefined) throw new DataDrivenError(`${tc.pos}: check_lock needs txn=`);
        await mvccCheckLockable(rw, this.key(tc), this.ts(tc, 'ts'), txn);
        return 'ok';
      }
      case 'gc': {
        const threshold = this.ts(tc, 'threshold');
        const target = hasArg(tc, 'k')
          ? { keys: (argVals(tc, 'k') ?? []).map(parseBytes) }
          : { start: parseBytes(argString(tc, 'start', '')), end: parseBytes(argString(tc, 'end', '\\xff\\xff')) };
        const { versionsRemoved } = await mvccGc(rw, target, threshold, { stats });
        return `removed ${versionsRemoved}`;
      }
      default:
        throw new DataDrivenError(`${tc.pos}: unknown command ${tc.cmd}`);
    }
  }

  private async scan(tc: TestCase, rw: ReadWriter, txn: TxnMeta | undefined): Promise<string> {
    const { rows, resumeKey } = await mvccScan(rw, parseBytes(argString(tc, 'start')), parseBytes(argString(tc, 'end')), this.ts(tc, 'ts'), {
      txn,
      limit: argInt(tc, 'limit', 0),
      reverse: hasArg(tc, 'reverse'),
    });
    const lines = rows.map((row) => `${printKey(row.key)} -> ${printKey(row.value)}`);
    if (lines.length === 0) lines.push('<no rows>');
    if (resumeKey !== undefined) lines.push(`resume: ${printKey(resumeKey)}`);
    return lines.join('\n');
  }

  private async resolve(tc: TestCase, rw: ReadWriter, stats: MvccStats): Promise<string> {
    const txn = this.txnArg(tc);
    if (txn === undefined) throw new DataDrivenError(`${tc.pos}: resolve needs txn=`);
    const status = argString(tc, 'status');
    const epoch = argInt(tc, 'epoch', txn.epoch);
    const key = this.key(tc);
    const ts = hasArg(tc, 'ts') ? this.ts(tc, 'ts') : txn.writeTimestamp;
    let outcome: string;
    if (status === 'committed') {
      const resolution = { status, txnId: txn.id, epoch, commitTimestamp: ts, ignoredSeqNums: txn.ignoredSeqNums } as const;
      outcome = await mvccResolveIntent(rw, key, resolution, { stats });
    }
    else if (status === 'aborted') outcome = await mvccResolveIntent(rw, key, { status, txnId: txn.id }, { stats });
    else if (status === 'pending') outcome = await mvccResolveIntent(rw, key, { status, txnId: txn.id, epoch, pushTimestamp: ts }, { stats });
    else throw new DataDrivenError(`${tc.pos}: unknown status ${status}`);
    return outcome;
  }

  private async batch(tc: TestCase): Promise<string> {
    const batch = new IndexedBatch(this.engine);
    const delta = emptyStats();
    const out: string[] = [];
    let failed = false;
    for (const [i, line] of tc.input.split('\n').entries()) {
      if (line.trim() === '') continue;
      const pos = `${tc.pos}+${i + 1}`;
      const sub: TestCase = { ...parseCommandLine(line.trim(), pos), pos, input: '', expected: '', expectedLines: { start: 0, end: 0 } };
      const result = await this.run(sub, batch, delta);
      failed ||= result.startsWith('error:');
      out.push(`${line.trim()}: ${result}`);
    }
    // A command whose evaluation failed is not committed, as a replica would do.
    if (failed) out.push('batch discarded');
    else await this.commit(batch, delta);
    return out.join('\n');
  }

  private txnCommand(tc: TestCase): string {
    const name = argString(tc, 't');
    const current = this.txns.get(name);
    if (tc.cmd === 'txn_begin') {
      const details = hasArg(tc, 'details') ? parseBytes(argString(tc, 'details')) : undefined;
      this.txns.set(name, { id: asTxnId(name), epoch: argInt(tc, 'epoch', 0), writeTimestamp: this.ts(tc, 'ts'), details });
    } else if (tc.cmd === 'txn_step' || tc.cmd === 'txn_ignore') {
      if (current === undefined) throw new DataDrivenError(`${tc.pos}: no transaction ${name}`);
      if (tc.cmd === 'txn_step') {
        this.txns.set(name, { ...current, sequence: argInt(tc, 'seq') });
      } else {
        const ignoredSeqNums = (argVals(tc, 'seqs') ?? []).map((text) => {
          const [start, end] = text.split('-').map(Number);
          return { start: start as number, end: end ?? (start as number) };
        });
        this.txns.set(name, { ...current, ignoredSeqNums });
      }
      const txn = this.txns.get(name) as TxnMeta;
      const ignored = (txn.ignoredSeqNums ?? []).map((r) => `${r.start}-${r.end}`).join(',');
      return `${name}: seq=${txn.sequence ?? 0} ignored=(${ignored})`;
    } else {
      if (current === undefined) throw new DataDrivenError(`${tc.pos}: no transaction ${name}`);
      const writeTimestamp = hasArg(tc, 'ts') ? this.ts(tc, 'ts') : current.writeTimestamp;
      this.txns.set(name, { ...current, writeTimestamp, epoch: tc.cmd === 'txn_restart' ? current.epoch + 1 : current.epoch });
    }
    const txn = this.txns.get(name) as TxnMeta;
    return `${name}: epoch=${txn.epoch} ts=${formatCompactTimestamp(txn.writeTimestamp)}`;
  }

  private printStats(): string {
    return statsFields.map((field) => `${field}=${this.stats[field]}`).join('\n');
  }

  private async corrupt(tc: TestCase): Promise<string> {
    const key = this.key(tc);
    const engineKey = hasArg(tc, 'intent') ? encodeMetaKey(key) : encodeVersionKey(key, this.ts(tc, 'ts'));
    const value = await this.engine.get(engineKey);
    if (value === undefined) throw new DataDrivenError(`${tc.pos}: nothing stored at ${printKey(engineKey)}`);
    const flipped = value.slice();
    const at = flipped.length - 1;
    flipped[at] = (flipped[at] as number) ^ 0x01;
    await this.engine.put(engineKey, flipped);
    this.corrupted = true;
    return 'ok';
  }

  private async dump(): Promise<string> {
    const lines: string[] = [];
    for await (const { key, value } of this.engine.iterator()) {
      const { userKey, ts } = decodeMvccKey(key);
      const where = ts === undefined ? `${printKey(userKey)} (intent)` : `${printKey(userKey)} @${formatCompactTimestamp(ts)}`;
      let what: string;
      try {
        const decoded = decodeStoredValue(key, value);
        if (decoded.kind === 'tombstone') what = '<tombstone>';
        else if (decoded.kind === 'value') what = printKey(decoded.payload);
        else {
          const payload = decoded.payload === undefined ? '<deletion>' : printKey(decoded.payload);
          what = `txn=${decoded.txnId} epoch=${decoded.epoch} ts=${formatCompactTimestamp(decoded.timestamp)} ${payload}`;
          if (decoded.sequence !== 0 || decoded.history.length > 0) {
            const history = decoded.history.map((h) => `${h.sequence}:${h.payload === undefined ? '<deletion>' : printKey(h.payload)}`);
            what += ` seq=${decoded.sequence} history=(${history.join(', ')})`;
          }
          if (decoded.details !== undefined) what += ` details=${printKey(decoded.details)}`;
        }
      } catch (err) {
        if (!(err instanceof MvccError)) throw err;
        what = `<${err.code}>`;
      }
      lines.push(`${where} -> ${what}`);
    }
    return lines.length === 0 ? '<empty>' : lines.join('\n');
  }

  private key(tc: TestCase): Bytes {
    return parseBytes(argString(tc, 'k'));
  }

  private ts(tc: TestCase, name: string): Timestamp {
    return parseCompactTimestamp(argString(tc, name), tc.pos);
  }

  private txnArg(tc: TestCase): TxnMeta | undefined {
    if (!hasArg(tc, 'txn')) return undefined;
    const name = argString(tc, 'txn');
    const txn = this.txns.get(name);
    if (txn === undefined) throw new DataDrivenError(`${tc.pos}: no transaction ${name}`);
    return txn;
  }

  /** A transactional write happens at the transaction's write timestamp, a plain one at ts=. */
  private writeTs(tc: TestCase, txn: TxnMeta | undefined): Timestamp {
    if (txn !== undefined) {
      if (hasArg(tc, 'ts')) throw new DataDrivenError(`${tc.pos}: a transactional write takes the transaction's timestamp`);
      return txn.writeTimestamp;
    }
    return this.ts(tc, 'ts');
  }
}

function formatError(err: MvccError): string {
  if (err instanceof WriteIntentError) {
    const intents = err.intents.map(
      (i) =>
        `  intent key=${printKey(i.key)} txn=${i.txnId} epoch=${i.epoch} ts=${formatCompactTimestamp(i.timestamp)}` +
        (i.details === undefined ? '' : ` details=${printKey(i.details)}`),
    );
    return [`error: WRITE_INTENT`, ...intents].join('\n');
  }
  if (err instanceof WriteTooOldError) {
    return `error: WRITE_TOO_OLD key=${printKey(err.key ?? new Uint8Array())} ts=${formatCompactTimestamp(err.timestamp)} actual=${formatCompactTimestamp(err.actualTimestamp)}`;
  }
  if (err instanceof ConditionFailedError) {
    return `error: CONDITION_FAILED key=${printKey(err.key ?? new Uint8Array())} actual=${err.actualValue === undefined ? '<absent>' : printKey(err.actualValue)}`;
  }
  return `error: ${err.code}: ${err.message}`;
}

describe('mvcc scripts on MemoryEngine', () => {
  dataDrivenTests(testdata, () => {
    const script = new MvccScript(new MemoryEngine());
    return (tc) => script.handle(tc);
  });
});

describe('mvcc scripts on LevelEngine', () => {
  const dirs: string[] = [];
  const engines: Engine[] = [];
  afterAll(async () => {
    for (const engine of engines.splice(0)) await engine.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  dataDrivenTests(testdata, () => {
    let script: MvccScript | undefined;
    return async (tc) => {
      if (script === undefined) {
        const dir = mkdtempSync(join(tmpdir(), 'tessera-mvcc-'));
        dirs.push(dir);
        const engine = await LevelEngine.open({ path: dir });
        engines.push(engine);
        script = new MvccScript(engine);
      }
      return script.handle(tc);
    };
  });
});
