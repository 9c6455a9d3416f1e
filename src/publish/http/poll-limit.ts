/** At most `requests` per client in each window of `windowSeconds`. */
export interface PollLimit {
  requests: number;
  windowSeconds: number;
}

/**
 * Fixed-window counter per client key. Counts live in one Map that is emptied
 * when the window rolls over, so memory is bounded by the clients seen in one
 * window. Returns the seconds to wait when the client is over its limit.
 */
export function pollLimiter(limit: PollLimit, now: () => number = Date.now): (client: string) => number | undefined {
  const windowMs = limit.windowSeconds * 1000;
  let windowStart = now();
  let counts = new Map<string, number>();
  return (client) => {
    const time = now();
    if (time - windowStart >= windowMs) {
      windowStart = time - ((time - windowStart) % windowMs);
      counts = new Map();
    }
    const count = (counts.get(client) ?? 0) + 1;
    counts.set(client, count);
    if (count <= limit.requests) return undefined;
    return Math.max(1, Math.ceil((windowStart + windowMs - time) / 1000));
  };
}

/** Parses "N" (per minute) or "N/SECONDS". */
export function parsePollLimit(raw: string): PollLimit | undefined {
  const match = /^(\d+)(?:\/(\d+))?$/.exec(raw.trim());
  if (!match) return undefined;
  const requests = Number(match[1]);
  const windowSeconds = match[2] === undefined ? 60 : Number(match[2]);
  if (requests < 1 || windowSeconds < 1 || windowSeconds > 86_400) return undefined;
  return { requests, windowSeconds };
}

/**
 * The client a request is counted against: the first X-Forwarded-For address
 * when the proxy in front is trusted, else the peer address. The server's
 * fast path and Koa's middleware both count with it, so a client has one key.
 */
export function clientKey(forwardedFor: string | undefined, remoteAddress: string | undefined, trustProxy: boolean): string {
  const forwarded = trustProxy && forwardedFor ? forwardedFor.split(',', 1)[0]!.trim() : '';
  return forwarded || remoteAddress || '';
}
