import { Readability } from '@mozilla/readability';
import { bodyHtml, fragmentRoot } from './html/body.js';
import { parseDocument, type DomDocument, type DomElement } from './html/dom.js';
import { readMetadata, type PageMetadata } from './html/metadata.js';
import { mainProseElement, precleanDocument } from './html/preclean.js';
import { pruneTail } from './html/postclean.js';
import { mapDocument, restoreLead } from './html/lead.js';
import { htmlToText } from './html/text.js';
import { absoluteUrl } from './html/urls.js';

export { decodeHtml } from './html/charset.js';

export interface ExtractedPage {
  /** The article headline. */
  title: string;
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
  /** The article body as sanitized HTML with absolute links. */
  html: string;
  /** Plain text of the body; blocks separated by blank lines. */
  text: string;
}

export interface ExtractOptions {
  /** Address the page was saved from; relative links resolve against it. */
  url?: string;
}

/**
 * Extracts the article from a saved HTML page: metadata from meta tags,
 * JSON-LD and the markup, and the body as sanitized HTML plus plain text.
 * Throws when the page has no usable article content.
 */
export function extractHtml(html: string, options: ExtractOptions = {}): ExtractedPage {
  const doc = parseDocument(html);
  const baseUrl = documentBaseUrl(doc, options.url);
  const meta = readMetadata(doc, baseUrl);
  const readable = readableArticle(doc);
  let body = readable ? bodyHtml(readable.root, baseUrl ?? meta.url) : '';
  let text = body ? htmlToText(body) : '';
  if (text.length < FALLBACK_BELOW) {
    const fallback = fallbackArticle(html, meta.articleBody);
    const fallbackBody = fallback ? bodyHtml(fallback, baseUrl ?? meta.url) : '';
    const fallbackText = fallbackBody ? htmlToText(fallbackBody) : '';
    if (fallbackText.length > text.length) [body, text] = [fallbackBody, fallbackText];
  }
  if (!text) throw new Error('no article content found');
  return page(meta, readable?.title, body, text);
}

/** Readability output shorter than this (in characters) is checked against the fallbacks. */
const FALLBACK_BELOW = 150;

/** The article element: Readability over a pre-cleaned DOM, plus a lead it left behind, minus a boilerplate tail. */
function readableArticle(doc: DomDocument): { root: DomElement; title: string | undefined } | undefined {
  precleanDocument(doc);
  const map = mapDocument(doc);
  const result = new Readability(doc as never, { charThreshold: 500 }).parse();
  if (!result?.content) return undefined;
  const root = fragmentRoot(result.content);
  restoreLead(map, root);
  pruneTail(root);
  return { root, title: result.title ?? undefined };
}

/**
 * When Readability finds nothing or little (pages whose text sits in a
 * single element it rejects, such as lyrics or forum posts): the element
 * with the most prose in a freshly parsed and pre-cleaned page, or the
 * JSON-LD articleBody, whichever is longer.
 */
function fallbackArticle(html: string, articleBody: string | undefined): DomElement | undefined {
  const doc = parseDocument(html);
  precleanDocument(doc);
  const prose = doc.body ? mainProseElement(doc.body) : undefined;
  const fromJsonLd = articleBody ? fragmentRoot(plainTextToHtml(articleBody)) : undefined;
  const length = (element: DomElement | undefined): number => (element?.textContent ?? '').trim().length;
  return length(fromJsonLd) > length(prose) ? fromJsonLd : prose;
}

/** Paragraphs of a plain text (blank lines or line breaks separate them) as escaped HTML. */
function plainTextToHtml(text: string): string {
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .split(/\n+/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${escape(paragraph)}</p>`)
    .join('');
}

/**
 * The base for relative links: a `<base href>` (itself relative to the page
 * address), else the page address, else the page's canonical URL.
 */
function documentBaseUrl(doc: DomDocument, pageUrl: string | undefined): string | undefined {
  const baseHref = doc.querySelector('base[href]')?.getAttribute('href') ?? undefined;
  const canonical = doc.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? undefined;
  const origin = absoluteUrl(pageUrl, undefined) ?? absoluteUrl(canonical, undefined);
  return absoluteUrl(baseHref, origin) ?? origin;
}

function page(meta: PageMetadata, fallbackTitle: string | undefined, html: string, text: string): ExtractedPage {
  const result: ExtractedPage = { title: meta.title ?? fallbackTitle?.trim() ?? '', html, text };
  if (meta.author) result.author = meta.author;
  if (meta.date) result.date = meta.date;
  if (meta.updated) result.updated = meta.updated;
  if (meta.language) result.language = meta.language;
  if (meta.image) result.image = meta.image;
  if (meta.url) result.url = meta.url;
  if (meta.siteName) result.siteName = meta.siteName;
  return result;
}
