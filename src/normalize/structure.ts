import type { Block } from '../types.js';
import { countWords } from '../text/clean.js';
import { fingerprint } from './boilerplate.js';

const SUBHEADING_MAX_WORDS = 10;
const SUBHEADING_MAX_CHARS = 90;

/**
 * In plain text, a short line between paragraphs that does not end like a
 * sentence is a subheading ("EE.UU-Russia: ¿ruptura total?"). A question mark
 * is allowed: headings often ask; a full stop, comma or colon means prose.
 */
export function markSubheadings(blocks: Block[]): Block[] {
  return blocks.map((block, i) => {
    if (block.kind !== 'p' || i === 0 || i === blocks.length - 1) return block;
    const next = blocks[i + 1];
    const text = block.text;
    const looksLikeHeading =
      countWords(text) <= SUBHEADING_MAX_WORDS &&
      text.length <= SUBHEADING_MAX_CHARS &&
      !/[.,;:…"”»)]$/u.test(text) &&
      !/^["“«(]/u.test(text) &&
      next !== undefined &&
      next.kind !== 'h2';
    return looksLikeHeading ? { kind: 'h2', text: block.text, html: block.html } : block;
  });
}

/** Scrapers often repeat the headline as the first paragraph. */
export function dropRepeatedTitle(title: string, blocks: Block[]): Block[] {
  const first = blocks[0];
  if (first && 'text' in first && first.kind !== 'pre' && fingerprint(first.text) === fingerprint(title)) return blocks.slice(1);
  return blocks;
}
