/**
 * A cursor over an encoded key. Every read is bounds-checked and throws KeyDecodeError at the end
 * of the input, so a decoder fed garbage fails instead of reading past the end or looping.
 *
 * Reads take a mask: 0x00 reads the bytes as written, 0xff reads them inverted. A descending column
 * is its ascending encoding inverted, and a negative numeric inverts its magnitude, so one decoder
 * per type serves both directions.
 */
import { KeyDecodeError } from './key-decode-error.js';

export type ByteMask = 0x00 | 0xff;

export class KeyReader {
  constructor(
    readonly bytes: Uint8Array,
    /** Offset of the next byte to read. */
    public offset = 0,
  ) {}

  get atEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** The next byte, as written (unmasked), without consuming it; undefined at the end. */
  peek(): number | undefined {
    return this.bytes[this.offset];
  }

  /** The next byte with the mask applied. */
  byte(mask: ByteMask): number {
    const value = this.bytes[this.offset];
    if (value === undefined) throw new KeyDecodeError('unexpected end of key', this.offset);
    this.offset++;
    return value ^ mask;
  }

  /** An error about the byte just read (or the end of input). */
  error(message: string, offset = this.offset - 1): KeyDecodeError {
    return new KeyDecodeError(message, Math.max(0, offset));
  }
}
