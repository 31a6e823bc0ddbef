/**
 * A growable byte buffer that keys are written into. One writer can build many keys: write a shared
 * prefix once, remember `length`, and `truncate` back to it before each next key.
 */
import { assert } from '../../common/assert.js';

export class ByteWriter {
  private buffer: Uint8Array;
  private lengthBytes = 0;

  constructor(capacityBytes = 64) {
    assert(Number.isSafeInteger(capacityBytes) && capacityBytes > 0, 'capacity must be positive');
    this.buffer = new Uint8Array(capacityBytes);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.lengthBytes;
  }

  byte(value: number): void {
    if (this.lengthBytes === this.buffer.length) this.grow(1);
    this.buffer[this.lengthBytes++] = value;
  }

  bytes(source: Uint8Array): void {
    this.reserve(source.length);
    this.buffer.set(source, this.lengthBytes);
    this.lengthBytes += source.length;
  }

  /**
   * Room for `count` more bytes, for encoders that write a run of bytes in one loop: the returned
   * buffer is valid until the next call on this writer; write from `length` on and then call
   * `advanceTo` with the new end.
   */
  reserve(count: number): Uint8Array {
    if (this.lengthBytes + count > this.buffer.length) this.grow(count);
    return this.buffer;
  }

  advanceTo(end: number): void {
    assert(end >= this.lengthBytes && end <= this.buffer.length, 'advanceTo beyond the reserved room');
    this.lengthBytes = end;
  }

  /** Inverts every byte from `start` to the end: a descending column is its ascending bytes inverted. */
  invertFrom(start: number): void {
    assert(start >= 0 && start <= this.lengthBytes, 'invertFrom out of range');
    const buffer = this.buffer;
    for (let i = start; i < this.lengthBytes; i++) buffer[i] = ~(buffer[i] as number) & 0xff;
  }

  /** Forgets everything written after the first `length` bytes. */
  truncate(length: number): void {
    assert(length >= 0 && length <= this.lengthBytes, 'truncate beyond the written bytes');
    this.lengthBytes = length;
  }

  /** A copy of the bytes written so far, which later writes do not change. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.lengthBytes);
  }

  private grow(count: number): void {
    const needed = this.lengthBytes + count;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.lengthBytes));
    this.buffer = grown;
  }
}
