/**
 * What function implementations need from the session and the statement besides their
 * arguments: the type context (time zone, output settings), the transaction's, statement's and
 * wall clock's times (now() is the transaction's start, statement_timestamp() the statement's,
 * clock_timestamp() changes during a statement; manual 9.9.5), and the session's random number
 * generator (random() is seeded per session; setseed() reseeds it).
 */
import { Prng } from '../../../common/prng.js';
import { defaultTypeContext, type TypeContext } from '../types/type-context.js';

export interface EvalContext extends TypeContext {
  readonly statementTimestampMicros: bigint;
  /** The current time, microseconds since 1970 UTC; read anew at each call. */
  clockTimestampMicros(): bigint;
  readonly random: SessionRandom;
  /** What version() answers. */
  readonly versionText: string;
}

/** The session's random(): a seeded generator that setseed() restarts. */
export class SessionRandom {
  private prng: Prng;

  constructor(seed: number) {
    this.prng = new Prng(seed);
  }

  /** A double in [0, 1) with 53 random bits, as random() returns. */
  next(): number {
    const high = this.prng.nextUint32() >>> 5;
    const low = this.prng.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** setseed(x) for x in [-1, 1]: the same seed gives the same sequence. */
  setSeed(seed: number): void {
    this.prng = new Prng(Math.floor(seed * 0x7fffffff) >>> 0);
  }
}

export const DEFAULT_VERSION_TEXT = 'PostgreSQL 15.0 (Tessera) on x86_64-pc-linux-gnu, compiled by TypeScript, 64-bit';

/** A context with PostgreSQL's default settings and a fixed clock, for tests and constant folding. */
export function fixedEvalContext(options: Partial<EvalContext> & { nowMicros?: bigint; seed?: number } = {}): EvalContext {
  const now = options.nowMicros ?? 0n;
  const { nowMicros: _now, seed, ...rest } = options;
  return {
    ...defaultTypeContext({ transactionTimestampMicros: now }),
    statementTimestampMicros: now,
    clockTimestampMicros: () => now,
    random: new SessionRandom(seed ?? 0),
    versionText: DEFAULT_VERSION_TEXT,
    ...rest,
  };
}
