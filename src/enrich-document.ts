import { enrichArticle, type EnrichOptions } from './enrich/index.js';
import { normalizeDocument, type NormalizeRules } from './normalize/index.js';
import type { Item, SourceDocument } from './types.js';

// The per-document stages on their own, so an enrichment worker thread loads only these
// and not the whole pipeline (the HTML extractor, catalog, renderers and publisher).

/** What every document's enrichment needs from the whole corpus; plain data, so it can be sent to worker threads. */
export interface EnrichContext {
  rules: NormalizeRules;
  /** Corpus-level boilerplate lines (see findRepeatedLines). */
  repeated: ReadonlySet<string>;
  enrichOptions: EnrichOptions;
}

/** One document's own stages, independent of every other document's: normalize, then enrich. */
export function enrichDocument(source: SourceDocument, context: EnrichContext): Item {
  return enrichArticle(normalizeDocument(source, context.rules, context.repeated), context.enrichOptions);
}

/** Why a document failed, in the author's terms. */
export function failureReason(error: unknown): string {
  // A stack overflow comes from markup nested thousands of levels deep: the document's fault, not a crash.
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'is nested too deeply to parse (thousands of levels of quotes, lists or tags)';
  return (error as Error).message;
}
