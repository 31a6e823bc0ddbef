/**
 * Reads the fields of one message body. Every read checks the remaining length, so a truncated
 * or lying message becomes a ProtocolError instead of a RangeError or a garbage value.
 */
import { ProtocolError } from './protocol-error.js';

export class BodyReader {
  private offset = 0;

  constructor(
    private readonly body: Buffer,
    /** The message's name, for error messages. */
    private readonly what: string,
  ) {}

  int16(): number {
    this.need(2);
    const value = this.body.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.body.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  byte(): number {
    this.need(1);
    return this.body[this.offset++] as number;
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(): string {
    const end = this.body.indexOf(0, this.offset);
    if (end < 0) throw this.malformed('a string is missing its terminator');
    const text = this.body.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return text;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const value = this.body.subarray(this.offset, this.offset + n);
    this.offset += n;
    return value;
  }

  /** Checks that the body was read to its last byte, as PostgreSQL's pq_getmsgend does. */
  end(): void {
    if (this.offset !== this.body.length) throw this.malformed('it has trailing bytes');
  }

  private need(n: number): void {
    if (n < 0 || this.offset + n > this.body.length) throw this.malformed('it is truncated');
  }

  private malformed(why: string): ProtocolError {
    return new ProtocolError('08P01', `invalid ${this.what} message: ${why}`);
  }
}
