/**
 * The limits of the wire protocol layer, each with the reason for its value. A client that
 * exceeds one gets 54000 naming the limit, and its connection is closed: after a bad length the
 * byte stream cannot be resynchronised.
 */
export const pgwireLimits = {
  /**
   * The largest regular message, length word included. PostgreSQL accepts up to 1 GB; one message
   * is held in memory whole before it is decoded, so a node serving many connections keeps this
   * well below that. 64 MiB still carries any statement or parameter a client sends in practice.
   */
  messageBytesMax: 64 * 1024 * 1024,
  /**
   * The largest startup packet, as PostgreSQL's MAX_STARTUP_PACKET_LENGTH (10000): it only
   * carries a handful of name/value pairs, and it arrives before the user is authenticated.
   */
  startupBytesMax: 10_000,
  /**
   * Open client connections per node (PostgreSQL's max_connections, default 100). Each holds a
   * session and its buffers; past this a client gets 53300, as PostgreSQL answers "sorry, too many
   * clients already", and connection pools are expected in front of many clients.
   */
  connectionsMax: 500,
  /**
   * Bytes received from one client and not yet framed before the server stops reading from its
   * socket (TCP then slows the client down); reading resumes below half of it. Pipelining clients
   * send a few kilobytes ahead, so 1 MiB never stalls them, and a flood costs at most this much.
   */
  queuedBytesMax: 1024 * 1024,
  /** Bind's parameter count is an Int16 on the wire, so never more than 65,535. */
  bindParametersMax: 65_535,
} as const;
