/**
 * The bytes given to a key decoder are not a key of the expected shape: truncated, corrupted,
 * decoded with the wrong column types, or not in the one canonical form the encoder writes. An
 * operating error, not an assertion: keys come from disk and from the network. The code is part of
 * the API and never changes; the message may.
 */
export class KeyDecodeError extends Error {
  override readonly name = 'KeyDecodeError';
  readonly code = 'KEY_DECODE_ERROR';

  constructor(
    message: string,
    /** Offset of the offending byte in the decoded buffer. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}
