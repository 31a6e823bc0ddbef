/**
 * Generates histories that are linearizable by construction: a sequential execution of random
 * key-value operations, each then given an interval around its moment of effect, with some calls
 * never returning. Used by the checker's tests and by anything that wants realistic histories to
 * feed it.
 */
import type { Prng } from '../prng.js';
import type { Operation } from './history.js';
import { kvModel, type KvInput, type KvOutput, type KvState } from './kv-model.js';

export interface RandomHistoryOptions {
  readonly operations: number;
  readonly keys: number;
  /** Clients issuing operations at once; each client has one operation in flight at most. */
  readonly clients: number;
  /** Probability that an operation never returns (its client then gives up for good). */
  readonly pendingProbability: number;
  /** Longest stretch of time on either side of an operation's moment of effect. */
  readonly spreadMax: number;
}

export function randomKvHistory(prng: Prng, options: RandomHistoryOptions): Operation<KvInput, KvOutput>[] {
  let state: KvState = kvModel.init();
  const busyUntil: number[] = Array.from({ length: options.clients }, () => -1);
  const clientIds: number[] = busyUntil.map((_, i) => i);
  let nextClientId = options.clients;
  const history: Operation<KvInput, KvOutput>[] = [];
  let moment = 0;
  let valueCounter = 0;
  while (history.length < options.operations) {
    moment += 1 + prng.nextInt(options.spreadMax);
    const free = busyUntil.map((until, slot) => ({ until, slot })).filter(({ until }) => until < moment);
    if (free.length === 0) continue;
    const { until, slot } = prng.pick(free);
    const input = randomInput(prng, options.keys, state, () => `v${valueCounter++}`);
    const pending = prng.chance(options.pendingProbability);
    // A call that never returned took effect, or did not, with equal chance.
    const takesEffect = !pending || prng.chance(0.5);
    const callTime = Math.max(until + 1, moment - prng.nextInt(options.spreadMax + 1));
    let output: KvOutput | undefined;
    if (takesEffect) {
      output = outputOf(state, input);
      const result = kvModel.step(state, input, output);
      if (!result.legal) throw new Error('the generator produced an illegal sequential step');
      state = result.state;
    }
    const clientId = clientIds[slot] as number;
    if (pending) {
      history.push({ clientId, input, callTime, completion: undefined });
      clientIds[slot] = nextClientId++;
      busyUntil[slot] = moment;
    } else {
      const returnTime = moment + prng.nextInt(options.spreadMax + 1);
      history.push({ clientId, input, callTime, completion: { output: output as KvOutput, returnTime } });
      busyUntil[slot] = returnTime;
    }
  }
  return history;
}

function randomInput(prng: Prng, keys: number, state: KvState, freshValue: () => string): KvInput {
  const key = `k${prng.nextInt(keys)}`;
  const roll = prng.nextInt(10);
  if (roll < 4) return { kind: 'get', key };
  if (roll < 7) return { kind: 'put', key, value: freshValue() };
  if (roll < 9) {
    // Half of the swaps expect the current value, so that some succeed.
    const expected = prng.chance(0.5) ? state.get(key) : `v${prng.nextInt(1000)}`;
    return { kind: 'cas', key, expected, value: freshValue() };
  }
  return { kind: 'append', key, value: `.${prng.nextInt(100)}` };
}

function outputOf(state: KvState, input: KvInput): KvOutput {
  switch (input.kind) {
    case 'get':
      return { kind: 'get', value: state.get(input.key) };
    case 'put':
      return { kind: 'put' };
    case 'cas':
      return { kind: 'cas', swapped: state.get(input.key) === input.expected };
    case 'append':
      return { kind: 'append' };
  }
}
