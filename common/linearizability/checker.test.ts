import { describe, expect, it } from 'vitest';
import { Prng } from '../prng.js';
import { checkLinearizability, describeLinearizabilityResult } from './checker.js';
import type { Operation } from './history.js';
import { kvModel, type KvInput, type KvOutput } from './kv-model.js';
import { randomKvHistory } from './random-history.js';

type KvOp = Operation<KvInput, KvOutput>;

/** A completed operation: the client called at `call` and heard back at `ret`. */
function done(clientId: number, input: KvInput, call: number, ret: number, output: KvOutput): KvOp {
  return { clientId, input, callTime: call, completion: { output, returnTime: ret } };
}
function pending(clientId: number, input: KvInput, call: number): KvOp {
  return { clientId, input, callTime: call, completion: undefined };
}
const put = (key: string, value: string): KvInput => ({ kind: 'put', key, value });
const get = (key: string): KvInput => ({ kind: 'get', key });
const cas = (key: string, expected: string | undefined, value: string): KvInput => ({ kind: 'cas', key, expected, value });
const append = (key: string, value: string): KvInput => ({ kind: 'append', key, value });
const ok = { kind: 'put' } as const;
const appended = { kind: 'append' } as const;
const read = (value: string | undefined): KvOutput => ({ kind: 'get', value });
const swapped = (yes: boolean): KvOutput => ({ kind: 'cas', swapped: yes });

function verdict(history: KvOp[]): string {
  const withPartitions = checkLinearizability(kvModel, history).kind;
  // P-compositionality: checking each key alone must agree with checking the whole map.
  expect(checkLinearizability(kvModel, history, { partition: false }).kind).toBe(withPartitions);
  return withPartitions;
}

// Herlihy & Wing 1990, section 2: a history is linearizable when "each operation appears to
// take effect instantaneously at some point between its invocation and its response".
describe('linearizability checker, hand-written histories', () => {
  it('accepts a sequential history', () => {
    expect(
      verdict([
        done(1, put('x', '1'), 0, 1, ok),
        done(1, get('x'), 2, 3, read('1')),
        done(2, cas('x', '1', '2'), 4, 5, swapped(true)),
        done(2, cas('x', '1', '3'), 6, 7, swapped(false)),
        done(1, append('x', 'a'), 8, 9, appended),
        done(1, get('x'), 10, 11, read('2a')),
        done(1, get('y'), 12, 13, read(undefined)),
      ]),
    ).toBe('linearizable');
  });

  it('accepts either order of two concurrent writes, as long as readers agree', () => {
    const writes = [done(1, put('x', '1'), 0, 10, ok), done(2, put('x', '2'), 1, 11, ok)];
    expect(verdict([...writes, done(3, get('x'), 20, 21, read('1'))])).toBe('linearizable');
    expect(verdict([...writes, done(3, get('x'), 20, 21, read('2'))])).toBe('linearizable');
    // A read concurrent with both writes may see the old value, either one, or flip once.
    expect(verdict([...writes, done(3, get('x'), 2, 9, read(undefined)), done(4, get('x'), 3, 8, read('2'))])).toBe('linearizable');
  });

  it('rejects a stale read after a completed write', () => {
    expect(
      verdict([done(1, put('x', '1'), 0, 1, ok), done(1, put('x', '2'), 2, 3, ok), done(2, get('x'), 4, 5, read('1'))]),
    ).toBe('violation');
  });

  it('rejects a lost write', () => {
    expect(verdict([done(1, put('x', '1'), 0, 1, ok), done(2, get('x'), 5, 6, read(undefined))])).toBe('violation');
    expect(
      verdict([done(1, append('x', 'a'), 0, 1, appended), done(2, append('x', 'b'), 2, 3, appended), done(3, get('x'), 4, 5, read('b'))]),
    ).toBe('violation');
  });

  it('rejects a read of a value never written', () => {
    expect(verdict([done(1, put('x', '1'), 0, 10, ok), done(2, get('x'), 1, 9, read('7'))])).toBe('violation');
  });

  it('rejects two clients seeing concurrent writes in different orders', () => {
    const history = [
      done(1, put('x', '1'), 0, 10, ok),
      done(2, put('x', '2'), 0, 10, ok),
      done(3, get('x'), 11, 12, read('1')),
      done(3, get('x'), 13, 14, read('2')),
      done(4, get('x'), 11, 12, read('2')),
      done(4, get('x'), 13, 14, read('1')),
    ];
    expect(verdict(history)).toBe('violation');
  });

  it('rejects a value that flips back while the writes are still running', () => {
    // Once a reader has seen the new value and returned, a later read may not see the old one.
    const history = [
      done(1, put('x', '1'), 0, 100, ok),
      done(2, get('x'), 10, 20, read('1')),
      done(3, get('x'), 30, 40, read(undefined)),
    ];
    expect(verdict(history)).toBe('violation');
  });

  it('rejects a compare-and-swap that two clients both won', () => {
    const history = [
      done(1, put('x', '0'), 0, 1, ok),
      done(2, cas('x', '0', 'a'), 2, 10, swapped(true)),
      done(3, cas('x', '0', 'b'), 2, 10, swapped(true)),
    ];
    expect(verdict(history)).toBe('violation');
  });

  it('counts intervals that only touch as concurrent', () => {
    expect(verdict([done(1, put('x', '1'), 0, 5, ok), done(2, get('x'), 5, 6, read(undefined))])).toBe('linearizable');
    expect(verdict([done(1, put('x', '1'), 0, 5, ok), done(2, get('x'), 6, 7, read(undefined))])).toBe('violation');
  });
});

describe('linearizability checker, calls that never returned', () => {
  it('lets a pending write take effect, late or never', () => {
    const write = pending(1, put('x', '1'), 0);
    expect(verdict([write, done(2, get('x'), 50, 51, read('1'))])).toBe('linearizable');
    expect(verdict([write, done(2, get('x'), 50, 51, read(undefined))])).toBe('linearizable');
    expect(verdict([write, done(2, get('x'), 50, 51, read(undefined)), done(2, get('x'), 60, 61, read('1'))])).toBe('linearizable');
  });

  it('does not let a pending write be undone once observed', () => {
    const history = [
      pending(1, put('x', '1'), 0),
      done(2, get('x'), 50, 51, read('1')),
      done(2, get('x'), 60, 61, read(undefined)),
    ];
    expect(verdict(history)).toBe('violation');
  });

  it('does not let a pending write take effect before it was called', () => {
    expect(verdict([done(2, get('x'), 0, 1, read('1')), pending(1, put('x', '1'), 5)])).toBe('violation');
  });

  it('applies a pending compare-and-swap only when it would have succeeded', () => {
    const base = [done(1, put('x', '0'), 0, 1, ok), pending(2, cas('x', '0', 'a'), 2)];
    expect(verdict([...base, done(3, get('x'), 10, 11, read('a'))])).toBe('linearizable');
    const failed = [done(1, put('x', '5'), 0, 1, ok), pending(2, cas('x', '0', 'a'), 2)];
    expect(verdict([...failed, done(3, get('x'), 10, 11, read('a'))])).toBe('violation');
  });

  it('ignores reads that never returned', () => {
    expect(verdict([done(1, put('x', '1'), 0, 1, ok), pending(2, get('x'), 2), done(3, get('x'), 3, 4, read('1'))])).toBe('linearizable');
  });
});

describe('linearizability checker, reports and bounds', () => {
  it('names the operation that could not be placed', () => {
    const history = [done(1, put('x', '1'), 0, 1, ok), done(1, put('x', '2'), 2, 3, ok), done(2, get('x'), 4, 5, read('1'))];
    const result = checkLinearizability(kvModel, history);
    expect(result.kind).toBe('violation');
    if (result.kind !== 'violation') return;
    expect(result.partition).toBe('x');
    expect(result.stuck).toBe(history[2]);
    expect(result.linearized).toEqual([history[0], history[1]]);
    const text = describeLinearizabilityResult(kvModel, result);
    expect(text).toContain('client 2 [4, 5] get(x) -> "1"');
  });

  it('answers unknown rather than guessing when the search bound is hit', () => {
    const history = randomKvHistory(new Prng(3), { operations: 200, keys: 1, clients: 6, pendingProbability: 0.05, spreadMax: 20 });
    const result = checkLinearizability(kvModel, history, { stepsMax: 10 });
    expect(result.kind).toBe('unknown');
  });

  it('checks a few thousand operations within the default bounds', () => {
    const history = randomKvHistory(new Prng(11), { operations: 4000, keys: 4, clients: 10, pendingProbability: 0.02, spreadMax: 30 });
    const result = checkLinearizability(kvModel, history);
    expect(describeLinearizabilityResult(kvModel, result)).toMatch(/^linearizable/);
  });
});

describe('linearizability checker, generated histories', () => {
  it('accepts every history made from a sequential execution with random overlaps', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const prng = new Prng(seed);
      const history = randomKvHistory(prng, {
        operations: 20 + prng.nextInt(120),
        keys: 1 + prng.nextInt(3),
        clients: 2 + prng.nextInt(6),
        pendingProbability: prng.chance(0.5) ? 0 : 0.1,
        spreadMax: 1 + prng.nextInt(30),
      });
      const result = checkLinearizability(kvModel, history);
      expect(result.kind, `seed ${seed}: ${describeLinearizabilityResult(kvModel, result)}`).toBe('linearizable');
      expect(checkLinearizability(kvModel, history, { partition: false }).kind, `seed ${seed} unpartitioned`).toBe('linearizable');
    }
  });

  it('rejects every such history once a completed read returns a value never written', () => {
    let mutated = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const prng = new Prng(seed);
      const history = randomKvHistory(prng, { operations: 60, keys: 2, clients: 4, pendingProbability: 0.05, spreadMax: 15 });
      const reads = history.map((op, i) => ({ op, i })).filter(({ op }) => op.input.kind === 'get' && op.completion !== undefined);
      if (reads.length === 0) continue;
      const { op, i } = prng.pick(reads);
      const broken = [...history];
      broken[i] = { ...op, completion: { output: read('never-written'), returnTime: (op.completion as { returnTime: number }).returnTime } };
      expect(verdict(broken), `seed ${seed}`).toBe('violation');
      mutated++;
    }
    expect(mutated).toBeGreaterThan(150);
  });

  it('rejects every such history once a read is moved to before the write of the value it saw', () => {
    // Every put and swap writes a fresh value, so a read that returned v, moved to an interval
    // that ends before the only write of v is called, read from the future.
    let mutated = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const prng = new Prng(seed);
      const history = randomKvHistory(prng, { operations: 60, keys: 2, clients: 4, pendingProbability: 0.05, spreadMax: 15 });
      const writerOf = new Map<string, KvOp>();
      for (const op of history) {
        if (op.input.kind === 'put' || op.input.kind === 'cas') writerOf.set(`${op.input.key}=${op.input.value}`, op);
      }
      const moves = history.flatMap((op, i) => {
        if (op.input.kind !== 'get' || op.completion?.output.kind !== 'get') return [];
        const writer = writerOf.get(`${op.input.key}=${op.completion.output.value}`);
        return writer === undefined ? [] : [{ op, i, writer }];
      });
      if (moves.length === 0) continue;
      const { op, i, writer } = prng.pick(moves);
      const broken = [...history];
      broken[i] = { ...op, callTime: writer.callTime - 2, completion: { output: op.completion!.output, returnTime: writer.callTime - 1 } };
      expect(verdict(broken), `seed ${seed}`).toBe('violation');
      mutated++;
    }
    expect(mutated).toBeGreaterThan(150);
  });
});
