/**
 * A map of string registers: the sequential specification of a key-value store with put, get,
 * compare-and-swap and append. An absent key reads as undefined.
 */
import { assertNever } from '../assert.js';
import type { Model, StepResult } from './model.js';

export type KvInput =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  /** Sets value if the key currently holds expected (undefined: the key is absent). */
  | { readonly kind: 'cas'; readonly key: string; readonly expected: string | undefined; readonly value: string }
  /** Appends value to the key's string (an absent key counts as empty). */
  | { readonly kind: 'append'; readonly key: string; readonly value: string };

export type KvOutput =
  | { readonly kind: 'get'; readonly value: string | undefined }
  | { readonly kind: 'put' }
  | { readonly kind: 'cas'; readonly swapped: boolean }
  | { readonly kind: 'append' };

/** Sorted entries; copied on write so that states saved on the search stack stay intact. */
export type KvState = ReadonlyMap<string, string>;

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  name: 'kv',
  init: () => new Map(),
  step: stepKv,
  stateKey(state) {
    // JSON escapes every separator, so distinct maps never share a key.
    return JSON.stringify([...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  },
  partitionKey: (input) => input.key,
  isReadOnly: (input) => input.kind === 'get',
  describe(input, output) {
    const result = output === undefined ? '?' : describeOutput(output);
    switch (input.kind) {
      case 'get':
        return `get(${input.key}) -> ${result}`;
      case 'put':
        return `put(${input.key}, ${JSON.stringify(input.value)}) -> ${result}`;
      case 'cas':
        return `cas(${input.key}, ${JSON.stringify(input.expected) ?? 'absent'} => ${JSON.stringify(input.value)}) -> ${result}`;
      case 'append':
        return `append(${input.key}, ${JSON.stringify(input.value)}) -> ${result}`;
      default:
        return assertNever(input, 'kv input');
    }
  },
};

function stepKv(state: KvState, input: KvInput, output: KvOutput | undefined): StepResult<KvState> {
  if (output !== undefined && output.kind !== input.kind) return { legal: false };
  const current = state.get(input.key);
  switch (input.kind) {
    case 'get': {
      if (output !== undefined && (output as { value: string | undefined }).value !== current) return { legal: false };
      return { legal: true, state };
    }
    case 'put':
      return { legal: true, state: withValue(state, input.key, input.value) };
    case 'cas': {
      const swapped = current === input.expected;
      if (output !== undefined && (output as { swapped: boolean }).swapped !== swapped) return { legal: false };
      return { legal: true, state: swapped ? withValue(state, input.key, input.value) : state };
    }
    case 'append':
      return { legal: true, state: withValue(state, input.key, (current ?? '') + input.value) };
    default:
      return assertNever(input, 'kv input');
  }
}

function withValue(state: KvState, key: string, value: string): KvState {
  const next = new Map(state);
  next.set(key, value);
  return next;
}

function describeOutput(output: KvOutput): string {
  switch (output.kind) {
    case 'get':
      return output.value === undefined ? 'absent' : JSON.stringify(output.value);
    case 'put':
    case 'append':
      return 'ok';
    case 'cas':
      return output.swapped ? 'swapped' : 'not swapped';
    default:
      return assertNever(output, 'kv output');
  }
}
