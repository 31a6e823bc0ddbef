/**
 * Cuts the frontend byte stream into frames. Bytes arrive in chunks split anywhere (TCP keeps no
 * message boundaries), so the reader buffers until a whole frame is there. The first frame of a
 * connection is a startup packet, which has no type byte (protocol 53.7: "For historical reasons,
 * the very first message sent by the client (the startup message) has no initial message-type
 * byte."); SSLRequest and GSSENCRequest are followed by another startup packet.
 */
import { pgwireLimits } from '../limits.js';
import { ProtocolError } from './protocol-error.js';

export type Frame =
  | { readonly kind: 'startup'; readonly body: Buffer }
  | { readonly kind: 'message'; readonly type: number; readonly body: Buffer };

export interface FrameReaderOptions {
  readonly messageBytesMax?: number;
  readonly startupBytesMax?: number;
}

export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private expectStartup = true;
  private readonly messageBytesMax: number;
  private readonly startupBytesMax: number;

  constructor(options: FrameReaderOptions = {}) {
    this.messageBytesMax = options.messageBytesMax ?? pgwireLimits.messageBytesMax;
    this.startupBytesMax = options.startupBytesMax ?? pgwireLimits.startupBytesMax;
  }

  /**
   * Tells the reader whether the next frame is a startup packet: true again after an SSLRequest
   * or GSSENCRequest was answered, false once the real startup packet was read.
   */
  setExpectStartup(expect: boolean): void {
    this.expectStartup = expect;
  }

  /**
   * Adds bytes and returns the frames they complete. After a startup frame the reader stops and
   * leaves the rest buffered until setExpectStartup() says how to read it, so call next() then.
   * Throws ProtocolError on a length that is impossible or over its limit.
   */
  push(chunk: Buffer): Frame[] {
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    return this.next();
  }

  /** The frames already buffered, stopping after a startup frame (see push). */
  next(): Frame[] {
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.expectStartup ? this.takeStartup() : this.takeMessage();
      if (frame === undefined) return frames;
      frames.push(frame);
      if (frame.kind === 'startup') {
        // Until told otherwise, a startup packet is followed by regular messages.
        this.expectStartup = false;
        return frames;
      }
    }
  }

  /** Bytes received but not yet framed. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private takeStartup(): Frame | undefined {
    if (this.pendingBytes < 4) return undefined;
    const head = this.peek(4);
    const length = head.readInt32BE(0);
    if (length < 8) throw new ProtocolError('08P01', `invalid length of startup packet: ${length}`);
    if (length > this.startupBytesMax) throw new ProtocolError('08P01', `invalid length of startup packet: ${length}`);
    if (this.pendingBytes < length) return undefined;
    const whole = this.take(length);
    return { kind: 'startup', body: whole.subarray(4) };
  }

  private takeMessage(): Frame | undefined {
    if (this.pendingBytes < 5) return undefined;
    const head = this.peek(5);
    const type = head[0] as number;
    const length = head.readInt32BE(1);
    if (length < 4) throw new ProtocolError('08P01', `invalid message length ${length} for message type ${JSON.stringify(String.fromCharCode(type))}`);
    if (length + 1 > this.messageBytesMax) {
      throw new ProtocolError('54000', `message of ${length + 1} bytes exceeds the limit messageBytesMax (${this.messageBytesMax})`);
    }
    if (this.pendingBytes < length + 1) return undefined;
    const whole = this.take(length + 1);
    return { kind: 'message', type, body: whole.subarray(5) };
  }

  /** The first n buffered bytes, without consuming them (n <= pendingBytes). */
  private peek(n: number): Buffer {
    const first = this.pending[0] as Buffer;
    if (first.length >= n) return first.subarray(0, n);
    const joined = Buffer.concat(this.pending);
    this.pending = [joined];
    return joined.subarray(0, n);
  }

  /** Consumes the first n buffered bytes (n <= pendingBytes). */
  private take(n: number): Buffer {
    const joined = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    const taken = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes -= n;
    return taken;
  }
}
