import type { Block } from '../types.js';
import { cleanInline, unifyLineEndings } from '../text/clean.js';
import { escapeMarkup } from '../text/escape.js';
import { decodeEntities } from '../text/sanitize.js';

export interface ParsedText {
  title: string;
  blocks: Block[];
}

const BULLET = /^\s*(?:[-*•]|\d{1,3}[.)])\s+/;
const QUOTE = /^\s*>\s?/;

/**
 * Plain text as scrapers write it: the title on the first non-empty line,
 * paragraphs separated by blank lines. Lines marked as bullets or `>` quotes
 * keep that structure; other line breaks inside a paragraph are soft wraps.
 */
export function parseText(source: string): ParsedText {
  const lines = unifyLineEndings(source).split('\n');
  const titleIndex = lines.findIndex((line) => cleanInline(line) !== '');
  if (titleIndex === -1) return { title: '', blocks: [] };
  const title = cleanInline(decodeEntities(lines[titleIndex] ?? ''));
  const rest = lines.slice(titleIndex + 1).join('\n');
  const blocks: Block[] = [];
  for (const chunk of rest.split(/\n\s*\n/)) {
    const block = parseChunk(chunk.split('\n').filter((line) => cleanInline(line) !== ''));
    if (block) blocks.push(block);
  }
  return { title, blocks };
}

function parseChunk(lines: string[]): Block | undefined {
  if (lines.length === 0) return undefined;
  if (lines.every((line) => BULLET.test(line))) {
    const ordered = /^\s*\d/.test(lines[0] ?? '');
    const items = lines.map((line) => textBlock(line.replace(BULLET, '')));
    return { kind: 'list', ordered, items };
  }
  if (lines.every((line) => QUOTE.test(line))) {
    return { kind: 'quote', ...textBlock(lines.map((line) => line.replace(QUOTE, '')).join(' ')) };
  }
  return { kind: 'p', ...textBlock(lines.join(' ')) };
}

/**
 * Scraped text often keeps the page's character references ("Ben &amp; Jerry");
 * they are decoded exactly once, so a literal "&amp;amp;" stays visible as "&amp;".
 */
export function textBlock(raw: string): { text: string; html: string } {
  const text = cleanInline(decodeEntities(raw));
  return { text, html: escapeMarkup(text) };
}
