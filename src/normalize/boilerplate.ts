import type { Block } from '../types.js';
import { countWords } from '../text/clean.js';
import type { NormalizeRules } from './rules.js';

/** A short paragraph that matches a boilerplate pattern or repeats across the corpus is scraper residue. */
export function isBoilerplate(text: string, rules: NormalizeRules, repeated: ReadonlySet<string>): boolean {
  if (repeated.has(fingerprint(text))) return true;
  if (countWords(text) > rules.boilerplateMaxWords) return false;
  const line = text.replace(/[\s:|·•>»-]+$/u, '').trim();
  return rules.boilerplate.some((pattern) => pattern.test(line));
}

/** Case- and punctuation-insensitive identity of a line, for the corpus-level pass. */
export function fingerprint(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

const REPEAT_MAX_WORDS = 25;
const REPEAT_MIN_DOCUMENTS = 3;

/**
 * Lines that appear in several documents of the corpus are site furniture
 * ("Reuters contributed to this report", a newsletter plug), whatever their wording.
 * Only short lines count, so a quote shared by two stories is never lost.
 */
export function findRepeatedLines(documents: readonly { blocks: readonly Block[] }[]): Set<string> {
  return repeatedAmong(documents.map((doc) => candidateLines(doc.blocks)));
}

/** One document's lines that count towards the corpus-level pass: its short paragraphs and subheadings, each once. */
export function candidateLines(blocks: readonly Block[]): string[] {
  const lines = new Set<string>();
  for (const block of blocks) {
    if ((block.kind === 'p' || block.kind === 'h2') && countWords(block.text) <= REPEAT_MAX_WORDS) {
      const key = fingerprint(block.text);
      if (key) lines.add(key);
    }
  }
  return [...lines];
}

/** The lines found in enough documents, from each document's candidateLines. */
export function repeatedAmong(documents: Iterable<readonly string[]>): Set<string> {
  const seenIn = new Map<string, number>();
  for (const lines of documents) for (const line of lines) seenIn.set(line, (seenIn.get(line) ?? 0) + 1);
  return new Set([...seenIn].filter(([, count]) => count >= REPEAT_MIN_DOCUMENTS).map(([line]) => line));
}

/** The fingerprint of every text isBoilerplate checks in a document (code blocks are never boilerplate), each once. */
export function checkedLines(blocks: readonly Block[]): string[] {
  const texts = blocks.flatMap((block) => (block.kind === 'pre' ? [] : block.kind === 'list' ? block.items.map((item) => item.text) : [block.text]));
  return [...new Set(texts.map(fingerprint))];
}
