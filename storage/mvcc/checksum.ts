/**
 * The value checksum: xxHash32 of the engine key and the value's body, so that a value copied or
 * misdirected to another key (or another version of the same key) fails as surely as a flipped
 * bit. 32 bits, like the CRC of a CockroachDB roachpb.Value: enough to catch corruption, which is
 * not an adversary.
 *
 * xxhash-wasm compiles a WebAssembly module asynchronously, once: this module awaits it at load
 * (top-level await), so importing the MVCC layer is all it takes and no call can find the hasher
 * missing.
 */
import xxhash from 'xxhash-wasm';
import type { Bytes } from '../engine.js';

const hasher = await xxhash();

/** The checksum of body as stored under engineKey. Two hashes chained by seed: no copy of either. */
export function valueChecksum(engineKey: Bytes, body: Bytes): number {
  return hasher.h32Raw(body, hasher.h32Raw(engineKey, 0));
}
