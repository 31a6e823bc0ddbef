/**
 * Argument checks shared by every engine. Public engine methods validate here first and only then
 * touch their store, so a bad argument is always ENGINE_INVALID_ARGUMENT and never half a write
 * (the `abstract-level` pattern: validate in the public method, work in the private one).
 */
import { EngineError, type BatchOp, type Bytes, type IterateOptions } from './engine.js';

export function checkKey(key: unknown, what = 'key'): asserts key is Bytes {
  if (!(key instanceof Uint8Array) || key.length === 0) {
    throw new EngineError('ENGINE_INVALID_ARGUMENT', `${what} must be a non-empty Uint8Array`);
  }
}

export function checkValue(value: unknown): asserts value is Bytes {
  if (!(value instanceof Uint8Array)) {
    throw new EngineError('ENGINE_INVALID_ARGUMENT', 'value must be a Uint8Array');
  }
}

/** A bound or seek target may be empty (the empty key sorts before every key). */
export function checkBound(bound: unknown, what: string): asserts bound is Bytes {
  if (!(bound instanceof Uint8Array)) {
    throw new EngineError('ENGINE_INVALID_ARGUMENT', `${what} must be a Uint8Array`);
  }
}

/** Validates every op before any is applied: a batch with one bad op applies none. */
export function checkBatch(ops: unknown): asserts ops is readonly BatchOp[] {
  if (!Array.isArray(ops)) throw new EngineError('ENGINE_INVALID_ARGUMENT', 'a batch must be an array of ops');
  for (const op of ops as unknown[]) {
    if (typeof op !== 'object' || op === null) {
      throw new EngineError('ENGINE_INVALID_ARGUMENT', 'a batch op must be an object');
    }
    const { type, key, value } = op as { type?: unknown; key?: unknown; value?: unknown };
    if (type === 'put') {
      checkKey(key);
      checkValue(value);
    } else if (type === 'del') {
      checkKey(key);
    } else {
      throw new EngineError('ENGINE_INVALID_ARGUMENT', `unknown batch op type ${String(type)}`);
    }
  }
}

/** The checked options of an iterator; limit is Infinity when absent. */
export interface IteratorRange {
  readonly start: Bytes | undefined;
  readonly end: Bytes | undefined;
  readonly reverse: boolean;
  readonly limit: number;
}

export function checkIterateOptions(options: IterateOptions | undefined): IteratorRange {
  if (options === undefined) return { start: undefined, end: undefined, reverse: false, limit: Infinity };
  if (typeof options !== 'object' || options === null) {
    throw new EngineError('ENGINE_INVALID_ARGUMENT', 'iterator options must be an object');
  }
  const { start, end, reverse, limit } = options;
  if (start !== undefined) checkBound(start, 'start');
  if (end !== undefined) checkBound(end, 'end');
  if (reverse !== undefined && typeof reverse !== 'boolean') {
    throw new EngineError('ENGINE_INVALID_ARGUMENT', 'reverse must be a boolean');
  }
  if (limit !== undefined && !(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
    throw new EngineError('ENGINE_INVALID_ARGUMENT', 'limit must be a non-negative integer');
  }
  return { start, end, reverse: reverse === true, limit: limit ?? Infinity };
}

export function checkBatchSize(max: unknown): asserts max is number {
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw new EngineError('ENGINE_INVALID_ARGUMENT', 'nextBatch needs a positive integer size');
  }
}

export function closedError(what: string): EngineError {
  return new EngineError('ENGINE_CLOSED', `${what} is closed`);
}

export function checkWriteOptions(options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new EngineError('ENGINE_INVALID_ARGUMENT', 'write options must be an object');
  }
  const { sync } = options as { sync?: unknown };
  if (sync !== undefined && typeof sync !== 'boolean') {
    throw new EngineError('ENGINE_INVALID_ARGUMENT', 'sync must be a boolean');
  }
}
