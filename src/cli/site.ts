import { FileDigests } from '../build/file-digests.js';
import { buildSite, type BuildSession } from '../build/index.js';
import { readRuleFiles } from '../config/rules.js';
import type { Config } from '../config/schema.js';
import { readSeeds, type ReadResult, type ReadSince, type SeedDigests } from '../ingest/read.js';
import { loadRules } from '../normalize/index.js';
import type { CatalogResult, PipelineOptions, PipelineResult } from '../pipeline.js';
import { renderSite, type SiteMap, type StoredSite } from '../publish/site.js';
import type { lastGoodDocuments } from '../publish/watch.js';
import type { DocumentFailure, RawDocument } from '../types.js';
import { locateFailure, type Problem } from './locate.js';
import { UsageError } from './options.js';
import { SeedsError } from './seeds-error.js';

export { SeedsError };

/** Content-hash cache of enriched items, relative to the working directory; safe to delete. */
export const CACHE_DIR = '.wirefeed-cache';

export async function readSeedsFolder(seeds: string, since?: ReadSince, digests?: SeedDigests): Promise<ReadResult> {
  try {
    return await readSeeds(seeds, since, digests);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'ENOTDIR' ? 'it is not a folder' : (error as Error).message;
    throw new SeedsError(`cannot read the seeds folder "${seeds}": ${why}; pass --seeds DIR, set "seeds" in the config, or run "wirefeed init" to start a project`);
  }
}

/** What the pipeline needs, from the effective config: site, feed size, taxonomy, the shipped rules plus the user's. */
export function pipelineOptions(config: Config, env: NodeJS.ProcessEnv, cwd: string, deleted: readonly string[]): PipelineOptions {
  const epoch = sourceDateEpoch(env);
  const { language, ...site } = config.site;
  return {
    site: { ...site, ...(language ? { language } : {}), ...(config.hub ? { hub: config.hub } : {}) },
    limit: config.limit,
    rules: loadRules(readRuleFiles(config, cwd)),
    enrich: {
      sections: config.taxonomy.sections,
      ...(config.taxonomy.fallback ? { fallbackSection: config.taxonomy.fallback } : {}),
      ...(config.taxonomy.minConfidence !== undefined ? { minConfidence: config.taxonomy.minConfidence } : {}),
    },
    deleted,
    ...(epoch ? { sourceDateEpoch: epoch } : {}),
  };
}

export interface CatalogBuild {
  result: CatalogResult;
  failures: DocumentFailure[];
  /** Documents found in the seeds folder, published or not. */
  documents: number;
  /** Each failure placed in its file (and line, when known). */
  problems: Problem[];
  /** Each failure as one stderr line: file, what happened to the document, reason, what to do. */
  messages: string[];
  /** The seeds as read, for the next build of a watcher (ReadSince). */
  read: ReadResult;
}

export interface SiteBuild extends CatalogBuild {
  result: PipelineResult;
}

export interface SiteBuildOptions {
  /** Watch mode: publish a failing document's last good version instead of dropping it. */
  keep?: ReturnType<typeof lastGoodDocuments>;
  onProgress?: (done: number, total: number) => void;
  /** False for commands that must write nothing (check). */
  cache?: boolean;
  /** The site served so far: files whose inputs are unchanged keep their rendered and compressed bodies. */
  previous?: SiteMap;
  /** Watch mode: the caches kept between builds, and what changed since the last reading of the seeds. */
  session?: BuildSession;
  since?: ReadSince;
  /** Bodies a build stored: the server reads those files instead of rendering them. */
  stored?: StoredSite;
}

/** Reads the seeds and builds the whole site in memory, every file rendered (for the server). */
export async function buildFromConfig(config: Config, env: NodeJS.ProcessEnv, cwd: string, options: SiteBuildOptions = {}): Promise<SiteBuild> {
  const built = await buildCatalogFromConfig(config, env, cwd, options);
  const { catalog, versions } = built.result;
  return {
    ...built,
    result: {
      ...built.result,
      site: renderSite(catalog, {
        ...(versions ? { versions } : {}),
        ...(options.previous ? { previous: options.previous } : {}),
        ...(options.session ? { memo: options.session.renderKeys } : {}),
        ...(options.stored ? { stored: options.stored } : {}),
      }),
    },
  };
}

/** Reads the seeds and builds the catalog, leaving the files unrendered (the static export renders them one at a time). */
export async function buildCatalogFromConfig(config: Config, env: NodeJS.ProcessEnv, cwd: string, options: SiteBuildOptions = {}): Promise<CatalogBuild> {
  // A one-shot reading skips files unchanged since the last, by stat. Not in watch mode: it keeps
  // documents as their last good versions, whose bytes must stay readable when the file is broken.
  const digests = options.cache === false || options.keep ? undefined : await FileDigests.open(CACHE_DIR);
  const read = await readSeedsFolder(config.seeds, options.since, digests);
  const saving = digests?.save();
  const pipeline = pipelineOptions(config, env, cwd, read.deleted);
  let built: { result: CatalogResult; failures: DocumentFailure[]; kept: Set<string> };
  if (options.keep) {
    // Watch mode rebuilds inside the server: through the item cache and worker threads, so that
    // unchanged documents cost nothing and enrichment does not stall the answers for seconds.
    built = await options.keep(read, (documents: RawDocument[]) => buildSite(documents, { ...pipeline, cacheDir: CACHE_DIR, ...(options.session ? { session: options.session } : {}) }));
  } else {
    // Unchanged documents come from the item cache; the rest are enriched on worker threads.
    const result = await buildSite(read.documents, {
      ...pipeline,
      ...(options.cache === false ? {} : { cacheDir: CACHE_DIR }),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    built = { result, failures: [...read.failures, ...result.failures], kept: new Set() };
  }
  const { result, failures, kept } = built;
  failures.sort((a, b) => (a.path < b.path ? -1 : 1));
  await saving;
  // Made only for failures: at 10k documents, this map was 5 ms of every watch rebuild.
  const documents = failures.length > 0 ? new Map(read.documents.map((doc) => [doc.path, doc])) : undefined;
  const problems = failures.map((failure) => locateFailure(failure, bytesOf(documents?.get(failure.path)), config.seeds));
  const messages = problems.map((problem, i) => {
    // "file: skipped: reason" ("kept its last good version" in watch mode), with the line when the reason lacks it.
    const status = kept.has(failures[i]!.path) ? 'kept its last good version' : 'skipped';
    const line = problem.line && !/\bline \d/.test(problem.message) ? ` (line ${problem.line})` : '';
    return `${problem.file}: ${status}: ${problem.message}${line}${problem.hint ? `; ${problem.hint}` : ''}`;
  });
  return { result, failures, documents: read.documents.length + read.failures.length, problems, messages, read };
}

/** A document's bytes, for placing its failure in a line; none when they cannot be read again. */
function bytesOf(document: RawDocument | undefined): Uint8Array | undefined {
  try {
    return document?.bytes;
  } catch {
    return undefined;
  }
}

function sourceDateEpoch(env: NodeJS.ProcessEnv): Date | undefined {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`SOURCE_DATE_EPOCH must be a number of seconds since 1970, got "${raw}"`);
  return new Date(Number(raw) * 1000);
}
