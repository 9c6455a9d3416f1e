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

/**
 * repeatedAmong for a long-lived process (watch mode), counting again only
 * the documents whose lines changed: counting every line of 10k documents
 * took about 9 ms of each watch rebuild. The set it returns is the same
 * object as long as its members stay the same.
 */
export class RepeatedLines {
  private readonly counts = new Map<string, number>();
  /** The lines counted for each document, by its name; a document whose lines are the same array is not counted again. */
  private readonly counted = new Map<string, readonly string[]>();
  private repeated: ReadonlySet<string> = new Set();

  /** The repeated lines among `documents`, each named once (its path): those of the last call not named are gone. */
  among(documents: readonly { name: string; lines: readonly string[] }[]): ReadonlySet<string> {
    const joined = new Set<string>();
    const left = new Set<string>();
    const counted = this.counted.size;
    let known = 0;
    for (const { name, lines } of documents) {
      const before = this.counted.get(name);
      if (before !== undefined) known++;
      if (before === lines) continue;
      if (before) this.count(before, -1, joined, left);
      this.count(lines, 1, joined, left);
      this.counted.set(name, lines);
    }
    if (known < counted) {
      const named = new Set(documents.map((doc) => doc.name));
      for (const [name, lines] of this.counted) {
        if (named.has(name)) continue;
        this.count(lines, -1, joined, left);
        this.counted.delete(name);
      }
    }
    if (joined.size > 0 || left.size > 0) {
      const repeated = new Set(this.repeated);
      for (const line of left) repeated.delete(line);
      for (const line of joined) repeated.add(line);
      // A line that left and came back, or the other way round, may end where it was.
      if (repeated.size !== this.repeated.size || [...repeated].some((line) => !this.repeated.has(line))) this.repeated = repeated;
    }
    return this.repeated;
  }

  private count(lines: readonly string[], step: 1 | -1, joined: Set<string>, left: Set<string>): void {
    for (const line of lines) {
      const count = (this.counts.get(line) ?? 0) + step;
      if (count === 0) this.counts.delete(line);
      else this.counts.set(line, count);
      if (step === 1 && count === REPEAT_MIN_DOCUMENTS) {
        left.delete(line);
        joined.add(line);
      } else if (step === -1 && count === REPEAT_MIN_DOCUMENTS - 1) {
        joined.delete(line);
        left.add(line);
      }
    }
  }
}

/** The fingerprint of every text isBoilerplate checks in a document (code blocks are never boilerplate), each once. */
export function checkedLines(blocks: readonly Block[]): string[] {
  const texts = blocks.flatMap((block) => (block.kind === 'pre' ? [] : block.kind === 'list' ? block.items.map((item) => item.text) : [block.text]));
  return [...new Set(texts.map(fingerprint))];
}
