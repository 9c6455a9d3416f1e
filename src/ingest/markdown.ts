import { marked, type Token, type Tokens } from 'marked';
import { yaml } from '../load-on-use.js';
import type { Block } from '../types.js';
import { cleanInline, unifyLineEndings } from '../text/clean.js';
import { htmlToText, sanitize } from '../text/sanitize.js';
import { MetaError } from './meta.js';
import { textBlock } from './text.js';

export interface ParsedMarkdown {
  frontMatter: unknown;
  /** Text of the first level-1 heading, used when front matter has no title. */
  heading?: string;
  blocks: Block[];
}

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;

export function parseMarkdown(source: string): ParsedMarkdown {
  const text = unifyLineEndings(source).replace(/^\uFEFF/, '');
  const match = FRONT_MATTER.exec(text);
  let frontMatter: unknown;
  if (match) {
    try {
      frontMatter = yaml().parse(match[1] ?? '', { schema: 'core' });
    } catch (error) {
      const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
      // Front matter starts on line 2 of the file.
      const where = line ? ` at line ${line + 1}` : '';
      throw new MetaError(`front matter is not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const body = match ? text.slice(match[0].length) : text;
  const blocks: Block[] = [];
  let heading: string | undefined;
  for (const token of marked.lexer(body)) {
    if (token.type === 'heading' && (token as Tokens.Heading).depth === 1 && heading === undefined && blocks.length === 0) {
      heading = cleanInline(htmlToText(inline(token.text)));
      continue;
    }
    const block = toBlock(token);
    if (block) blocks.push(block);
  }
  return { frontMatter, heading, blocks };
}

function toBlock(token: Token): Block | undefined {
  switch (token.type) {
    case 'paragraph':
      return { kind: 'p', ...richBlock(inline(token.text)) };
    case 'heading':
      return { kind: 'h2', ...richBlock(inline(token.text)) };
    case 'blockquote':
      return { kind: 'quote', ...richBlock(inline((token as Tokens.Blockquote).text.replace(/\n+/g, ' '))) };
    case 'list': {
      const list = token as Tokens.List;
      return { kind: 'list', ordered: list.ordered, items: list.items.map((item) => richBlock(inline(item.text.replace(/\n+/g, ' ')))) };
    }
    case 'code':
      return { kind: 'pre', text: (token as Tokens.Code).text };
    case 'table':
    case 'html': {
      const html = sanitize(marked.parser([token]));
      const text = cleanInline(htmlToText(html));
      return text ? { kind: 'html', text, html } : undefined;
    }
    default:
      return undefined;
  }
}

function inline(markdown: string): string {
  return marked.parseInline(markdown, { async: false });
}

function richBlock(html: string): { text: string; html: string } {
  const clean = sanitize(html).trim();
  const text = cleanInline(htmlToText(clean));
  // Inline markup that sanitizes away entirely falls back to escaped text.
  return clean ? { text, html: clean } : textBlock(text);
}
