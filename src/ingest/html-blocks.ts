import { linkedom } from '../load-on-use.js';
import type { Block } from '../types.js';
import { cleanInline } from '../text/clean.js';
import { escapeMarkup } from '../text/escape.js';
import { htmlToText, sanitize } from '../text/sanitize.js';

/*
 * linkedom's types degrade to `any` without the DOM lib; this is the small
 * part of a node that block splitting reads.
 */
interface Node {
  readonly nodeType: number;
  readonly childNodes: ArrayLike<Node>;
  readonly textContent: string | null;
  readonly localName?: string;
  readonly innerHTML?: string;
  readonly outerHTML?: string;
}

const ELEMENT = 1;
const TEXT = 3;

// Elements that only group other blocks: their children are walked, the wrapper is dropped.
const CONTAINERS = new Set(['div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'figure', 'body', 'center', 'details', 'dl', 'dd', 'dt']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
// Captions are the extractor's leftovers around images; figures keep their images through `img` in paragraphs.
const DROPPED = new Set(['figcaption', 'hr', 'script', 'style', 'nav', 'form', 'button', 'summary']);
const BLOCKS = new Set(['p', 'ul', 'ol', 'blockquote', 'pre', 'table']);

/**
 * Turns the extracted article HTML of a saved page into the pipeline's blocks:
 * paragraphs, subheadings (every heading level becomes h2: the item title is
 * the only h1), lists, quotes, preformatted text, and tables kept whole as
 * sanitized markup. Inline text between block elements becomes a paragraph.
 */
export function htmlToBlocks(html: string): Block[] {
  const { document } = linkedom().parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const blocks: Block[] = [];
  walk(document.body as Node, blocks);
  return blocks;
}

function walk(parent: Node, blocks: Block[]): void {
  let inline: Node[] = [];
  const flush = (): void => {
    const block = richBlock(inline.map(outer).join(''));
    inline = [];
    if (block.text) blocks.push({ kind: 'p', ...block });
  };
  for (const node of Array.from(parent.childNodes)) {
    const name = node.nodeType === ELEMENT ? (node.localName ?? '') : '';
    if (node.nodeType === TEXT || (node.nodeType === ELEMENT && !isBlockElement(name))) {
      inline.push(node);
      continue;
    }
    if (node.nodeType !== ELEMENT) continue;
    flush();
    blockOf(node, name, blocks);
  }
  flush();
}

function isBlockElement(name: string): boolean {
  return CONTAINERS.has(name) || HEADINGS.has(name) || DROPPED.has(name) || BLOCKS.has(name);
}

function blockOf(node: Node, name: string, blocks: Block[]): void {
  if (DROPPED.has(name)) return;
  if (name === 'p') {
    const block = elementBlock(node);
    if (block.text) blocks.push({ kind: 'p', ...block });
  } else if (HEADINGS.has(name)) {
    const block = elementBlock(node);
    if (block.text) blocks.push({ kind: 'h2', ...block });
  } else if (name === 'ul' || name === 'ol') {
    const items = Array.from(node.childNodes)
      .filter((child) => child.nodeType === ELEMENT && child.localName === 'li')
      .map(elementBlock)
      .filter((item) => item.text);
    if (items.length) blocks.push({ kind: 'list', ordered: name === 'ol', items });
  } else if (name === 'blockquote') {
    // A quote is one block of inline markup; its paragraphs stay apart as line breaks.
    const inner: Block[] = [];
    walk(node, inner);
    const parts = inner.filter((b): b is Extract<Block, { html: string }> => 'html' in b && b.kind !== 'html');
    const html = parts.map((b) => b.html).join('<br /><br />');
    const text = parts.map((b) => b.text).join(' ');
    if (text) blocks.push({ kind: 'quote', text, html });
  } else if (name === 'pre') {
    const text = (node.textContent ?? '').replace(/^\n+|\s+$/g, '');
    if (text) blocks.push({ kind: 'pre', text });
  } else if (name === 'table') {
    const html = sanitize(node.outerHTML ?? '');
    const text = cleanText(htmlToText(html));
    if (text) blocks.push({ kind: 'html', text, html });
  } else {
    walk(node, blocks);
  }
}

function outer(node: Node): string {
  // Text nodes come back decoded from the DOM and go back into markup.
  return node.nodeType === TEXT ? escapeMarkup(node.textContent ?? '') : (node.outerHTML ?? '');
}

function elementBlock(node: Node): { text: string; html: string } {
  return richBlock(node.innerHTML ?? '');
}

/**
 * Sanitized inline markup and its plain text. The text is read from the
 * sanitized markup, so whatever sanitizing drops (a script's source) is
 * never in the text either. Unicode spaces become plain ones in both.
 */
function richBlock(html: string): { text: string; html: string } {
  const clean = cleanText(sanitize(html)).replace(/^(?:<br\s*\/?>\s*)+|(?:\s*<br\s*\/?>)+$/g, '');
  return { text: cleanText(htmlToText(clean)), html: clean };
}

function cleanText(text: string): string {
  return cleanInline(text.replace(/\s+/g, ' '));
}
