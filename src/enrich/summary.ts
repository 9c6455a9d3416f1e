import type { Block } from '../types.js';
import { countWords } from '../text/clean.js';
import { splitSentences } from '../text/sentences.js';
import { fingerprint } from '../normalize/boilerplate.js';

export const SUMMARY_MAX_WORDS = 60;
// A lead sentence this short reads better with the one after it.
const SHORT_SENTENCE_WORDS = 25;
// A sentence is added to the lead only while the summary stays this short: a reader scanning a feed wants the gist, not a paragraph.
const ADDED_MAX_WORDS = 45;
const CANDIDATE_SENTENCES = 8;
const MIN_SENTENCE_WORDS = 4;
// Scripts written without spaces (Chinese, Japanese) count a whole clause as one word; characters bound them instead.
const SUMMARY_MAX_CHARS = 400;

// A capitalized function word in mid-sentence, before a lower-case word, marks a broken machine-translated join
// ("… in Cuba and Venezuela If tensions rise"); before a capital it starts a name ("reported by The Washington Post").
const BROKEN_JOIN = /[\p{Ll},] (?:If|The|And|But|Or|Of|To|In|On|For|With|That|Which|While) \p{Ll}/u;

interface Candidate {
  text: string;
  index: number;
  words: number;
  /** A standfirst: a heading-styled lead paragraph, often without a final stop. */
  deck?: boolean;
}

// A heading above the first paragraph this long is the article's standfirst, not a section title.
const DECK_MIN_WORDS = 8;

/**
 * An extractive summary: whole sentences from the article, in their order,
 * at most 60 words and 3 sentences. News puts the point first, so the first
 * sentences that can stand alone win (a standfirst and key-point bullets above
 * the first paragraph count as sentences); the title itself, repeated, is
 * never its own summary.
 */
export function summarize(title: string, blocks: readonly Block[]): string {
  const headline = fingerprint(title);
  const candidates = sentencesOf(blocks)
    .filter((c) => standsAlone(c) && fingerprint(c.text) !== headline)
    .slice(0, CANDIDATE_SENTENCES);
  if (candidates.length === 0) return fallbackSummary(blocks);
  // Position only: on real pages, preferring sentences that share the title's words moved
  // summaries away from the lead and lowered ROUGE against the publishers' own descriptions.
  const score = (c: Candidate): number => 1 / (1 + 0.35 * c.index) - (BROKEN_JOIN.test(c.text) ? 0.5 : 0);
  const best = candidates.reduce((a, b) => (score(b) > score(a) ? b : a));
  const chosen = [best];
  let words = best.words;
  for (;;) {
    // The next sentence that stands alone, stepping over at most one that does not (a dateline, a credit, a caption).
    const last = chosen[chosen.length - 1]!;
    const next = candidates.find((c) => c.index > last.index && c.index <= last.index + 2);
    const full = !next || chosen.length >= 3 || words >= SHORT_SENTENCE_WORDS;
    if (full || words + next.words > ADDED_MAX_WORDS || BROKEN_JOIN.test(next.text) || chosen.reduce((n, c) => n + c.text.length, next.text.length) > SUMMARY_MAX_CHARS) break;
    chosen.push(next);
    words += next.words;
  }
  // A standfirst often has no final stop; joined to the next sentence it would run on ("… by spring The council …").
  return chosen.map((c, i) => (c.deck && i < chosen.length - 1 && !/[.!?…]$/u.test(c.text) ? `${c.text}.` : c.text)).join(' ');
}

function sentencesOf(blocks: readonly Block[]): Candidate[] {
  const out: Candidate[] = [];
  let seenParagraph = false;
  for (const block of blocks) {
    // Bullets above the first paragraph are the article's key points ("- Rivals fear the plan …"): summary material.
    if (block.kind === 'list' && !seenParagraph) {
      for (const item of block.items) for (const text of joinFragments(splitSentences(item.text))) out.push({ text, index: out.length, words: countWords(text) });
      continue;
    }
    if (block.kind !== 'p' && block.kind !== 'h2') continue;
    const words = countWords(block.text);
    const unpunctuatedLead = block.kind === 'p' && out.length === 0 && !/[.!?…:;,"”“’')»]$/u.test(block.text);
    if ((block.kind === 'h2' && !seenParagraph) || unpunctuatedLead) {
      if (words >= DECK_MIN_WORDS && words <= SUMMARY_MAX_WORDS) out.push({ text: block.text, index: out.length, words, deck: true });
      continue;
    }
    if (block.kind === 'h2') continue;
    seenParagraph = true;
    for (const text of joinFragments(splitSentences(block.text))) out.push({ text, index: out.length, words: countWords(text) });
  }
  return out;
}

// A sentence this short is a dateline or a label ("WASHINGTON, D.C."), not a sentence.
const FRAGMENT_WORDS = 4;

/**
 * The sentence splitter breaks inside quotations ("He said “Stop. Now.” and left")
 * and after datelines; a summary must never cut a quote open, so a piece is
 * joined to the next while its quotation marks or brackets are unbalanced or it is too short to stand.
 */
function joinFragments(sentences: string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (const sentence of sentences) {
    pending = pending ? `${pending} ${sentence}` : sentence;
    if (balancedQuotes(pending) && countWords(pending) >= FRAGMENT_WORDS) {
      out.push(pending);
      pending = '';
    }
  }
  if (pending) out.push(pending);
  return out;
}

function standsAlone(c: Candidate): boolean {
  return (
    c.words >= MIN_SENTENCE_WORDS &&
    c.text.length <= SUMMARY_MAX_CHARS &&
    c.words <= SUMMARY_MAX_WORDS &&
    /^[\p{Lu}\p{N}“"‘'¿¡„«]/u.test(c.text) &&
    (c.deck || /[.!?…"”“’')»]$/u.test(c.text)) &&
    balancedQuotes(c.text) &&
    // Markup-like text (code, scraping debris) reads badly out of context and looks like HTML to feed readers.
    !/<\/?[a-z][^>]*>/i.test(c.text)
  );
}

function balancedQuotes(text: string): boolean {
  const count = (re: RegExp): number => (text.match(re) ?? []).length;
  // English pairs “ with ”, German „ with “: either way the curly marks come in pairs.
  return count(/[„“”]/g) % 2 === 0 && count(/"/g) % 2 === 0 && count(/«/g) === count(/»/g) && count(/\(/g) === count(/\)/g);
}

/** When no sentence qualifies (lists, fragments), the first words of the body, cut at a word boundary. */
function fallbackSummary(blocks: readonly Block[]): string {
  const text = blocks.map((b) => ('text' in b ? b.text : b.items.map((i) => i.text).join('; '))).join(' ');
  // Whitespace tokens are cut by the words countWords sees ("U.S.-led" is three), so the bound holds as measured.
  const kept: string[] = [];
  let words = 0;
  for (const token of text.split(/\s+/).filter(Boolean)) {
    words += countWords(token);
    if (words > SUMMARY_MAX_WORDS - 1) break;
    kept.push(token);
  }
  let cut = kept.length < text.split(/\s+/).filter(Boolean).length ? `${kept.join(' ')} …` : kept.join(' ');
  if (cut.length > SUMMARY_MAX_CHARS) cut = `${[...cut].slice(0, SUMMARY_MAX_CHARS / 2).join('')} …`;
  return cut;
}
