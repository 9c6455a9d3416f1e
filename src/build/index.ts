import { ingestDocument, notYetPublished, type IngestEnv } from '../ingest/index.js';
import { repeatedAmong, RepeatedLines } from '../normalize/boilerplate.js';
import { attempt, catalogItems, enrichContext, ingestEnv, uniqueKeys, type CatalogResult, type PipelineOptions } from '../pipeline.js';
import type { EnrichContext } from '../enrich-document.js';
import type { DocumentFailure, Item, RawDocument, SourceDocument } from '../types.js';
import { RenderKeyMemo } from '../publish/render-keys.js';
import { CatalogMemo } from '../catalog/index.js';
import { ItemCache } from './cache.js';
import { DocumentCache, factsOf, lineHash, type DocumentFacts } from './documents.js';
import { defaultThreads, runInWorkers, type FactsOutcome, type Job, type Outcome } from './workers.js';

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
  /** The groups of the catalog last served: an unchanged one is taken as it was, so its files are known unchanged by identity. */
  readonly catalog = new CatalogMemo();
  /** The render keys of the site last served: its files whose inputs did not change are not hashed again. */
  readonly renderKeys = new RenderKeyMemo();
  /** The corpus's repeated lines, counted again only for the documents that changed. */
  readonly repeatedLines = new RepeatedLines();
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
  /** Documents handed to enrichment in this build (their items, or why they failed). */
  enriched: number;
  /** Documents parsed in this build: the others were unchanged, and only hashed. */
  parsed: number;
  threads: number;
}

/** Below this many documents to enrich, starting threads (each loads the tagger) costs more than it saves. */
const MIN_DOCUMENTS_PER_THREAD = 24;

/**
 * Documents to parse for their facts per worker thread: with fewer than two
 * threads' worth, the calling thread parses them (at most 0.4 ms each for
 * text and Markdown) rather than start threads. Threads parse them faster
 * (a cold 10k build: 2.6 s instead of 4.4 s), and the garbage of parsing
 * stays out of the calling thread's heap, where a cold 100k build left
 * 512 MB of it (246 MB live) as the enrichment workers started.
 */
const MIN_DOCUMENTS_TO_PARSE_PER_THREAD = 500;

/**
 * Text (in characters) of the parsed documents a build keeps from reading
 * their facts to enriching them. A parsed document took about 19 KB of heap
 * (its text twice, as text and as markup), and a cold 100k build that kept
 * all of them peaked at 2.8 GB; keeping 16M characters' worth (about 6,600
 * documents), it still peaked at 1.6 GB as the workers started, so it keeps
 * a quarter of that. Parsing one again costs the worker at most 0.4 ms for
 * text and Markdown.
 */
const PARSED_KEPT_CHARACTERS = 1 << 22;

/** The characters of a parsed document's text, a measure of the heap it takes. */
function textLength(source: SourceDocument): number {
  let characters = 0;
  for (const block of source.blocks) characters += 'items' in block ? block.items.reduce((sum, item) => sum + item.text.length, 0) : block.text.length;
  return characters;
}

/** One document read for this build: what the corpus-wide stages need of it, and how to get its item. */
interface Entry {
  raw: RawDocument;
  path: string;
  key: string;
  documentKey: string;
  facts: DocumentFacts;
}

/** A document to publish once its item is keyed: its item if the cache has it, else the next outcome of enrichment. */
interface Keyed {
  path: string;
  /** Its item cache key. */
  key?: string;
  found?: Item;
}

/**
 * The same catalog as runPipeline, faster: an unchanged file is hashed rather
 * than parsed (DocumentCache), its item comes from the item cache, and the
 * rest are enriched on worker threads. The files are left to the caller:
 * renderSite for a server, exportSite for the static export.
 */
export async function buildSite(raws: readonly RawDocument[], options: BuildOptions): Promise<CatalogResult & { stats: BuildStats }> {
  const { session } = options;
  // The last build's writes go first: the caches then hold exactly what it used.
  const failedSave = await session?.flush();
  if (failedSave) throw new Error(`the build cache could not be written: ${(failedSave as Error).message}`);
  const documents = session?.documents ?? (await DocumentCache.open(options.cacheDir));
  const env = ingestEnv(options);
  const { keyed, jobs, failures, parsed, context, cache } = await keyDocuments(raws, options, env, documents);
  if (session) Object.assign(session, { documents, items: cache });
  // A one-shot build writes its document cache now: past keying, nothing needs the facts (120 MB at 100k documents).
  const savingDocuments = session ? undefined : documents.save({ keep: false });
  // Awaited after enrichment; a failure meanwhile must not count as unhandled.
  savingDocuments?.catch(() => undefined);

  const threads = Math.min(options.threads ?? defaultThreads(), Math.floor(jobs.length / MIN_DOCUMENTS_PER_THREAD));
  const cached = keyed.length - jobs.length;
  const onDone = options.onProgress ? (done: number): void => options.onProgress?.(cached + done, keyed.length) : undefined;
  onDone?.(0);
  // In a one-shot build, each new item's body goes to disk as it comes, so a cold build holds the heads of
  // its items, not their bodies. Not in a session: its items outlive the build, and so would their spill files.
  const spill = cache && !session && jobs.length > 0 ? cache.spill() : undefined;
  const keep = spill ? (outcome: Outcome): Outcome => ('item' in outcome ? { item: spill.hold(outcome.item) } : outcome) : undefined;
  const data = { context, env };
  const outcomes = await runInWorkers(jobs, data, threads, { ...(onDone ? { onDone } : {}), ...(keep ? { keep } : {}) });

  const items: Item[] = [];
  const versions = new Map<Item, string>();
  let enriched = 0;
  for (const { path, key, found } of keyed) {
    let item = found;
    if (!item) {
      const outcome = outcomes[enriched++] as Outcome;
      if ('reason' in outcome) {
        failures.push({ path, reason: outcome.reason });
        continue;
      }
      item = outcome.item;
      if (key) cache?.set(key, item);
    }
    items.push(item);
    if (key) versions.set(item, key);
  }
  const save = (): Promise<unknown> => Promise.all([cache?.save(), savingDocuments ?? documents.save()]);
  if (session) session.saveLater(save);
  else await save();
  const result = catalogItems(items, failures, options, cache ? versions : undefined, session?.catalog);
  const stats = { documents: keyed.length, cached, enriched: jobs.length, parsed: parsed.size, threads: Math.max(1, threads) };
  return { ...result, stats };
}

/**
 * Reads every document's facts (parsing those the document cache lacks, on
 * worker threads when they are many), finds the corpus's repeated lines and
 * keys each item; `jobs` are the documents the item cache lacks, in order.
 * What it returns no longer holds the facts, so they go once the document
 * cache is written.
 */
async function keyDocuments(
  raws: readonly RawDocument[],
  options: BuildOptions,
  env: IngestEnv,
  documents: DocumentCache,
): Promise<{ keyed: Keyed[]; jobs: Job[]; failures: DocumentFailure[]; parsed: Set<string>; context: EnrichContext; cache?: ItemCache }> {
  const failures: DocumentFailure[] = [];
  // Each document's entry, its facts still missing where the cache lacks them.
  const known = raws.map((raw): Omit<Entry, 'facts'> & { facts: DocumentFacts | undefined } => {
    const documentKey = documents.keyOf(raw, env);
    const stored = documents.get(documentKey);
    // A document that was in the future is parsed again, so it is refused with ingest's own words until its date comes.
    const facts = stored && !notYetPublished(stored.updated, env) ? stored : undefined;
    return { raw, path: raw.path, key: facts?.key ?? '', documentKey, facts };
  });
  // The documents parsed in this build, for their facts or by the thread that enriches them.
  const unparsed = known.filter((entry) => !entry.facts);
  const parsed = new Set(unparsed.map((entry) => entry.raw.path));
  // Documents parsed here for their facts, kept for enrichment while they fit in PARSED_KEPT_CHARACTERS:
  // a miss in the item cache is usually one of them. Past that, the thread that enriches one parses it again.
  const sources = new Map<string, SourceDocument>();
  const threads = Math.min(options.threads ?? defaultThreads(), Math.floor(unparsed.length / MIN_DOCUMENTS_TO_PARSE_PER_THREAD));
  if (threads > 1) {
    const outcomes = await runInWorkers<FactsOutcome>(
      unparsed.map(({ raw }) => ({ factsOf: raw })),
      { env },
      threads,
      { callingThread: false },
    );
    unparsed.forEach((entry, i) => {
      const outcome = outcomes[i] as FactsOutcome;
      if ('reason' in outcome) failures.push({ path: entry.raw.path, reason: outcome.reason });
      else {
        entry.facts = documents.set(entry.documentKey, outcome.facts);
        entry.key = entry.facts.key;
      }
    });
  } else {
    let keptCharacters = 0;
    for (const entry of unparsed) {
      const source = attempt(failures, entry.raw.path, () => ingestDocument(entry.raw, env));
      if (!source) continue;
      entry.facts = documents.set(entry.documentKey, factsOf(source));
      entry.key = entry.facts.key;
      const characters = textLength(source);
      if (keptCharacters + characters <= PARSED_KEPT_CHARACTERS) {
        keptCharacters += characters;
        sources.set(entry.raw.path, source);
      }
    }
  }
  const entries = uniqueKeys(
    known.filter((entry): entry is Entry => entry.facts !== undefined),
    failures,
  );
  const repeated = options.session
    ? options.session.repeatedLines.among(entries.map((entry) => ({ name: entry.path, lines: entry.facts.candidates })))
    : repeatedAmong(entries.map((entry) => entry.facts.candidates));
  const context = enrichContext(options, repeated);
  const cache = options.cacheDir ? ItemCache.open(options.cacheDir, context, options.session?.items) : undefined;
  const keys = cache ? cache.keysOf(entries, hashedLines(repeated)) : [];
  const jobs: Job[] = [];
  const keyed = entries.map(({ raw, path }, i): Keyed => {
    const key = keys[i];
    const found = key === undefined ? undefined : cache?.get(key);
    if (found) return { path, key, found };
    parsed.add(path);
    const source = sources.get(path);
    jobs.push(source ? { source } : { raw });
    return key === undefined ? { path } : { path, key };
  });
  return { keyed, jobs, failures, parsed, context, ...(cache ? { cache } : {}) };
}

/** The lineHash of each repeated line, made once for each set of them (a watcher's rebuilds mostly share one). */
const hashed = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();

function hashedLines(repeated: ReadonlySet<string>): ReadonlySet<string> {
  let hashes = hashed.get(repeated);
  if (!hashes) {
    hashes = new Set([...repeated].map(lineHash));
    hashed.set(repeated, hashes);
  }
  return hashes;
}
