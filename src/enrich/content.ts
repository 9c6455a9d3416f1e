import type { Block } from '../types.js';
import { escapeMarkup } from '../text/escape.js';

/** The article body as the HTML that goes into content:encoded, Atom content and content_html. */
export function blocksToHtml(blocks: readonly Block[]): string {
  return blocks.map(blockHtml).join('\n');
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'p':
      return `<p>${block.html}</p>`;
    case 'h2':
      return `<h2>${block.html}</h2>`;
    case 'quote':
      return `<blockquote><p>${block.html}</p></blockquote>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      return `<${tag}>${block.items.map((item) => `<li>${item.html}</li>`).join('')}</${tag}>`;
    }
    case 'pre':
      return `<pre><code>${escapeMarkup(block.text)}</code></pre>`;
    case 'html':
      return block.html;
  }
}

/** Plain text of the body: paragraphs separated by blank lines, list items on their own lines. */
export function blocksToText(blocks: readonly Block[]): string {
  return blocks
    .map((block) => (block.kind === 'list' ? block.items.map((item) => `- ${item.text}`).join('\n') : block.text))
    .join('\n\n');
}
