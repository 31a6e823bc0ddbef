/**
 * A concurrent history as a client observed it: each operation is an interval from the moment it
 * was called to the moment its answer arrived. Times only need to be comparable with each other
 * (virtual ticks in a simulator, monotonic nanoseconds on a real cluster).
 */
export interface Operation<Input, Output> {
  /** Who issued it; only for reports (linearizability does not need per-client order). */
  readonly clientId: number;
  readonly input: Input;
  readonly callTime: number;
  /**
   * Undefined when the call never returned (a timeout, a crash, a lost reply): the operation may
   * or may not have taken effect, at any moment after callTime.
   */
  readonly completion: Completion<Output> | undefined;
}

export interface Completion<Output> {
  readonly output: Output;
  readonly returnTime: number;
}

/** The operations of a history whose answer never came back. */
export function pendingOperations<I, O>(history: readonly Operation<I, O>[]): Operation<I, O>[] {
  return history.filter((op) => op.completion === undefined);
}
