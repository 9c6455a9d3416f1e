/**
 * The measures `npm run eval` reports, as pure functions so they are tested
 * on their own (test/eval-metrics.test.ts) and the script stays I/O.
 */
import { fingerprint } from '../src/normalize/boilerplate.js';
import { cleanInline } from '../src/text/clean.js';
import { decodeEntities } from '../src/text/sanitize.js';

/** Lower-cased words (letters and digits), the unit of ROUGE-1. */
export function rougeTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** ROUGE-1 F1: clipped unigram overlap between a candidate and one reference. */
export function rouge1(candidate: string, reference: string): { precision: number; recall: number; f: number } {
  const cand = rougeTokens(candidate);
  const ref = rougeTokens(reference);
  if (cand.length === 0 || ref.length === 0) return { precision: 0, recall: 0, f: 0 };
  const counts = new Map<string, number>();
  for (const w of ref) counts.set(w, (counts.get(w) ?? 0) + 1);
  let overlap = 0;
  for (const w of cand) {
    const left = counts.get(w) ?? 0;
    if (left > 0) {
      overlap++;
      counts.set(w, left - 1);
    }
  }
  const precision = overlap / cand.length;
  const recall = overlap / ref.length;
  return { precision, recall, f: overlap === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/** The first `k` whitespace-separated words of a text: the lead baseline. */
export function firstWords(text: string, k: number): string {
  return text.split(/\s+/).filter(Boolean).slice(0, Math.max(0, Math.round(k))).join(' ');
}

/**
 * Whether a reference summary is only a copy of the article's opening
 * (a page whose description is its first sentence, possibly cut with "…"):
 * such a reference rewards the lead baseline by construction.
 */
export function isLeadCopy(reference: string, body: string): boolean {
  const ref = fingerprint(reference.replace(/(?:\.\.\.|…)\s*$/u, ''));
  if (!ref) return false;
  return fingerprint(body).slice(0, ref.length + 200).includes(ref);
}

/** Whether `snippet` occurs in `text` with runs of whitespace collapsed on both sides. */
export function containsSnippet(text: string, snippet: string): boolean {
  const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();
  return norm(text).includes(norm(snippet));
}

/** Accuracy and a confusion matrix (rows: truth, columns: prediction) over named classes. */
export function confusion(labels: readonly string[], pairs: readonly { truth: string; predicted: string }[]): { accuracy: number; matrix: number[][] } {
  const index = new Map(labels.map((label, i) => [label, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  let right = 0;
  for (const { truth, predicted } of pairs) {
    const row = index.get(truth);
    const col = index.get(predicted);
    if (row === undefined || col === undefined) throw new Error(`unknown label ${truth} or ${predicted}`);
    matrix[row]![col]!++;
    if (row === col) right++;
  }
  return { accuracy: pairs.length ? right / pairs.length : 0, matrix };
}

/** A small deterministic PRNG (mulberry32), so injected boilerplate lands in the same places on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const mean = (values: readonly number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

/** The page's own description (og:description, then meta description): written by the publisher, not by us. */
export function pageDescription(html: string): string | undefined {
  const tags = html.match(/<meta\b[^>]*>/gi) ?? [];
  const find = (key: string): string | undefined => {
    for (const tag of tags) {
      const name = /\b(?:name|property)\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1]?.toLowerCase();
      if (name !== key) continue;
      const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
      const value = cleanInline(decodeEntities(content?.[1] ?? content?.[2] ?? ''));
      if (value) return value;
    }
    return undefined;
  };
  return find('og:description') ?? find('description') ?? find('twitter:description');
}

