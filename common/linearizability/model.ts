/**
 * A sequential specification for the linearizability checker: what one operation does to a state,
 * and whether an observed output is one the object could have given.
 */
export type StepResult<State> = { readonly legal: true; readonly state: State } | { readonly legal: false };

export interface Model<State, Input, Output> {
  readonly name: string;
  init(): State;
  /**
   * Applies input to state. output is what the client saw, or undefined when the call never
   * returned: then any output is acceptable and only the effect matters. The model must be
   * deterministic: one state and one input give at most one next state.
   */
  step(state: State, input: Input, output: Output | undefined): StepResult<State>;
  /** Equal keys for equal states: the checker's cache of visited configurations relies on it. */
  stateKey(state: State): string;
  /**
   * P-compositionality (Horn & Kroening 2015): when the object is a product of independent parts
   * (a map of registers is one register per key), a history is linearizable if and only if its
   * restriction to each part is, so the checker can search the parts one at a time. Returns the
   * part an input touches; absent means the history is checked as a whole.
   */
  partitionKey?(input: Input): string;
  /**
   * True when the input never changes the state (a read). A read that never returned cannot
   * influence anything, so the checker drops it.
   */
  isReadOnly?(input: Input): boolean;
  /** A short human-readable form of one operation, for violation reports. */
  describe(input: Input, output: Output | undefined): string;
}
