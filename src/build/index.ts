import { catalogItems, prepareDocuments, type CatalogResult, type PipelineOptions } from '../pipeline.js';
import type { Item, RawDocument, SourceDocument } from '../types.js';
import { ItemCache } from './cache.js';
import { defaultThreads, enrichInWorkers, enrichOutcome, type Outcome } from './workers.js';

export interface BuildOptions extends PipelineOptions {
  /** Folder of the content-hash item cache (e.g. ".wirefeed-cache"); none means every document is enriched. */
  cacheDir?: string;
  /** Worker threads for enrichment; defaults to the cores available, 1 enriches on the calling thread. */
  threads?: number;
  /** Called as documents are done (cached ones count at once), for progress display; `total` is the documents to build. */
  onProgress?: (done: number, total: number) => void;
}

export interface BuildStats {
  documents: number;
  /** Items taken from the cache. */
  cached: number;
  /** Items normalized and enriched in this build. */
  enriched: number;
  threads: number;
}

/** Below this many documents to enrich, starting threads (each loads the tagger) costs more than it saves. */
const MIN_DOCUMENTS_PER_THREAD = 24;

/**
 * The same catalog as runPipeline, faster: unchanged documents come from the
 * item cache and the rest are enriched on worker threads. The files are left
 * to the caller: renderSite for a server, exportSite for the static export.
 */
export async function buildSite(raws: readonly RawDocument[], options: BuildOptions): Promise<CatalogResult & { stats: BuildStats }> {
  const prepared = prepareDocuments(raws, options);
  const cache = options.cacheDir ? ItemCache.open(options.cacheDir, prepared) : undefined;
  const keys = cache ? prepared.sources.map((source) => cache.keyOf(source, prepared.repeated)) : [];
  const found: (Item | undefined)[] = cache ? await Promise.all(keys.map((key) => cache.get(key))) : [];
  const missing: SourceDocument[] = prepared.sources.filter((_, i) => !found[i]);

  const threads = Math.min(options.threads ?? defaultThreads(), Math.floor(missing.length / MIN_DOCUMENTS_PER_THREAD));
  const cached = prepared.sources.length - missing.length;
  const progress = options.onProgress ? (done: number): void => options.onProgress?.(cached + done, prepared.sources.length) : undefined;
  progress?.(0);
  const outcomes = threads > 1 ? await enrichInWorkers(missing, prepared, threads, progress) : missing.map((source, i) => (progress?.(i), enrichOutcome(source, prepared)));

  const items: Item[] = [];
  let next = 0;
  prepared.sources.forEach((source, i) => {
    const hit = found[i];
    if (hit) return void items.push(hit);
    const outcome = outcomes[next++] as Outcome;
    if ('reason' in outcome) return void prepared.failures.push({ path: source.path, reason: outcome.reason });
    items.push(outcome.item);
    cache?.set(keys[i] as string, outcome.item);
  });
  await cache?.save();
  const result = catalogItems(items, prepared.failures, options);
  return { ...result, stats: { documents: prepared.sources.length, cached: prepared.sources.length - missing.length, enriched: missing.length, threads: Math.max(1, threads) } };
}
