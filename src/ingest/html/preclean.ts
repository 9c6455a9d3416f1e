import { elementsOf, isElement, linkTextLength, textLength, TEXT_NODE, type DomDocument, type DomElement } from './dom.js';

/*
 * Boilerplate removal before the article is located. Readability scores
 * blocks by text and commas, so a long comment thread, a "related stories"
 * box or a cookie notice can win or be merged into the article; removing
 * them first by their markup (tag, role, class/id words) is cheap and safe.
 */

/** Elements that never carry article text. */
const ALWAYS_REMOVED = [
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas',
  'button', 'select', 'input', 'textarea', 'label', 'dialog', 'figcaption',
].join(',');

/** Page sections by tag; a form is a widget because some sites wrap the article in one. */
const SECTION_TAGS = new Set(['nav', 'aside', 'footer', 'menu']);
const WIDGET_TAGS = new Set(['form']);

const SECTION_ROLES = new Set([
  'navigation', 'banner', 'contentinfo', 'complementary', 'search', 'dialog', 'alertdialog', 'menu', 'menubar', 'toolbar', 'tablist',
]);

/** Class words on inline elements are not trusted: removing one would cut a sentence. */
const INLINE_TAGS = new Set(['a', 'span', 'em', 'strong', 'b', 'i', 'u', 'small', 'abbr', 'sup', 'sub', 'code', 'font', 'time', 'mark', 'cite', 'q']);

/*
 * Words in class/id that name boilerplate, matched as whole words of the
 * class/id (split at `-`, `_`, spaces and camelCase), never as substrings.
 */

/** Whole page sections that are never the article (see `holdsArticle`). */
const SECTION_WORDS = new Set([
  'comment', 'comments', 'commentform', 'respond', 'disqus', 'cookie', 'cookies', 'consent', 'gdpr',
  'related', 'relatedlinks', 'relatedposts', 'recommended', 'recommendations', 'recirc', 'outbrain', 'taboola', 'recent',
  'sidebar', 'secondary', 'breadcrumb', 'breadcrumbs', 'pagination', 'pager', 'footer', 'colophon',
  'nav', 'navbar', 'navigation', 'menu',
]);

/** Small page widgets. Themes also put these words on the article's own
 * wrapper ("entry share", "elementor-widget", "isPaywall"), so an element
 * that holds prose is kept (see `holdsProse`). */
const WIDGET_WORDS = new Set([
  'share', 'sharing', 'shares', 'social', 'sharebar', 'sharetools', 'newsletter', 'subscribe', 'subscription', 'signup',
  'widget', 'widgets', 'teaser', 'teasers', 'promo', 'advert', 'advertisement', 'ad', 'ads', 'adslot', 'sponsored',
  'caption', 'credit', 'credits', 'copyright', 'popup', 'modal', 'overlay', 'paywall', 'skip', 'toolbar', 'tags', 'tagcloud',
  'textwidget', 'widgettitle', 'sharedaddy', 'jetpack', 'cta', 'button', 'btn', 'icon', 'hide', 'noprint', 'notice', 'nocontent',
  'privacy', 'login', 'rating', 'flair', 'like',
  'byline', 'dateline', 'author', 'bio', 'meta',
]);

export function precleanDocument(doc: DomDocument): void {
  const body = doc.body;
  if (!body) return;
  for (const element of elementsOf(body.querySelectorAll(ALWAYS_REMOVED))) element.remove();
  const page: PageFacts = { textLength: textLength(body), protectedElements: lineage(mainProseElement(body), body) };
  for (const element of elementsOf(body.querySelectorAll('*'))) {
    if (page.protectedElements.has(element) || !element.isConnected) continue;
    if (isHidden(element) || isBoilerplate(element, page)) element.remove();
  }
}

interface PageFacts {
  textLength: number;
  /** The element holding the most prose, and its ancestors. */
  protectedElements: Set<DomElement>;
}

/**
 * The element holding the most prose: paragraphs count for their parent,
 * loose text (pages that separate paragraphs with <br>) for its container.
 */
export function mainProseElement(body: DomElement): DomElement | undefined {
  const prose = new Map<DomElement, number>();
  const credit = (element: DomElement, length: number): void => void prose.set(element, (prose.get(element) ?? 0) + length);
  for (const paragraph of elementsOf(body.getElementsByTagName('p'))) {
    if (paragraph.parentNode) credit(paragraph.parentNode, textLength(paragraph) - linkTextLength(paragraph));
  }
  for (const element of [body, ...elementsOf(body.querySelectorAll('div, td, section, article, main, blockquote'))]) {
    const loose = looseTextLength(element);
    if (loose > 0) credit(element, loose);
  }
  let best: DomElement | undefined;
  let bestProse = 0;
  for (const [element, length] of prose) {
    if (length > bestProse) [best, bestProse] = [element, length];
  }
  return best;
}

/**
 * An element and its ancestors below `body`. Layout wrappers carry words
 * like "with-navigation" or "sticky-sidebar" and widget systems wrap the
 * article in "widget" divs; whatever the class words say, the lineage of the
 * main prose is never removed.
 */
function lineage(element: DomElement | undefined, body: DomElement): Set<DomElement> {
  const chain = new Set<DomElement>();
  for (let node = element ?? null; node && node !== body; node = node.parentNode) chain.add(node);
  return chain;
}

/** Length of the text directly inside `element` or inside its inline children other than links. */
function looseTextLength(element: DomElement): number {
  let length = 0;
  for (const node of Array.from(element.childNodes)) {
    if (node.nodeType === TEXT_NODE) length += (node.textContent ?? '').trim().length;
    else if (isElement(node) && INLINE_TAGS.has(node.localName) && node.localName !== 'a') length += textLength(node) - linkTextLength(node);
  }
  return length;
}

function isHidden(element: DomElement): boolean {
  if (element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') return true;
  const style = element.getAttribute('style');
  return style !== null && /(display\s*:\s*none|visibility\s*:\s*hidden)/i.test(style);
}

function isBoilerplate(element: DomElement, page: PageFacts): boolean {
  if (INLINE_TAGS.has(element.localName)) return false;
  const words = classWords(element);
  const role = element.getAttribute('role')?.toLowerCase();
  if (SECTION_TAGS.has(element.localName) || (role && SECTION_ROLES.has(role)) || words.some((word) => SECTION_WORDS.has(word))) {
    return !holdsArticle(element, page.textLength);
  }
  if (WIDGET_TAGS.has(element.localName) || words.some((word) => WIDGET_WORDS.has(word))) {
    return !holdsProse(element) && !holdsArticle(element, page.textLength);
  }
  return false;
}

/** The words of an element's class and id: "shareBar related-links_box" → share, bar, related, links, box. */
export function classWords(element: DomElement): string[] {
  const names = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
  return names
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Below this many characters an element is never the whole article. */
const MIN_ARTICLE_LENGTH = 500;

/**
 * Whole pages are sometimes wrapped in a `<form>` or in a div whose class
 * mentions comments; such an element holds most of the text and must stay.
 */
function holdsArticle(element: DomElement, pageTextLength: number): boolean {
  if (element.localName === 'article' || element.localName === 'main' || element.localName === 'body') return true;
  if (element.querySelector('article, main, [itemprop="articleBody"]')) return true;
  const length = textLength(element);
  return length >= MIN_ARTICLE_LENGTH && length > 0.5 * pageTextLength;
}

/** Paragraph text (not link text) of at least this many characters is prose. */
const MIN_PROSE_LENGTH = 200;

function holdsProse(element: DomElement): boolean {
  const paragraphs = element.localName === 'p' ? [element] : elementsOf(element.getElementsByTagName('p'));
  let prose = 0;
  for (const paragraph of paragraphs) {
    prose += textLength(paragraph) - linkTextLength(paragraph);
    if (prose >= MIN_PROSE_LENGTH) return true;
  }
  return false;
}
