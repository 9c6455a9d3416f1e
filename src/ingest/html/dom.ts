import { linkedom } from '../../load-on-use.js';

/*
 * The project compiles without the DOM lib (it runs on Node), so linkedom's
 * types degrade to `any`. These interfaces name the small part of the DOM
 * that extraction uses, so the rest of the code stays strictly typed.
 */

export interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly parentNode: DomElement | null;
  readonly childNodes: ArrayLike<DomNode>;
  readonly nextSibling: DomNode | null;
  readonly previousSibling: DomNode | null;
  readonly ownerDocument: DomDocument;
  readonly isConnected: boolean;
  textContent: string | null;
  remove(): void;
}

export interface DomElement extends DomNode {
  readonly tagName: string;
  readonly localName: string;
  readonly children: ArrayLike<DomElement>;
  readonly firstChild: DomNode | null;
  readonly attributes: ArrayLike<{ name: string; value: string }>;
  id: string;
  className: string;
  innerHTML: string;
  readonly outerHTML: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getElementsByTagName(name: string): ArrayLike<DomElement>;
  appendChild(node: DomNode): DomNode;
  insertBefore(node: DomNode, ref: DomNode | null): DomNode;
  replaceWith(...nodes: DomNode[]): void;
  closest(selector: string): DomElement | null;
  cloneNode(deep: true): DomElement;
}

export interface DomDocument {
  readonly documentElement: DomElement;
  readonly head: DomElement | null;
  readonly body: DomElement | null;
  readonly title: string;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getElementsByTagName(name: string): ArrayLike<DomElement>;
  createElement(tag: string): DomElement;
  createTextNode(text: string): DomNode;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === ELEMENT_NODE;
}

/**
 * Parses a whole page. linkedom does not run the HTML tree-construction
 * algorithm: unless `<html>`, `<head>` and `<body>` are written out in order
 * it leaves the content outside `document.body`, where Readability never
 * looks. Saved pages do omit them, so the skeleton is completed first.
 */
export function parseDocument(html: string): DomDocument {
  return linkedom().parseHTML(withSkeleton(html)).document as DomDocument;
}

const HTML_OPEN = /<html(?:\s[^>]*)?>/i;
const HEAD_OPEN = /<head(?:\s[^>]*)?>/i;
const BODY_OPEN = /<body(?:\s[^>]*)?>/i;
const HEAD_TAGS = new Set(['html', 'head', 'meta', 'link', 'title', 'script', 'style', 'base', 'noscript', 'template']);

function withSkeleton(page: string): string {
  const html = withoutJunkBeforeHtml(page);
  const htmlAt = html.search(HTML_OPEN);
  const headAt = html.search(HEAD_OPEN);
  const bodyAt = html.search(BODY_OPEN);
  if (htmlAt >= 0 && headAt > htmlAt && bodyAt > headAt) return html;
  const htmlTag = HTML_OPEN.exec(html)?.[0] ?? '<html>';
  const headTag = HEAD_OPEN.exec(html)?.[0] ?? '<head>';
  const bodyTag = BODY_OPEN.exec(html)?.[0] ?? '<body>';
  const rest = html.replace(/^\s*<!doctype[^>]*>/i, '').replace(HTML_OPEN, '').replace(HEAD_OPEN, '').replace(BODY_OPEN, '\u0000');
  const split = rest.includes('\u0000') ? rest.indexOf('\u0000') : firstBodyTag(rest);
  const head = rest.slice(0, split).replace(/<\/head\s*>/gi, '');
  const body = rest.slice(split).replace('\u0000', '');
  return `<!doctype html>${htmlTag}${headTag}${head}</head>${bodyTag}${body}`;
}

/**
 * Drops what a server printed before `<html>` (PHP warnings, stray style
 * blocks): linkedom would make that the document element and bury the page.
 */
function withoutJunkBeforeHtml(html: string): string {
  // IE conditional comments hold extra <html> tags; only a tag outside comments counts.
  const htmlAt = html.replace(/<!--[\s\S]*?-->/g, (comment) => ' '.repeat(comment.length)).search(HTML_OPEN);
  if (htmlAt <= 0) return html;
  const prefix = html.slice(0, htmlAt).replace(/<!--[\s\S]*?-->|<!doctype[^>]*>|<\?xml[^>]*>/gi, '');
  return /\S/.test(prefix) ? `<!doctype html>${html.slice(htmlAt)}` : html;
}

/** Index where the body starts: the first tag that cannot belong to the head, or the first loose text. */
function firstBodyTag(html: string): number {
  const tags = /<(script|style|title|noscript)\b[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->|<\/?([a-zA-Z][\w-]*)[^>]*>/gi;
  let end = 0;
  for (let match = tags.exec(html); match; match = tags.exec(html)) {
    if (/\S/.test(html.slice(end, match.index))) return end;
    const name = match[2]?.toLowerCase();
    if (name !== undefined && !HEAD_TAGS.has(name)) return match.index;
    end = match.index + match[0].length;
  }
  return /\S/.test(html.slice(end)) ? end : html.length;
}

/** Parses an HTML fragment and returns the element that holds it. */
export function parseFragment(html: string): DomElement {
  const doc = parseDocument(`<!doctype html><html><head></head><body>${html}</body></html>`);
  return doc.body ?? doc.documentElement;
}

export function elementsOf(list: ArrayLike<DomElement>): DomElement[] {
  return Array.from(list);
}

/** Length of an element's text with whitespace runs counted as one character. */
export function textLength(element: DomElement): number {
  return (element.textContent ?? '').replace(/\s+/g, ' ').trim().length;
}

/** Length of the text inside an element's links. */
export function linkTextLength(element: DomElement): number {
  return elementsOf(element.getElementsByTagName('a')).reduce((sum, link) => sum + textLength(link), 0);
}
