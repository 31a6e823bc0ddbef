/**
 * Builds one backend message: a type byte, an Int32 length that counts itself, then the fields.
 * Fields are collected as small buffers and joined once, when the length is known.
 */
export class MessageWriter {
  private readonly parts: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly type: string) {}

  int16(value: number): this {
    const part = Buffer.allocUnsafe(2);
    part.writeInt16BE(value);
    return this.add(part);
  }

  int32(value: number): this {
    const part = Buffer.allocUnsafe(4);
    part.writeInt32BE(value | 0);
    return this.add(part);
  }

  byte(value: number): this {
    return this.add(Buffer.from([value]));
  }

  /** A UTF-8 string and its NUL terminator. */
  cstring(text: string): this {
    return this.add(Buffer.from(text + '\0', 'utf8'));
  }

  raw(data: Buffer): this {
    return this.add(data);
  }

  finish(): Buffer {
    const head = Buffer.allocUnsafe(5);
    head.write(this.type, 0, 'latin1');
    head.writeInt32BE(this.bytes + 4, 1);
    return Buffer.concat([head, ...this.parts], this.bytes + 5);
  }

  private add(part: Buffer): this {
    this.parts.push(part);
    this.bytes += part.length;
    return this;
  }
}
