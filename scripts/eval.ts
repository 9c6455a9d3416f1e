/**
 * Measures the normalizer on real, labelled news that nobody on the team wrote:
 *
 *   npm run eval [-- --entities]
 *
 * Data (kept out of git, read from ../shared/data relative to the repo root;
 * see each folder's README):
 *   article-pages    Readability's real saved pages: items published, title
 *                    accuracy, summaries against the pages' own descriptions,
 *                    clean paragraphs for the boilerplate-injection test, and
 *                    the entity sample.
 *   extraction-eval  990 real pages with human "must contain / must not
 *                    contain" snippets: items published, real boilerplate
 *                    leakage and paragraph recall after normalizing.
 *   news-sections    the section classifier's test split: accuracy and
 *                    confusion matrix (never used for training or tuning).
 *
 * --entities prints the hand-check sample's entities with their recorded
 * judgements (scripts/entity-judgements.json), marking unjudged ones.
 * Figures are recorded in docs/quality.md.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { blocksToText } from '../src/enrich/content.js';
import { enrichArticle } from '../src/enrich/index.js';
import { majorityLanguage } from '../src/enrich/language.js';
import { classifySection, DEFAULT_SECTIONS } from '../src/enrich/section.js';
import { decodeHtml } from '../src/ingest/html.js';
import { htmlToBlocks } from '../src/ingest/html-blocks.js';
import { ingestDocument } from '../src/ingest/index.js';
import { applyAliases } from '../src/normalize/aliases.js';
import { fingerprint } from '../src/normalize/boilerplate.js';
import { findRepeatedLines, loadRules, normalizeDocument } from '../src/normalize/index.js';
import { countWords, cleanInline } from '../src/text/clean.js';
import { splitSentences } from '../src/text/sentences.js';
import type { Item, RawDocument, SourceDocument } from '../src/types.js';
import { confusion, containsSnippet, firstWords, isLeadCopy, mean, pageDescription, rouge1, seededRandom } from './eval-metrics.js';

const DATA = resolve(fileURLToPath(new URL('../../shared/data', import.meta.url)));
const ARTICLE_PAGES = join(DATA, 'article-pages');
const EXTRACTION_EVAL = join(DATA, 'extraction-eval');
const NEWS_SECTIONS = join(DATA, 'news-sections');
const JUDGEMENTS = fileURLToPath(new URL('./entity-judgements.json', import.meta.url));

const rules = loadRules();
const SITE_URL = 'http://localhost:3000';
const EPOCH = new Date('2024-01-01T00:00:00Z');

interface Built {
  items: Map<string, Item>;
  sources: Map<string, SourceDocument>;
  failures: Map<string, string>;
  seconds: number;
}

/**
 * ingest → corpus pass → normalize → enrich, as src/pipeline.ts runs them,
 * without rendering: the eval needs the items, not the feeds.
 */
function buildItems(raws: readonly RawDocument[]): Built {
  const started = performance.now();
  const failures = new Map<string, string>();
  const sources = new Map<string, SourceDocument>();
  for (const raw of raws) {
    try {
      sources.set(raw.path, ingestDocument(raw, { sourceDateEpoch: EPOCH }));
    } catch (error) {
      failures.set(raw.path, (error as Error).message);
    }
  }
  const repeated = findRepeatedLines([...sources.values()]);
  const items = new Map<string, Item>();
  for (const [path, source] of sources) {
    try {
      items.set(path, enrichArticle(normalizeDocument(source, rules, repeated), { siteUrl: SITE_URL, entityAliases: rules.entityAliases }));
    } catch (error) {
      failures.set(path, (error as Error).message);
    }
  }
  return { items, sources, failures, seconds: (performance.now() - started) / 1000 };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number): string => x.toFixed(3);

/* ---------- article-pages ---------- */

interface ArticlePage {
  name: string;
  source: Buffer;
  expectedHtml: string;
  meta: { title?: string; excerpt?: string; lang?: string };
}

function loadArticlePages(): ArticlePage[] {
  const rows = readFileSync(join(ARTICLE_PAGES, 'index.tsv'), 'utf8').trim().split('\n').slice(1).map((row) => row.split('\t'));
  // Real saved pages only; the synthetic fixtures are one-feature lorem ipsum.
  return rows
    .filter((cells) => cells[1] === 'page')
    .map((cells) => {
      const name = cells[0]!;
      const gunzip = (file: string): Buffer => gunzipSync(readFileSync(join(ARTICLE_PAGES, name, file)));
      return { name, source: gunzip('source.html.gz'), expectedHtml: gunzip('expected.html.gz').toString('utf8'), meta: JSON.parse(gunzip('expected-metadata.json.gz').toString('utf8')) };
    });
}

function reportArticlePages(pages: ArticlePage[], built: Built): void {
  console.log(`\n## article-pages (${pages.length} real saved pages)`);
  console.log(`items published: ${built.items.size}/${pages.length} (${[...built.failures].map(([p, r]) => `${p}: ${r}`).join('; ') || 'no failures'}) in ${built.seconds.toFixed(1)} s`);
  let exact = 0;
  let loose = 0;
  let judged = 0;
  const misses: string[] = [];
  for (const page of pages) {
    const item = built.items.get(`${page.name}.html`);
    const expected = page.meta.title ? cleanInline(page.meta.title) : '';
    if (!expected) continue;
    judged++;
    const got = item?.title ?? '';
    if (got === expected) exact++;
    if (fingerprint(got) === fingerprint(expected)) loose++;
    else misses.push(`${page.name}: got "${got}" expected "${expected}"`);
  }
  console.log(`title accuracy vs Readability's expected title: exact ${exact}/${judged} (${pct(exact / judged)}), ignoring case and punctuation ${loose}/${judged} (${pct(loose / judged)})`);
  for (const miss of misses.slice(0, 12)) console.log(`  title miss: ${miss}`);
}

/* ---------- summaries ---------- */

interface SummaryCase {
  name: string;
  reference: string;
  summary: string;
  body: string;
}

function reportSummaries(cases: SummaryCase[]): void {
  const usable = cases.filter((c) => countWords(c.reference) >= 8 && c.summary);
  const leadCopies = usable.filter((c) => isLeadCopy(c.reference, c.body));
  const independent = usable.filter((c) => !isLeadCopy(c.reference, c.body));
  console.log(`\n## summaries vs the pages' own descriptions (ROUGE-1 F, lower-cased words, no stemming)`);
  console.log(`pages with a description of >= 8 words and an item: ${usable.length}; description is a copy of the article's opening: ${leadCopies.length} (${pct(leadCopies.length / usable.length)})`);
  const lengths = usable.map((c) => countWords(c.summary));
  console.log(`summary length: mean ${mean(lengths).toFixed(1)} words, max ${Math.max(...lengths)}; sentences per summary: mean ${mean(usable.map((c) => splitSentences(c.summary).length)).toFixed(2)}`);
  for (const [label, set] of [['independent descriptions (the headline figure)', independent], ['all descriptions', usable]] as const) {
    const k = mean(set.map((c) => countWords(c.summary)));
    const ours = mean(set.map((c) => rouge1(c.summary, c.reference).f));
    const lead = mean(set.map((c) => rouge1(firstWords(c.body, k), c.reference).f));
    const lead2 = mean(set.map((c) => rouge1(splitSentences(c.body.split('\n\n')[0] ?? '').slice(0, 2).join(' ') || firstWords(c.body, k), c.reference).f));
    const leadSentences = mean(set.map((c) => rouge1(splitSentences(c.body).slice(0, 2).join(' '), c.reference).f));
    console.log(`${label} (n=${set.length}): Wirefeed ${f3(ours)} | first-K-words (K=${k.toFixed(1)}) ${f3(lead)} | lead-2 sentences ${f3(leadSentences)} (first paragraph's ${f3(lead2)}) → ${ours >= lead ? 'at or above' : 'BELOW'} the first-K baseline`);
  }
}

/* ---------- boilerplate injection ---------- */

// The seed's kinds of scraper boilerplate, in wordings that are not the seed's strings
// (and not copied from data/boilerplate.json): the rules must generalize to them.
// {t} is another article's title, as a cross-link would show it.
const INJECTED = [
  'Share your love',
  'Share this story',
  'Comparte esta noticia',
  'Share on WhatsApp',
  'I also read: {t}',
  'Read Also   {t}',
  'READ ALSO: {t}',
  'Related: {t}',
  'See also - {t}',
  'Lee también: {t}',
  'Te puede interesar: {t}',
  'Más noticias: {t}',
  'Article Source',
  'Source of the article',
  'Fuente del artículo',
  'Advertisement',
  'ADVERTISEMENT',
  'Publicidad',
  'Follow us on Twitter and Facebook',
  'Síguenos en Instagram',
  'Subscribe to our daily newsletter for the latest news',
  'Sign up for our newsletter and get the top stories in your inbox',
  'Suscríbete a nuestro boletín',
  'We use cookies to give you the best experience on our site. By continuing you accept our cookie policy.',
  'Esta web utiliza cookies para mejorar la experiencia del usuario',
];
// A site footer no pattern knows: only the corpus-level pass can catch it.
const REPEATED_FOOTER = 'Copyright 2024 The Harbour Ledger Group, all reproduction rights reserved';

interface CleanArticle {
  name: string;
  title: string;
  paragraphs: string[];
}

function cleanArticles(pages: ArticlePage[]): CleanArticle[] {
  return pages.flatMap((page) => {
    const title = cleanInline(page.meta.title ?? '');
    const paragraphs = htmlToBlocks(page.expectedHtml)
      .filter((b) => b.kind === 'p')
      .map((b) => ('text' in b ? b.text : ''))
      .filter((t) => countWords(t) >= 12);
    return title && paragraphs.length >= 3 ? [{ name: page.name, title, paragraphs }] : [];
  });
}

function reportInjection(articles: CleanArticle[]): void {
  const random = seededRandom(20240101);
  const injected = new Map<string, string[]>();
  const raws: RawDocument[] = articles.map((article, i) => {
    const other = articles[(i + 1 + Math.floor(random() * (articles.length - 1))) % articles.length]!.title;
    const lines = [...article.paragraphs];
    const chosen: string[] = [];
    for (let n = 0; n < 5; n++) {
      const line = INJECTED[Math.floor(random() * INJECTED.length)]!.replace('{t}', other);
      chosen.push(line);
      lines.splice(Math.floor(random() * (lines.length + 1)), 0, line);
    }
    lines.unshift(article.title);
    lines.push(REPEATED_FOOTER);
    injected.set(`${article.name}.txt`, chosen);
    return { path: `${article.name}.txt`, bytes: new TextEncoder().encode(`${article.title}\n\n${lines.join('\n\n')}\n`), mtime: EPOCH };
  });
  const built = buildItems(raws);
  let lines = 0;
  let leaked = 0;
  let titles = 0;
  let footers = 0;
  let summaryLeaks = 0;
  let paragraphs = 0;
  let kept = 0;
  const leakedLines = new Map<string, number>();
  const lost: string[] = [];
  for (const article of articles) {
    const path = `${article.name}.txt`;
    const item = built.items.get(path);
    if (!item) continue;
    const text = fingerprint(item.contentText);
    // Injected lines are whole paragraphs: one leaks when a paragraph of the item is that line.
    const itemParagraphs = new Set(item.contentText.split('\n\n').map(fingerprint));
    for (const line of injected.get(path) ?? []) {
      lines++;
      if (itemParagraphs.has(fingerprint(line))) {
        leaked++;
        const template = INJECTED.find((t) => fingerprint(line).startsWith(fingerprint(t.replace('{t}', '')))) ?? line;
        leakedLines.set(template, (leakedLines.get(template) ?? 0) + 1);
      }
      if (fingerprint(item.summary).includes(fingerprint(line))) summaryLeaks++;
    }
    if (fingerprint(item.contentText.split('\n\n')[0] ?? '') === fingerprint(article.title)) titles++;
    if (text.includes(fingerprint(REPEATED_FOOTER))) footers++;
    for (const paragraph of article.paragraphs) {
      paragraphs++;
      // Aliases are meant to change prose ("OTAN" → "NATO"); a paragraph is kept if its aliased form is there.
      if (text.includes(fingerprint(applyAliases(paragraph, rules)))) kept++;
      else lost.push(`${article.name}: ${paragraph.slice(0, 90)}`);
    }
  }
  console.log(`\n## boilerplate injection (${built.items.size} clean real articles from article-pages' expected text, as plain text like the seed)`);
  console.log(`injected lines leaked: ${leaked}/${lines} (${pct(leaked / lines)}); repeated title kept: ${titles}/${built.items.size}; corpus-repeated footer kept: ${footers}/${built.items.size}; injected text in summaries: ${summaryLeaks}`);
  for (const [template, count] of leakedLines) console.log(`  leaked: "${template}" ×${count}`);
  console.log(`paragraph recall (real paragraphs kept verbatim, after aliases): ${kept}/${paragraphs} (${pct(kept / paragraphs)})`);
  for (const line of lost.slice(0, 10)) console.log(`  lost: ${line}`);
}

/* ---------- extraction-eval: real boilerplate ---------- */

function reportRealSnippets(): { built: Built; cases: SummaryCase[] } | undefined {
  if (!existsSync(EXTRACTION_EVAL)) return undefined;
  const annotations = JSON.parse(readFileSync(join(EXTRACTION_EVAL, 'annotations.json'), 'utf8')) as Record<string, { with: string[]; without: string[]; url?: string }>;
  const files = readdirSync(join(EXTRACTION_EVAL, 'pages')).sort();
  const raws: RawDocument[] = [];
  const descriptions = new Map<string, string>();
  for (const file of files) {
    const bytes = gunzipSync(readFileSync(join(EXTRACTION_EVAL, 'pages', file)));
    const path = file.replace(/\.gz$/, '');
    const url = annotations[path.replace(/\.html$/, '')]?.url;
    raws.push({ path, bytes, mtime: EPOCH, ...(url ? { sidecar: { url } } : {}) });
    const description = pageDescription(decodeHtml(bytes));
    if (description) descriptions.set(path, description);
  }
  const built = buildItems(raws);
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tpRaw = 0;
  let fpRaw = 0;
  for (const raw of raws) {
    const note = annotations[raw.path.replace(/\.html$/, '')];
    if (!note) continue;
    const item = built.items.get(raw.path);
    const source = built.sources.get(raw.path);
    const text = item ? `${item.title}\n${item.contentText}` : '';
    const rawText = source ? `${source.title}\n${blocksToText(source.blocks)}` : '';
    for (const snippet of note.with) {
      if (containsSnippet(text, snippet)) tp++;
      else fn++;
      if (containsSnippet(rawText, snippet)) tpRaw++;
    }
    for (const snippet of note.without) {
      if (containsSnippet(text, snippet)) fp++;
      if (containsSnippet(rawText, snippet)) fpRaw++;
    }
  }
  const withTotal = tp + fn;
  const withoutTotal = Object.values(annotations).reduce((n, a) => n + a.without.length, 0);
  console.log(`\n## extraction-eval (${raws.length} real pages, human snippets; titles count as item text)`);
  console.log(`items published: ${built.items.size}/${raws.length} in ${built.seconds.toFixed(1)} s; not published: ${[...built.failures].map(([p, r]) => `${p} (${r})`).join('; ') || 'none'}`);
  console.log(`must-contain snippets kept: extracted ${tpRaw}/${withTotal} (${pct(tpRaw / withTotal)}) → after normalizing ${tp}/${withTotal} (${pct(tp / withTotal)})`);
  console.log(`must-not-contain snippets leaked: extracted ${fpRaw}/${withoutTotal} (${pct(fpRaw / withoutTotal)}) → after normalizing ${fp}/${withoutTotal} (${pct(fp / withoutTotal)})`);
  console.log(`F1 after normalizing: ${f3((2 * tp) / (2 * tp + fp + fn))}`);
  const languages = [...built.items.values()].map((item) => item.language.split('-')[0]!.toLowerCase());
  console.log(`item languages: ${[...count(languages)].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([l, n]) => `${l} ${n}`).join(', ')}; feed language (majority): ${majorityLanguage(languages, 'en')}`);
  const cases: SummaryCase[] = [];
  for (const [path, reference] of descriptions) {
    const item = built.items.get(path);
    if (item) cases.push({ name: path, reference, summary: item.summary, body: item.contentText });
  }
  return { built, cases };
}

function count(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/* ---------- sections ---------- */

function reportSections(): void {
  const file = join(NEWS_SECTIONS, 'test.jsonl.gz');
  if (!existsSync(file)) return console.log('\n## sections: skipped, ../shared/data/news-sections is absent');
  const rows = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as { section: string; headline: string; text: string });
  const results = rows.map((row) => ({ truth: row.section, result: classifySection(row.headline, row.text) }));
  const { accuracy, matrix } = confusion(DEFAULT_SECTIONS, results.map((r) => ({ truth: r.truth, predicted: r.result.section })));
  console.log(`\n## sections (news-sections test split, ${rows.length} HuffPost headlines; headlines only, the data has no bodies)`);
  console.log(`accuracy: ${f3(accuracy)} (${Math.round(accuracy * rows.length)}/${rows.length})`);
  console.log(`| true \\ predicted | ${DEFAULT_SECTIONS.join(' | ')} | recall |`);
  matrix.forEach((row, i) => console.log(`| ${DEFAULT_SECTIONS[i]} | ${row.join(' | ')} | ${pct(row[i]! / row.reduce((a, b) => a + b, 0))} |`));
  const fallback = 'World';
  const low = results.filter((r) => r.result.confidence < 0.6);
  const withFallback = results.filter((r) => (r.result.confidence < 0.6 ? fallback : r.result.section) === r.truth).length;
  console.log(`below the model's confidence threshold (0.6): ${low.length} (${pct(low.length / rows.length)}), their best guess right ${pct(low.filter((r) => r.result.section === r.truth).length / low.length)}`);
  console.log(`confident items only: ${f3((results.length - low.length) && results.filter((r) => r.result.confidence >= 0.6 && r.result.section === r.truth).length / (results.length - low.length))}; with fallback "${fallback}" for the rest, overall: ${f3(withFallback / rows.length)}`);
}

/* ---------- entities ---------- */

type Judgements = Record<string, Record<string, boolean>>;

function reportEntities(built: Built, print: boolean): void {
  const judgements = JSON.parse(readFileSync(JUDGEMENTS, 'utf8')) as { pages: Judgements };
  let right = 0;
  let judged = 0;
  const unjudged: string[] = [];
  for (const [page, verdicts] of Object.entries(judgements.pages)) {
    const item = built.items.get(`${page}.html`);
    if (!item) {
      unjudged.push(`${page}: no item`);
      continue;
    }
    const entities = item.tags.filter((t) => t.kind !== 'topic');
    if (print) console.log(`  ${page}: ${entities.map((t) => `${t.name} [${t.kind}]${t.name in verdicts ? (verdicts[t.name] ? ' ✓' : ' ✗') : ' ?'}`).join(', ')}`);
    for (const tag of entities) {
      const verdict = verdicts[tag.name];
      if (verdict === undefined) unjudged.push(`${page}: ${tag.name}`);
      else {
        judged++;
        if (verdict) right++;
      }
    }
  }
  console.log(`\n## entities (hand-checked sample: ${Object.keys(judgements.pages).length} article-pages items, judgements in scripts/entity-judgements.json)`);
  console.log(`precision: ${right}/${judged} (${pct(right / judged)}); entities with no recorded judgement (not counted): ${unjudged.length}${unjudged.length ? ` — ${unjudged.slice(0, 8).join('; ')}` : ''}`);
  const counts = [...built.items.values()].map((item) => item.tags.length);
  console.log(`tags per item over all article-pages items: mean ${mean(counts).toFixed(1)}, max ${Math.max(...counts)}`);
}

/* ---------- main ---------- */

function main(): void {
  if (!existsSync(ARTICLE_PAGES)) {
    console.log(`eval: skipped, ${DATA} is absent (the corpora stay out of git; see docs/quality.md)`);
    return;
  }
  const started = performance.now();
  const pages = loadArticlePages();
  const built = buildItems(pages.map((page) => ({ path: `${page.name}.html`, bytes: page.source, mtime: EPOCH })));
  reportArticlePages(pages, built);
  reportInjection(cleanArticles(pages));
  const real = reportRealSnippets();
  const cases: SummaryCase[] = [];
  for (const page of pages) {
    const item = built.items.get(`${page.name}.html`);
    const reference = pageDescription(page.source.toString('utf8'));
    if (item && reference) cases.push({ name: page.name, reference, summary: item.summary, body: item.contentText });
  }
  reportSummaries([...cases, ...(real?.cases ?? [])]);
  reportSections();
  reportEntities(built, process.argv.includes('--entities'));
  console.log(`\neval took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main();
