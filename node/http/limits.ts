/** Limits of the node's HTTP server, each with the reason for its value. */
export const httpLimits = {
  /** A client that has not sent its headers by then is cut: scrapers and probes send them at once. */
  headersTimeoutMs: 10_000,
  /** A whole request, for the same reason; endpoints answer from memory. */
  requestTimeoutMs: 30_000,
  /** Probes send a handful of headers; a flood of them is not a probe. */
  headersCountMax: 100,
} as const;
