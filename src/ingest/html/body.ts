import type sanitizeHtmlModule from 'sanitize-html';
import { sanitizeHtml } from '../../load-on-use.js';
import { elementsOf, isElement, TEXT_NODE, type DomElement, type DomNode } from './dom.js';
import { absoluteUrl } from './urls.js';

/*
 * Turns an extracted article element into the feed's HTML: a flat sequence
 * of blocks with a small, safe set of tags and absolute URLs.
 */

/** Block tags the output keeps. */
const KEPT_BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'figure', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th']);

/** Block containers that are dissolved into their content. */
const CONTAINERS = new Set([
  'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'nav', 'center', 'address',
  'dl', 'dt', 'dd', 'details', 'summary', 'hgroup', 'fieldset', 'form', 'caption',
]);

const SANITIZE_OPTIONS: sanitizeHtmlModule.IOptions = {
  allowedTags: ['p', 'br', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 'a', 'img', 'figure', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th'],
  allowedAttributes: { a: ['href'], img: ['src', 'alt'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  transformTags: { h1: 'h2', h5: 'h4', h6: 'h4', b: 'strong', i: 'em', tt: 'code', kbd: 'code', samp: 'code' },
  exclusiveFilter: (frame) =>
    (frame.tag === 'img' && !frame.attribs['src']) ||
    (['p', 'li', 'h2', 'h3', 'h4', 'blockquote', 'figure', 'a'].includes(frame.tag) && !frame.text.trim() && frame.mediaChildren.length === 0),
};

/** Sanitized HTML for the content of `root`, with links and images resolved against `baseUrl`. */
export function bodyHtml(root: DomElement, baseUrl: string | undefined): string {
  resolveUrls(root, baseUrl);
  flattenContainers(root);
  return sanitizeHtml()(root.innerHTML, SANITIZE_OPTIONS).trim();
}

function resolveUrls(root: DomElement, baseUrl: string | undefined): void {
  for (const link of elementsOf(root.querySelectorAll('a[href]'))) {
    setResolved(link, 'href', link.getAttribute('href'), baseUrl);
  }
  for (const image of elementsOf(root.querySelectorAll('img'))) {
    setResolved(image, 'src', imageSource(image), baseUrl);
  }
}

/** Lazy-loading pages keep the real address in data attributes or srcset and a placeholder in src. */
function imageSource(image: DomElement): string | null {
  const src = image.getAttribute('src');
  if (src && !src.startsWith('data:')) return src;
  for (const attribute of ['data-src', 'data-original', 'data-lazy-src', 'data-url']) {
    const value = image.getAttribute(attribute);
    if (value) return value;
  }
  const srcset = image.getAttribute('srcset') ?? image.getAttribute('data-srcset');
  return srcset?.trim().split(/\s+/)[0] ?? src;
}

function setResolved(element: DomElement, attribute: string, value: string | null, baseUrl: string | undefined): void {
  if (!value) return;
  const resolved = /^\s*javascript:/i.test(value) ? undefined : (absoluteUrl(value, baseUrl) ?? value.trim());
  if (resolved === undefined) element.removeAttribute(attribute);
  else element.setAttribute(attribute, resolved);
}

/**
 * Dissolves container elements so the output is a flat run of blocks:
 * a container holding only inline content becomes a paragraph; one holding
 * blocks is replaced by its children, with loose inline runs wrapped in
 * paragraphs. Without this, sanitizing would glue "a</div><div>b" into "ab".
 */
function flattenContainers(root: DomElement): void {
  for (const child of elementsOf(root.children)) flattenElement(child);
  wrapInlineRuns(root);
}

function flattenElement(element: DomElement): void {
  for (const child of elementsOf(element.children)) flattenElement(child);
  if (!CONTAINERS.has(element.localName)) return;
  if (hasBlockChild(element)) {
    wrapInlineRuns(element);
    element.replaceWith(...Array.from(element.childNodes));
  } else {
    element.replaceWith(renamed(element, 'p'));
  }
}

function hasBlockChild(element: DomElement): boolean {
  return Array.from(element.children).some((child) => KEPT_BLOCKS.has(child.localName) || CONTAINERS.has(child.localName));
}

function isBlock(node: DomNode): boolean {
  return isElement(node) && (KEPT_BLOCKS.has(node.localName) || CONTAINERS.has(node.localName));
}

/** Wraps each run of inline children that has visible content in a `<p>`. */
function wrapInlineRuns(element: DomElement): void {
  let run: DomNode[] = [];
  const flush = (before: DomNode | null): void => {
    if (run.some(hasContent)) {
      const paragraph = element.ownerDocument.createElement('p');
      element.insertBefore(paragraph, before);
      for (const node of run) paragraph.appendChild(node);
    }
    run = [];
  };
  for (const node of Array.from(element.childNodes)) {
    if (isBlock(node)) flush(node);
    else run.push(node);
  }
  flush(null);
}

function hasContent(node: DomNode): boolean {
  if (node.nodeType === TEXT_NODE) return (node.textContent ?? '').trim() !== '';
  return isElement(node) && (node.localName === 'img' || (node.textContent ?? '').trim() !== '' || node.querySelector('img') !== null);
}

function renamed(element: DomElement, tag: string): DomElement {
  const replacement = element.ownerDocument.createElement(tag);
  for (const node of Array.from(element.childNodes)) replacement.appendChild(node);
  return replacement;
}
