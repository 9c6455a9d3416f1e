import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTENT_TYPES } from '../render/links.js';
import type { Resource, SiteMap } from './site.js';

// WebSub (W3C Recommendation, 2018) §7: a publisher tells its hub that a topic changed with a
// form-encoded POST of hub.mode=publish and hub.url=<topic>; the hub then fetches the topic
// and pushes it to subscribers. Each feed's topic is its rel="self" URL.

const FEED_TYPES: ReadonlySet<string> = new Set([CONTENT_TYPES.rss, CONTENT_TYPES.atom, CONTENT_TYPES.json]);

function isFeed(resource: Resource): boolean {
  return resource.status === 200 && FEED_TYPES.has(resource.type);
}

/**
 * Site paths of the feeds in `next` that are new or differ from `previous`,
 * sorted. Equal render inputs mean equal bytes, so only the feeds whose
 * inputs changed are compared by ETag: the server renders a body when it is
 * first read, and reading every ETag would render every feed of both sites.
 */
export function changedFeeds(next: SiteMap, previous: SiteMap | undefined): string[] {
  return [...next.values()]
    .filter((resource) => {
      if (!isFeed(resource)) return false;
      const before = previous?.get(resource.path);
      if (before?.inputs !== undefined && before.inputs === resource.inputs) return false;
      return before?.etag !== resource.etag;
    })
    .map((resource) => resource.path)
    .sort();
}

/** The same, against the files an earlier build left in `outDir` (read before the new build replaces them). */
export async function changedFeedsOnDisk(next: SiteMap, outDir: string): Promise<string[]> {
  const changed: string[] = [];
  for (const resource of next.values()) {
    if (!isFeed(resource)) continue;
    const before = await readFile(join(outDir, resource.file)).catch(() => undefined);
    if (!before?.equals(resource.body)) changed.push(resource.path);
  }
  return changed.sort();
}

export interface HubOptions {
  /** The hub's URL, the same one every feed names in rel="hub". */
  hub: string;
  /** Requests per feed URL at most, the first included (default 5). */
  attempts?: number;
  /** Wait before the first retry, doubled before each further one (default 1000 ms). */
  retryDelayMs?: number;
  /** Longest wait for one answer from the hub (default 10 000 ms). */
  timeoutMs?: number;
  /** Requests in flight at once, so a big rebuild does not flood the hub (default 4). */
  concurrency?: number;
  /** Stops pending retries, e.g. when the server shuts down. */
  signal?: AbortSignal;
  /** Where failures are reported (one line each). */
  log?: (line: string) => void;
}

export interface PingResult {
  url: string;
  ok: boolean;
  /** Requests made for this URL. */
  attempts: number;
  /** The last failure, when `ok` is false. */
  error?: string;
}

/**
 * Tells the hub about each changed feed URL, one POST per URL. Failures are
 * logged and retried with exponential backoff up to `attempts`; the promise
 * never rejects, so a hub that is down never fails or blocks publishing —
 * callers write their files first and may leave this running.
 */
export async function pingHub(feedUrls: readonly string[], options: HubOptions): Promise<PingResult[]> {
  const queue = [...feedUrls];
  const results: PingResult[] = [];
  const worker = async (): Promise<void> => {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) results.push(await pingOne(url, options));
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, worker));
  return results.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

async function pingOne(url: string, options: HubOptions): Promise<PingResult> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const log = options.log ?? (() => {});
  let error = '';
  let made = 0;
  while (made < attempts && !options.signal?.aborted) {
    const outcome = await post(url, options);
    made++;
    if (outcome === true) return { url, ok: true, attempts: made };
    error = outcome.error;
    // A hub that refuses the request itself (4xx other than 408/429) will refuse it again.
    if (!outcome.retry || made === attempts) break;
    const delay = (options.retryDelayMs ?? 1000) * 2 ** (made - 1);
    log(`websub: ${options.hub} did not take the update of ${url}: ${error}; retrying in ${formatMs(delay)} (attempt ${made} of ${attempts})\n`);
    await sleep(delay, options.signal);
  }
  log(`websub: gave up telling ${options.hub} about ${url}: ${error || 'stopped'}\n`);
  return { url, ok: false, attempts: made, error: error || 'stopped' };
}

async function post(url: string, options: HubOptions): Promise<true | { error: string; retry: boolean }> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  try {
    const response = await fetch(options.hub, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }).toString(),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      redirect: 'error',
    });
    // The body is not needed; reading it lets the connection be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return true;
    const status = response.status;
    return { error: `HTTP ${status}`, retry: status >= 500 || status === 408 || status === 429 };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: timeout.aborted ? 'no answer in time' : (cause?.code ?? cause?.message ?? (error as Error).message), retry: true };
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}
