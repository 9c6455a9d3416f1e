/** Bounds that keep one client from holding the server's sockets or memory. */
export interface ServerLimits {
  /** Longest request target (path and query) in bytes; longer answers 414. */
  maxUrlLength: number;
  /** Largest request head (request line and headers) Node accepts; larger answers 431. */
  maxHeaderSize: number;
  /** Largest request body a client may announce; the server never reads bodies, larger answers 413. */
  maxBodyBytes: number;
  /** Time a client has to send the whole request head (slow-header clients are cut off). */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request. */
  requestTimeoutMs: number;
  /** Idle time before a kept-alive connection is closed. */
  keepAliveTimeoutMs: number;
  /** On shutdown, time in-flight requests get to finish before their connections are closed. */
  shutdownGraceMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxUrlLength: 2048,
  maxHeaderSize: 16 * 1024,
  maxBodyBytes: 64 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  shutdownGraceMs: 10_000,
};
