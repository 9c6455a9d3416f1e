import type { Config } from '../config/schema.js';
import { parsePollLimit } from '../publish/http/poll-limit.js';
import { createApp, listen, shutdown, SiteHolder } from '../publish/server.js';
import { CompressionThreads } from '../publish/compression.js';
import { precompress } from '../publish/site.js';
import { lastGoodDocuments, watchSeeds, type Watcher } from '../publish/watch.js';
import { changedFeeds } from '../publish/websub.js';
import { warmPipeline, type PipelineResult } from '../pipeline.js';
import { BuildSession } from '../build/index.js';
import { defaultThreads } from '../build/workers.js';
import type { ReadResult } from '../ingest/read.js';
import { tellHub } from './hub.js';
import { progressReporter } from './progress.js';
import { buildFromConfig, CACHE_DIR, pipelineOptions } from './site.js';
import { readStoredSite } from '../build/body-store.js';

/**
 * `wirefeed serve`. Listens first (so /healthz answers and /readyz says
 * "starting" during the build), then loads the site; with watch, rebuilds
 * swap it whole.
 */
export async function serve(config: Config, env: NodeJS.ProcessEnv, cwd: string, output: { quiet: boolean }): Promise<number> {
  const options = config.serve;
  const pollLimit = options.pollLimit && options.pollLimit !== '0' ? parsePollLimit(options.pollLimit) : undefined;
  const holder = new SiteHolder();
  const app = createApp(holder, { maxAge: options.maxAge, trustProxy: options.trustProxy, pollLimit, accessLog: options.accessLog });
  const server = await listen(app, options.port, options.host);
  const keep = options.watch ? lastGoodDocuments() : undefined;
  // Watch mode keeps its caches decoded and rereads only the files the watcher names.
  const session = keep ? new BuildSession() : undefined;
  let watcher: Watcher | undefined;
  // Signals are handled from the moment the port is open, also during the first build.
  let stop!: () => void;
  const pending = new AbortController();
  const stopped = new Promise<number>((resolve) => {
    stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      watcher?.close();
      pending.abort();
      // The last rebuild's cache writes, if still waiting for a quiet moment, are made before exit,
      // after a rebuild still running (which arms them) has ended.
      void shutdown(server, holder)
        .then(() => watcher?.settled())
        .then(() => session?.flush())
        .then((failed) => {
          if (failed) process.stderr.write(`wirefeed: the build cache could not be written: ${(failed as Error).message}\n`);
          resolve(0);
        });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const progress = output.quiet || keep ? undefined : progressReporter({ stream: process.stderr });
  let result: PipelineResult;
  let read: ReadResult;
  // What the last `wirefeed build` rendered and compressed is read from its store, not made again.
  let stored = await readStoredSite(CACHE_DIR);
  try {
    const built = await buildFromConfig(config, env, cwd, {
      stored,
      ...(keep ? { keep, session } : {}),
      ...(progress ? { onProgress: (done, total) => progress.update(done, total) } : {}),
    });
    read = built.read;
    progress?.finish();
    for (const message of built.messages) process.stderr.write(`${message}\n`);
    result = built.result;
  } catch (error) {
    stop();
    await stopped;
    throw error;
  }
  if (holder.stopping) {
    // Stopped during the first build: its cache writes are made before exit.
    await session?.flush();
    return stopped;
  }
  holder.set(result.site);
  // Compressed bodies are made between requests once the site is served, not before.
  // A rebuild pauses it (the new site's run takes over the bodies it keeps), so edits are not served behind compression.
  let rebuilding = false;
  const replaced = (site: PipelineResult['site']) => (): boolean => holder.get() !== site || holder.stopping || rebuilding;
  // On worker threads, so requests are not answered between compression slices of this thread.
  const compression = new CompressionThreads(defaultThreads());
  void stopped.then(() => compression.close());
  void precompress(result.site, replaced(result.site), compression.compress);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  if (!output.quiet) process.stdout.write(`Serving ${result.catalog.items.length} items at http://${options.host}:${port}/ (feeds link to ${config.site.url})\n`);
  if (keep) {
    watcher = watchSeeds({
      dir: config.seeds,
      rebuild: async (changed) => {
        const started = performance.now();
        rebuilding = true;
        try {
          const previous = holder.get();
          const since = changed ? { previous: read, changed } : undefined;
          // A build run beside the server may have stored more since.
          stored = await readStoredSite(CACHE_DIR, stored);
          const next = await buildFromConfig(config, env, cwd, { keep, session, stored, ...(since ? { since } : {}), ...(previous ? { previous } : {}) });
          read = next.read;
          for (const message of next.messages) process.stderr.write(`${message}\n`);
          // Before the swap: comparing renders the changed feeds, and a feed that fails to render fails the rebuild.
          const changedForHub = config.hub ? changedFeeds(next.result.site, previous) : [];
          holder.set(next.result.site);
          // Fire and forget: serving never waits for the hub.
          if (config.hub) void tellHub(config.hub, config.site.url, changedForHub, { signal: pending.signal, quiet: output.quiet });
          if (!output.quiet) process.stdout.write(`Rebuilt ${next.result.catalog.items.length} items in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
        } finally {
          rebuilding = false;
          const current = holder.get();
          if (current) void precompress(current, replaced(current), compression.compress);
        }
      },
      onError: (message) => process.stderr.write(`wirefeed: ${message}\n`),
    });
    // The first edit would load the parsers and the tagger: they load now, while nothing waits.
    setImmediate(() => {
      try {
        warmPipeline(pipelineOptions(config, env, cwd, []));
      } catch {
        // A failure here (a rule file gone bad) is the next rebuild's to report.
      }
    });
  }
  return stopped;
}
