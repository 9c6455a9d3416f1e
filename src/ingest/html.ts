import type * as ReadabilityModule from '@mozilla/readability';
import { loadOnUse } from '../load-on-use.js';
import { bodyHtml } from './html/body.js';
import { parseDocument, parseFragment, type DomDocument, type DomElement } from './html/dom.js';
import { readMetadata, type PageMetadata } from './html/metadata.js';
import { presentFields } from './meta.js';
import { fallbackArticle } from './html/fallback.js';
import { precleanDocument } from './html/preclean.js';
import { pruneTail, pruneTeaserLinks } from './html/postclean.js';
import { mapDocument, restoreLead } from './html/lead.js';
import { htmlToText } from './html/text.js';
import { absoluteUrl } from './html/urls.js';

const readability = loadOnUse<typeof ReadabilityModule>('@mozilla/readability');

export { decodeHtml } from './html/charset.js';

/** What the page declares about itself, with the headline settled, plus the extracted body. */
export interface ExtractedPage extends Omit<PageMetadata, 'title' | 'articleBody'> {
  title: string;
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
  const linkBase = baseUrl ?? meta.url;
  const readable = readableArticle(doc);
  let body = readable ? renderBody(readable.root, linkBase) : NO_BODY;
  if (body.text.length < FALLBACK_BELOW) {
    const fallback = fallbackArticle(html, meta.articleBody);
    const alternative = fallback ? renderBody(fallback, linkBase) : NO_BODY;
    if (alternative.text.length > body.text.length) body = alternative;
  }
  if (!body.text) throw new Error('no article content found');
  return page(meta, readable?.title, body);
}

/** Readability output shorter than this (in characters) is checked against the fallbacks. */
const FALLBACK_BELOW = 150;

/**
 * Readability retries with relaxed rules while its result is shorter than
 * this and keeps the longest attempt. Its default (500) stops too early on
 * pages whose body spans several containers; 1000 recovered such bodies on
 * extraction-eval without changing the article-pages results.
 */
const READABILITY_MIN_CHARS = 1000;

/**
 * Readability's run time grows steeply with nesting depth (500 nested divs
 * take seconds, 1000 take half a minute); real pages in both corpora nest at
 * most 40 deep. Deeper documents go straight to the fallback.
 */
const MAX_READABILITY_DEPTH = 200;

/** The article element: Readability over a pre-cleaned DOM, plus a lead it left behind, minus boilerplate links. */
function readableArticle(doc: DomDocument): { root: DomElement; title: string | undefined } | undefined {
  precleanDocument(doc);
  const map = mapDocument(doc);
  if (map.depth > MAX_READABILITY_DEPTH) return undefined;
  const result = new (readability().Readability)(doc as never, { charThreshold: READABILITY_MIN_CHARS }).parse();
  if (!result?.content) return undefined;
  const root = parseFragment(result.content);
  restoreLead(map, root);
  pruneTeaserLinks(root);
  pruneTail(root);
  return { root, title: result.title ?? undefined };
}

interface Body {
  html: string;
  text: string;
}

const NO_BODY: Body = { html: '', text: '' };

function renderBody(root: DomElement, linkBase: string | undefined): Body {
  const html = bodyHtml(root, linkBase);
  return { html, text: html ? htmlToText(html) : '' };
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

function page(meta: PageMetadata, fallbackTitle: string | undefined, body: Body): ExtractedPage {
  return {
    title: meta.title ?? fallbackTitle?.trim() ?? '',
    html: body.html,
    text: body.text,
    ...presentFields(meta, ['author', 'date', 'updated', 'language', 'image', 'url', 'siteName']),
  };
}
