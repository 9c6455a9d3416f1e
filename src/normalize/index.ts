import type { Article, Block, SourceDocument } from '../types.js';
import { cleanInline } from '../text/clean.js';
import { decodeEntities, stripTags } from '../text/sanitize.js';
import { applyAliases, mapHtmlText } from './aliases.js';
import { isBoilerplate } from './boilerplate.js';
import type { NormalizeRules } from './rules.js';
import { dropRepeatedTitle, markSubheadings } from './structure.js';

export { findRepeatedLines } from './boilerplate.js';
export { loadRules, type NormalizeRules } from './rules.js';

/**
 * Cleans one document: boilerplate out, source-language leftovers replaced,
 * structure recovered. `repeated` holds the corpus-level boilerplate lines
 * (see findRepeatedLines); pass an empty set for a single document.
 */
export function normalizeDocument(doc: SourceDocument, rules: NormalizeRules, repeated: ReadonlySet<string> = new Set()): Article {
  const title = applyAliases(plainTitle(doc.title), rules);
  let blocks = doc.blocks.flatMap((block) => cleanBlock(block, rules, repeated));
  blocks = dropRepeatedTitle(title, blocks);
  if (doc.format === 'text') blocks = markSubheadings(blocks);
  return { ...doc, title, blocks };
}

/**
 * A title is plain text. Tags and character references in it are scraping
 * artefacts ("<b>Breaking</b>", "Ben &amp;amp; Jerry"): readers would show them
 * literally and validators flag them as undeclared markup. Unlike body text,
 * a title is decoded until no reference is left.
 */
function plainTitle(title: string): string {
  let text = title;
  for (let i = 0; i < 3 && /&(#x?[0-9a-f]+|[a-z]+);/i.test(text); i++) text = decodeEntities(text);
  return cleanInline(stripTags(text));
}

function cleanBlock(block: Block, rules: NormalizeRules, repeated: ReadonlySet<string>): Block[] {
  const fix = (text: string): string => applyAliases(text, rules);
  switch (block.kind) {
    case 'pre':
      return [block];
    case 'list': {
      const items = block.items
        .filter((item) => item.text && !isBoilerplate(item.text, rules, repeated))
        .map((item) => ({ text: fix(item.text), html: mapHtmlText(item.html, fix) }));
      return items.length ? [{ ...block, items }] : [];
    }
    default:
      if (!block.text || isBoilerplate(block.text, rules, repeated)) return [];
      return [{ ...block, text: fix(block.text), html: mapHtmlText(block.html, fix) }];
  }
}
