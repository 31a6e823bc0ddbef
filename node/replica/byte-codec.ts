/**
 * A small binary writer and reader for the replica's own records (transaction records, intent
 * details, applied state): fixed-width big-endian numbers, length-prefixed bytes, timestamps. The
 * records are replicated state, so their encoding is deterministic and versioned by a leading byte.
 */
import { assert } from '../../common/assert.js';
import { TIMESTAMP_ENCODED_BYTES, decodeTimestamp, encodeTimestamp, type Timestamp } from '../../storage/hlc.js';

export class ByteSink {
  private buffer = new Uint8Array(128);
  private length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  u8(value: number): this {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xff, `u8 out of range: ${value}`);
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  u32(value: number): this {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff, `u32 out of range: ${value}`);
    this.reserve(4);
    new DataView(this.buffer.buffer).setUint32(this.length, value, false);
    this.length += 4;
    return this;
  }

  /** A signed safe integer (stats may go transiently negative in deltas). */
  i64(value: number): this {
    assert(Number.isSafeInteger(value), `not a safe integer: ${value}`);
    this.reserve(8);
    new DataView(this.buffer.buffer).setBigInt64(this.length, BigInt(value), false);
    this.length += 8;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.u32(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  string(value: string): this {
    return this.bytes(utf8Encoder.encode(value));
  }

  timestamp(value: Timestamp): this {
    this.reserve(TIMESTAMP_ENCODED_BYTES);
    encodeTimestamp(value, this.buffer, this.length);
    this.length += TIMESTAMP_ENCODED_BYTES;
    return this;
  }

  /** A fresh copy of what was written. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Thrown for bytes that do not decode: the caller reports corruption. */
export class ByteSourceError extends Error {
  override readonly name = 'ByteSourceError';
}

export class ByteSource {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.data.length) throw new ByteSourceError(`truncated at offset ${this.offset}`);
  }

  u8(): number {
    this.need(1);
    return this.data[this.offset++] as number;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, false);
    this.offset += 4;
    return value;
  }

  i64(): number {
    this.need(8);
    const value = this.view.getBigInt64(this.offset, false);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new ByteSourceError('i64 beyond a safe integer');
    return Number(value);
  }

  bytes(): Uint8Array {
    const length = this.u32();
    this.need(length);
    const value = this.data.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): string {
    try {
      return utf8Decoder.decode(this.bytes());
    } catch (err) {
      if (err instanceof ByteSourceError) throw err;
      throw new ByteSourceError('invalid UTF-8');
    }
  }

  timestamp(): Timestamp {
    this.need(TIMESTAMP_ENCODED_BYTES);
    const value = decodeTimestamp(this.data, this.offset);
    this.offset += TIMESTAMP_ENCODED_BYTES;
    return value;
  }

  /** Fails unless every byte was read: trailing garbage is corruption too. */
  end(): void {
    if (this.offset !== this.data.length) throw new ByteSourceError(`${this.data.length - this.offset} trailing bytes`);
  }
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
