import { elementsOf, type DomDocument } from './dom.js';

/** The fields of a schema.org article (or web page) that extraction uses. */
export interface JsonLdArticle {
  headline?: string;
  author?: string;
  datePublished?: string;
  dateModified?: string;
  image?: string;
  url?: string;
  publisher?: string;
  inLanguage?: string;
  articleBody?: string;
}

type JsonObject = Record<string, unknown>;

const ARTICLE_TYPE = /Article|BlogPosting|Report|Posting|Review|Recipe|NewsItem/i;
const PAGE_TYPE = /WebPage/i;

/**
 * The article described by the page's JSON-LD, preferring an Article-like
 * type over a generic WebPage. Pages often carry several blocks (breadcrumbs,
 * organisation, article); invalid JSON in one block must not hide the others.
 */
export function readJsonLd(doc: DomDocument): JsonLdArticle | undefined {
  const nodes = elementsOf(doc.querySelectorAll('script[type="application/ld+json" i]'))
    .flatMap((script) => parseJson(script.textContent ?? ''))
    .flatMap(flattenGraph);
  const article = nodes.find((node) => typeMatches(node, ARTICLE_TYPE)) ?? nodes.find((node) => typeMatches(node, PAGE_TYPE));
  return article ? toArticle(article) : undefined;
}

function parseJson(text: string): unknown[] {
  const cleaned = text
    .replace(/^\s*(<!--|\/\/\s*<!\[CDATA\[)/, '')
    .replace(/(-->|\/\/\s*\]\]>)\s*$/, '')
    .trim();
  if (!cleaned) return [];
  try {
    return [JSON.parse(cleaned)];
  } catch {
    return [];
  }
}

function flattenGraph(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.flatMap(flattenGraph);
  if (!isObject(value)) return [];
  const graph = value['@graph'];
  return graph === undefined ? [value] : [value, ...flattenGraph(graph)];
}

function typeMatches(node: JsonObject, pattern: RegExp): boolean {
  const type = node['@type'];
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => typeof t === 'string' && pattern.test(t));
}

function toArticle(node: JsonObject): JsonLdArticle {
  return {
    headline: firstString(node['headline']) ?? firstString(node['name']),
    author: nameOf(node['author']) ?? nameOf(node['creator']),
    datePublished: firstString(node['datePublished']) ?? firstString(node['dateCreated']),
    dateModified: firstString(node['dateModified']),
    image: urlOf(node['image']) ?? urlOf(node['thumbnailUrl']),
    url: firstString(node['url']) ?? urlOf(node['mainEntityOfPage']),
    publisher: nameOf(node['publisher']),
    inLanguage: firstString(node['inLanguage']),
    articleBody: firstString(node['articleBody']) ?? firstString(node['text']),
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstString(value: unknown): string | undefined {
  if (Array.isArray(value)) return firstString(value[0]);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Authors and publishers are a string, an object with `name`, or a list of either. */
function nameOf(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const names = value.map(nameOf).filter((name): name is string => name !== undefined);
    return names.length > 0 ? names.join(', ') : undefined;
  }
  if (isObject(value)) return firstString(value['name']);
  return firstString(value);
}

/** Images and page references are a URL string, an object with `url`/`@id`, or a list. */
function urlOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return urlOf(value[0]);
  if (isObject(value)) return firstString(value['url']) ?? firstString(value['@id']);
  return firstString(value);
}
