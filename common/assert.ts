/**
 * Assertions stay on in production. A broken invariant in replicated-state code must stop the
 * process (it restarts from durable state) rather than let it write something wrong; callers in
 * the router catch AssertionError per statement and answer XX000.
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Ends every exhaustive switch: adding a case to a union fails to compile until it is handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
