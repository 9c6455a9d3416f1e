import { elementsOf, type DomDocument, type DomElement } from './dom.js';

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

/** Page furniture, removed unless it wraps the article (see `holdsArticle`). */
const FURNITURE_TAGS = new Set(['nav', 'aside', 'footer', 'form', 'menu']);

const FURNITURE_ROLES = new Set([
  'navigation', 'banner', 'contentinfo', 'complementary', 'search', 'dialog', 'alertdialog', 'menu', 'menubar', 'toolbar', 'tablist',
]);

/** Words in class/id that name boilerplate. Matched as whole words of the
 * class/id (split at `-`, `_`, spaces and camelCase), never as substrings. */
const BOILERPLATE_WORDS = new Set([
  'share', 'sharing', 'shares', 'social', 'socials', 'sociallinks', 'sharebar', 'sharetools',
  'newsletter', 'subscribe', 'subscription', 'signup',
  'related', 'relatedlinks', 'recommended', 'recommendations', 'recirc', 'outbrain', 'taboola', 'teaser', 'teasers',
  'comment', 'comments', 'disqus', 'respond', 'reply',
  'cookie', 'cookies', 'consent', 'gdpr', 'cmp',
  'breadcrumb', 'breadcrumbs', 'pagination', 'pager',
  'sidebar', 'widget', 'widgets', 'footer', 'nav', 'navbar', 'navigation', 'menu', 'masthead',
  'promo', 'advert', 'advertisement', 'ad', 'ads', 'adslot', 'sponsored',
  'caption', 'credit', 'credits', 'copyright',
  'popup', 'modal', 'overlay', 'paywall', 'skip', 'print', 'toolbar', 'tags', 'tagcloud',
]);

export function precleanDocument(doc: DomDocument): void {
  const body = doc.body;
  if (!body) return;
  for (const element of elementsOf(body.querySelectorAll(ALWAYS_REMOVED))) element.remove();
  const pageTextLength = textLength(body);
  for (const element of elementsOf(body.querySelectorAll('*'))) {
    if (!element.parentNode) continue;
    if (isHidden(element) || (isFurniture(element) && !holdsArticle(element, pageTextLength))) {
      element.remove();
    }
  }
}

function isHidden(element: DomElement): boolean {
  if (element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') return true;
  const style = element.getAttribute('style');
  return style !== null && /(display\s*:\s*none|visibility\s*:\s*hidden)/i.test(style);
}

function isFurniture(element: DomElement): boolean {
  if (FURNITURE_TAGS.has(element.localName)) return true;
  const role = element.getAttribute('role');
  if (role && FURNITURE_ROLES.has(role.toLowerCase())) return true;
  return classWords(element).some((word) => BOILERPLATE_WORDS.has(word));
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

function textLength(element: DomElement): number {
  return (element.textContent ?? '').replace(/\s+/g, ' ').length;
}
