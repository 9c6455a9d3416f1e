import { loadRules } from '../normalize/index.js';
import { runPipeline, type PipelineResult } from '../pipeline.js';
import { readSeeds } from '../ingest/read.js';
import { writeStatic } from '../publish/static.js';
import { createApp, listen, SiteHolder } from '../publish/server.js';
import type { DocumentFailure } from '../types.js';
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

async function buildInMemory(options: CliOptions, env: NodeJS.ProcessEnv): Promise<{ result: PipelineResult; failures: DocumentFailure[] }> {
  let read;
  try {
    read = await readSeeds(options.seeds);
  } catch (error) {
    throw new Error(`cannot read the seeds folder "${options.seeds}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`);
  }
  const epoch = sourceDateEpoch(env);
  const result = runPipeline(read.documents, {
    site: { ...SITE, url: options.siteUrl },
    limit: options.limit,
    rules: loadRules(),
    deleted: read.deleted,
    ...(epoch ? { sourceDateEpoch: epoch } : {}),
  });
  const failures = [...read.failures, ...result.failures].sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const failure of failures) process.stderr.write(`${options.seeds}/${failure.path}: skipped: ${failure.reason}\n`);
  return { result, failures };
}

async function build(options: CliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const { result, failures } = await buildInMemory(options, env);
  await writeStatic(result.site, options.out);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const count = result.catalog.items.length;
  process.stdout.write(`Built ${count} item${count === 1 ? '' : 's'} (${failures.length} skipped) into ${options.out}/ (${result.site.size} files) in ${seconds} s\n`);
  return failures.length > 0 ? 1 : 0;
}

async function serve(options: CliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const { result } = await buildInMemory(options, env);
  const holder = new SiteHolder(result.site);
  const server = await listen(createApp(holder), options.port, options.host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  process.stdout.write(`Serving ${result.catalog.items.length} items at http://${options.host}:${port}/ (feeds link to ${options.siteUrl})\n`);
  return new Promise((resolve) => {
    const stop = (): void => {
      server.close(() => resolve(0));
      server.closeIdleConnections();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

function sourceDateEpoch(env: NodeJS.ProcessEnv): Date | undefined {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`SOURCE_DATE_EPOCH must be a number of seconds, got "${raw}"`);
  return new Date(Number(raw) * 1000);
}
