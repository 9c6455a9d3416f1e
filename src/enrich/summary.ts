import type { Block } from '../types.js';
import { countWords } from '../text/clean.js';
import { splitSentences } from '../text/sentences.js';

export const SUMMARY_MAX_WORDS = 60;
// A lead sentence this short reads better with the one after it.
const SHORT_SENTENCE_WORDS = 25;
const CANDIDATE_SENTENCES = 8;

const STOPWORDS = new Set('a an and are as at be by for from has have he her his in into is it its of on or that the their this to was were will with not does do did'.split(' '));
// A capitalized function word in mid-sentence marks a broken machine-translated join ("… in Cuba and Venezuela If tensions rise").
const BROKEN_JOIN = /[\p{Ll},] (?:If|The|And|But|Or|Of|To|In|On|For|With|That|Which|While)\b/u;

interface Candidate {
  text: string;
  index: number;
  words: number;
}

/**
 * An extractive summary: whole sentences from the article, in their order,
 * at most 60 words. News puts the point first, so position dominates; overlap
 * with the title breaks ties, and sentences that can't stand alone are skipped.
 */
export function summarize(title: string, blocks: readonly Block[]): string {
  const candidates = sentencesOf(blocks).filter(standsAlone).slice(0, CANDIDATE_SENTENCES);
  if (candidates.length === 0) return fallbackSummary(blocks);
  const titleWords = contentWords(title);
  const score = (c: Candidate): number => 1 / (1 + 0.35 * c.index) + 0.6 * overlap(contentWords(c.text), titleWords) - (BROKEN_JOIN.test(c.text) ? 0.5 : 0);
  const best = candidates.reduce((a, b) => (score(b) > score(a) ? b : a));
  const chosen = [best];
  const next = candidates.find((c) => c.index === best.index + 1);
  if (best.words < SHORT_SENTENCE_WORDS && next && best.words + next.words <= SUMMARY_MAX_WORDS && !BROKEN_JOIN.test(next.text)) chosen.push(next);
  return chosen.map((c) => c.text).join(' ');
}

function sentencesOf(blocks: readonly Block[]): Candidate[] {
  const out: Candidate[] = [];
  for (const block of blocks) {
    if (block.kind !== 'p') continue;
    for (const text of splitSentences(block.text)) out.push({ text, index: out.length, words: countWords(text) });
  }
  return out;
}

function standsAlone(c: Candidate): boolean {
  return (
    c.words >= 6 &&
    c.words <= SUMMARY_MAX_WORDS &&
    /^[\p{Lu}\p{N}“"‘'¿¡]/u.test(c.text) &&
    /[.!?…"”’')]$/u.test(c.text) &&
    balancedQuotes(c.text) &&
    // Markup-like text (code, scraping debris) reads badly out of context and looks like HTML to feed readers.
    !/<\/?[a-z][^>]*>/i.test(c.text)
  );
}

function balancedQuotes(text: string): boolean {
  const count = (re: RegExp): number => (text.match(re) ?? []).length;
  return count(/“/g) === count(/”/g) && count(/"/g) % 2 === 0 && count(/«/g) === count(/»/g);
}

function contentWords(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w)));
}

function overlap(words: Set<string>, title: Set<string>): number {
  if (title.size === 0) return 0;
  let shared = 0;
  for (const w of words) if (title.has(w)) shared++;
  return shared / title.size;
}

/** When no sentence qualifies (lists, fragments), the first words of the body, cut at a word boundary. */
function fallbackSummary(blocks: readonly Block[]): string {
  const text = blocks.map((b) => ('text' in b ? b.text : b.items.map((i) => i.text).join('; '))).join(' ');
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length <= SUMMARY_MAX_WORDS) return words.join(' ');
  return `${words.slice(0, SUMMARY_MAX_WORDS - 1).join(' ')} …`;
}
