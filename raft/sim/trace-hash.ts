/**
 * A running 64-bit hash (two 32-bit lanes) of everything a simulation does, in order. Two runs
 * of one seed must end with the same value: that is the check that a failure replays exactly.
 */
export class TraceHash {
  private low = 0x811c9dc5;
  private high = 0x01000193;
  private events = 0;

  /** Mixes one event, given as a few integers (type code, node ids, terms, indexes...). */
  add(...values: readonly number[]): void {
    this.events++;
    for (const value of values) {
      // Integers beyond 32 bits (none here in practice) still mix both halves.
      const v = value >>> 0;
      const upper = Math.floor(value / 0x1_0000_0000) >>> 0;
      this.low = Math.imul(this.low ^ v, 0x01000193) >>> 0;
      this.low = (this.low ^ (this.low >>> 15)) >>> 0;
      this.high = Math.imul(this.high ^ v ^ upper, 0x5bd1e995) >>> 0;
      this.high = (this.high ^ (this.high >>> 13)) >>> 0;
    }
  }

  /** Mixes the bytes of a payload (entry data, read contexts). */
  addBytes(bytes: Uint8Array): void {
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193) >>> 0;
    this.add(bytes.length, h);
  }

  get eventCount(): number {
    return this.events;
  }

  hex(): string {
    return this.high.toString(16).padStart(8, '0') + this.low.toString(16).padStart(8, '0');
  }
}
