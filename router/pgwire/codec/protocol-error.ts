/**
 * A violation of the wire protocol found while framing or decoding: the connection that sent it
 * is answered with this SQLSTATE and closed, since its byte stream can no longer be trusted.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    /** 08P01 (protocol_violation) or 54000 (program_limit_exceeded). */
    readonly code: '08P01' | '54000',
    message: string,
  ) {
    super(message);
  }
}
