/**
 * Sequence values. nextval never waits for other transactions and is never rolled back
 * (PostgreSQL manual 9.17: "nextval operations are never rolled back"), so a router hands values
 * out from memory and writes the latest value through to the catalog's counter, from which the
 * next start of the router continues. currval and lastval are per session.
 */
import type { SequenceDescriptor } from '../catalog/descriptors.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { PgError } from '../errors/pg-error.js';
import { SequenceGeneratorLimitExceeded } from '../session/pending-sqlstates.js';

interface SequenceState {
  last: bigint;
  /** False until the first nextval (or after setval(..., false)): nextval then answers `last` itself. */
  called: boolean;
  dirty: boolean;
}

const counterName = (id: number): string => `sequence:${id}`;

export class SequenceRuntime {
  private readonly states = new Map<number, SequenceState>();

  /** Reads a sequence's value from the catalog the first time this router uses it. */
  async load(catalog: CatalogStore, seq: SequenceDescriptor): Promise<void> {
    if (this.states.has(seq.id)) return;
    const stored = await catalog.readCounter(counterName(seq.id));
    this.states.set(seq.id, stored === undefined ? { last: BigInt(seq.start), called: false, dirty: false } : { last: stored, called: true, dirty: false });
  }

  forget(id: number): void {
    this.states.delete(id);
  }

  private state(seq: SequenceDescriptor): SequenceState {
    let state = this.states.get(seq.id);
    if (state === undefined) {
      state = { last: BigInt(seq.start), called: false, dirty: false };
      this.states.set(seq.id, state);
    }
    return state;
  }

  nextval(seq: SequenceDescriptor): bigint {
    const state = this.state(seq);
    if (!state.called) {
      state.called = true;
      state.dirty = true;
      return state.last;
    }
    const increment = BigInt(seq.increment);
    const min = BigInt(seq.minValue);
    const max = BigInt(seq.maxValue);
    let next = state.last + increment;
    if (next > max || next < min) {
      if (!seq.cycle) {
        const bound = increment > 0n ? `maximum value of sequence "${seq.name}" (${max})` : `minimum value of sequence "${seq.name}" (${min})`;
        throw new PgError(SequenceGeneratorLimitExceeded, `nextval: reached ${bound}`);
      }
      next = increment > 0n ? min : max;
    }
    state.last = next;
    state.dirty = true;
    return next;
  }

  setval(seq: SequenceDescriptor, value: bigint, called: boolean): void {
    const min = BigInt(seq.minValue);
    const max = BigInt(seq.maxValue);
    if (value < min || value > max) {
      throw new PgError('22003', `setval: value ${value} is out of bounds for sequence "${seq.name}" (${min}..${max})`);
    }
    const state = this.state(seq);
    state.last = value;
    state.called = called;
    state.dirty = true;
  }

  /** Writes the values handed out since the last flush to the catalog's counters. */
  async flush(catalog: CatalogStore): Promise<void> {
    for (const [id, state] of this.states) {
      if (!state.dirty) continue;
      state.dirty = false;
      if (state.called) await catalog.writeCounter(counterName(id), state.last);
      else await catalog.deleteCounter(counterName(id));
    }
  }
}

/** currval / lastval state of one session. */
export class SessionSequences {
  private readonly current = new Map<number, bigint>();
  private last: bigint | undefined;

  record(seq: SequenceDescriptor, value: bigint): void {
    this.current.set(seq.id, value);
    this.last = value;
  }

  currval(seq: SequenceDescriptor): bigint {
    const value = this.current.get(seq.id);
    if (value === undefined) throw new PgError('55000', `currval of sequence "${seq.name}" is not yet defined in this session`);
    return value;
  }

  lastval(): bigint {
    if (this.last === undefined) throw new PgError('55000', 'lastval is not yet defined in this session');
    return this.last;
  }
}
