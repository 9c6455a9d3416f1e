import { ingestDocument, notYetPublished } from '../ingest/index.js';
import { repeatedAmong } from '../normalize/boilerplate.js';
import { attempt, catalogItems, enrichContext, ingestEnv, uniqueKeys, type CatalogResult, type PipelineOptions } from '../pipeline.js';
import type { DocumentFailure, Item, RawDocument, SourceDocument } from '../types.js';
import { RenderKeyMemo } from '../publish/render-keys.js';
import { ItemCache } from './cache.js';
import { DocumentCache, lineHash, type DocumentFacts } from './documents.js';
import { defaultThreads, enrichInWorkers, enrichOutcome, type Outcome } from './workers.js';

export interface BuildOptions extends PipelineOptions {
  /** Folder of the content-hash item cache (e.g. ".wirefeed-cache"); none means every document is enriched. */
  cacheDir?: string;
  /** Worker threads for enrichment; defaults to the cores available, 1 enriches on the calling thread. */
  threads?: number;
  /** Called as documents are done (cached ones count at once), for progress display; `total` is the documents to build. */
  onProgress?: (done: number, total: number) => void;
  /** A long-lived process's caches, kept decoded from one build to the next (watch mode). */
  session?: BuildSession;
}

/**
 * What a long-lived process (the server in watch mode) keeps between its
 * builds: the caches stay decoded in memory and remember which documents
 * they hashed, and each build's cache writes wait for a quiet moment rather
 * than run before, or right after, the new site is served.
 */
export class BuildSession {
  documents?: DocumentCache;
  items?: ItemCache;
  /** The render keys of the site last served: its files whose inputs did not change are not hashed again. */
  readonly renderKeys = new RenderKeyMemo();
  private pendingSave?: () => Promise<unknown>;

  /**
   * Runs `save` (the last build's cache writes) once the session has been
   * quiet for SAVE_QUIET_MS, or at once when flushed. Encoding the caches of
   * 10k documents holds the event loop for 15-40 ms: right after a rebuild,
   * that is the time the first requests for the new site would wait.
   */
  saveLater(save: () => Promise<unknown>): void {
    let started: Promise<unknown> | undefined;
    const run = (): Promise<unknown> => (started ??= save().then(() => undefined, (error: unknown) => error ?? new Error('unknown error')));
    const timer = setTimeout(run, SAVE_QUIET_MS);
    // A process that is done (a test, a server stopping) does not wait for the timer: it flushes.
    timer.unref();
    this.pendingSave = (): Promise<unknown> => {
      clearTimeout(timer);
      return run();
    };
  }

  /** Runs the last build's cache writes now if they have not started; resolves, when they are done, to their error if they failed. */
  flush(): Promise<unknown> {
    const pending = this.pendingSave;
    this.pendingSave = undefined;
    return pending ? pending() : Promise.resolve(undefined);
  }
}

/** Quiet time after a build before a session writes its caches. */
const SAVE_QUIET_MS = 1000;

export interface BuildStats {
  documents: number;
  /** Items taken from the cache. */
  cached: number;
  /** Items normalized and enriched in this build. */
  enriched: number;
  /** Documents parsed in this build: the others were unchanged, and only hashed. */
  parsed: number;
  threads: number;
}

/** Below this many documents to enrich, starting threads (each loads the tagger) costs more than it saves. */
const MIN_DOCUMENTS_PER_THREAD = 24;

/** One document read for this build: what the corpus-wide stages need of it, and how to get its item. */
interface Entry {
  raw: RawDocument;
  path: string;
  key: string;
  documentKey: string;
  facts: DocumentFacts;
}

/**
 * The same catalog as runPipeline, faster: an unchanged file is hashed rather
 * than parsed (DocumentCache), its item comes from the item cache, and the
 * rest are enriched on worker threads. The files are left to the caller:
 * renderSite for a server, exportSite for the static export.
 */
export async function buildSite(raws: readonly RawDocument[], options: BuildOptions): Promise<CatalogResult & { stats: BuildStats }> {
  const env = ingestEnv(options);
  const { session } = options;
  // The last build's writes go first: the caches then hold exactly what it used.
  const failedSave = await session?.flush();
  if (failedSave) throw new Error(`the build cache could not be written: ${(failedSave as Error).message}`);
  const documents = session?.documents ?? (await DocumentCache.open(options.cacheDir));
  const failures: DocumentFailure[] = [];
  // Documents parsed in this build, kept for enrichment: a miss in the item cache is usually one of them.
  const parsed = new Map<string, SourceDocument>();
  let parsedCount = 0;
  const ingest = (raw: RawDocument): SourceDocument | undefined => {
    const source = parsed.get(raw.path) ?? attempt(failures, raw.path, () => (parsedCount++, ingestDocument(raw, env)));
    if (source) parsed.set(raw.path, source);
    return source;
  };
  const read = raws.flatMap((raw): Entry[] => {
    const documentKey = documents.keyOf(raw, env);
    let facts = documents.get(documentKey);
    // A document that was in the future is parsed again, so it is refused with ingest's own words until its date comes.
    if (!facts || notYetPublished(new Date(facts.updated), env)) {
      const source = ingest(raw);
      if (!source) return [];
      facts = documents.set(documentKey, source);
    }
    return [{ raw, path: raw.path, key: facts.key, documentKey, facts }];
  });
  const entries = uniqueKeys(read, failures);
  const repeated = repeatedAmong(entries.map((entry) => entry.facts.candidates));
  const context = enrichContext(options, repeated);
  const repeatedHashes = new Set([...repeated].map(lineHash));

  const cache = options.cacheDir ? ItemCache.open(options.cacheDir, context, session?.items) : undefined;
  if (session) Object.assign(session, { documents, items: cache });
  const keys = cache ? cache.keysOf(entries, repeatedHashes) : [];
  const found: (Item | undefined)[] = cache ? keys.map((key) => cache.get(key)) : [];
  // The documents to enrich, and apart from them their entries: enrichInWorkers lets go of each document once handed out.
  const missing: Entry[] = [];
  const sources: (SourceDocument | undefined)[] = [];
  entries.forEach((entry, i) => {
    const source = found[i] ? undefined : ingest(entry.raw);
    if (source) {
      missing.push(entry);
      sources.push(source);
    }
  });
  parsed.clear();

  const threads = Math.min(options.threads ?? defaultThreads(), Math.floor(missing.length / MIN_DOCUMENTS_PER_THREAD));
  const cached = entries.length - missing.length;
  const progress = options.onProgress ? (done: number): void => options.onProgress?.(cached + done, entries.length) : undefined;
  progress?.(0);
  const outcomes = threads > 1 ? await enrichInWorkers(sources, context, threads, progress) : sources.map((source, i) => (progress?.(i), enrichOutcome(source as SourceDocument, context)));

  const items: Item[] = [];
  const versions = new Map<Item, string>();
  const outcomeOf = new Map(missing.map((entry, i) => [entry, outcomes[i] as Outcome]));
  entries.forEach((entry, i) => {
    let item = found[i];
    if (!item) {
      const outcome = outcomeOf.get(entry);
      // Not parsed again: its failure is already reported.
      if (!outcome) return;
      if ('reason' in outcome) return void failures.push({ path: entry.path, reason: outcome.reason });
      item = outcome.item;
      cache?.set(keys[i] as string, item);
    }
    items.push(item);
    if (cache) versions.set(item, keys[i] as string);
  });
  const save = (): Promise<unknown> => Promise.all([cache?.save(), documents.save()]);
  if (session) session.saveLater(save);
  else await save();
  const result = catalogItems(items, failures, options, cache ? versions : undefined);
  const stats = { documents: entries.length, cached, enriched: missing.length, parsed: parsedCount, threads: Math.max(1, threads) };
  return { ...result, stats };
}
