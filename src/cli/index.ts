import { loadRules } from '../normalize/index.js';
import { buildSite } from '../build/index.js';
import { runPipeline, type PipelineOptions, type PipelineResult } from '../pipeline.js';
import { readSeeds } from '../ingest/read.js';
import { writeStatic } from '../publish/static.js';
import { createApp, listen, shutdown, SiteHolder } from '../publish/server.js';
import { lastGoodDocuments, watchSeeds, type Watcher } from '../publish/watch.js';
import { changedFeeds, changedFeedsOnDisk, pingHub } from '../publish/websub.js';
import type { DocumentFailure, RawDocument } from '../types.js';
import { parseCommandLine, UsageError, USAGE, type CliOptions } from './options.js';

const SITE = {
  title: 'Wirefeed',
  description: 'Clean news items from Wirefeed',
  author: { name: 'Wirefeed' },
};

/** Runs one command and returns the exit code; never throws for user errors. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`wirefeed: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    return parsed.command === 'build' ? await build(parsed.options, env) : await serve(parsed.options, env);
  } catch (error) {
    process.stderr.write(`wirefeed: ${(error as Error).message}\n`);
    return 2;
  }
}

/** Content-hash cache of enriched items, relative to the working directory; safe to delete. */
const CACHE_DIR = '.wirefeed-cache';

/** `keep` (watch mode) publishes a failing document's last good version instead of dropping it. */
async function buildInMemory(options: CliOptions, env: NodeJS.ProcessEnv, keep?: ReturnType<typeof lastGoodDocuments>): Promise<{ result: PipelineResult; failures: DocumentFailure[] }> {
  let read;
  try {
    read = await readSeeds(options.seeds);
  } catch (error) {
    throw new Error(`cannot read the seeds folder "${options.seeds}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`);
  }
  const epoch = sourceDateEpoch(env);
  const pipeline: PipelineOptions = {
    site: { ...SITE, url: options.siteUrl, ...(options.hub ? { hub: options.hub } : {}) },
    limit: options.limit,
    rules: loadRules(),
    deleted: read.deleted,
    ...(epoch ? { sourceDateEpoch: epoch } : {}),
  };
  const run = (documents: RawDocument[]): PipelineResult => runPipeline(documents, pipeline);
  // Unchanged documents come from the item cache; the rest are enriched on worker threads.
  const { result, failures, kept } = keep ? keep(read, run) : withoutKeeping(read.failures, await buildSite(read.documents, { ...pipeline, cacheDir: CACHE_DIR }));
  failures.sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const failure of failures) process.stderr.write(`${options.seeds}/${failure.path}: ${kept.has(failure.path) ? 'kept its last good version' : 'skipped'}: ${failure.reason}\n`);
  return { result, failures };
}

function withoutKeeping(readFailures: DocumentFailure[], result: PipelineResult): { result: PipelineResult; failures: DocumentFailure[]; kept: Set<string> } {
  return { result, failures: [...readFailures, ...result.failures], kept: new Set() };
}

async function build(options: CliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const { result, failures } = await buildInMemory(options, env);
  const changed = options.hub ? await changedFeedsOnDisk(result.site, options.out) : [];
  await writeStatic(result.site, options.out);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const count = result.catalog.items.length;
  process.stdout.write(`Built ${count} item${count === 1 ? '' : 's'} (${failures.length} skipped) into ${options.out}/ (${result.site.size} files) in ${seconds} s\n`);
  if (options.hub && changed.length > 0) await tellHub(options.hub, options.siteUrl, changed);
  return failures.length > 0 ? 1 : 0;
}

/**
 * Listens first (so /healthz answers and /readyz says "starting" during the
 * build), then loads the site; with --watch, rebuilds swap it whole.
 */
async function serve(options: CliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const holder = new SiteHolder();
  const app = createApp(holder, { maxAge: options.maxAge, trustProxy: options.trustProxy, pollLimit: options.pollLimit, accessLog: options.accessLog });
  const server = await listen(app, options.port, options.host);
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
      void shutdown(server, holder).then(() => resolve(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const keep = options.watch ? lastGoodDocuments() : undefined;
  let result: PipelineResult;
  try {
    ({ result } = await buildInMemory(options, env, keep));
  } catch (error) {
    stop();
    await stopped;
    throw error;
  }
  if (holder.stopping) return stopped;
  holder.set(result.site);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  process.stdout.write(`Serving ${result.catalog.items.length} items at http://${options.host}:${port}/ (feeds link to ${options.siteUrl})\n`);
  if (keep) {
    watcher = watchSeeds({
      dir: options.seeds,
      rebuild: async () => {
        const started = performance.now();
        const { result: next } = await buildInMemory(options, env, keep);
        const previous = holder.get();
        holder.set(next.site);
        // Fire and forget: serving never waits for the hub.
        if (options.hub) void tellHub(options.hub, options.siteUrl, changedFeeds(next.site, previous), pending.signal);
        process.stdout.write(`Rebuilt ${next.catalog.items.length} items in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
      },
      onError: (message) => process.stderr.write(`wirefeed: ${message}\n`),
    });
  }
  return stopped;
}

/** WebSub: tells the hub which feeds changed; failures are logged and retried, never thrown. */
async function tellHub(hub: string, siteUrl: string, paths: string[], signal?: AbortSignal): Promise<void> {
  if (paths.length === 0) return;
  const results = await pingHub(paths.map((path) => siteUrl + path), { hub, log: (line) => process.stderr.write(line), ...(signal ? { signal } : {}) });
  const told = results.filter((r) => r.ok).length;
  process.stdout.write(`Told ${hub} about ${told} of ${results.length} changed feed${results.length === 1 ? '' : 's'}\n`);
}

function sourceDateEpoch(env: NodeJS.ProcessEnv): Date | undefined {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`SOURCE_DATE_EPOCH must be a number of seconds, got "${raw}"`);
  return new Date(Number(raw) * 1000);
}
