import type { Article, EntityTag, Item } from '../types.js';
import { countWords } from '../text/clean.js';
import { itemId } from '../ingest/identity.js';
import { blocksToHtml, blocksToText } from './content.js';
import { extractEntities } from './entities.js';
import { detectLanguage } from './language.js';
import { classifySection, DEFAULT_SECTIONS } from './section.js';
import { summarize } from './summary.js';
import { absolutizeUrls, itemPath } from '../urls.js';

export interface EnrichOptions {
  /** Absolute site URL; relative links in content resolve against the item's page under it. */
  siteUrl: string;
  /** Sections an item may be filed under; the first-listed taxonomy is the classifier's. */
  sections?: readonly string[];
  /** Section for items the classifier is not confident about. */
  fallbackSection?: string;
  /** Confidence below which `fallbackSection` replaces the classifier's guess (default: the model's). */
  minConfidence?: number;
  /** Language of items too short to detect, and of the feed when none is detected. */
  defaultLanguage?: string;
  /** Canonical names for entity tags ("US" → "United States"). */
  entityAliases?: Readonly<Record<string, string>>;
}

const WORDS_PER_MINUTE = 230;

/** Adds what readers see beside the text: summary, section, tags, language, id and dates. */
export function enrichArticle(article: Article, options: EnrichOptions): Item {
  const contentText = blocksToText(article.blocks);
  const meta = article.meta;
  const sections = options.sections ?? DEFAULT_SECTIONS;
  const classified = classifySection(article.title, contentText, {
    sections,
    ...(options.fallbackSection ? { fallback: options.fallbackSection } : {}),
    ...(options.minConfidence !== undefined ? { minConfidence: options.minConfidence } : {}),
  });
  const wordCount = countWords(contentText);
  const declaredTags: EntityTag[] = (meta.tags ?? []).map((name) => ({ name, kind: 'topic' }));
  const entities = extractEntities(article.title, contentText, options.entityAliases ?? {});
  const tags = dedupeTags([...declaredTags, ...entities]);
  return {
    id: itemId(article.key),
    key: article.key,
    path: article.path,
    title: article.title,
    summary: meta.summary ?? summarize(article.title, article.blocks),
    contentHtml: absolutizeUrls(blocksToHtml(article.blocks), article.baseUrl ?? options.siteUrl + itemPath(article.key)),
    contentText,
    section: meta.section ?? classified.section,
    sectionConfidence: meta.section ? 1 : classified.confidence,
    tags,
    ...(meta.author ? { author: meta.author } : {}),
    language: meta.language ?? detectLanguage(`${article.title}\n${contentText}`, options.defaultLanguage ?? 'en'),
    published: article.date,
    updated: article.updated,
    dateSource: article.dateSource,
    wordCount,
    readingMinutes: Math.max(1, Math.ceil(wordCount / WORDS_PER_MINUTE)),
    ...(meta.image ? { image: meta.image } : {}),
  };
}

function dedupeTags(tags: EntityTag[]): EntityTag[] {
  const seen = new Set<string>();
  return tags.filter((tag) => {
    const key = tag.name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
