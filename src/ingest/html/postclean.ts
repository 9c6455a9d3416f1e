import { elementsOf, isElement, linkTextLength, textLength, type DomElement, type DomNode } from './dom.js';

/*
 * Boilerplate that survives inside the extracted article. At the end:
 * "related stories" lists, "more on this topic" links and the headings that
 * introduced blocks removed earlier. In the middle only labelled teaser
 * links ("Read also: <a>…</a>"): other link-dense paragraphs there are
 * usually references the author meant to keep.
 */

/** Share of a block's text inside links above which the block is a link list. */
const LINK_DENSITY = 0.5;

/** A block longer than this ends the tail: it is article text. */
const TAIL_BLOCK_LENGTH = 40;

/** Longer "headings" are text set in a heading tag, not a label for what follows. */
const MAX_LABEL_LENGTH = 80;

const BLOCKS = 'p, li, h1, h2, h3, h4, h5, h6, dd, dt';

/** Longest block that can be a labelled teaser link. */
const MAX_TEASER_LENGTH = 150;

/** "Read also:", "VEA TAMBIÉN:", "Lesen Sie auch:" before a link: a short label ending in a colon. */
const TEASER_LABEL = /^[^.!?:]{2,40}:$/;

export function pruneTeaserLinks(root: DomElement): void {
  for (const block of elementsOf(root.querySelectorAll(BLOCKS))) {
    const length = textLength(block);
    if (length === 0 || length > MAX_TEASER_LENGTH || !isLinkList(block, length)) continue;
    if (TEASER_LABEL.test(textBeforeFirstLink(block))) block.remove();
  }
}

export function pruneTail(root: DomElement): void {
  const blocks = elementsOf(root.querySelectorAll(BLOCKS));
  // The first block stays whatever it is, so a page never loses all its text.
  for (const block of blocks.slice(1).reverse()) {
    const length = textLength(block);
    if (length === 0) continue;
    if (isLinkList(block, length) || (isLabel(block, length) && !hasContentAfter(block, root))) {
      block.remove();
      continue;
    }
    if (length > TAIL_BLOCK_LENGTH) break;
  }
}

function isLinkList(block: DomElement, length: number): boolean {
  return linkTextLength(block) / length >= LINK_DENSITY;
}

function isLabel(block: DomElement, length: number): boolean {
  return /^h[1-6]$/.test(block.localName) && length <= MAX_LABEL_LENGTH;
}

function textBeforeFirstLink(block: DomElement): string {
  let text = '';
  for (const node of Array.from(block.childNodes)) {
    if (isElement(node) && (node.localName === 'a' || node.querySelector('a') !== null)) break;
    text += node.textContent ?? '';
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** Whether any text or image follows `element` inside `root`. */
function hasContentAfter(element: DomElement, root: DomElement): boolean {
  for (let node: DomElement | null = element; node && node !== root; node = node.parentNode) {
    for (let next = node.nextSibling; next; next = next.nextSibling) {
      if (hasContent(next)) return true;
    }
  }
  return false;
}

function hasContent(node: DomNode): boolean {
  if ((node.textContent ?? '').trim() !== '') return true;
  return isElement(node) && (node.localName === 'img' || node.querySelector('img') !== null);
}
