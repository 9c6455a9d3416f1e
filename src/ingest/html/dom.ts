import { parseHTML } from 'linkedom';

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
 * algorithm: without literal `<html>` and `<body>` tags it leaves the content
 * outside `document.body`, where Readability never looks. Saved pages do
 * omit them, so the missing tags are added first.
 */
export function parseDocument(html: string): DomDocument {
  let source = html;
  if (!/<body[\s>]/i.test(source)) {
    source = /<\/head\s*>/i.test(source)
      ? source.replace(/<\/head\s*>/i, '$&<body>')
      : source.replace(/^(\s*<!doctype[^>]*>)?(\s*<html[^>]*>)?/i, '$&<body>');
  }
  if (!/<html[\s>]/i.test(source)) {
    source = source.replace(/^(\s*<!doctype[^>]*>)?/i, '$&<html>') + '</html>';
  }
  return parseHTML(source).document as DomDocument;
}

/** Parses an HTML fragment and returns the element that holds it. */
export function parseFragment(html: string): DomElement {
  const doc = parseDocument(`<!doctype html><html><head></head><body>${html}</body></html>`);
  return doc.body ?? doc.documentElement;
}

export function elementsOf(list: ArrayLike<DomElement>): DomElement[] {
  return Array.from(list);
}
