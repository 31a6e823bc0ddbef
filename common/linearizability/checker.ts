/**
 * A linearizability checker in the manner of Porcupine and Knossos: the Wing & Gong depth-first
 * search over a history, with Lowe's cache of visited configurations (a configuration is the set
 * of operations linearized so far plus the resulting state; reaching one twice cannot succeed the
 * second time) and Horn & Kroening's P-compositionality (each independent part of the object,
 * such as one key of a map, is checked alone).
 *
 * The search: walk the history's call and return events in time order. At a call, try to
 * linearize that operation now (the model accepts its output from the current state): if so,
 * take it out of the history and start again from the first remaining event. At a return, the
 * operation that returns here has not been linearized, and every later event is after it in real
 * time, so undo the last choice and try the next candidate. The history is linearizable when
 * every operation has been taken out.
 *
 * Operations that never returned get a return event at +infinity: they may be linearized
 * anywhere after their call, including after everything else, which is the same as never having
 * taken effect.
 */
import { assert } from '../assert.js';
import { Prng } from '../prng.js';
import type { Operation } from './history.js';
import { LINEARIZABILITY_CACHE_ENTRIES_MAX, LINEARIZABILITY_SEARCH_STEPS_MAX } from './limits.js';
import type { Model } from './model.js';

export interface CheckOptions {
  /** Search steps per partition before giving up with "unknown". */
  readonly stepsMax?: number;
  /** Cached configurations per partition before giving up with "unknown". */
  readonly cacheEntriesMax?: number;
  /** Check each partition of the model alone (default true when the model has partitionKey). */
  readonly partition?: boolean;
}

export type LinearizabilityResult<I, O> =
  | { readonly kind: 'linearizable'; readonly partitions: number; readonly steps: number }
  | {
      readonly kind: 'violation';
      readonly partition: string;
      /** The longest order found in which a prefix of the partition's operations is legal. */
      readonly linearized: readonly Operation<I, O>[];
      /** An operation that returned before any legal way to place it after that prefix. */
      readonly stuck: Operation<I, O>;
      readonly steps: number;
    }
  | { readonly kind: 'unknown'; readonly partition: string; readonly reason: 'steps' | 'cache'; readonly steps: number };

/** Decides whether history is linearizable with respect to model. */
export function checkLinearizability<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): LinearizabilityResult<I, O> {
  for (const op of history) {
    assert(Number.isFinite(op.callTime), `operation called at a non-finite time: ${op.callTime}`);
    if (op.completion !== undefined) {
      assert(op.completion.returnTime >= op.callTime, `operation returns (${op.completion.returnTime}) before its call (${op.callTime})`);
    }
  }
  // A read that never returned cannot have influenced anything anyone saw.
  const relevant = history.filter((op) => op.completion !== undefined || !(model.isReadOnly?.(op.input) ?? false));
  const partitions = partitionHistory(model, relevant, options.partition ?? true);
  let steps = 0;
  for (const [key, ops] of partitions) {
    const result = checkPartition(model, key, ops, options);
    if (result.kind !== 'linearizable') return result;
    steps += result.steps;
  }
  return { kind: 'linearizable', partitions: partitions.length, steps };
}

function partitionHistory<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  usePartitions: boolean,
): [string, Operation<I, O>[]][] {
  const partitionKey = model.partitionKey;
  if (!usePartitions || partitionKey === undefined) return [['*', [...history]]];
  const byKey = new Map<string, Operation<I, O>[]>();
  for (const op of history) {
    const key = partitionKey.call(model, op.input);
    let ops = byKey.get(key);
    if (ops === undefined) byKey.set(key, (ops = []));
    ops.push(op);
  }
  // Sorted so that the first violation reported is the same from run to run.
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** One event of the history in a doubly linked list that the search unlinks and relinks. */
interface EventNode {
  readonly opIndex: number;
  readonly time: number;
  /** The return event of a call event; null for return events and the list head. */
  match: EventNode | null;
  prev: EventNode | null;
  next: EventNode | null;
}

interface Choice<S> {
  readonly call: EventNode;
  /** The state before this operation was linearized. */
  readonly stateBefore: S;
}

function checkPartition<S, I, O>(
  model: Model<S, I, O>,
  partition: string,
  ops: readonly Operation<I, O>[],
  options: CheckOptions,
): LinearizabilityResult<I, O> {
  const stepsMax = options.stepsMax ?? LINEARIZABILITY_SEARCH_STEPS_MAX;
  const cacheEntriesMax = options.cacheEntriesMax ?? LINEARIZABILITY_CACHE_ENTRIES_MAX;
  const head = buildEventList(ops);
  const linearized = new LinearizedSet(ops.length);
  const cache = new ConfigurationCache();
  const stack: Choice<S>[] = [];
  let state = model.init();
  let cursor = head.next;
  let steps = 0;
  let deepest: { linearized: number[]; stuck: number } | undefined;

  while (head.next !== null) {
    if (++steps > stepsMax) return { kind: 'unknown', partition, reason: 'steps', steps };
    assert(cursor !== null, 'the search ran past the last event with operations left to place');
    if (cursor.match !== null) {
      const op = ops[cursor.opIndex] as Operation<I, O>;
      const result = model.step(state, op.input, op.completion?.output);
      if (result.legal) {
        linearized.add(cursor.opIndex);
        if (cache.addIfAbsent(linearized, model.stateKey(result.state))) {
          if (cache.size > cacheEntriesMax) return { kind: 'unknown', partition, reason: 'cache', steps };
          stack.push({ call: cursor, stateBefore: state });
          state = result.state;
          lift(cursor);
          cursor = head.next;
          continue;
        }
        linearized.remove(cursor.opIndex);
      }
      cursor = cursor.next;
      continue;
    }
    // A return event: its operation cannot be placed after the current prefix. Backtrack.
    if (deepest === undefined || stack.length > deepest.linearized.length) {
      deepest = { linearized: stack.map((choice) => choice.call.opIndex), stuck: cursor.opIndex };
    }
    const choice = stack.pop();
    if (choice === undefined) {
      assert(deepest !== undefined);
      return {
        kind: 'violation',
        partition,
        linearized: deepest.linearized.map((i) => ops[i] as Operation<I, O>),
        stuck: ops[deepest.stuck] as Operation<I, O>,
        steps,
      };
    }
    state = choice.stateBefore;
    linearized.remove(choice.call.opIndex);
    unlift(choice.call);
    cursor = choice.call.next;
  }
  return { kind: 'linearizable', partitions: 1, steps };
}

/**
 * The events in time order. At equal times calls come before returns, so operations whose
 * intervals only touch count as concurrent: the checker never rejects a history because of a
 * tie in the clock.
 */
function buildEventList<I, O>(ops: readonly Operation<I, O>[]): EventNode {
  interface RawEvent {
    readonly opIndex: number;
    readonly time: number;
    readonly isCall: boolean;
  }
  const raw: RawEvent[] = [];
  ops.forEach((op, opIndex) => {
    raw.push({ opIndex, time: op.callTime, isCall: true });
    raw.push({ opIndex, time: op.completion?.returnTime ?? Number.POSITIVE_INFINITY, isCall: false });
  });
  raw.sort((a, b) => a.time - b.time || Number(b.isCall) - Number(a.isCall) || a.opIndex - b.opIndex);
  const head: EventNode = { opIndex: -1, time: Number.NEGATIVE_INFINITY, match: null, prev: null, next: null };
  const returns = new Map<number, EventNode>();
  const calls: EventNode[] = [];
  let last = head;
  for (const event of raw) {
    const node: EventNode = { opIndex: event.opIndex, time: event.time, match: null, prev: last, next: null };
    last.next = node;
    last = node;
    if (event.isCall) calls.push(node);
    else returns.set(event.opIndex, node);
  }
  for (const call of calls) {
    const ret = returns.get(call.opIndex);
    assert(ret !== undefined, `operation ${call.opIndex} has no return event`);
    call.match = ret;
  }
  return head;
}

/** Unlinks a call event and its return (the operation is linearized). */
function lift(call: EventNode): void {
  unlink(call);
  unlink(call.match as EventNode);
}

/** Relinks what lift unlinked; valid because choices are undone in reverse order. */
function unlift(call: EventNode): void {
  relink(call.match as EventNode);
  relink(call);
}

function unlink(node: EventNode): void {
  (node.prev as EventNode).next = node.next;
  if (node.next !== null) node.next.prev = node.prev;
}

function relink(node: EventNode): void {
  (node.prev as EventNode).next = node;
  if (node.next !== null) node.next.prev = node;
}

/** A bitset of linearized operations with an incrementally maintained 64-bit Zobrist hash. */
class LinearizedSet {
  readonly words: Uint32Array;
  private readonly keysLow: Uint32Array;
  private readonly keysHigh: Uint32Array;
  hashLow = 0;
  hashHigh = 0;

  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
    this.keysLow = new Uint32Array(size);
    this.keysHigh = new Uint32Array(size);
    // A fixed seed: the hash only has to spread operations, and runs must replay exactly.
    const prng = new Prng(0x6c696e65);
    for (let i = 0; i < size; i++) {
      this.keysLow[i] = prng.nextUint32();
      this.keysHigh[i] = prng.nextUint32();
    }
  }

  add(i: number): void {
    const word = i >>> 5;
    const bit = 1 << (i & 31);
    assert(((this.words[word] as number) & bit) === 0, `operation ${i} linearized twice`);
    this.words[word] = (this.words[word] as number) | bit;
    this.toggleHash(i);
  }

  remove(i: number): void {
    const word = i >>> 5;
    const bit = 1 << (i & 31);
    assert(((this.words[word] as number) & bit) !== 0, `operation ${i} was not linearized`);
    this.words[word] = (this.words[word] as number) & ~bit;
    this.toggleHash(i);
  }

  private toggleHash(i: number): void {
    this.hashLow = (this.hashLow ^ (this.keysLow[i] as number)) >>> 0;
    this.hashHigh = (this.hashHigh ^ (this.keysHigh[i] as number)) >>> 0;
  }
}

/**
 * The configurations already explored. Keyed by the bitset's hash and the state's key; the
 * bitsets themselves are compared on a hash match, so a collision can never prune a branch that
 * might have succeeded.
 */
class ConfigurationCache {
  private readonly buckets = new Map<string, Uint32Array[]>();
  size = 0;

  /** Records the configuration; false if it was already there. */
  addIfAbsent(set: LinearizedSet, stateKey: string): boolean {
    const key = `${set.hashLow.toString(36)}.${set.hashHigh.toString(36)}.${stateKey}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      this.buckets.set(key, (bucket = []));
    } else if (bucket.some((words) => sameWords(words, set.words))) {
      return false;
    }
    bucket.push(set.words.slice());
    this.size++;
    return true;
  }
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A multi-line account of a result, for test failures and the simulator's output. */
export function describeLinearizabilityResult<S, I, O>(model: Model<S, I, O>, result: LinearizabilityResult<I, O>): string {
  switch (result.kind) {
    case 'linearizable':
      return `linearizable (${result.partitions} partitions, ${result.steps} search steps)`;
    case 'unknown':
      return `unknown: the search of partition ${result.partition} hit its ${result.reason} bound after ${result.steps} steps`;
    case 'violation': {
      const show = (op: Operation<I, O>): string => {
        const end = op.completion === undefined ? 'pending' : String(op.completion.returnTime);
        return `client ${op.clientId} [${op.callTime}, ${end}] ${model.describe(op.input, op.completion?.output)}`;
      };
      const tail = result.linearized.slice(-8);
      const lines = [
        `not linearizable (${model.name}, partition ${result.partition}): after the longest legal order found`,
        ...(result.linearized.length > tail.length ? [`  ... ${result.linearized.length - tail.length} earlier operations`] : []),
        ...tail.map((op) => `  ${show(op)}`),
        `no legal place for`,
        `  ${show(result.stuck)}`,
      ];
      return lines.join('\n');
    }
  }
}
