/**
 * Hybrid logical clock timestamps and the clock that issues them.
 *
 * A timestamp is a wall time in nanoseconds since the Unix epoch plus a logical counter that
 * orders events within one wall-clock tick (Kulkarni et al., "Logical Physical Clocks", 2014).
 * Wall time is a bigint because nanoseconds since 1970 (about 1.7e18) exceed 2^53; the logical
 * counter is an unsigned 32-bit number, which is how it is encoded.
 *
 * Every node runs one Clock; timestamps travel on every RPC and the receiver calls update(), so
 * that causality is reflected in timestamps even across clocks that disagree by up to the
 * configured maximum offset. MVCC versions are keyed by these timestamps.
 */
import { assert } from '../common/assert.js';

/** Largest logical counter: it is encoded in 4 bytes. */
export const LOGICAL_MAX = 0xffff_ffff;
/** Largest wall time: it is encoded in 8 bytes. */
export const WALL_TIME_MAX_NANOS = 0xffff_ffff_ffff_ffffn;
/** Encoded size of a timestamp: 8 bytes of wall time and 4 of logical counter, big-endian. */
export const TIMESTAMP_ENCODED_BYTES = 12;

const NANOS_PER_SECOND = 1_000_000_000n;

/** An immutable HLC timestamp. Compare with the methods, never with ===. */
export class Timestamp {
  static readonly zero = new Timestamp(0n, 0);
  static readonly maximum = new Timestamp(WALL_TIME_MAX_NANOS, LOGICAL_MAX);

  constructor(
    readonly wallTime: bigint,
    readonly logical: number = 0,
  ) {
    assert(wallTime >= 0n && wallTime <= WALL_TIME_MAX_NANOS, `wall time out of range: ${wallTime}`);
    assert(Number.isInteger(logical) && logical >= 0 && logical <= LOGICAL_MAX, `logical out of range: ${logical}`);
  }

  /** Negative, zero or positive as this is before, equal to or after other. */
  compare(other: Timestamp): number {
    if (this.wallTime !== other.wallTime) return this.wallTime < other.wallTime ? -1 : 1;
    return this.logical - other.logical;
  }

  less(other: Timestamp): boolean {
    return this.compare(other) < 0;
  }

  lessEq(other: Timestamp): boolean {
    return this.compare(other) <= 0;
  }

  equal(other: Timestamp): boolean {
    return this.wallTime === other.wallTime && this.logical === other.logical;
  }

  isZero(): boolean {
    return this.wallTime === 0n && this.logical === 0;
  }

  /** The smallest timestamp after this one. */
  next(): Timestamp {
    if (this.logical < LOGICAL_MAX) return new Timestamp(this.wallTime, this.logical + 1);
    assert(this.wallTime < WALL_TIME_MAX_NANOS, 'Timestamp.maximum has no next');
    return new Timestamp(this.wallTime + 1n, 0);
  }

  /** The largest timestamp before this one. */
  prev(): Timestamp {
    if (this.logical > 0) return new Timestamp(this.wallTime, this.logical - 1);
    assert(this.wallTime > 0n, 'Timestamp.zero has no prev');
    return new Timestamp(this.wallTime - 1n, LOGICAL_MAX);
  }

  /** The later of the two. */
  max(other: Timestamp): Timestamp {
    return this.compare(other) >= 0 ? this : other;
  }

  /** `seconds.nanoseconds,logical`, e.g. `1700000000.000000123,4`; parse() reads it back. */
  toString(): string {
    const seconds = this.wallTime / NANOS_PER_SECOND;
    const nanos = this.wallTime % NANOS_PER_SECOND;
    return `${seconds}.${nanos.toString().padStart(9, '0')},${this.logical}`;
  }

  /**
   * Reads the form toString() writes. The nanoseconds must have exactly nine digits, so that
   * `5.1` cannot be mistaken for 5.000000001 or 5.1 seconds; the logical part may be omitted.
   */
  static parse(text: string): Timestamp {
    const match = /^(\d+)\.(\d{9})(?:,(\d+))?$/.exec(text);
    if (match === null) throw new TimestampParseError(text);
    const wallTime = BigInt(match[1] as string) * NANOS_PER_SECOND + BigInt(match[2] as string);
    const logical = match[3] === undefined ? 0 : Number(match[3]);
    if (wallTime > WALL_TIME_MAX_NANOS || !(logical <= LOGICAL_MAX)) throw new TimestampParseError(text);
    return new Timestamp(wallTime, logical);
  }
}

/** A timestamp string that parse() cannot read: bad input, not a bug. */
export class TimestampParseError extends Error {
  override readonly name = 'TimestampParseError';
  readonly code = 'TIMESTAMP_INVALID';
  constructor(readonly text: string) {
    super(`invalid timestamp "${text}": expected seconds.nanoseconds[,logical] with nine digits of nanoseconds`);
  }
}

/** Writes ts as 12 big-endian bytes at offset: byte order is timestamp order. */
export function encodeTimestamp(ts: Timestamp, target: Uint8Array, offset: number): void {
  writeTimestamp(ts, target, offset, false);
}

/** Writes ts as 12 bytes whose byte order is the reverse of timestamp order (newer sorts first). */
export function encodeTimestampDescending(ts: Timestamp, target: Uint8Array, offset: number): void {
  writeTimestamp(ts, target, offset, true);
}

export function decodeTimestamp(source: Uint8Array, offset: number): Timestamp {
  return readTimestamp(source, offset, false);
}

export function decodeTimestampDescending(source: Uint8Array, offset: number): Timestamp {
  return readTimestamp(source, offset, true);
}

/** The 12-byte ascending encoding in a new array. */
export function timestampToBytes(ts: Timestamp): Uint8Array {
  const out = new Uint8Array(TIMESTAMP_ENCODED_BYTES);
  encodeTimestamp(ts, out, 0);
  return out;
}

function writeTimestamp(ts: Timestamp, target: Uint8Array, offset: number, descending: boolean): void {
  assert(offset >= 0 && offset + TIMESTAMP_ENCODED_BYTES <= target.length, 'timestamp does not fit the target');
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  // The complement of an unsigned big-endian number reverses its byte order.
  const wall = descending ? WALL_TIME_MAX_NANOS - ts.wallTime : ts.wallTime;
  const logical = descending ? LOGICAL_MAX - ts.logical : ts.logical;
  view.setBigUint64(offset, wall, false);
  view.setUint32(offset + 8, logical, false);
}

function readTimestamp(source: Uint8Array, offset: number, descending: boolean): Timestamp {
  assert(offset >= 0 && offset + TIMESTAMP_ENCODED_BYTES <= source.length, 'timestamp extends past the source');
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  const wall = view.getBigUint64(offset, false);
  const logical = view.getUint32(offset + 8, false);
  return descending ? new Timestamp(WALL_TIME_MAX_NANOS - wall, LOGICAL_MAX - logical) : new Timestamp(wall, logical);
}

/** Nanoseconds since the Unix epoch. Millisecond resolution: the logical counter orders the rest. */
export function systemWallClockNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

export interface ClockOptions {
  /** The physical clock, injected so that tests control time. Defaults to the system clock. */
  readonly physicalClockNanos?: () => bigint;
  /**
   * The largest offset this node tolerates between its clock and any other node's. A remote
   * timestamp further ahead than this means a misconfigured clock, and trusting it would drag
   * this node's clock (and every timestamp it issues afterwards) into the future.
   */
  readonly maxOffsetNanos: bigint;
}

/** A remote timestamp was further ahead of the local physical clock than the maximum offset. */
export class ClockOffsetError extends Error {
  override readonly name = 'ClockOffsetError';
  readonly code = 'CLOCK_OFFSET_EXCEEDED';
  constructor(
    readonly remote: Timestamp,
    readonly physicalNanos: bigint,
    readonly maxOffsetNanos: bigint,
  ) {
    super(
      `remote timestamp ${remote.toString()} is ${remote.wallTime - physicalNanos}ns ahead of the local clock ` +
        `(maximum offset ${maxOffsetNanos}ns)`,
    );
  }
}

/**
 * A hybrid logical clock. now() never goes backwards and never repeats, whatever the physical
 * clock does; after update(remote), every later now() is above remote.
 */
export class Clock {
  readonly maxOffsetNanos: bigint;
  private readonly physicalClockNanos: () => bigint;
  private last: Timestamp = Timestamp.zero;

  constructor(options: ClockOptions) {
    assert(options.maxOffsetNanos >= 0n, 'maxOffsetNanos must not be negative');
    this.maxOffsetNanos = options.maxOffsetNanos;
    this.physicalClockNanos = options.physicalClockNanos ?? systemWallClockNanos;
  }

  /**
   * A timestamp above every one returned before and every one passed to update(): the physical
   * time if it has moved past the last timestamp, else the last timestamp with its logical
   * counter bumped (the HLC send/local event rule).
   */
  now(): Timestamp {
    const physical = this.physicalClockNanos();
    this.last = physical > this.last.wallTime ? new Timestamp(physical, 0) : this.last.next();
    return this.last;
  }

  /**
   * Ratchets the clock to a timestamp received from another node (the HLC receive rule; the next
   * now() bumps past it). Throws ClockOffsetError, leaving the clock unchanged, when remote is
   * ahead of the local physical clock by more than maxOffsetNanos.
   */
  update(remote: Timestamp): void {
    const physical = this.physicalClockNanos();
    if (remote.wallTime - physical > this.maxOffsetNanos) {
      throw new ClockOffsetError(remote, physical, this.maxOffsetNanos);
    }
    if (this.last.less(remote)) this.last = remote;
  }

  /** The last timestamp issued or received, without advancing the clock. */
  peek(): Timestamp {
    return this.last;
  }
}
