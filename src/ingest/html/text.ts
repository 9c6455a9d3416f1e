import { isElement, parseFragment, TEXT_NODE, type DomElement, type DomNode } from './dom.js';

/*
 * Plain text of sanitized body HTML: one paragraph per block, separated by a
 * blank line; table cells separated by tabs and rows by newlines. Inline
 * markup adds nothing, so "foo<b>bar</b>" stays one word.
 */

const PARAGRAPH_BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'figure', 'ul', 'ol', 'table', 'div', 'section', 'article', 'dl', 'dt', 'dd']);

export function htmlToText(html: string): string {
  const paragraphs: string[] = [];
  collect(parseFragment(html), paragraphs);
  return paragraphs.join('\n\n');
}

/** Walks the tree, pushing each finished paragraph onto `paragraphs`. */
function collect(element: DomElement, paragraphs: string[]): void {
  let inline = '';
  const flush = (): void => {
    const text = tidy(inline);
    if (text) paragraphs.push(text);
    inline = '';
  };
  for (const node of Array.from(element.childNodes)) {
    if (!isElement(node)) {
      if (node.nodeType === TEXT_NODE) inline += node.textContent ?? '';
      continue;
    }
    const tag = node.localName;
    if (tag === 'pre') {
      flush();
      const text = (node.textContent ?? '').replace(/^\n+|\s+$/g, '');
      if (text) paragraphs.push(text);
    } else if (tag === 'tr') {
      flush();
      const row = Array.from(node.children).map((cell) => tidy(inlineText(cell))).filter(Boolean).join('\t');
      if (row) paragraphs.push(row);
    } else if (PARAGRAPH_BLOCKS.has(tag) || tag === 'tbody' || tag === 'thead' || tag === 'tfoot') {
      flush();
      collect(node, paragraphs);
    } else if (tag === 'br') {
      inline += '\n';
    } else {
      inline += inlineText(node);
    }
  }
  flush();
}

/** Text of an inline subtree, keeping `<br>` as a line break. */
function inlineText(node: DomNode): string {
  if (!isElement(node)) return node.nodeType === TEXT_NODE ? (node.textContent ?? '') : '';
  if (node.localName === 'br') return '\n';
  let text = '';
  for (const child of Array.from(node.childNodes)) text += inlineText(child);
  return PARAGRAPH_BLOCKS.has(node.localName) ? ` ${text} ` : text;
}

/** Collapses runs of spaces (not line breaks) and trims each line. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\f\r\u00a0]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}
