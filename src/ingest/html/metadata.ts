import { elementsOf, type DomDocument } from './dom.js';
import { readJsonLd, type JsonLdArticle } from './jsonld.js';
import { parseDate } from './dates.js';
import { absoluteUrl } from './urls.js';

export interface PageMetadata {
  /** The article headline. */
  title?: string;
  author?: string;
  /** Publication date. */
  date?: Date;
  /** Last modification date. */
  updated?: Date;
  /** BCP 47 language tag, e.g. "en" or "de-AT". */
  language?: string;
  /** Lead image, absolute URL. */
  image?: string;
  /** Canonical address of the page. */
  url?: string;
  siteName?: string;
  /** JSON-LD `articleBody`, used as a body source when the DOM yields little. */
  articleBody?: string;
}

/**
 * Metadata the page declares about itself. Must run before any cleaning,
 * because bylines and `<time>` elements sit in blocks that cleaning removes.
 */
export function readMetadata(doc: DomDocument, baseUrl: string | undefined): PageMetadata {
  const meta = metaTags(doc);
  const ld = readJsonLd(doc) ?? {};
  const siteName = meta.get('og:site_name') ?? ld.publisher ?? meta.get('application-name');
  return {
    title: readTitle(doc, meta, ld, siteName),
    author: readAuthor(doc, meta, ld),
    date: firstDate([
      meta.get('article:published_time'),
      ld.datePublished,
      publishedTimeElement(doc),
      meta.get('og:published_time'),
      meta.get('datepublished'),
      meta.get('date'),
      meta.get('pubdate'),
      meta.get('publishdate'),
      meta.get('publish-date'),
      meta.get('parsely-pub-date'),
      meta.get('sailthru.date'),
      meta.get('dc.date'),
      meta.get('dc.date.issued'),
      meta.get('dcterms.date'),
      meta.get('dcterms.created'),
      meta.get('dcterms.issued'),
    ]),
    updated: firstDate([
      ld.dateModified,
      meta.get('article:modified_time'),
      meta.get('og:updated_time'),
      meta.get('datemodified'),
      meta.get('dcterms.modified'),
      meta.get('last-modified'),
    ]),
    language: readLanguage(doc, meta, ld),
    image: absoluteUrl(meta.get('og:image') ?? meta.get('og:image:url') ?? meta.get('twitter:image') ?? ld.image, baseUrl),
    url: absoluteUrl(canonicalHref(doc) ?? meta.get('og:url') ?? ld.url, baseUrl),
    siteName: siteName ? collapse(siteName) : undefined,
    articleBody: ld.articleBody,
  };
}

/**
 * `<meta>` contents keyed by lower-cased name, property, itemprop or
 * http-equiv. The first occurrence wins: later duplicates are usually from
 * embedded widgets.
 */
function metaTags(doc: DomDocument): Map<string, string> {
  const tags = new Map<string, string>();
  for (const element of elementsOf(doc.getElementsByTagName('meta'))) {
    const content = element.getAttribute('content')?.trim();
    if (!content) continue;
    const keys = ['name', 'property', 'itemprop', 'http-equiv']
      .flatMap((attribute) => (element.getAttribute(attribute) ?? '').toLowerCase().split(/\s+/))
      .filter(Boolean);
    for (const key of keys) if (!tags.has(key)) tags.set(key, content);
  }
  return tags;
}

function readTitle(doc: DomDocument, meta: Map<string, string>, ld: JsonLdArticle, siteName: string | undefined): string | undefined {
  const candidates = [
    meta.get('og:title'),
    ld.headline,
    meta.get('twitter:title'),
    meta.get('dc.title'),
    singleHeading(doc),
    doc.querySelector('title')?.textContent ?? undefined,
  ];
  const title = candidates.map((candidate) => (candidate ? collapse(candidate) : '')).find(Boolean);
  return title ? stripSiteSuffix(title, siteName) : undefined;
}

/** The page's only `<h1>`: with several, none of them is clearly the headline. */
function singleHeading(doc: DomDocument): string | undefined {
  const headings = elementsOf(doc.getElementsByTagName('h1'));
  return headings.length === 1 ? (headings[0]!.textContent ?? undefined) : undefined;
}

/**
 * Removes a trailing " | Site" / " - Site" / " — Site" part. It is cut when it
 * names the site, or when it is much shorter than the rest (a site name that
 * the page does not declare elsewhere).
 */
export function stripSiteSuffix(title: string, siteName: string | undefined): string {
  const match = /^(.{10,}?)\s+[|\-–—·:»]\s+([^|\-–—·»]{1,40})$/.exec(title);
  if (!match) return title;
  const [, head, tail] = match as unknown as [string, string, string];
  const namesSite = siteName !== undefined && normalizeName(tail) === normalizeName(siteName);
  const looksLikeSite = /[|·»]/.test(title.slice(head.length, title.length - tail.length)) && tail.split(/\s+/).length <= 4;
  return namesSite || looksLikeSite ? head.trim() : title;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function readAuthor(doc: DomDocument, meta: Map<string, string>, ld: JsonLdArticle): string | undefined {
  const candidates = [
    meta.get('author'),
    ld.author,
    meta.get('article:author'),
    meta.get('parsely-author'),
    meta.get('sailthru.author'),
    meta.get('dc.creator'),
    meta.get('dcterms.creator'),
    meta.get('twitter:creator'),
    doc.querySelector('[rel="author"]')?.textContent ?? undefined,
    doc.querySelector('[itemprop="author"]')?.textContent ?? undefined,
    doc.querySelector('.byline, .author, .byline-name, .author-name')?.textContent ?? undefined,
  ];
  return candidates.map((candidate) => (candidate ? cleanByline(candidate) : undefined)).find(Boolean);
}

/** A byline without its "By" prefix; URLs and long texts are not names. */
function cleanByline(raw: string): string | undefined {
  const byline = collapse(raw).replace(/^(by|von|par|por|di|door|av)\s+/i, '');
  if (!byline || byline.length > 100 || /^(https?:|www\.)/i.test(byline) || byline.startsWith('@')) return undefined;
  return byline;
}

function publishedTimeElement(doc: DomDocument): string | undefined {
  const element = doc.querySelector('time[pubdate][datetime], [itemprop="datePublished"][datetime], time[datetime]');
  return element?.getAttribute('datetime') ?? undefined;
}

function firstDate(candidates: (string | undefined)[]): Date | undefined {
  for (const candidate of candidates) {
    const date = candidate === undefined ? undefined : parseDate(candidate);
    if (date) return date;
  }
  return undefined;
}

function readLanguage(doc: DomDocument, meta: Map<string, string>, ld: JsonLdArticle): string | undefined {
  const candidates = [
    doc.documentElement.getAttribute('lang'),
    doc.documentElement.getAttribute('xml:lang'),
    meta.get('content-language'),
    meta.get('og:locale'),
    meta.get('language'),
    meta.get('dc.language'),
    ld.inLanguage,
  ];
  for (const candidate of candidates) {
    const tag = candidate ? languageTag(candidate) : undefined;
    if (tag) return tag;
  }
  return undefined;
}

/** A canonical BCP 47 tag ("en_us" → "en-US"), or undefined for values that are not one. */
export function languageTag(raw: string): string | undefined {
  const first = raw.split(/[,;\s]/).find(Boolean)?.replace(/_/g, '-');
  if (!first || !/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(first)) return undefined;
  try {
    return Intl.getCanonicalLocales(first)[0];
  } catch {
    return undefined;
  }
}

function canonicalHref(doc: DomDocument): string | undefined {
  return doc.querySelector('link[rel="canonical"]')?.getAttribute('href')?.trim() || undefined;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
