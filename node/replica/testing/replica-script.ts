/**
 * The data-driven script driver of the replica tests (testdata/*.txt): a LocalKvServer over a
 * memory engine with a manual clock and manual timers, transactions named in the script, and
 * batches written one request per line. Times are in milliseconds: `ts=5` is 5 ms, printed back as
 * `5` (or `5,2` with a logical part).
 *
 *   txn t=<name> ts=<ms> [iso=rc] [priority=min|max|<n>] [anchor=<key>]
 *   txn-set t=<name> [read=<ms>] [write=<ms>] [epoch=<n>] [seq=<n>] [ignore=(<a>-<b>,...)] [anchor=<key>]
 *   batch [t=<name>] [ts=<ms>] [wait=error] [lock-timeout=<ms>] [forward]    one request per input line:
 *       get k=<key> [lock=exclusive|shared]          scan start=<key> end=<key> [limit=<n>] [reverse] [lock=...]
 *       put k=<key> v=<value> [seq=<n>]              cput k=<key> v=<value> (exp=<value> | absent) [seq=<n>]
 *       del k=<key>        delrange start=<key> end=<key>        inc k=<key> by=<n>
 *       lock k=<key> [end=<key>] strength=exclusive|shared
 *       end commit|abort [spans=(<key>, <start>-<end>, ...)] [deadline=<ms>]
 *       heartbeat          push pushee=<name> type=timestamp|abort|touch [to=<ms>] [pusher=<name>]
 *       query pushee=<name>        resolve k=<key> pushee=<name> status=committed|aborted|pending [poison]
 *       refresh k=<key> [end=<key>] from=<ms>
 *   async <id> ...same as batch...     starts a batch without waiting for it
 *   await <id>                         waits for it and prints its result
 *   poll <id>                          "pending", or its result
 *   advance ms=<n>                     moves the clock and fires due timers
 *   dump                               the engine's contents, decoded
 *   locks                              the lock table
 *   record t=<name>                    the transaction's stored record
 *   stats                              the replica's MVCC stats, checked against a recomputation
 */
import type { TestCase } from '../../../testing/datadriven.js';
import { DataDrivenError, argInt, argString, argVals, hasArg, parseCommandLine } from '../../../testing/datadriven.js';
import {
  TXN_PRIORITY_MAX,
  TXN_PRIORITY_MIN,
  TXN_PRIORITY_NORMAL,
  type BatchHeader,
  type BatchRequest,
  type BatchResponse,
  type KvError,
  type RequestUnion,
  type ResponseUnion,
  type Span,
  type Transaction,
  type TxnRecordView,
} from '../../../proto/kv-api.js';
import type { Bytes } from '../../../storage/engine.js';
import { Clock, Timestamp } from '../../../storage/hlc.js';
import { decodeRangeLocalKey } from '../../../storage/keys.js';
import { MemoryEngine } from '../../../storage/memory-engine.js';
import { asTxnId, computeStats, decodeMvccKey, printKey, statsEqual, statsFields } from '../../../storage/mvcc/index.js';
import { decodeStoredValue } from '../../../storage/mvcc/mvcc-value.js';
import { LocalKvServer } from '../../kv-server/local-kv-server.js';
import { decodeAppliedState } from '../applied-state.js';
import { ManualTimers } from '../timers.js';
import { decodeTxnRecord, type TxnRecord } from '../txn-record.js';

const NANOS_PER_MS = 1_000_000n;

export function ms(value: number): Timestamp {
  return new Timestamp(BigInt(value) * NANOS_PER_MS);
}

/** `5` for 5 ms, `5,2` with a logical part, `5.000001` for a wall time off the millisecond grid. */
export function formatTs(ts: Timestamp): string {
  const whole = ts.wallTime / NANOS_PER_MS;
  const rest = ts.wallTime % NANOS_PER_MS;
  const wall = rest === 0n ? `${whole}` : `${whole}.${rest.toString().padStart(6, '0')}`;
  return ts.logical === 0 ? wall : `${wall},${ts.logical}`;
}

function parseTs(text: string, tc: TestCase): Timestamp {
  const match = /^(\d+)(?:,(\d+))?$/.exec(text);
  if (match === null) throw new DataDrivenError(`${tc.pos}: bad timestamp ${text}`);
  return new Timestamp(BigInt(match[1] as string) * NANOS_PER_MS, match[2] === undefined ? 0 : Number(match[2]));
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

export class ReplicaScript {
  private readonly engine = new MemoryEngine();
  private physicalNanos = 1n * NANOS_PER_MS;
  readonly timers = new ManualTimers((deltaMs) => (this.physicalNanos += BigInt(deltaMs) * NANOS_PER_MS));
  readonly clock = new Clock({ maxOffsetNanos: 10_000n * NANOS_PER_MS, physicalClockNanos: () => this.physicalNanos });
  private server: LocalKvServer | undefined;
  private readonly txns = new Map<string, Transaction>();
  private readonly pending = new Map<string, { settled: boolean; output?: string; promise: Promise<string> }>();
  private readonly backgroundErrors: unknown[] = [];

  constructor(private readonly txnExpirationMs = 50) {}

  private async kv(): Promise<LocalKvServer> {
    this.server ??= await LocalKvServer.start({
      engine: this.engine,
      clock: this.clock,
      timers: this.timers,
      txnExpirationMs: this.txnExpirationMs,
      syncWrites: false,
      onBackgroundError: (err) => this.backgroundErrors.push(err),
    });
    return this.server;
  }

  async close(): Promise<void> {
    await this.server?.close();
    await this.engine.close();
  }

  async handle(tc: TestCase): Promise<string> {
    switch (tc.cmd) {
      case 'txn':
        return this.newTxn(tc);
      case 'txn-set':
        return this.setTxn(tc);
      case 'batch':
        return this.runBatch(tc, tc.cmdArgs, tc.input);
      case 'async':
        return this.startAsync(tc);
      case 'await':
        return this.awaitAsync(tc);
      case 'poll':
        return this.poll(tc);
      case 'advance':
        await this.timers.advance(argInt(tc, 'ms'));
        return `time: ${formatTs(this.clock.peek().max(new Timestamp(this.physicalNanos)))}`;
      case 'dump':
        return this.dump();
      case 'locks':
        return this.locks();
      case 'record':
        return this.record(tc);
      case 'stats':
        return this.stats();
      case 'resolver-idle': {
        await (await this.kv()).replica.resolverIdle();
        return 'ok';
      }
      default:
        throw new DataDrivenError(`${tc.pos}: unknown command ${tc.cmd}`);
    }
  }

  private newTxn(tc: TestCase): string {
    const name = argString(tc, 't');
    const ts = parseTs(argString(tc, 'ts'), tc);
    const priorityText = argString(tc, 'priority', 'normal');
    const priority =
      priorityText === 'normal' ? TXN_PRIORITY_NORMAL : priorityText === 'max' ? TXN_PRIORITY_MAX : priorityText === 'min' ? TXN_PRIORITY_MIN : Number(priorityText);
    const txn: Transaction = {
      id: asTxnId(name),
      key: bytes(argString(tc, 'anchor', '')),
      isolation: argString(tc, 'iso', 'ser') === 'rc' ? 'read-committed' : 'serializable',
      epoch: 0,
      writeTimestamp: ts,
      readTimestamp: ts,
      minTimestamp: ts,
      priority,
      sequence: 0,
      status: 'pending',
      ignoredSeqNums: [],
    };
    this.txns.set(name, txn);
    return describeTxn(txn);
  }

  private setTxn(tc: TestCase): string {
    const name = argString(tc, 't');
    let txn = this.txn(tc, name);
    if (hasArg(tc, 'read')) txn = { ...txn, readTimestamp: parseTs(argString(tc, 'read'), tc) };
    if (hasArg(tc, 'write')) txn = { ...txn, writeTimestamp: parseTs(argString(tc, 'write'), tc) };
    if (hasArg(tc, 'epoch')) txn = { ...txn, epoch: argInt(tc, 'epoch') };
    if (hasArg(tc, 'seq')) txn = { ...txn, sequence: argInt(tc, 'seq') };
    if (hasArg(tc, 'anchor')) txn = { ...txn, key: bytes(argString(tc, 'anchor')) };
    if (hasArg(tc, 'status')) txn = { ...txn, status: argString(tc, 'status') as Transaction['status'] };
    if (hasArg(tc, 'ignore')) {
      const ranges = (argVals(tc, 'ignore') ?? []).map((text) => {
        const [start, end] = text.split('-').map(Number);
        return { start: start as number, end: end ?? (start as number) };
      });
      txn = { ...txn, ignoredSeqNums: ranges };
    }
    this.txns.set(name, txn);
    return describeTxn(txn);
  }

  private txn(tc: TestCase, name: string): Transaction {
    const txn = this.txns.get(name);
    if (txn === undefined) throw new DataDrivenError(`${tc.pos}: no transaction ${name}`);
    return txn;
  }

  private buildBatch(tc: TestCase, args: TestCase['cmdArgs'], input: string): { batch: BatchRequest; txnName: string | undefined } {
    const argTc: TestCase = { ...tc, cmdArgs: args };
    const txnName = hasArg(argTc, 't') ? argString(argTc, 't') : undefined;
    const txn = txnName === undefined ? undefined : this.txn(tc, txnName);
    const header: BatchHeader = {
      ...(txn === undefined ? {} : { txn }),
      ...(hasArg(argTc, 'ts') ? { timestamp: parseTs(argString(argTc, 'ts'), tc) } : {}),
      ...(hasArg(argTc, 'wait') ? { waitPolicy: argString(argTc, 'wait') as 'error' } : {}),
      ...(hasArg(argTc, 'lock-timeout') ? { lockTimeoutMs: argInt(argTc, 'lock-timeout') } : {}),
      ...(hasArg(argTc, 'forward') ? { canForwardReadTimestamp: true } : {}),
    };
    const requests = input
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line, i) => this.request(tc, line, `${tc.pos}+${i + 1}`, txn));
    return { batch: { header, requests }, txnName };
  }

  private request(tc: TestCase, line: string, pos: string, txn: Transaction | undefined): RequestUnion {
    const parsed = parseCommandLine(line, pos);
    const r: TestCase = { ...tc, pos, cmd: parsed.cmd, cmdArgs: parsed.cmdArgs };
    const key = (): Bytes => bytes(argString(r, 'k'));
    const seq = hasArg(r, 'seq') ? { sequence: argInt(r, 'seq') } : {};
    const lock = hasArg(r, 'lock') ? { lockStrength: argString(r, 'lock') as 'exclusive' | 'shared' } : {};
    const other = (name: string): Transaction => this.txn(r, argString(r, name));
    switch (parsed.cmd) {
      case 'get':
        return { type: 'get', key: key(), ...lock };
      case 'scan':
        return {
          type: 'scan',
          key: bytes(argString(r, 'start')),
          endKey: bytes(argString(r, 'end')),
          ...(hasArg(r, 'limit') ? { limit: argInt(r, 'limit') } : {}),
          ...(hasArg(r, 'reverse') ? { reverse: true } : {}),
          ...lock,
        };
      case 'put':
        return { type: 'put', key: key(), value: bytes(argString(r, 'v')), ...seq };
      case 'cput':
        return { type: 'conditionalPut', key: key(), value: bytes(argString(r, 'v')), expectedValue: hasArg(r, 'absent') ? undefined : bytes(argString(r, 'exp')), ...seq };
      case 'del':
        return { type: 'delete', key: key(), ...seq };
      case 'delrange':
        return { type: 'deleteRange', key: bytes(argString(r, 'start')), endKey: bytes(argString(r, 'end')), ...seq };
      case 'inc':
        return { type: 'increment', key: key(), by: BigInt(argInt(r, 'by')), ...seq };
      case 'lock':
        return {
          type: 'lock',
          key: key(),
          ...(hasArg(r, 'end') ? { endKey: bytes(argString(r, 'end')) } : {}),
          strength: argString(r, 'strength', 'exclusive') as 'exclusive' | 'shared',
        };
      case 'end': {
        const spans: Span[] = (argVals(r, 'spans') ?? []).map((text) => {
          const [start, end] = text.split('-');
          return end === undefined ? { key: bytes(start as string) } : { key: bytes(start as string), endKey: bytes(end) };
        });
        return {
          type: 'endTxn',
          key: txn?.key ?? new Uint8Array(0),
          commit: hasArg(r, 'commit'),
          lockSpans: spans,
          ...(hasArg(r, 'deadline') ? { deadline: parseTs(argString(r, 'deadline'), r) } : {}),
          ...(hasArg(r, 'require1pc') ? { require1PC: true } : {}),
        };
      }
      case 'heartbeat':
        return { type: 'heartbeatTxn', key: txn?.key ?? new Uint8Array(0), now: this.clock.now() };
      case 'push': {
        const pushee = other('pushee');
        return {
          type: 'pushTxn',
          key: pushee.key,
          ...(hasArg(r, 'pusher') ? { pusherTxn: other('pusher') } : {}),
          pusheeTxn: pushee,
          pushTo: hasArg(r, 'to') ? parseTs(argString(r, 'to'), r) : this.clock.now(),
          pushType: argString(r, 'type') as 'timestamp' | 'abort' | 'touch',
        };
      }
      case 'query': {
        const queried = other('pushee');
        return { type: 'queryTxn', key: queried.key, txn: queried };
      }
      case 'resolve': {
        const target = other('pushee');
        return {
          type: 'resolveIntent',
          key: key(),
          intentTxn: target,
          status: argString(r, 'status') as 'committed' | 'aborted' | 'pending',
          ignoredSeqNums: target.ignoredSeqNums,
          ...(hasArg(r, 'poison') ? { poison: true } : {}),
        };
      }
      case 'refresh':
        return hasArg(r, 'end')
          ? { type: 'refreshRange', key: key(), endKey: bytes(argString(r, 'end')), refreshFrom: parseTs(argString(r, 'from'), r) }
          : { type: 'refresh', key: key(), refreshFrom: parseTs(argString(r, 'from'), r) };
      default:
        throw new DataDrivenError(`${pos}: unknown request ${parsed.cmd}`);
    }
  }

  private async send(batch: BatchRequest, txnName: string | undefined): Promise<string> {
    const server = await this.kv();
    const response = await server.send(batch);
    return this.describe(response, txnName);
  }

  private describe(response: BatchResponse, txnName: string | undefined): string {
    const lines: string[] = [];
    if (response.kind === 'ok') {
      for (const r of response.responses) lines.push(describeResponse(r));
    } else {
      lines.push(`error${response.index === undefined ? '' : ` (request ${response.index})`}: ${describeError(response.error)}`);
    }
    const txn = response.header.txn;
    if (txnName !== undefined && txn !== undefined) {
      this.txns.set(txnName, txn);
      lines.push(describeTxn(txn));
    } else if (txnName === undefined) {
      lines.push(`ts: ${formatTs(response.header.timestamp)}`);
    }
    return lines.join('\n');
  }

  private async runBatch(tc: TestCase, args: TestCase['cmdArgs'], input: string): Promise<string> {
    const { batch, txnName } = this.buildBatch(tc, args, input);
    return this.send(batch, txnName);
  }

  private async startAsync(tc: TestCase): Promise<string> {
    const id = tc.cmdArgs[0]?.key;
    if (id === undefined) throw new DataDrivenError(`${tc.pos}: async needs an id`);
    const { batch, txnName } = this.buildBatch(tc, tc.cmdArgs.slice(1), tc.input);
    const entry: { settled: boolean; output?: string; promise: Promise<string> } = { settled: false, promise: Promise.resolve('') };
    entry.promise = this.send(batch, txnName).then((output) => {
      entry.settled = true;
      entry.output = output;
      return output;
    });
    this.pending.set(id, entry);
    await settle();
    return entry.settled ? `finished at once:\n${entry.output ?? ''}` : 'started';
  }

  private async awaitAsync(tc: TestCase): Promise<string> {
    const id = tc.cmdArgs[0]?.key ?? '';
    const entry = this.pending.get(id);
    if (entry === undefined) throw new DataDrivenError(`${tc.pos}: no async ${id}`);
    this.pending.delete(id);
    return entry.promise;
  }

  private async poll(tc: TestCase): Promise<string> {
    const id = tc.cmdArgs[0]?.key ?? '';
    const entry = this.pending.get(id);
    if (entry === undefined) throw new DataDrivenError(`${tc.pos}: no async ${id}`);
    await settle();
    if (!entry.settled) return 'pending';
    this.pending.delete(id);
    return entry.output ?? '';
  }

  private async dump(): Promise<string> {
    await this.kv();
    const lines: string[] = [];
    for await (const { key, value } of this.engine.iterator()) {
      const local = decodeRangeLocalKey(key);
      if (local !== undefined) {
        if (local.kind === 'rangeKeyLocal' && local.suffix === 'txnRecord') lines.push(`record ${describeRecord(decodeTxnRecord(key, value))}`);
        else if (local.kind === 'rangeIdLocal' && local.suffix === 'appliedState') lines.push(`applied index=${decodeAppliedState(key, value).appliedIndex}`);
        else lines.push(`${local.kind} ${local.suffix} ${printKey(local.kind === 'rangeIdLocal' ? local.detail : local.anchor)}`);
        continue;
      }
      const { userKey, ts } = decodeMvccKey(key);
      const decoded = decodeStoredValue(key, value);
      const where = ts === undefined ? `${printKey(userKey)} (intent)` : `${printKey(userKey)} @${formatTs(ts)}`;
      let what: string;
      if (decoded.kind === 'value') what = printKey(decoded.payload);
      else if (decoded.kind === 'tombstone') what = '<tombstone>';
      else {
        what = `txn=${decoded.txnId} epoch=${decoded.epoch} ts=${formatTs(decoded.timestamp)} ${decoded.payload === undefined ? '<deletion>' : printKey(decoded.payload)}`;
        if (decoded.history.length > 0) what += ` history=(${decoded.history.map((h) => `${h.sequence}:${h.payload === undefined ? '<deletion>' : printKey(h.payload)}`).join(', ')})`;
      }
      lines.push(`${where} -> ${what}`);
    }
    return lines.length === 0 ? '<empty>' : lines.join('\n');
  }

  private async locks(): Promise<string> {
    const server = await this.kv();
    const lines: string[] = [];
    for (const txn of this.txns.values()) {
      for (const { key, holder } of server.replica.lockTable.locksOf(txn.id)) {
        lines.push(`${printKey(key)}: ${txn.id} ${holder.strength} ${holder.durability}${holder.durability === 'replicated' ? ` ts=${formatTs(holder.ts)}` : ''}`);
      }
    }
    return lines.length === 0 ? '<no locks>' : lines.sort().join('\n');
  }

  private async record(tc: TestCase): Promise<string> {
    await this.kv();
    const txn = this.txn(tc, argString(tc, 't'));
    const { txnRecordKey } = await import('../../../storage/keys.js');
    const key = txnRecordKey(txn.key, txn.id);
    const stored = await this.engine.get(key);
    return stored === undefined ? '<no record>' : describeRecord(decodeTxnRecord(key, stored));
  }

  private async stats(): Promise<string> {
    const server = await this.kv();
    const stats = server.replica.stats;
    const recomputed = await computeStats(this.engine, server.replica.settings.span);
    if (!statsEqual(stats, recomputed)) throw new Error(`stats drifted: ${JSON.stringify(stats)} vs ${JSON.stringify(recomputed)}`);
    return statsFields.map((f) => `${f}=${stats[f]}`).join(' ');
  }
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function describeTxn(txn: Transaction): string {
  const ignored = txn.ignoredSeqNums.length === 0 ? '' : ` ignored=(${txn.ignoredSeqNums.map((r) => `${r.start}-${r.end}`).join(',')})`;
  return (
    `${txn.id}: ${txn.status} read=${formatTs(txn.readTimestamp)} write=${formatTs(txn.writeTimestamp)} epoch=${txn.epoch}` +
    (txn.isolation === 'read-committed' ? ' iso=rc' : '') +
    ignored
  );
}

function describeView(view: TxnRecordView): string {
  return (
    `${view.id} ${view.status} write=${formatTs(view.writeTimestamp)}` +
    (view.lastHeartbeat === undefined ? '' : ` heartbeat=${formatTs(view.lastHeartbeat)}`) +
    (view.abortReason === undefined ? '' : ` reason=${view.abortReason}`)
  );
}

function describeRecord(record: TxnRecord): string {
  const spans = record.lockSpans.map((s) => (s.endKey === undefined ? printKey(s.key) : `${printKey(s.key)}-${printKey(s.endKey)}`));
  return (
    `${record.meta.id} ${record.status} write=${formatTs(record.meta.writeTimestamp)} heartbeat=${formatTs(record.lastHeartbeat)} epoch=${record.meta.epoch}` +
    (record.abortReason === undefined ? '' : ` reason=${record.abortReason}`) +
    (record.deadlockCycle === undefined ? '' : ` cycle=(${record.deadlockCycle.join(',')})`) +
    (spans.length === 0 ? '' : ` spans=(${spans.join(', ')})`)
  );
}

function describeResponse(r: ResponseUnion): string {
  switch (r.type) {
    case 'get':
      return `get: ${r.value === undefined ? '<absent>' : printKey(r.value)}`;
    case 'scan': {
      const rows = r.rows.map((row) => `${printKey(row.key)}=${printKey(row.value)}`).join(' ');
      const resume = r.resumeSpan === undefined ? '' : ` resume=[${printKey(r.resumeSpan.key)}, ${printKey(r.resumeSpan.endKey ?? new Uint8Array())})`;
      return `scan: ${rows === '' ? '<none>' : rows}${resume}`;
    }
    case 'put':
    case 'conditionalPut':
    case 'refresh':
    case 'refreshRange':
      return `${r.type}: ok`;
    case 'delete':
      return `delete: found=${r.found}`;
    case 'deleteRange':
      return `deleteRange: ${r.keys.map(printKey).join(' ') || '<none>'}`;
    case 'increment':
      return `increment: ${r.newValue}`;
    case 'lock':
      return `lock: ${r.keys.map(printKey).join(' ') || '<none>'}`;
    case 'endTxn':
      return `endTxn: ok${r.onePhaseCommit ? ' (1PC)' : ''}`;
    case 'heartbeatTxn':
      return `heartbeat: ${describeView(r.txn)}`;
    case 'pushTxn':
      return `push: ${describeView(r.pusheeTxn)}`;
    case 'queryTxn':
      return `query: ${describeView(r.queriedTxn)}${r.waitingTxns.length === 0 ? '' : ` waiting=(${r.waitingTxns.join(',')})`}`;
    case 'resolveIntent':
      return `resolve: ${r.resolved ? 'resolved' : 'nothing'}`;
    case 'resolveIntentRange':
      return `resolveRange: ${r.resolvedCount}`;
  }
}

export function describeError(error: KvError): string {
  switch (error.type) {
    case 'writeIntent':
      return `writeIntent ${error.reason} ${error.conflicts.map((c) => `${printKey(c.key)} held by ${c.txn.id}`).join(', ')}`;
    case 'writeTooOld':
      return `writeTooOld key=${printKey(error.key)} ts=${formatTs(error.timestamp)} actual=${formatTs(error.actualTimestamp)}`;
    case 'transactionRetry':
      return `transactionRetry ${error.reason}${error.key === undefined ? '' : ` key=${printKey(error.key)}`}${error.conflictingTxnId === undefined ? '' : ` txn=${error.conflictingTxnId}`}`;
    case 'transactionAborted':
      return `transactionAborted ${error.reason} txn=${error.txnId}${error.conflictingTxnId === undefined ? '' : ` by=${error.conflictingTxnId}`}${error.deadlockCycle === undefined ? '' : ` cycle=(${error.deadlockCycle.join(',')})`}`;
    case 'transactionStatus':
      return `transactionStatus ${error.reason} (${error.status})`;
    case 'transactionPush':
      return `transactionPush ${describeView(error.pusheeTxn)}`;
    case 'conditionFailed':
      return `conditionFailed key=${printKey(error.key)} actual=${error.actualValue === undefined ? '<absent>' : printKey(error.actualValue)}`;
    default:
      return `${error.type}: ${error.message}`;
  }
}
