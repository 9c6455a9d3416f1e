/*
 * Measures article extraction on the two corpora in ../shared/data (they are
 * not in the repository; see their READMEs):
 *
 *   article-pages    Readability's test pages; word 4-gram agreement of our text
 *                    with the text of Readability's expected.html.
 *   extraction-eval  990 real pages with human "must contain" / "must not
 *                    contain" snippets; micro-averaged precision/recall/F1.
 *
 * Each corpus is run through Wirefeed's extractor and through plain
 * Readability (over linkedom) in the same process, so the figures compare.
 *
 *   npx tsx scripts/eval-extraction.ts [--corpus article-pages|extraction-eval|all]
 *                                      [--baseline] [--worst N] [--details FILE]
 *
 * --baseline also scores plain Readability; --details writes per-page results as JSON.
 */
import { Readability } from '@mozilla/readability';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodeHtml, extractHtml } from '../src/ingest/html.js';
import { isElement, parseDocument, parseFragment, TEXT_NODE, type DomElement } from '../src/ingest/html/dom.js';

export const DATA_DIR = resolve(fileURLToPath(new URL('../../shared/data', import.meta.url)));
export const ARTICLE_PAGES_DIR = join(DATA_DIR, 'article-pages');
export const EXTRACTION_EVAL_DIR = join(DATA_DIR, 'extraction-eval');
const FAKE_BASE_URL = 'http://fakehost/test/page.html';

/** Turns a page into plain text; throws or returns '' when it finds nothing. */
export type Extractor = (html: string, url: string | undefined) => string;

export const wirefeed: Extractor = (html, url) => extractHtml(html, url ? { url } : {}).text;

export const readabilityOnly: Extractor = (html) => {
  const article = new Readability(parseDocument(html) as never).parse();
  return article?.content ? blockText(article.content) : '';
};

/* ---------- article-pages ---------- */

export interface ArticlePage {
  name: string;
  kind: 'page' | 'synthetic';
  note: string;
  source: string;
  expected: string;
}

export function loadArticlePages(dir = ARTICLE_PAGES_DIR): ArticlePage[] {
  const rows = readFileSync(join(dir, 'index.tsv'), 'utf8').trim().split('\n').slice(1);
  return rows.map((row) => {
    const cells = row.split('\t');
    const name = cells[0]!;
    const gunzip = (file: string): string => gunzipSync(readFileSync(join(dir, name, file))).toString('utf8');
    return {
      name,
      kind: cells[1] === 'page' ? 'page' : 'synthetic',
      note: cells[10] ?? '',
      source: gunzip('source.html.gz'),
      expected: blockText(gunzip('expected.html.gz')),
    };
  });
}

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'li',
  'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
  'caption', 'center', 'body', 'html',
]);

/** Text of HTML as the article-pages README defines it: blocks on their own lines, inline tags add nothing. */
export function blockText(html: string): string {
  const parts: string[] = [];
  const walk = (element: DomElement): void => {
    for (const node of Array.from(element.childNodes)) {
      if (isElement(node)) {
        if (node.localName === 'script' || node.localName === 'style') continue;
        const block = BLOCK_TAGS.has(node.localName);
        if (block) parts.push('\n');
        walk(node);
        if (block) parts.push('\n');
      } else if (node.nodeType === TEXT_NODE) {
        parts.push(node.textContent ?? '');
      }
    }
  };
  walk(parseFragment(html));
  return parts.join('');
}

export function words(text: string): string[] {
  return text.match(/[\p{L}\p{M}\p{N}_]+/gu) ?? [];
}

/** Word 4-grams with their counts; 1–3 words give one shingle of them all. */
export function shingleCounts(text: string): Map<string, number> {
  const tokens = words(text);
  const counts = new Map<string, number>();
  const add = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
  if (tokens.length > 0 && tokens.length < 4) add(tokens.join(' '));
  for (let i = 0; i + 4 <= tokens.length; i++) add(tokens.slice(i, i + 4).join(' '));
  return counts;
}

export interface ShingleScore {
  /** Multiset overlap (each 4-gram counted as often as it occurs). */
  f1: number;
  /** Set overlap, as in the corpus README; undefined precision when we output nothing. */
  setPrecision: number | undefined;
  setRecall: number;
}

export function shingleScore(expected: string, extracted: string): ShingleScore {
  const e = shingleCounts(expected);
  const x = shingleCounts(extracted);
  let overlap = 0;
  let setOverlap = 0;
  for (const [key, count] of x) {
    const other = e.get(key);
    if (other === undefined) continue;
    overlap += Math.min(count, other);
    setOverlap += 1;
  }
  const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  const [xTotal, eTotal] = [total(x), total(e)];
  const f1 = xTotal + eTotal === 0 ? 1 : (2 * overlap) / (xTotal + eTotal);
  return {
    f1,
    setPrecision: x.size === 0 ? undefined : setOverlap / x.size,
    setRecall: e.size === 0 ? 1 : setOverlap / e.size,
  };
}

export interface PageResult {
  name: string;
  score: ShingleScore;
  ms: number;
  error?: string;
}

export function runArticlePages(pages: ArticlePage[], extractor: Extractor): PageResult[] {
  return pages.map((page) => {
    const { text, ms, error } = timed(() => extractor(page.source, FAKE_BASE_URL));
    return { name: page.name, score: shingleScore(page.expected, text), ms, ...(error ? { error } : {}) };
  });
}

export interface ArticleSummary {
  pages: number;
  meanF1: number;
  precision: number;
  recall: number;
  f1: number;
  failures: number;
}

export function summarizeArticlePages(results: PageResult[]): ArticleSummary {
  const precisions = results.flatMap((r) => (r.score.setPrecision === undefined ? [] : [r.score.setPrecision]));
  const precision = mean(precisions);
  const recall = mean(results.map((r) => r.score.setRecall));
  return {
    pages: results.length,
    meanF1: mean(results.map((r) => r.score.f1)),
    precision,
    recall,
    f1: harmonic(precision, recall),
    failures: results.filter((r) => r.error !== undefined || r.score.setPrecision === undefined).length,
  };
}

/* ---------- extraction-eval ---------- */

export interface EvalPage {
  name: string;
  url: string | undefined;
  with: string[];
  without: string[];
}

export function loadEvalAnnotations(dir = EXTRACTION_EVAL_DIR): EvalPage[] {
  const raw = JSON.parse(readFileSync(join(dir, 'annotations.json'), 'utf8')) as Record<string, { with: string[]; without: string[]; url?: string }>;
  return Object.keys(raw)
    .sort()
    .map((name) => ({ name, url: raw[name]!.url, with: raw[name]!.with, without: raw[name]!.without }));
}

export function loadEvalPage(page: EvalPage, dir = EXTRACTION_EVAL_DIR): string {
  return decodeHtml(gunzipSync(readFileSync(join(dir, 'pages', `${page.name}.html.gz`))));
}

export interface SnippetCounts {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
}

export interface EvalResult {
  name: string;
  counts: SnippetCounts;
  missed: string[];
  leaked: string[];
  ms: number;
  error?: string;
}

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

export function scoreSnippets(page: EvalPage, text: string): Omit<EvalResult, 'name' | 'ms'> {
  const output = squash(text);
  const missed = page.with.filter((snippet) => !output || !output.includes(squash(snippet)));
  const leaked = output ? page.without.filter((snippet) => output.includes(squash(snippet))) : [];
  return {
    counts: { tp: page.with.length - missed.length, fn: missed.length, fp: leaked.length, tn: page.without.length - leaked.length },
    missed,
    leaked,
  };
}

export function runExtractionEval(pages: EvalPage[], extractor: Extractor, dir = EXTRACTION_EVAL_DIR): EvalResult[] {
  return pages.map((page) => {
    const html = loadEvalPage(page, dir);
    const { text, ms, error } = timed(() => extractor(html, page.url));
    return { name: page.name, ...scoreSnippets(page, text), ms, ...(error ? { error } : {}) };
  });
}

export interface EvalSummary {
  pages: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  failures: number;
}

export function summarizeExtractionEval(results: EvalResult[]): EvalSummary {
  const sum = results.reduce(
    (acc, r) => ({ tp: acc.tp + r.counts.tp, fn: acc.fn + r.counts.fn, fp: acc.fp + r.counts.fp, tn: acc.tn + r.counts.tn }),
    { tp: 0, fn: 0, fp: 0, tn: 0 },
  );
  return {
    pages: results.length,
    precision: sum.tp / (sum.tp + sum.fp),
    recall: sum.tp / (sum.tp + sum.fn),
    f1: (2 * sum.tp) / (2 * sum.tp + sum.fp + sum.fn),
    accuracy: (sum.tp + sum.tn) / (sum.tp + sum.tn + sum.fp + sum.fn),
    failures: results.filter((r) => r.error !== undefined).length,
  };
}

/* ---------- helpers ---------- */

function timed(run: () => string): { text: string; ms: number; error?: string } {
  const start = performance.now();
  try {
    const text = run();
    return { text, ms: performance.now() - start };
  } catch (error) {
    return { text: '', ms: performance.now() - start, error: error instanceof Error ? error.message : String(error) };
  }
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function harmonic(a: number, b: number): number {
  return a + b === 0 ? 0 : (2 * a * b) / (a + b);
}

function timing(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `mean ${mean(ms).toFixed(1)} ms, median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms`;
}

const f = (x: number): string => x.toFixed(4);

/* ---------- command line ---------- */

interface Args {
  corpus: 'article-pages' | 'extraction-eval' | 'all';
  baseline: boolean;
  worst: number;
  details: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { corpus: 'all', baseline: false, worst: 10, details: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--baseline') args.baseline = true;
    else if (arg === '--corpus') args.corpus = argv[++i] as Args['corpus'];
    else if (arg === '--worst') args.worst = Number(argv[++i]);
    else if (arg === '--details') args.details = argv[++i];
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!['article-pages', 'extraction-eval', 'all'].includes(args.corpus)) throw new Error(`unknown corpus ${args.corpus}`);
  return args;
}

function reportArticlePages(args: Args, details: Record<string, unknown>): void {
  if (!existsSync(ARTICLE_PAGES_DIR)) return console.log(`article-pages: ${ARTICLE_PAGES_DIR} not found, skipped`);
  const pages = loadArticlePages();
  const real = new Set(pages.filter((p) => p.kind === 'page').map((p) => p.name));
  const plain = new Set(pages.filter((p) => p.kind === 'page' && !p.note).map((p) => p.name));
  const runs: [string, PageResult[]][] = [['wirefeed', runArticlePages(pages, wirefeed)]];
  if (args.baseline) runs.push(['readability', runArticlePages(pages, readabilityOnly)]);

  console.log(`\n== article-pages (${pages.length} pages; word 4-grams vs Readability's expected.html) ==`);
  console.log('meanF1 = mean per-page F1 of 4-gram multisets; P/R/F1 = README method (4-gram sets, mean P and R, F1 of means)');
  for (const [label, results] of runs) {
    for (const [subset, keep] of [['all', undefined], ['kind=page', real], ['page, no note', plain]] as const) {
      const s = summarizeArticlePages(keep ? results.filter((r) => keep.has(r.name)) : results);
      console.log(
        `${label.padEnd(12)} ${subset.padEnd(14)} n=${String(s.pages).padStart(3)}  meanF1 ${f(s.meanF1)}  P ${f(s.precision)}  R ${f(s.recall)}  F1 ${f(s.f1)}  no-output ${s.failures}`,
      );
    }
    console.log(`${label.padEnd(12)} time per page: ${timing(results.map((r) => r.ms))}`);
  }
  const ours = runs[0]![1];
  console.log(`\nworst ${args.worst} kind=page pages (wirefeed, per-page multiset F1, set P/R):`);
  for (const r of ours.filter((r) => real.has(r.name)).sort((a, b) => a.score.f1 - b.score.f1).slice(0, args.worst)) {
    console.log(`  ${f(r.score.f1)}  P ${r.score.setPrecision === undefined ? '  -   ' : f(r.score.setPrecision)}  R ${f(r.score.setRecall)}  ${r.name}${r.error ? `  ERROR ${r.error}` : ''}`);
  }
  details['article-pages'] = Object.fromEntries(runs.map(([label, results]) => [label, results]));
}

function reportExtractionEval(args: Args, details: Record<string, unknown>): void {
  if (!existsSync(EXTRACTION_EVAL_DIR)) return console.log(`extraction-eval: ${EXTRACTION_EVAL_DIR} not found, skipped`);
  const pages = loadEvalAnnotations();
  const runs: [string, EvalResult[]][] = [['wirefeed', runExtractionEval(pages, wirefeed)]];
  if (args.baseline) runs.push(['readability', runExtractionEval(pages, readabilityOnly)]);

  console.log(`\n== extraction-eval (${pages.length} pages; human must-contain / must-not-contain snippets, micro-averaged) ==`);
  for (const [label, results] of runs) {
    const s = summarizeExtractionEval(results);
    console.log(
      `${label.padEnd(12)} P ${f(s.precision)}  R ${f(s.recall)}  F1 ${f(s.f1)}  accuracy ${f(s.accuracy)}  no-output ${s.failures}   time per page: ${timing(results.map((r) => r.ms))}`,
    );
  }
  const ours = runs[0]![1];
  const cost = (r: EvalResult): number => r.counts.fn + r.counts.fp;
  console.log(`\nworst ${args.worst} pages (wirefeed, missed + leaked snippets):`);
  for (const r of [...ours].sort((a, b) => cost(b) - cost(a) || a.name.localeCompare(b.name)).slice(0, args.worst)) {
    console.log(`  missed ${r.counts.fn}/${r.counts.tp + r.counts.fn}  leaked ${r.counts.fp}/${r.counts.fp + r.counts.tn}  ${r.name}${r.error ? `  ERROR ${r.error}` : ''}`);
  }
  details['extraction-eval'] = Object.fromEntries(runs.map(([label, results]) => [label, results]));
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const details: Record<string, unknown> = {};
  if (args.corpus !== 'extraction-eval') reportArticlePages(args, details);
  if (args.corpus !== 'article-pages') reportExtractionEval(args, details);
  if (args.details) writeFileSync(args.details, JSON.stringify(details, null, 1));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
