import { Readability } from '@mozilla/readability';
import { bodyHtml, fragmentRoot } from './html/body.js';
import { parseDocument, type DomDocument, type DomElement } from './html/dom.js';
import { readMetadata, type PageMetadata } from './html/metadata.js';
import { precleanDocument } from './html/preclean.js';
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
  const article = extractArticle(doc);
  const body = article ? bodyHtml(article.root, baseUrl ?? meta.url) : '';
  const text = body ? htmlToText(body) : '';
  if (!text) throw new Error('no article content found');
  return page(meta, article?.title, body, text);
}

/** The article element: Readability over a pre-cleaned DOM, plus a lead it left behind, minus a boilerplate tail. */
function extractArticle(doc: DomDocument): { root: DomElement; title: string | undefined } | undefined {
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
