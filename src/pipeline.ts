import { buildCatalog, type Catalog, type CatalogMemo, type Site } from './catalog/index.js';
import { enrichDocument, failureReason, type EnrichContext } from './enrich-document.js';
import type { EnrichOptions } from './enrich/index.js';
import { majorityLanguage } from './enrich/language.js';
import { ingestDocument, type IngestEnv } from './ingest/index.js';
import { keyFromPath } from './ingest/identity.js';
import { findRepeatedLines, type NormalizeRules } from './normalize/index.js';
import { renderSite, type SiteMap } from './publish/site.js';
import type { ItemVersions } from './publish/render-keys.js';
import type { DocumentFailure, Item, RawDocument, SourceDocument } from './types.js';

export interface PipelineOptions {
  /** Site settings; `language` undefined means "the language most items are in". */
  site: Omit<Site, 'language'> & { language?: string };
  /** Items in each subscription feed; 0 means all. */
  limit: number;
  rules: NormalizeRules;
  enrich?: Omit<EnrichOptions, 'siteUrl'>;
  sourceDateEpoch?: Date;
  /** The build's clock, for refusing documents dated in the future; default: the system clock. */
  now?: Date;
  /** Paths of documents deleted since they were published; their item pages answer 410 Gone. */
  deleted?: readonly string[];
}

export interface CatalogResult {
  catalog: Catalog;
  failures: DocumentFailure[];
  /** Each item's version, when the build knows them (its item cache): lets unchanged files skip rendering. */
  versions?: ItemVersions;
}

export interface PipelineResult extends CatalogResult {
  site: SiteMap;
}

/**
 * ingest → normalize → enrich → catalog → render, over documents already read.
 * A document that fails at any stage is reported and left out; the others go on.
 */
export function runPipeline(raws: readonly RawDocument[], options: PipelineOptions): PipelineResult {
  const prepared = prepareDocuments(raws, options);
  const items = prepared.sources.flatMap((source) => attempt(prepared.failures, source.path, () => enrichDocument(source, prepared)) ?? []);
  return publishItems(items, prepared.failures, options);
}

/**
 * Runs the pipeline on two small documents (plain text, and Markdown with
 * front matter), for a long-lived process to call while it is idle: the
 * parsers, the tagger and the section model load on first use, which made
 * the first edit in watch mode the slowest by about 300 ms. The site's
 * files are rendered only if read; the result is the caller's to drop.
 */
export function warmPipeline(options: PipelineOptions): PipelineResult {
  const mtime = new Date(Date.UTC(2000, 0, 1));
  const text = 'Harbour reopens in Lisbon\n\nThe harbour in Lisbon reopened on Monday after repairs, Maria Santos of the port authority said.\n';
  const markdown = `---\ntitle: Ferry strike ends\ndate: 2000-01-01T00:00:00Z\n---\n\nFerry crews in **Porto** returned to work on Tuesday, the union said.\n`;
  const raws = [
    { path: 'warm-up-text.txt', bytes: Buffer.from(text), mtime },
    { path: 'warm-up-markdown.md', bytes: Buffer.from(markdown), mtime },
  ];
  return runPipeline(raws, options);
}

export interface PreparedDocuments extends EnrichContext {
  sources: SourceDocument[];
  failures: DocumentFailure[];
}

/** The corpus-wide stages before enrichment: every document ingested, ids made unique, repeated lines found. */
export function prepareDocuments(raws: readonly RawDocument[], options: PipelineOptions): PreparedDocuments {
  const failures: DocumentFailure[] = [];
  const env = ingestEnv(options);
  const sources = uniqueKeys(raws.flatMap((raw) => attempt(failures, raw.path, () => ingestDocument(raw, env)) ?? []), failures);
  return { sources, failures, ...enrichContext(options, findRepeatedLines(sources)) };
}

/** What ingest reads from the world for this build. */
export function ingestEnv(options: PipelineOptions): IngestEnv {
  return { now: options.now ?? new Date(), ...(options.sourceDateEpoch ? { sourceDateEpoch: options.sourceDateEpoch } : {}) };
}

/** Everything enrichment needs besides the document, given the corpus's repeated lines. */
export function enrichContext(options: PipelineOptions, repeated: ReadonlySet<string>): EnrichContext {
  const enrichOptions: EnrichOptions = { siteUrl: options.site.url, entityAliases: options.rules.entityAliases, ...options.enrich };
  return { rules: options.rules, repeated, enrichOptions };
}

/** The corpus-wide stages after enrichment: catalog, then every published file. */
export function publishItems(items: Item[], failures: DocumentFailure[], options: PipelineOptions): PipelineResult {
  const result = catalogItems(items, failures, options);
  return { ...result, site: renderSite(result.catalog) };
}

/**
 * The catalog alone: the static export renders the files from it one at a
 * time (planSite), rather than holding the whole rendered site.
 */
export function catalogItems(items: Item[], failures: DocumentFailure[], options: PipelineOptions, versions?: ItemVersions, memo?: CatalogMemo): CatalogResult {
  const language = options.site.language ?? majorityLanguage(items.map((item) => item.language), options.enrich?.defaultLanguage ?? 'en');
  const catalog = buildCatalog({ ...options.site, language }, items, { limit: options.limit, gone: (options.deleted ?? []).map(keyFromPath), ...(memo ? { memo } : {}) });
  failures.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { catalog, failures, ...(versions ? { versions: catalogVersions(catalog, items, versions) } : {}) };
}

/** The catalog may move an item's inferred dates (spreading shared ones): such an item's version covers its new dates. */
export function catalogVersions(catalog: Catalog, items: readonly Item[], versions: ItemVersions): ItemVersions {
  // Most catalog items are the enriched items themselves; only moved copies need their original, by key.
  let byKey: Map<string, Item> | undefined;
  const result = new Map<Item, string>();
  for (const item of catalog.items) {
    const own = versions.get(item);
    if (own !== undefined) {
      result.set(item, own);
      continue;
    }
    byKey ??= new Map(items.map((each) => [each.key, each]));
    const version = versions.get(byKey.get(item.key)!)!;
    result.set(item, `${version}@${item.published.getTime()}/${item.updated.getTime()}`);
  }
  return result;
}

/** Runs one document's stage; a throw becomes that document's failure and the build goes on. */
export function attempt<T>(failures: DocumentFailure[], path: string, work: () => T): T | undefined {
  try {
    return work();
  } catch (error) {
    failures.push({ path, reason: failureReason(error) });
    return undefined;
  }
}

/** Two documents claiming one id: the first by path keeps it, the other is reported. */
export function uniqueKeys<T extends { key: string; path: string }>(sources: T[], failures: DocumentFailure[]): T[] {
  const owner = new Map<string, string>();
  return sources.filter((source) => {
    const first = owner.get(source.key);
    if (first !== undefined) {
      failures.push({ path: source.path, reason: `its id "${source.key}" is already used by ${first}; give one of them a different id` });
      return false;
    }
    owner.set(source.key, source.path);
    return true;
  });
}
