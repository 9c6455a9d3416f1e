import { buildCatalog, type Catalog, type Site } from './catalog/index.js';
import { enrichArticle, type EnrichOptions } from './enrich/index.js';
import { majorityLanguage } from './enrich/language.js';
import { ingestDocument } from './ingest/index.js';
import { keyFromPath } from './ingest/identity.js';
import { findRepeatedLines, normalizeDocument, type NormalizeRules } from './normalize/index.js';
import { renderSite, type SiteMap } from './publish/site.js';
import type { DocumentFailure, Item, RawDocument, SourceDocument } from './types.js';

export interface PipelineOptions {
  /** Site settings; `language` undefined means "the language most items are in". */
  site: Omit<Site, 'language'> & { language?: string };
  /** Items in each subscription feed; 0 means all. */
  limit: number;
  rules: NormalizeRules;
  enrich?: Omit<EnrichOptions, 'siteUrl'>;
  sourceDateEpoch?: Date;
  /** Paths of documents deleted since they were published; their item pages answer 410 Gone. */
  deleted?: readonly string[];
}

export interface PipelineResult {
  catalog: Catalog;
  site: SiteMap;
  failures: DocumentFailure[];
}

/**
 * ingest → normalize → enrich → catalog → render, over documents already read.
 * A document that fails at any stage is reported and left out; the others go on.
 */
export function runPipeline(raws: readonly RawDocument[], options: PipelineOptions): PipelineResult {
  const failures: DocumentFailure[] = [];
  const attempt = <T>(path: string, work: () => T): T | undefined => {
    try {
      return work();
    } catch (error) {
      failures.push({ path, reason: (error as Error).message });
      return undefined;
    }
  };
  const sources = uniqueKeys(
    raws.flatMap((raw) => attempt(raw.path, () => ingestDocument(raw, options.sourceDateEpoch ? { sourceDateEpoch: options.sourceDateEpoch } : {})) ?? []),
    failures,
  );
  const repeated = findRepeatedLines(sources);
  const enrichOptions: EnrichOptions = { siteUrl: options.site.url, entityAliases: options.rules.entityAliases, ...options.enrich };
  const items: Item[] = sources.flatMap(
    (source) => attempt(source.path, () => enrichArticle(normalizeDocument(source, options.rules, repeated), enrichOptions)) ?? [],
  );
  const language = options.site.language ?? majorityLanguage(items.map((item) => item.language), options.enrich?.defaultLanguage ?? 'en');
  const catalog = buildCatalog({ ...options.site, language }, items, { limit: options.limit, gone: (options.deleted ?? []).map(keyFromPath) });
  failures.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { catalog, site: renderSite(catalog), failures };
}

/** Two documents claiming one id: the first by path keeps it, the other is reported. */
function uniqueKeys(sources: SourceDocument[], failures: DocumentFailure[]): SourceDocument[] {
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
